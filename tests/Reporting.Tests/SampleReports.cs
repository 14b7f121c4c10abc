namespace Axon.Samples.Reporting.Tests;

/// <summary>Realistic synthetic reports: Fashion-MNIST-like 28×28 shapes with plausible attribution maps.</summary>
internal static class SampleReports
{
    public const int Size = 28;

    /// <summary>The patch grid: 7×7 patches of 4×4 pixels, as in the main job.</summary>
    public const int PatchGrid = 7;

    /// <summary>Filters of the layer the sample cases score; their bar charts show six of them.</summary>
    public const int LayerFilters = 16;

    /// <summary>The unit of the sample attributions.</summary>
    public const string Unit = "Δ logit of the predicted class";

    /// <summary>The accuracy in the sample test-set table, as a fraction.</summary>
    public const double Accuracy = 0.9175;

    public static HtmlReport TwoCases()
    {
        var report = new HtmlReport("Axon — Fashion-MNIST attribution");
        report.AddParagraph(
            "Integrated Gradients, conductance and patch IG of a small convolutional classifier on test images. " +
            "Baseline: the black image; 64 Gauss–Legendre steps per attribution. Red marks evidence for the predicted " +
            "class, blue evidence against it.");
        report.AddTable(new ReportTable(
            "Ablation agreement (Pearson r)",
            ["Method", "n = 10", "n = 100"],
            [
                ["Conductance", 0.9132, 0.9347],
                ["Internal influence", 0.5511, 0.5498],
                ["Gradient × activation", 0.4127, 0.4127],
                ["Activation", 0.2871, 0.2871],
            ],
            "Correlation between each method's filter scores and the drop of the target logit when the filter is ablated; mean over 200 test images."));
        report.AddTable(new ReportTable(
            "Ablation error (Shrikumar et al.)",
            ["Method", "Error n = 10", "Error n = 100", "Runtime (ms)"],
            [
                ["Neuron IG (conductance)", 0.0412, 0.0039, 18.4],
                ["DeepLIFT (rescale)", 0.0057, 0.0057, 1.2],
                ["Gradient × activation", 0.3184, 0.3184, 0.9],
            ],
            "|actual output change − sum of the scores| after clamping the 10% most-changed neurons to their reference; mean over inputs."));
        report.AddHeading("Per-image attributions");
        report.AddCase(Case(17, "Shirt", "Shirt", 0.871, Shirt));
        report.AddCase(Case(42, "Sneaker", "Sneaker", 0.971, Sneaker));
        return report;
    }

    /// <summary>A test-set summary table whose accuracy is a percentage, as the main job writes it.</summary>
    public static ReportTable TestSetTable() => new(
        "Test-set run (2 images)",
        ["Accuracy", "Mean |IG delta|"],
        [[TableCell.Percent(Accuracy), 0.0615]]);

    public static ReportCase Case(int index, string truth, string predicted, double probability, Func<int, int, float> shape)
    {
        float[] image = new float[Size * Size];
        float[] ig = new float[Size * Size];
        for (int r = 0; r < Size; r++)
        {
            for (int c = 0; c < Size; c++)
            {
                float x = shape(r, c);
                image[r * Size + c] = x;
                double evidence = 0.021 * Bump(r, c, 8, 5, 16) + 0.018 * Bump(r, c, 8, 22, 16) + 0.012 * Bump(r, c, 19, 20, 10)
                    - 0.014 * Bump(r, c, 16, 13, 24) + 0.003 * Math.Sin(1.7 * r + 2.3 * c);
                ig[r * Size + c] = (float)(x * evidence);
            }
        }

        string[] labels = ["conv2 filter 3", "conv2 filter 11", "conv2 filter 7", "conv2 filter 0", "conv2 filter 14", "conv2 filter 5"];
        var patches = new List<PatchMap>();
        for (int k = 0; k < labels.Length; k++)
        {
            const int n = PatchGrid;
            float[] values = new float[n * n];
            for (int r = 0; r < n; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    double v = (0.9 - 0.12 * k) * Bump(r, c, 1 + k % 3 * 2, 1 + k * 2 % 5, 3 + k)
                        - (k == 3 ? 0.8 : 0.25) * Bump(r, c, 5 - k % 2 * 2, 5 - k % 3, 4);
                    values[r * n + c] = (float)(0.01 * v);
                }
            }

            patches.Add(new PatchMap(labels[k], new Heatmap(n, n, values, labels[k])));
        }

        return new ReportCase
        {
            Title = FormattableString.Invariant($"Test image #{index} — true: {truth}, predicted: {predicted} ({probability * 100:0.0}%)"),
            Image = new Heatmap(Size, Size, image, $"image #{index}"),
            IgMap = new Heatmap(Size, Size, ig, $"IG of image #{index}"),
            AttributionUnit = Unit,
            PatchMaps = patches,
            FilterBars = new FilterBarChart(
                labels,
                [0.82, 0.61, 0.47, -0.21, 0.33, 0.12],
                [0.95, 0.44, 0.52, -0.35, 0.20, 0.05],
                valueAxisTitle: "Δ target logit") { TotalFilters = LayerFilters },
            Facts =
            [
                ("Convergence delta", 3.2e-4),
                ("Steps", 64),
                ("Rule", "Gauss–Legendre"),
                ("F(x) − F(x′)", 7.913),
                ("Runtime", "18.4 ms"),
            ],
            Notes = ["IG and conductance agree by construction: the layer is a cut."],
        };
    }

    /// <summary>A T-shirt silhouette with a knitted texture.</summary>
    public static float Shirt(int r, int c)
    {
        bool body = r >= 6 && r <= 25 && c >= 8 && c <= 19;
        bool sleeves = r >= 5 && r <= 12 && c >= 3 + (r - 5) / 2 && c <= 24 - (r - 5) / 2 && (r >= 6 || c <= 10 || c >= 17);
        bool neck = r <= 7 && c >= 11 && c <= 16 && r >= 5 - (c == 11 || c == 16 ? 0 : 1);
        if (!(body || sleeves) || neck) return 0f;
        return (float)Math.Clamp(0.62 + 0.18 * Math.Sin(0.9 * c) * Math.Cos(0.7 * r) + 0.1 * ((r + c) % 3 == 0 ? 1 : 0), 0, 1);
    }

    /// <summary>A sneaker silhouette: heel on the left, toe on the right, a bright sole and laces.</summary>
    public static float Sneaker(int r, int c)
    {
        if (c < 2 || c > 25) return 0f;
        if (r >= 19 && r <= 21) return 0.95f;
        double top = 9 + c / 27.0 * 8;
        if (r < top || r > 18) return 0f;
        bool laces = c >= 9 && c <= 17 && (r - (int)top) <= 2 && (c % 2 == 0);
        return laces ? 1f : (float)(0.45 + 0.2 * Math.Cos(0.8 * c + 0.3 * r));
    }

    private static double Bump(double r, double c, double r0, double c0, double width) =>
        Math.Exp(-((r - r0) * (r - r0) + (c - c0) * (c - c0)) / width);
}
