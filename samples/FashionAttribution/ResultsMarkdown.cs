using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Axon.Samples.Reporting;
using Spectre.Console;

namespace Axon.Samples.Fashion;

/// <summary>
/// Writes docs/results.md from one run: the command that regenerates it, when, on what machine and at which commit,
/// then every table of the run. Nothing of an existing file is kept: every number in it comes from this run.
/// </summary>
internal static class ResultsMarkdown
{
    /// <summary>The command line that regenerates the file with these options.</summary>
    public static string Command(Options options, int evaluated, string path)
    {
        string testSet = options.TestSet ? " --test-set" + (options.Limit is { } limit ? " " + limit.ToString(CultureInfo.InvariantCulture) : "") : "";
        string exact = options.ExactResultsPath is { } csv ? " --exact-results " + csv : "";
        return string.Create(CultureInfo.InvariantCulture, $"dotnet run -c Release --project samples/FashionAttribution -- --evaluate {evaluated} --steps {options.Steps}{testSet}{exact} --results {path}");
    }

    public static void Write(IAnsiConsole console, string path, IReadOnlyList<ReportTable> tables, int evaluated, Options options, double loadAtStart)
    {
        var text = new StringBuilder();
        text.AppendLine("# Paper evaluations on Fashion-MNIST");
        text.AppendLine();
        text.AppendLine($"Every number below comes from one command: `{Command(options, evaluated, path)}`");
        if (options.ExactResultsPath is { } exactCsv)
            text.AppendLine($"(the whole-test-set exact-rule table summarises `{exactCsv}`, written beforehand in resumable chunks by `-- --exact-test-set --csv {exactCsv}`)");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"(shipped weights, first {evaluated} test images, black baseline, predicted class as target unless a table says otherwise). ") +
            string.Create(CultureInfo.InvariantCulture,
            $"Run on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit {Commit()}, {Environment.ProcessorCount} cores ({RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}), load average {loadAtStart:F1} at the start; times depend on that load."));
        foreach (var table in tables)
        {
            text.AppendLine();
            text.AppendLine("## " + table.Title);
            text.AppendLine();
            text.AppendLine("| " + string.Join(" | ", table.Headers.Select(Cell)) + " |");
            text.AppendLine("|" + string.Concat(table.Headers.Select(_ => "---|")));
            foreach (var row in table.Rows) text.AppendLine("| " + string.Join(" | ", row.Select(c => Cell(c.Text))) + " |");
            if (table.Caption is { } caption)
            {
                text.AppendLine();
                text.AppendLine(caption);
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text.ToString());
        console.MarkupLine($"Results written to {Markup.Escape(Path.GetFullPath(path))}");
    }

    /// <summary>The one-minute load average (Linux), or NaN where it cannot be read.</summary>
    public static double LoadAverage()
    {
        try
        {
            string first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    /// <summary>A Markdown table cell: a literal '|' (as in "Mean |error|") would split the cell.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|");

    /// <summary>The checked-out commit (short hash, "+ changes" when the tree is dirty), or "unknown" outside a git checkout.</summary>
    private static string Commit()
    {
        string? hash = Git("rev-parse --short HEAD");
        if (hash is null) return "unknown";
        string? status = Git("status --porcelain --untracked-files=no");
        return string.IsNullOrWhiteSpace(status) ? hash : hash + " + uncommitted changes";
    }

    private static string? Git(string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
