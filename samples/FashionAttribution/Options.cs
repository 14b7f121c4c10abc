namespace Axon.Samples.Fashion;

/// <summary>What the main job does, as its command line (<see cref="MainJobCommand"/>) asked for it.</summary>
internal sealed record Options
{
    /// <summary>Attribute Fashion-MNIST test images instead of the shipped samples.</summary>
    public bool TestSet { get; init; }

    /// <summary>With <see cref="TestSet"/>: only the first Limit test images; null: all 10,000.</summary>
    public int? Limit { get; init; }

    /// <summary>Run the papers' evaluations on this many test images (0: skip).</summary>
    public int Evaluate { get; init; }

    public int Steps { get; init; } = 50;

    /// <summary>Relative convergence delta the adaptive mode reaches (0: fixed n).</summary>
    public double Tolerance { get; init; } = 0.01;

    public int TopFilters { get; init; } = 3;

    /// <summary>Images that get a detailed entry (with patch IG) in the report when many are attributed.</summary>
    public int ReportImages { get; init; } = 12;

    public string ReportPath { get; init; } = DefaultReportPath;

    public string? ResultsPath { get; init; }

    /// <summary>
    /// With <see cref="Evaluate"/>: an --exact-test-set CSV whose summary joins the evaluation's tables (the exact
    /// rule on the whole test set, measured in resumable chunks beforehand); null for none.
    /// </summary>
    public string? ExactResultsPath { get; init; }

    /// <summary>Safetensors weights to explain; null: the shipped ones.</summary>
    public string? WeightsPath { get; init; }

    /// <summary>Where the attributions run.</summary>
    public DeviceOption Device { get; init; } = DeviceOption.Auto;

    public static string DefaultReportPath { get; } = Path.Combine("out", "fashion-report.html");
}
