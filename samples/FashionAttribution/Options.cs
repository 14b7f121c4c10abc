namespace Axon.Samples.Fashion;

/// <summary>Command-line options of the main job.</summary>
internal sealed record Options
{
    /// <summary>Attribute Fashion-MNIST test images instead of the shipped samples; null: all 10,000.</summary>
    public bool TestSet { get; init; }

    public int? Limit { get; init; }

    /// <summary>Run the papers' evaluations on this many test images (0: skip).</summary>
    public int Evaluate { get; init; }

    public int Steps { get; init; } = 50;

    /// <summary>Relative convergence delta the adaptive mode reaches (0: fixed n).</summary>
    public double Tolerance { get; init; } = 0.01;

    public int TopFilters { get; init; } = 3;

    /// <summary>Images that get a detailed entry (with patch IG) in the report when many are attributed.</summary>
    public int ReportImages { get; init; } = 12;

    public string ReportPath { get; init; } = Path.Combine("out", "fashion-report.html");

    public string? ResultsPath { get; init; }

    public string WeightsPath { get; init; } = "";

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"'{arg}' needs a value.");
            int? OptionalCount()
            {
                if (i + 1 >= args.Length || !int.TryParse(args[i + 1], out int n)) return null;
                i++;
                return n > 0 ? n : throw new ArgumentException($"'{arg}' needs a positive count, not {n}.");
            }

            options = arg switch
            {
                "--test-set" => options with { TestSet = true, Limit = OptionalCount() },
                "--evaluate" => options with { Evaluate = OptionalCount() ?? 1000 },
                "--steps" => options with { Steps = Positive(Next(), arg) },
                "--tolerance" => options with { Tolerance = double.TryParse(Next(), System.Globalization.CultureInfo.InvariantCulture, out double t) && t >= 0 ? t : throw new ArgumentException("'--tolerance' needs a number ≥ 0.") },
                "--top" => options with { TopFilters = Positive(Next(), arg) },
                "--report" => options with { ReportPath = Next() },
                "--report-images" => options with { ReportImages = Positive(Next(), arg) },
                "--results" => options with { ResultsPath = Next() },
                "--weights" => options with { WeightsPath = Next() },
                "--help" or "-h" => throw new HelpRequested(),
                _ => throw new ArgumentException($"Unknown option '{arg}'. Use --help."),
            };
        }

        return options;
    }

    public const string Usage = """
        Axon main job: explain the shipped Fashion-MNIST CNN's predictions.

          dotnet run -c Release --project samples/FashionAttribution [options]

          (no options)         attribute the images shipped in samples/Assets, print and write the HTML report
          --test-set [N]       attribute the first N Fashion-MNIST test images (all 10,000 without N)
          --evaluate [N]       the papers' evaluations on the first N test images (default 1000)
          --steps N            integration steps (Gauss-Legendre; default 50; the adaptive mode starts here)
          --tolerance T        raise n until |delta| / |F(x) - F(baseline)| <= T (default 0.01; 0: fixed n)
          --top N              filters shown with patch IG (default 3)
          --report PATH        HTML report (default out/fashion-report.html)
          --report-images N    images detailed in the report (default 12)
          --results PATH       also write the evaluation tables as Markdown
          --weights PATH       safetensors weights instead of the shipped ones
        """;

    private static int Positive(string text, string option)
        => int.TryParse(text, out int n) && n > 0 ? n : throw new ArgumentException($"'{option}' needs a positive whole number, not '{text}'.");

    public sealed class HelpRequested : Exception;
}
