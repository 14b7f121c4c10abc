using Axon.Samples.FashionTrain;

namespace Axon.Samples.Tests;

/// <summary>The training sample's command line: typed settings from valid arguments, one line and exit code 2 for a mistake.</summary>
public sealed class TrainCommandTests
{
    [Fact]
    public void Options_become_typed_settings()
    {
        var settings = Parse("--epochs", "3", "--optimizer", "adam", "--schedule", "constant", "--seed", "-7", "--limit", "500", "--export-samples", "12", "s.safetensors");
        Assert.NotNull(settings);
        Assert.Equal(3, settings.Epochs);
        Assert.Equal(OptimizerKind.Adam, settings.Optimizer);
        Assert.Equal(0.002, settings.EffectiveLearningRate);
        Assert.Equal(Schedule.Constant, settings.Schedule);
        Assert.Equal(-7, settings.Seed);
        Assert.Equal(500, settings.Limit);
        Assert.Equal(12, settings.ExportCount);
        Assert.Equal("s.safetensors", settings.ExportPath);
        Assert.Equal(new TrainSettings(), Parse());
    }

    [Theory]
    [InlineData("--epochs 0", "'--epochs' needs a positive whole number, not '0'")]
    [InlineData("--optimizer rmsprop", "'--optimizer' must be 'sgd' or 'adam', not 'rmsprop'")]
    [InlineData("--lr -1", "'--lr' needs a positive number, not '-1'")]
    [InlineData("--export-samples 12", "--export-samples")]
    [InlineData("--epoch 3", "--epoch")]
    public void A_mistake_is_named_with_exit_code_2(string commandLine, string message)
    {
        var error = new StringWriter();
        bool ran = false;
        int code = TrainCommand.Run(commandLine.Split(' '), _ =>
        {
            ran = true;
            return 0;
        }, error);
        Assert.Equal(TrainCommand.BadArguments, code);
        Assert.False(ran);
        Assert.Contains(message, error.ToString());
    }

    private static TrainSettings? Parse(params string[] args)
    {
        TrainSettings? settings = null;
        int code = TrainCommand.Run(args, s =>
        {
            settings = s;
            return 0;
        }, TextWriter.Null);
        Assert.Equal(0, code);
        return settings;
    }
}
