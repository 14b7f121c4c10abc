using Axon.Samples.Edge;

namespace Axon.Samples.Tests;

/// <summary>The edge app's command line: which request a valid one makes, and one line with exit code 2 for a mistake.</summary>
public sealed class EdgeCommandTests
{
    [Fact]
    public void An_image_with_its_options_is_an_explain_request()
    {
        var (code, explain, export, error) = Parse("shirt.pgm", "--format", "raw", "--repeat", "5");
        Assert.Equal(0, code);
        Assert.Equal(new ExplainRequest("shirt.pgm", ImageFormat.Raw, 5), explain);
        Assert.Null(export);
        Assert.Equal("", error);
    }

    [Fact]
    public void Export_takes_the_samples_file_and_the_directory()
    {
        var (code, explain, export, _) = Parse("--export", "samples.safetensors", "out", "--plain");
        Assert.Equal(0, code);
        Assert.Null(explain);
        Assert.Equal(new ExportRequest("samples.safetensors", "out", true), export);
    }

    [Theory]
    [InlineData("", "no image file given")]
    [InlineData("a.pgm b.pgm", "'b.pgm'")]
    [InlineData("a.pgm --format png", "unknown format 'png'")]
    [InlineData("a.pgm --repeat 0", "--repeat takes a count from 1 to 100000, not '0'")]
    [InlineData("--colour a.pgm", "--colour")]
    [InlineData("--export samples.safetensors", "--export")]
    [InlineData("a.pgm --export samples.safetensors out", "not both")]
    [InlineData("a.pgm --plain", "--plain goes with --export")]
    public void A_mistake_is_one_line_per_problem_and_exit_code_2(string commandLine, string message)
    {
        var (code, explain, export, error) = Parse(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(EdgeCommand.BadArguments, code);
        Assert.Null(explain);
        Assert.Null(export);
        Assert.Contains(message, error);
        Assert.All(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("axon-edge: ", line));
    }

    private static (int Code, ExplainRequest? Explain, ExportRequest? Export, string Error) Parse(params string[] args)
    {
        ExplainRequest? explain = null;
        ExportRequest? export = null;
        var error = new StringWriter();
        int code = EdgeCommand.Run(args, request =>
        {
            explain = request;
            return 0;
        }, request =>
        {
            export = request;
            return 0;
        }, error);
        return (code, explain, export, error.ToString());
    }
}
