using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Axon.Samples.Fashion;

namespace Axon.Samples.FashionTrain;

/// <summary>
/// The training sample's command line (System.CommandLine): options with help, defaults and validation. A parse
/// error prints one line per mistake and exits with 2; --help prints the usage.
/// </summary>
internal sealed class TrainCommand
{
    public const int BadArguments = 2;

    private readonly Option<int> _epochs = new("--epochs")
    {
        Description = "Passes over the training set",
        HelpName = "N",
        DefaultValueFactory = _ => 8,
        CustomParser = PositiveCount,
    };

    private readonly Option<int> _batch = new("--batch")
    {
        Description = "Mini-batch size",
        HelpName = "B",
        DefaultValueFactory = _ => 64,
        CustomParser = PositiveCount,
    };

    private readonly Option<OptimizerKind> _optimizer = new("--optimizer")
    {
        Description = "SGD with momentum 0.9, or Adam",
        HelpName = "sgd|adam",
        DefaultValueFactory = _ => OptimizerKind.Sgd,
        CustomParser = result => OneOf(result, ("sgd", OptimizerKind.Sgd), ("adam", OptimizerKind.Adam)),
    };

    private readonly Option<double?> _learningRate = new("--lr")
    {
        Description = "Initial learning rate (default 0.05 for sgd, 0.002 for adam)",
        HelpName = "X",
        CustomParser = PositiveNumber,
    };

    private readonly Option<Schedule> _schedule = new("--schedule")
    {
        Description = "Cosine annealing to zero over the run, or a constant rate",
        HelpName = "cosine|constant",
        DefaultValueFactory = _ => Schedule.Cosine,
        CustomParser = result => OneOf(result, ("cosine", Schedule.Cosine), ("constant", Schedule.Constant)),
    };

    private readonly Option<int> _seed = new("--seed")
    {
        Description = "Seeds the initial weights and the shuffling",
        HelpName = "S",
        DefaultValueFactory = _ => 1,
    };

    private readonly Option<int?> _limit = new("--limit")
    {
        Description = "Use only the first N images of each split (a quick trial)",
        HelpName = "N",
        CustomParser = result => PositiveCount(result),
    };

    private readonly Option<string> _output = new("--out")
    {
        Description = "Where to save the weights as safetensors",
        HelpName = "PATH",
        DefaultValueFactory = _ => TrainSettings.DefaultOutput,
    };

    private readonly Option<string> _data = new("--data")
    {
        Description = "The Fashion-MNIST directory",
        HelpName = "DIR",
        DefaultValueFactory = _ => FashionMnist.DefaultDirectory,
    };

    private readonly Option<(int Count, string Path)?> _exportSamples = new("--export-samples")
    {
        Description = "Write N test images (the first image of each class in class order, then the second of each, ...) " +
            "with their labels to PATH as safetensors, and exit",
        HelpName = "N PATH",
        Arity = new ArgumentArity(2, 2),
        AllowMultipleArgumentsPerToken = true,
        CustomParser = result => (PositiveCount(result), result.Tokens[1].Value),
    };

    public TrainCommand()
    {
        Root = new RootCommand("Trains the Fashion-MNIST CNN (samples/FashionModel) with Axon's generated backward pass and saves its weights.")
        {
            _epochs, _batch, _optimizer, _learningRate, _schedule, _seed, _limit, _output, _data, _exportSamples,
        };
    }

    public RootCommand Root { get; }

    /// <summary>Parses <paramref name="args"/> and, when they are valid, runs <paramref name="run"/> with the settings.</summary>
    public static int Run(IReadOnlyList<string> args, Func<TrainSettings, int> run, TextWriter error)
    {
        var command = new TrainCommand();
        var parsed = command.Root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors) error.WriteLine($"error: {parseError.Message}");
            error.WriteLine("Use --help to list the options.");
            return BadArguments;
        }

        command.Root.SetAction(result => run(command.Bind(result)));
        return parsed.Invoke();
    }

    /// <summary>The settings a successful parse gave.</summary>
    public TrainSettings Bind(ParseResult result)
    {
        var export = result.GetValue(_exportSamples);
        return new TrainSettings
        {
            Epochs = result.GetValue(_epochs),
            BatchSize = result.GetValue(_batch),
            Optimizer = result.GetValue(_optimizer),
            LearningRate = result.GetValue(_learningRate),
            Schedule = result.GetValue(_schedule),
            Seed = result.GetValue(_seed),
            Limit = result.GetValue(_limit),
            Output = result.GetValue(_output) ?? TrainSettings.DefaultOutput,
            DataDirectory = result.GetValue(_data) ?? FashionMnist.DefaultDirectory,
            ExportCount = export?.Count ?? 0,
            ExportPath = export?.Path,
        };
    }

    private static int PositiveCount(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0) return n;
        result.AddError($"{OptionName(result)} needs a positive whole number, not '{text}'.");
        return 0;
    }

    private static double? PositiveNumber(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x > 0 && double.IsFinite(x)) return x;
        result.AddError($"{OptionName(result)} needs a positive number, not '{text}'.");
        return null;
    }

    private static T OneOf<T>(ArgumentResult result, params (string Name, T Value)[] choices)
    {
        string text = result.Tokens[0].Value;
        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return value;
        }

        result.AddError($"{OptionName(result)} must be {string.Join(" or ", choices.Select(c => $"'{c.Name}'"))}, not '{text}'.");
        return choices[0].Value;
    }

    private static string OptionName(ArgumentResult result) => result.Parent is OptionResult option ? $"'{option.Option.Name}'" : "The value";
}
