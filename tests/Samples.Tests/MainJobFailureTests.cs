using Axon.IO;
using Axon.Samples.Fashion;

namespace Axon.Samples.Tests;

/// <summary>
/// The main job's entry point, run in-process, on inputs and outputs that cannot work: each fails with one line on
/// stderr, no stack trace and its exit code, before any attribution runs (nothing is printed on stdout).
/// </summary>
public sealed class MainJobFailureTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_missing_weights_file_is_one_line_naming_it()
    {
        string missing = _directory.File("no-such.safetensors");
        var run = JobRun.Start("--weights", missing, "--report", _directory.File("report.html"));
        run.FailsWith(ExitCodes.InputMissing, missing, "no such file");
    }

    [Fact]
    public void A_truncated_weights_file_is_one_line_naming_it()
    {
        string truncated = _directory.File("truncated.safetensors");
        byte[] shipped = File.ReadAllBytes(JobRun.Asset("fashion-cnn.safetensors"));
        File.WriteAllBytes(truncated, shipped.AsSpan(0, shipped.Length / 2).ToArray());
        var run = JobRun.Start("--weights", truncated, "--report", _directory.File("report.html"));
        run.FailsWith(ExitCodes.InputInvalid, truncated, "weights");
    }

    [Fact]
    public void Another_models_weights_are_one_line_naming_the_tensors_that_do_not_fit()
    {
        // A valid safetensors file from a different network: its conv1 has 4 filters, and it has no conv2 at all.
        string other = _directory.File("other-model.safetensors");
        SafeTensorsWriter.Write(other,
        [
            new SafeTensorsEntry("conv1.weight", [4, 1, 3, 3], new float[36]),
            new SafeTensorsEntry("conv1.bias", [4], new float[4]),
        ]);
        var run = JobRun.Start("--weights", other, "--report", _directory.File("report.html"));
        run.FailsWith(ExitCodes.InputInvalid, other, "conv1.weight");
        Assert.Contains("conv2.weight", run.Error);
    }

    [Fact]
    public void A_directory_given_as_weights_is_one_line_saying_so()
    {
        var run = JobRun.Start("--weights", _directory.Path, "--report", _directory.File("report.html"));
        run.FailsWith(ExitCodes.InputMissing, _directory.Path, "is a directory");
    }

    [Fact]
    public void A_report_path_that_is_a_directory_fails_before_the_work()
    {
        var run = JobRun.Start("--report", _directory.Path);
        run.FailsWith(ExitCodes.OutputUnwritable, _directory.Path, "is a directory");
    }

    [Fact]
    public void A_report_path_under_a_file_fails_before_the_work()
    {
        string file = _directory.File("plain-file");
        File.WriteAllText(file, "not a folder");
        string report = Path.Combine(file, "out", "report.html");
        var run = JobRun.Start("--report", report);
        run.FailsWith(ExitCodes.OutputUnwritable, report, "cannot be created");
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    [Fact]
    public void A_results_path_that_is_a_directory_fails_before_the_work()
    {
        var run = JobRun.Start("--report", _directory.File("report.html"), "--results", _directory.Path);
        run.FailsWith(ExitCodes.OutputUnwritable, _directory.Path, "results");
        Assert.False(File.Exists(_directory.File("report.html")));
    }

    [Fact]
    public void The_output_check_creates_the_folder_but_leaves_no_file_and_keeps_an_existing_one()
    {
        string fresh = Path.Combine(_directory.Path, "new", "deeper", "report.html");
        OutputPath.EnsureWritable(fresh, "report");
        Assert.True(Directory.Exists(Path.GetDirectoryName(fresh)));
        Assert.False(File.Exists(fresh));

        string existing = _directory.File("kept.md");
        File.WriteAllText(existing, "previous results");
        OutputPath.EnsureWritable(existing, "results");
        Assert.Equal("previous results", File.ReadAllText(existing));
    }
}
