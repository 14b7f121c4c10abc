using System.Globalization;

namespace Axon.Samples.FashionTrain;

/// <summary>The optimizers the sample can train with.</summary>
internal enum OptimizerKind
{
    Adam,
    Sgd,
}

/// <summary>How the learning rate changes over the run.</summary>
internal enum Schedule
{
    /// <summary>Cosine annealing from the given rate to zero over all mini-batches.</summary>
    Cosine,

    /// <summary>The given rate throughout.</summary>
    Constant,
}

/// <summary>The sample's settings, parsed from its command line.</summary>
internal sealed record CommandLine
{
    public const string DefaultOutput = "fashion-cnn.safetensors";

    public int Epochs { get; init; } = 8;

    public int BatchSize { get; init; } = 64;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>Null: the optimizer's default (<see cref="DefaultLearningRate"/>).</summary>
    public double? LearningRate { get; init; }

    public Schedule Schedule { get; init; } = Schedule.Cosine;

    public int Seed { get; init; } = 1;

    /// <summary>Use only the first Limit images of each split.</summary>
    public int? Limit { get; init; }

    public string Output { get; init; } = DefaultOutput;

    public string DataDirectory { get; init; } = Axon.Data.FashionMnist.DefaultDirectory;

    /// <summary>With <see cref="ExportPath"/>: write this many test images and exit.</summary>
    public int ExportCount { get; init; }

    public string? ExportPath { get; init; }

    public bool Help { get; init; }

    public double EffectiveLearningRate => LearningRate ?? DefaultLearningRate(Optimizer);

    public static double DefaultLearningRate(OptimizerKind optimizer) => optimizer == OptimizerKind.Adam ? 2e-3 : 0.05;

    public const string Usage =
        """
        Trains the Fashion-MNIST CNN (samples/FashionModel) with Axon's generated backward pass and saves its weights.

        Usage: dotnet run -c Release --project samples/FashionTrain -- [options]

        Options:
          --epochs N                 passes over the training set (default 8)
          --batch B                  mini-batch size (default 64)
          --optimizer sgd|adam       SGD with momentum 0.9, or Adam (default sgd)
          --lr X                     initial learning rate (default 0.05 for sgd, 0.002 for adam)
          --schedule cosine|constant cosine annealing to zero over the run, or a constant rate (default cosine)
          --seed S                   seeds the initial weights and the shuffling (default 1)
          --limit N                  use only the first N images of each split (a quick trial)
          --out PATH                 where to save the weights as safetensors (default fashion-cnn.safetensors)
          --data DIR                 the Fashion-MNIST directory (default /usr/share/datasets/fashion-mnist)
          --export-samples N PATH    write N test images (the first image of each class in class order, then the
                                     second of each, ...) with their labels to PATH as safetensors, and exit
          -h, --help                 show this help
        """;

    /// <exception cref="FormatException">An option is unknown, lacks its value or has a bad one.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var options = new CommandLine();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            options = name switch
            {
                "-h" or "--help" => options with { Help = true },
                "--epochs" => options with { Epochs = PositiveInt(args, ref i) },
                "--batch" => options with { BatchSize = PositiveInt(args, ref i) },
                "--optimizer" => options with { Optimizer = ParseOptimizer(Value(args, ref i)) },
                "--lr" => options with { LearningRate = PositiveDouble(args, ref i) },
                "--schedule" => options with { Schedule = ParseSchedule(Value(args, ref i)) },
                "--seed" => options with { Seed = Int(args, ref i) },
                "--limit" => options with { Limit = PositiveInt(args, ref i) },
                "--out" => options with { Output = Value(args, ref i) },
                "--data" => options with { DataDirectory = Value(args, ref i) },
                "--export-samples" => options with { ExportCount = PositiveInt(args, ref i), ExportPath = Value(args, ref i) },
                _ => throw new FormatException($"Unknown option '{name}'."),
            };
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        string option = args[i];
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new FormatException($"Option '{option}' needs a value.");
        return args[++i];
    }

    private static int Int(IReadOnlyList<string> args, ref int i)
    {
        string option = args[i];
        string text = Value(args, ref i);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw new FormatException($"Option '{option}' needs an integer; got '{text}'.");
        return value;
    }

    private static int PositiveInt(IReadOnlyList<string> args, ref int i)
    {
        string option = args[i];
        int value = Int(args, ref i);
        if (value < 1) throw new FormatException($"Option '{option}' must be at least 1; got {value}.");
        return value;
    }

    private static double PositiveDouble(IReadOnlyList<string> args, ref int i)
    {
        string option = args[i];
        string text = Value(args, ref i);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0) || double.IsInfinity(value))
            throw new FormatException($"Option '{option}' needs a positive number; got '{text}'.");
        return value;
    }

    private static OptimizerKind ParseOptimizer(string text) => text.ToLowerInvariant() switch
    {
        "adam" => OptimizerKind.Adam,
        "sgd" => OptimizerKind.Sgd,
        _ => throw new FormatException($"Option '--optimizer' must be 'adam' or 'sgd'; got '{text}'."),
    };

    private static Schedule ParseSchedule(string text) => text.ToLowerInvariant() switch
    {
        "cosine" => Schedule.Cosine,
        "constant" => Schedule.Constant,
        _ => throw new FormatException($"Option '--schedule' must be 'cosine' or 'constant'; got '{text}'."),
    };
}
