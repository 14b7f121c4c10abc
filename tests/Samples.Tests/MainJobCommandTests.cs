using Axon.Samples.Fashion;

namespace Axon.Samples.Tests;

/// <summary>The main job's command line: help, typed values, and one clear line per mistake.</summary>
public sealed class MainJobCommandTests
{
    [Fact]
    public void Help_lists_every_option_and_exits_zero()
    {
        var run = JobRun.Start("--help");
        Assert.Equal(ExitCodes.Done, run.ExitCode);
        foreach (string option in new[] { "--test-set", "--evaluate", "--steps", "--tolerance", "--top", "--report", "--report-images", "--results", "--weights" })
            Assert.Contains(option, run.Output);
        Assert.Equal("", run.Error);
    }

    [Theory]
    [InlineData("--steps 0", "'--steps' needs a positive whole number, not '0'")]
    [InlineData("--top many", "'--top' needs a positive whole number, not 'many'")]
    [InlineData("--tolerance -0.5", "'--tolerance' needs a number >= 0, not '-0.5'")]
    [InlineData("--test-set -3", "'--test-set' needs a positive whole number, not '-3'")]
    [InlineData("--steps", "--steps")]
    [InlineData("--colour red", "--colour")]
    public void A_bad_argument_is_named_with_exit_code_2(string commandLine, string message)
    {
        var run = JobRun.Start(commandLine.Split(' '));
        Assert.Equal(ExitCodes.BadArguments, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Contains("--help", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Values_and_defaults_bind_to_the_options()
    {
        var command = new MainJobCommand();
        var defaults = command.Bind(command.Root.Parse([]));
        Assert.Equal(new Options(), defaults);

        var given = command.Bind(command.Root.Parse(["--test-set", "--evaluate", "--steps", "20", "--tolerance", "0", "--weights", "w.safetensors"]));
        Assert.True(given.TestSet);
        Assert.Null(given.Limit);
        Assert.Equal(1000, given.Evaluate);
        Assert.Equal(20, given.Steps);
        Assert.Equal(0, given.Tolerance);
        Assert.Equal("w.safetensors", given.WeightsPath);

        var limited = command.Bind(command.Root.Parse(["--test-set", "250", "--evaluate", "40"]));
        Assert.Equal(250, limited.Limit);
        Assert.Equal(40, limited.Evaluate);
    }
}
