using Axon.Attribution;
using Axon.Evaluation;
using Axon.Samples.Reporting;
using Spectre.Console;

namespace Axon.Samples.Fashion;

/// <summary>
/// The main job over many test images: batched prediction, IG and filter conductance with their convergence
/// deltas, and filter ablation drops for every image, with a progress display; detailed analyses (with patch IG)
/// for the first few, for the report. IG and the layer's conductance come from one path pass per chunk: layer
/// conductance over [input, layer], the input's conductance being IG (see <see cref="ImageAnalyzer.PathLayers"/>).
/// </summary>
internal static class TestSetRun
{
    private const int Chunk = 64;

    public static List<ImageAnalysis> Run(IAnsiConsole console, ImageAnalyzer analyzer, ImageSet images, Options options, List<ReportTable> tables)
    {
        var details = new List<ImageAnalysis>();
        int count = images.Count, correct = 0, maxSteps = options.Steps;
        bool cut = true;
        double igDelta = 0, conductanceDelta = 0;
        var pooledConductance = new List<double>();
        var pooledDrops = new List<double>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var attributionTime = new System.Diagnostics.Stopwatch();
        var ablationTime = new System.Diagnostics.Stopwatch();

        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask($"Attributing {count} test images", maxValue: count);
                var evaluator = analyzer.Evaluator;
                var attributor = evaluator.Attributor;
                int layer = analyzer.Layer, filters = analyzer.FilterCount, size = analyzer.LayerSize;
                // One pass gives each image's IG (input block) and the layer's conductance one after the other.
                int perImage = FashionCnn.InputSize + size;
                var attributions = new float[Chunk * perImage];
                var conductance = new float[Chunk * size];
                var filterScores = new float[Chunk * filters];
                var drops = new float[Chunk * filters];
                var deltas = new float[Chunk];
                var gaps = new float[Chunk * 2];
                var logits = new float[Chunk * FashionCnn.OutputSize];
                var predicted = new int[Chunk];
                var ws = analyzer.Model.CreateWorkspace(Chunk);
                var integration = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = options.Steps, Tolerance = options.Tolerance, MaxSteps = Math.Max(options.Steps, 800) };
                for (int start = 0; start < count; start += Chunk)
                {
                    int n = Math.Min(Chunk, count - start);
                    var inputs = images.Pixels.AsSpan(start * FashionCnn.InputSize, n * FashionCnn.InputSize);
                    analyzer.Model.Forward(ws, inputs, n, logits.AsSpan(0, n * FashionCnn.OutputSize));
                    for (int b = 0; b < n; b++)
                    {
                        predicted[b] = Axon.Training.SoftmaxCrossEntropy.ArgMax<float>(logits.AsSpan(b * FashionCnn.OutputSize, FashionCnn.OutputSize));
                        if (predicted[b] == images.Labels[start + b]) correct++;
                    }

                    // One call per chunk: the adaptive mode raises n only for the images whose delta is still too
                    // large, so a hard image no longer makes its chunk pay for its extra steps.
                    // IG and the layer's conductance integrate the same gradients on the same path: one pass gives both.
                    var chunkTargets = AttributionTarget<float>.Classes(predicted.AsSpan(0, n));
                    attributionTime.Start();
                    var run = PathRun.Of(attributor.LayerConductance(
                        analyzer.PathLayers, inputs, chunkTargets, Baseline<float>.Zero, attributions.AsSpan(0, n * perImage), integration, deltas.AsSpan(0, n), gaps.AsSpan(0, 2 * n)));
                    attributionTime.Stop();
                    for (int b = 0; b < n; b++)
                    {
                        // IG's quadrature error is its completeness gap; so is the layer's when it is a cut, and otherwise
                        // the layer's delta is the rule's error on the path integral, the pass's (IG's) quadrature error.
                        igDelta += Math.Abs(gaps[2 * b]);
                        conductanceDelta += Math.Abs(run.DeltaIsCompletenessGap ? gaps[2 * b + 1] : deltas[b]);
                        attributions.AsSpan(b * perImage + FashionCnn.InputSize, size).CopyTo(conductance.AsSpan(b * size, size));
                    }

                    maxSteps = Math.Max(maxSteps, run.Steps);
                    cut &= run.DeltaIsCompletenessGap;

                    var targets = AttributionTarget<float>.Classes(predicted.AsSpan(0, n));
                    evaluator.FilterScores(layer, conductance.AsSpan(0, n * size), filterScores.AsSpan(0, n * filters));
                    ablationTime.Start();
                    evaluator.FilterAblationDrops(layer, inputs, targets, Baseline<float>.Zero, drops.AsSpan(0, n * filters));
                    ablationTime.Stop();
                    for (int i = 0; i < n * filters; i++)
                    {
                        pooledConductance.Add(filterScores[i]);
                        pooledDrops.Add(drops[i]);
                    }

                    task.Increment(n);
                }
            });

        double seconds = watch.Elapsed.TotalSeconds;
        double pearson = Correlation.Pearson<double>(pooledConductance.ToArray(), pooledDrops.ToArray());
        var summary = new TestSetSummary(count, correct, igDelta / count, conductanceDelta / count, pearson, seconds,
            options.Steps, maxSteps, options.Tolerance, analyzer.LayerName, cut,
            new TestSetTimes(attributionTime.Elapsed.TotalSeconds, ablationTime.Elapsed.TotalSeconds, seconds));
        console.WriteLine(summary.ConsoleLine());
        tables.Add(summary.Table());

        for (int i = 0; i < Math.Min(options.ReportImages, count); i++)
        {
            details.Add(analyzer.Analyze(images.Image(i), images.Labels[i], images.SourceIndices[i]));
        }

        return details;
    }
}
