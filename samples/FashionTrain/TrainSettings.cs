using Axon.Samples.Fashion;

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

/// <summary>The sample's settings, as its command line (<see cref="TrainCommand"/>) gave them.</summary>
internal sealed record TrainSettings
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

    public string DataDirectory { get; init; } = FashionMnist.DefaultDirectory;

    /// <summary>With <see cref="ExportPath"/>: write this many test images and exit.</summary>
    public int ExportCount { get; init; }

    public string? ExportPath { get; init; }

    public double EffectiveLearningRate => LearningRate ?? DefaultLearningRate(Optimizer);

    public static double DefaultLearningRate(OptimizerKind optimizer) => optimizer == OptimizerKind.Adam ? 2e-3 : 0.05;
}
