using System.Diagnostics;
using System.Globalization;
using Axon.Attribution;

namespace Axon.Samples.Fashion;

/// <summary>
/// The exact rule over a range of the Fashion-MNIST test set, in chunks, appending each image's result to a CSV
/// (<see cref="ExactTestSetCsv"/>) so that the whole set can be measured in several runs: images already in the file are
/// skipped. IG of the predicted class's logit, black baseline, in double (the shipped CNN's weights widened), beside
/// adaptive Gauss–Legendre that doubles n from 8 until the relative quadrature error is ≤ 10⁻³ (at most 4,096 nodes).
/// </summary>
internal static class ExactTestSetRun
{
    /// <summary>Images attributed side by side and written per chunk: a stopped run loses at most this many.</summary>
    public const int Chunk = 16;

    /// <summary>Runs the images [<paramref name="from"/>, <paramref name="to"/>) not yet in <paramref name="csvPath"/>.</summary>
    public static int Run(FashionCnn model, ImageSet images, int from, int to, string csvPath, TextWriter output)
    {
        if (from >= images.Count)
            throw new JobFailure(ExitCodes.BadArguments, $"--from {from} is past the test set's last image ({images.Count - 1}).");
        to = Math.Min(to, images.Count);
        using var csv = ExactTestSetCsv.OpenForAppend(csvPath);
        var done = csv.Done.Select(r => r.Index).ToHashSet();
        var pending = Enumerable.Range(from, to - from).Where(i => !done.Contains(images.SourceIndices[i])).ToArray();
        output.WriteLine(Invariant($"Exact rule on test images {from}–{to - 1}: {pending.Length} to run, {to - from - pending.Length} already in {csvPath}."));

        var twin = FashionCnnDouble.From(model);
        var engine = new Attributor<double>(twin);
        var measure = new ChunkMeasure(twin, engine);
        var total = Stopwatch.StartNew();
        for (int first = 0; first < pending.Length; first += Chunk)
        {
            var indices = pending.AsSpan(first, Math.Min(Chunk, pending.Length - first)).ToArray();
            var results = measure.Run(images, indices);
            csv.Append(results);
            output.WriteLine(Invariant(
                $"  {first + indices.Length}/{pending.Length}: images {images.SourceIndices[indices[0]]}–{images.SourceIndices[indices[^1]]}, segments ≤ {results.Max(r => r.Segments)}, max relative delta {results.Max(r => r.RelativeDelta):E1}, {results.Sum(r => r.ExactMilliseconds) / indices.Length:F0} ms/image exact, {results.Sum(r => r.GaussLegendreMilliseconds) / indices.Length:F0} ms/image Gauss–Legendre, CPU time exact / GL {results.Sum(r => r.ExactCpuMilliseconds) / results.Sum(r => r.GaussLegendreCpuMilliseconds):F2} ({total.Elapsed.TotalMinutes:F1} min)"));
        }

        return ExitCodes.Done;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Both rules on one chunk of images, timed, with the buffers reused from chunk to chunk.</summary>
    private sealed class ChunkMeasure(FashionCnnDouble model, Attributor<double> engine)
    {
        private static readonly IntegrationOptions Exact = new() { Rule = IntegrationRule.Exact };
        private static readonly IntegrationOptions Adaptive = new() { Steps = 8, Tolerance = 1e-3, MaxSteps = 4096 };
        private readonly double[] _x = new double[Chunk * FashionCnn.InputSize];
        private readonly double[] _ig = new double[Chunk * FashionCnn.InputSize];
        private readonly double[] _deltas = new double[Chunk];
        private readonly double[] _glDeltas = new double[Chunk];
        private readonly double[] _logits = new double[Chunk * FashionCnn.OutputSize];
        private readonly double[] _zeroLogits = new double[FashionCnn.OutputSize];
        private readonly int[] _classes = new int[Chunk];

        public ExactImageResult[] Run(ImageSet images, int[] indices)
        {
            int rows = indices.Length, n = FashionCnn.InputSize, k = FashionCnn.OutputSize;
            for (int r = 0; r < rows; r++)
            {
                var pixels = images.Image(indices[r]);
                for (int i = 0; i < n; i++) _x[r * n + i] = pixels[i];
            }

            // The explained class and ΔF = F(x) − F(0), from the double model the attributions run on.
            var x = _x.AsSpan(0, rows * n);
            var ws = model.CreateWorkspace(rows);
            model.Forward(ws, x, rows, _logits.AsSpan(0, rows * k));
            model.Forward(ws, new double[n], 1, _zeroLogits);
            for (int r = 0; r < rows; r++)
            {
                var logits = _logits.AsSpan(r * k, k);
                _classes[r] = logits.IndexOf(TensorMax(logits));
            }

            var target = AttributionTarget<double>.Classes(_classes.AsSpan(0, rows));
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            engine.IntegratedGradients(x, target, Baseline<double>.Zero, _ig.AsSpan(0, rows * n), Exact, _deltas.AsSpan(0, rows));
            double exactMs = watch.Elapsed.TotalMilliseconds;
            process.Refresh();
            double exactCpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds;
            var segments = engine.LastSegmentCounts.ToArray();
            cpu = process.TotalProcessorTime;
            watch.Restart();
            var gl = engine.IntegratedGradients(x, target, Baseline<double>.Zero, _ig.AsSpan(0, rows * n), Adaptive, _glDeltas.AsSpan(0, rows));
            double glMs = watch.Elapsed.TotalMilliseconds;
            process.Refresh();
            double glCpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds;

            long allSegments = segments.Sum(s => (long)s);
            var results = new ExactImageResult[rows];
            for (int r = 0; r < rows; r++)
            {
                double change = Math.Abs(_logits[r * k + _classes[r]] - _zeroLogits[_classes[r]]);
                results[r] = new ExactImageResult(
                    images.SourceIndices[indices[r]], images.Labels[indices[r]], _classes[r], segments[r], _deltas[r], Math.Abs(_deltas[r]) / change,
                    exactMs * segments[r] / allSegments, glMs / rows, gl.Steps, Math.Abs(_glDeltas[r]) / change,
                    exactCpuMs * segments[r] / allSegments, glCpuMs / rows);
            }

            return results;
        }

        private static double TensorMax(ReadOnlySpan<double> values)
        {
            double max = double.NegativeInfinity;
            foreach (double v in values) max = Math.Max(max, v);
            return max;
        }
    }
}
