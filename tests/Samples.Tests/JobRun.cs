using System.Runtime.CompilerServices;
using Axon.Samples.Fashion;

namespace Axon.Samples.Tests;

/// <summary>One in-process run of the main job's entry point with its exit code and what it wrote.</summary>
internal sealed record JobRun(int ExitCode, string Output, string Error)
{
    public static JobRun Start(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = MainJobCommand.Run(args, output, error);
        return new JobRun(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// The run failed with <paramref name="exitCode"/> and one line on stderr that names <paramref name="path"/> and
    /// says <paramref name="problem"/>, with no stack trace, before any work (nothing on stdout).
    /// </summary>
    public void FailsWith(int exitCode, string path, string problem)
    {
        Assert.True(exitCode == ExitCode, $"exit code {ExitCode}, expected {exitCode}; stderr: {Error}");
        string[] lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}: {Error}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(path, lines[0]);
        Assert.Contains(problem, lines[0]);
        Assert.DoesNotContain("   at ", Error);
        Assert.Equal("", Output);
    }

    /// <summary>A file of samples/Assets, found from this source file's place in the repository.</summary>
    public static string Asset(string name, [CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", "samples", "Assets", name));
}
