using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Axon.Samples.Edge;

/// <summary>Explain one image file: its path, how to read it, how many more attributions to time.</summary>
internal sealed record ExplainRequest(string ImagePath, ImageFormat Format, int Repeat);

/// <summary>Write the images of a samples file as PGM files into a directory.</summary>
internal sealed record ExportRequest(string SamplesPath, string Directory, bool Plain);

/// <summary>
/// The edge app's command line (System.CommandLine, which is trimming- and NativeAOT-safe): an image to explain, or
/// --export. A mistake prints one line and exits with <see cref="BadArguments"/>; --help prints the usage.
/// </summary>
internal sealed class EdgeCommand
{
    public const int BadArguments = 2;

    private readonly Argument<string?> _image = new("IMAGE")
    {
        Description = "A 28×28 grey-scale image: PGM (binary P5 or plain P2, maxval 1..255) or exactly 784 raw bytes (one per " +
            "pixel, row-major, 0 = black); the format follows the extension (.pgm/.pnm, .raw/.bin/.gray), else the content",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<ImageFormat> _format = new("--format")
    {
        Description = "Read IMAGE as this format whatever its name",
        HelpName = "auto|pgm|raw",
        DefaultValueFactory = _ => ImageFormat.Auto,
        CustomParser = ParseFormat,
    };

    private readonly Option<int> _repeat = new("--repeat")
    {
        Description = "After the explanation, time N more attributions of the same image (min/median/mean)",
        HelpName = "N",
        CustomParser = ParseRepeat,
    };

    private readonly Option<string[]> _export = new("--export")
    {
        Description = "Write the images of a samples file (\"images\" [N,1,28,28], \"labels\", \"indices\") as PGM files NN-class.pgm into DIR",
        HelpName = "SAMPLES.safetensors DIR",
        Arity = new ArgumentArity(2, 2),
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<bool> _plain = new("--plain")
    {
        Description = "With --export: write plain (ASCII, P2) PGM instead of binary (P5)",
    };

    public EdgeCommand()
    {
        Root = new RootCommand(
            "axon-edge: the Fashion-MNIST CNN with its weights embedded. Prints an image's predicted class, the conv2 filters " +
            "with the largest conductance and the input patch with the largest Integrated Gradients.\n" +
            "Exit codes: 0 done, 2 bad arguments, 3 file missing or unreadable, 4 file is not a valid image.")
        {
            _image, _format, _repeat, _export, _plain,
        };
        Root.Validators.Add(CheckCombination);
    }

    public RootCommand Root { get; }

    /// <summary>
    /// Parses <paramref name="args"/> and runs <paramref name="explain"/> or <paramref name="export"/>. Their
    /// exceptions reach the caller (System.CommandLine's handler would print a stack trace).
    /// </summary>
    public static int Run(IReadOnlyList<string> args, Func<ExplainRequest, int> explain, Func<ExportRequest, int> export, TextWriter error)
    {
        var command = new EdgeCommand();
        var parsed = command.Root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors) error.WriteLine($"axon-edge: {parseError.Message} (see --help)");
            return BadArguments;
        }

        command.Root.SetAction(result => result.GetValue(command._export) is [var samples, var directory]
            ? export(new ExportRequest(samples, directory, result.GetValue(command._plain)))
            : explain(new ExplainRequest(result.GetValue(command._image)!, result.GetValue(command._format), result.GetValue(command._repeat))));
        return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    /// <summary>One image, or --export; each mode's options only with it.</summary>
    private void CheckCombination(CommandResult result)
    {
        string? image = result.GetValue(_image);
        bool export = result.GetResult(_export) is not null;
        if (image is not null && image.Length > 1 && image.StartsWith('-'))
            result.AddError($"unknown option '{image}'");
        else if (image is null && !export)
            result.AddError("no image file given");
        else if (image is not null && export)
            result.AddError($"either an image or --export, not both (got '{image}')");
        else if (export && (result.GetResult(_format) is { Implicit: false } || result.GetResult(_repeat) is not null))
            result.AddError("--format and --repeat go with an image, not with --export");
        else if (!export && result.GetResult(_plain) is not null)
            result.AddError("--plain goes with --export");
    }

    private static ImageFormat ParseFormat(ArgumentResult result) => result.Tokens[0].Value switch
    {
        "auto" => ImageFormat.Auto,
        "pgm" => ImageFormat.Pgm,
        "raw" => ImageFormat.Raw,
        var other => Invalid(result, $"unknown format '{other}': use auto, pgm or raw", ImageFormat.Auto),
    };

    private static int ParseRepeat(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int repeat) && repeat is >= 1 and <= 100_000
            ? repeat
            : Invalid(result, $"--repeat takes a count from 1 to 100000, not '{text}'", 0);
    }

    private static T Invalid<T>(ArgumentResult result, string message, T fallback)
    {
        result.AddError(message);
        return fallback;
    }
}
