namespace Axon.Samples.Text;

/// <summary>The sample's command line: <c>[--train] [--out PATH] [--epochs N] [--report PATH] [--held-out N]</c>.</summary>
internal sealed record TextCommand
{
    public const string Usage =
        "usage: TextAttribution [--report PATH] [--held-out N]      explain with the shipped weights (default report: text-report.html)\n" +
        "       TextAttribution --train [--out PATH] [--epochs N]  retrain (default: samples/Assets/text-classifier.safetensors)";

    public bool Train { get; init; }

    public string WeightsPath { get; init; } = Path.Combine("samples", "Assets", ShippedWeights.ResourceName);

    public int Epochs { get; init; } = TextTraining.Epochs;

    public string ReportPath { get; init; } = "text-report.html";

    public int HeldOut { get; init; } = 400;

    /// <exception cref="ArgumentException">An unknown option, a missing value or a count below 1.</exception>
    public static TextCommand Parse(IReadOnlyList<string> args)
    {
        var command = new TextCommand();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            command = args[i] switch
            {
                "--train" => command with { Train = true },
                "--out" => command with { WeightsPath = Value() },
                "--epochs" => command with { Epochs = Count(args[i], Value()) },
                "--report" => command with { ReportPath = Value() },
                "--held-out" => command with { HeldOut = Count(args[i], Value()) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return command;
    }

    private static int Count(string option, string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1
            ? n
            : throw new ArgumentException($"{option} needs a whole number of at least 1, not '{text}'.");
}
