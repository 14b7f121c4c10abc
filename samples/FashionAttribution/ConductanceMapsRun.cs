using System.Diagnostics;
using System.Globalization;
using Axon.Attribution;
using Axon.Samples.Reporting;
using TableCell = Axon.Samples.Reporting.TableCell;

namespace Axon.Samples.Fashion;

/// <summary>
/// Every neuron's conductance map at relu2 of the shipped CNN (16 × 14 × 14 = 3,136 neurons) in one call per image: wall
/// and process CPU time per image, and the maps' size on the receptive-field windows beside the dense layout's.
/// </summary>
internal static class ConductanceMapsRun
{
    /// <summary>Images the measurement runs on (the first ones of the evaluation's).</summary>
    public static int Images(int evaluated) => Math.Min(evaluated, 10);

    public static ReportTable Table(FashionCnn model, ImageSet images, int[] predicted, Options options)
    {
        int count = Images(images.Count), n = FashionCnn.InputSize;
        var engine = new Attributor<float>(model);
        int width = model.Layers[FashionCnn.LayerIndex.relu2].Size;
        var layout = engine.MapLayout(FashionCnn.LayerIndex.relu2);
        var maps = new float[layout.Length];
        var integration = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = options.Steps };
        engine.NeuronConductanceMaps(FashionCnn.LayerIndex.relu2, images.Pixels.AsSpan(0, n), predicted[0], Baseline<float>.Zero, maps, integration); // warm-up
        var wall = new List<double>();
        var cpu = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (int b = 0; b < count; b++)
        {
            process.Refresh();
            var used = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            engine.NeuronConductanceMaps(FashionCnn.LayerIndex.relu2, images.Pixels.AsSpan(b * n, n), predicted[b], Baseline<float>.Zero, maps, integration);
            wall.Add(watch.Elapsed.TotalSeconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - used).TotalSeconds);
        }

        wall.Sort();
        cpu.Sort();
        const double MiB = 1 << 20;
        return new ReportTable(
            string.Create(CultureInfo.InvariantCulture, $"Every neuron's conductance map ({width} neurons of relu2, {count} images)"),
            ["Neurons", "Median s per image", "Fastest", "Slowest", "Median CPU s per image", "Maps (MiB, windows)", "Dense layout (MiB)", "Values per neuron"],
            [[width, wall[count / 2], wall[0], wall[^1], cpu[count / 2], maps.Length * 4 / MiB, (double)width * n * 4 / MiB, (double)maps.Length / width]],
            string.Create(CultureInfo.InvariantCulture,
                $"`NeuronConductanceMaps` at relu2: for each neuron j its map (xᵢ − x′ᵢ)·∫ ∂F/∂y_j · ∂y_j/∂xᵢ dα over the pixels, Gauss–Legendre n = {options.Steps}, ") +
            "predicted class's logit, black baseline, float. Each map is stored on its neuron's receptive-field window only (`MapLayout`; the generator " +
            "emits every node's field as literal window formulas). Each step is one backward to relu2 and one tangent per pixel that differs from the " +
            "baseline; the products are formed only inside the windows and only for neurons with a non-zero gradient. CPU time counts both threads.");
    }
}
