using System.Diagnostics;
using System.Globalization;
using Axon.Attribution;
using Axon.Evaluation;
using Axon.Samples.Reporting;
using Spectre.Console;
using TableCell = Axon.Samples.Reporting.TableCell;

namespace Axon.Samples.Fashion;

/// <summary>
/// The papers' evaluations on Fashion-MNIST test images: ablation agreement and feature selection (Dhamdhere et al.),
/// ablation error with DeepLIFT rescale and RevealCancel (Shrikumar et al.) on both convolution blocks, the runtime
/// of conductance (neuron IG) at n = 10 scaled to the 10,000-image test set, and the patch-IG validation of the
/// rigorous IG study, the exact rule beside Gauss–Legendre and every neuron's conductance map. Targets are the predicted
/// classes; the baseline is the black image.
/// </summary>
internal static class EvaluationRun
{
    /// <param name="console">Progress and tables.</param>
    /// <param name="model">The CNN.</param>
    /// <param name="images">The evaluation's test images.</param>
    /// <param name="options">The command line's options.</param>
    /// <param name="measuredBefore">Tables this run measured before (the test-set run): they go into the results file first.</param>
    public static List<ReportTable> Run(IAnsiConsole console, FashionCnn model, ImageSet images, Options options, IReadOnlyList<ReportTable> measuredBefore)
    {
        double load = ResultsMarkdown.LoadAverage();
        // Read before the long evaluation, so that a missing or foreign CSV fails at once.
        var exactTestSet = options.ExactResultsPath is { } exactCsv ? ExactTestSetSummary.Of(ReadExactResults(exactCsv)).Table(exactCsv) : null;
        int count = images.Count;
        var evaluator = new AblationEvaluator<float>(model);
        var logits = Logits(model, images);
        var predicted = new int[count];
        for (int b = 0; b < count; b++) predicted[b] = Axon.Training.SoftmaxCrossEntropy.ArgMax<float>(logits.AsSpan(b * FashionCnn.OutputSize, FashionCnn.OutputSize));
        var target = AttributionTarget<float>.Classes(predicted);
        var topMinusMean = new float[logits.Length];
        TargetWeights.TopMinusMean<float>(logits, FashionCnn.OutputSize, topMinusMean);
        var zero = Baseline<float>.Zero;
        var integration = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = options.Steps };
        (string Name, int Index)[] layers = [("conv1 (after ReLU)", FashionCnn.LayerIndex.relu1), ("conv2 (after ReLU)", FashionCnn.LayerIndex.relu2)];

        var agreementRows = new List<IReadOnlyList<TableCell>>();
        var errorRows = new List<IReadOnlyList<TableCell>>();
        var runtimeRows = new List<IReadOnlyList<TableCell>>();
        var watch = Stopwatch.StartNew();
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"Evaluating on {count} test images…"));
        foreach (var (name, layer) in layers)
        {
            // Both removals: to the baseline activation (Shrikumar et al.) and to zero (Dhamdhere et al.'s own).
            foreach (var (kind, removal) in new[] { (AblationKind.ToBaselineActivation, "to baseline activation"), (AblationKind.ToZero, "to zero") })
            {
                Step(console, $"ablation agreement, {name}, {removal}");
                foreach (var a in evaluator.MeasureAgreement(layer, images.Pixels, target, zero, integration, kind))
                {
                    agreementRows.Add([name, removal, a.Method, a.MeanPearson, a.PooledPearson, a.Inputs]);
                }
            }

            // Shrikumar et al.'s target (top logit − mean logit) and the raw predicted logit; p: Mann–Whitney U of the per-image
            // errors against DeepLIFT rescale's.
            foreach (var (targetName, isWeights) in new[] { ("top − mean logit", true), ("predicted logit", false) })
            {
                Step(console, $"ablation error, {name}, {targetName}");
                var errors = isWeights
                    ? evaluator.MeasureAblationError(layer, images.Pixels, AttributionTarget<float>.Weights(topMinusMean), zero)
                    : evaluator.MeasureAblationError(layer, images.Pixels, target, zero);
                var deepLift = errors.First(e => e.Method.StartsWith("DeepLIFT", StringComparison.Ordinal));
                if (isWeights) RuntimeRows(runtimeRows, name, errors, deepLift);
                foreach (var e in errors)
                {
                    TableCell p = ReferenceEquals(e, deepLift) ? "—" : e.CompareWith(deepLift).PValue;
                    errorRows.Add([name, targetName, e.Method, e.Steps == 0 ? "—" : e.Steps.ToString(CultureInfo.InvariantCulture), e.MeanError, e.MeanAbsoluteChange, p, e.MillisecondsPerInput]);
                }
            }
        }

        Step(console, "timing neuron IG (conductance) at n = 10");
        var ten = new IntegrationOptions { Rule = IntegrationRule.RiemannTrapezoid, Steps = 10 };
        var scores = new float[count * model.Layers[FashionCnn.LayerIndex.relu2].Size];
        var timer = Stopwatch.StartNew();
        evaluator.Attributor.LayerConductance(FashionCnn.LayerIndex.relu2, images.Pixels, target, zero, scores, ten);
        double neuronIgSeconds = timer.Elapsed.TotalSeconds;

        double perImage = neuronIgSeconds / count;
        var featureSelection = FeatureSelectionRun.Run(model, images, options, what => Step(console, what));
        Step(console, $"patch-IG validation on {PatchValidationRun.Images(count)} images");
        var patchValidation = PatchValidationRun.Table(PatchValidationRun.Measure(model, images, options), options);
        Step(console, $"the exact rule on {ExactRuleRun.Images(count)} images (double and float) beside adaptive Gauss–Legendre");
        var exactRule = ExactRuleRun.Table(model, images, predicted);
        Step(console, $"every neuron's conductance map at relu2 on {ConductanceMapsRun.Images(count)} images");
        var maps = ConductanceMapsRun.Table(model, images, predicted, options);
        var tables = new List<ReportTable>
        {
            new("Ablation agreement (Pearson r between filter scores and filter ablation drops)",
                ["Layer", "Filter removed", "Method", "Mean r per image", "Pooled r", "Images"], agreementRows,
                "Dhamdhere et al.: a filter's score is the sum over its neurons; its drop is the fall of the predicted logit when its activations are set to zero " +
                "(the paper's removal) or to their values at the baseline image (Shrikumar et al.'s ablation)."),
            new("Ablation error (10% of neurons that moved most, set to their reference activation)",
                ["Layer", "Target", "Method", "Steps", "Mean |error|", "Mean |change|", "p vs DeepLIFT", "ms per image"], errorRows,
                "Shrikumar et al.: |actual change of the target − sum of the ablated neurons' scores|, averaged over images; the scores are computed for " +
                "the same target. Their target is the top logit minus the mean of all logits; the raw predicted logit is kept beside it. Gauss–Legendre " +
                "with n nodes, and their equation 7 (gradient at x⁽ⁱ⁾ times y(x⁽ⁱ⁾) − y(x⁽ⁱ⁻¹⁾): n intervals, n + 1 points). p: two-sided Mann–Whitney U " +
                "test of the per-image errors against DeepLIFT rescale's (normal approximation). DeepLIFT RevealCancel is Shrikumar et al.'s default: RevealCancel " +
                "on the nonlinearity after the dense layer fc1, rescale on the convolutions; on conv layers it differs from rescale only through fc1."),
            new("Runtime ratios (Shrikumar et al.'s comparison, same run)",
                ["Layer", "Method", "ms per image", "× DeepLIFT rescale", "n = 100 over n = 10"], runtimeRows,
                "From the ablation-error runs above (their target). Shrikumar et al. report neuron IG at n = 10 at about 41× DeepLIFT, and n = 100 at about " +
                "1.9× n = 10, in their implementation. Equation 7 with n = 10 is 10 intervals and 11 points; Gauss–Legendre with n = 10 is 10 nodes. " +
                "Every neuron of the layer at once, all images batched."),
            new("Runtime of neuron IG (conductance) at n = 10",
                ["Images", "Seconds", "ms per image", "Seconds for 10,000 images"],
                [[count, neuronIgSeconds, 1000 * perImage, perImage * 10_000]],
                "Every neuron of conv2 at once, trapezoid rule with 10 intervals; Shrikumar et al. report about 564 s for neuron IG at n = 10 on their MNIST test set."),
            featureSelection,
            patchValidation,
            exactRule,
            maps,
        };
        if (exactTestSet is not null) tables.Add(exactTestSet);

        Print(console, tables);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"Evaluation took {watch.Elapsed.TotalSeconds:F1} s."));
        if (options.ResultsPath is { } path) ResultsMarkdown.Write(console, path, [.. measuredBefore, .. tables], count, options, load);
        return tables;
    }

    private static IReadOnlyList<ExactImageResult> ReadExactResults(string path)
    {
        var results = ExactTestSetCsv.Read(path);
        return results.Count > 0 ? results : throw new JobFailure(ExitCodes.InputInvalid, $"'{path}' holds no exact-rule results yet.");
    }

    private static void Step(IAnsiConsole console, string what) =>
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"  [grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(what)}"));

    private static float[] Logits(FashionCnn model, ImageSet images)
    {
        const int chunk = 256;
        var ws = model.CreateWorkspace(chunk);
        var logits = new float[images.Count * FashionCnn.OutputSize];
        for (int start = 0; start < images.Count; start += chunk)
        {
            int n = Math.Min(chunk, images.Count - start);
            model.Forward(ws, images.Pixels.AsSpan(start * FashionCnn.InputSize, n * FashionCnn.InputSize), n, logits.AsSpan(start * FashionCnn.OutputSize, n * FashionCnn.OutputSize));
        }

        return logits;
    }

    private static void Print(IAnsiConsole console, IEnumerable<ReportTable> tables)
    {
        foreach (var table in tables)
        {
            var grid = new Table().Title(Markup.Escape(table.Title));
            foreach (string header in table.Headers) grid.AddColumn(Markup.Escape(header));
            foreach (var row in table.Rows) grid.AddRow(row.Select(c => Markup.Escape(c.Text)).ToArray());
            console.Write(grid);
        }
    }

    /// <summary>Each integrated method's time against DeepLIFT's, and n = 100 against n = 10 of the same form.</summary>
    private static void RuntimeRows(List<IReadOnlyList<TableCell>> rows, string layer, IReadOnlyList<AblationError> errors, AblationError deepLift)
    {
        foreach (var e in errors)
        {
            if (e.Steps == 0)
            {
                // DeepLIFT rescale closes the list; its RevealCancel variant is timed against it too.
                if (!ReferenceEquals(e, deepLift) && e.Method.StartsWith("DeepLIFT", StringComparison.Ordinal))
                    rows.Add([layer, e.Method, e.MillisecondsPerInput, e.MillisecondsPerInput / deepLift.MillisecondsPerInput, "—"]);
                continue;
            }

            TableCell growth = "—";
            if (e.Steps == 100)
            {
                string form = e.Method[..e.Method.IndexOf('(')];
                var ten = errors.FirstOrDefault(o => o.Steps == 10 && o.Method.StartsWith(form, StringComparison.Ordinal));
                if (ten is not null) growth = e.MillisecondsPerInput / ten.MillisecondsPerInput;
            }

            rows.Add([layer, e.Method, e.MillisecondsPerInput, e.MillisecondsPerInput / deepLift.MillisecondsPerInput, growth]);
        }

        rows.Add([layer, deepLift.Method, deepLift.MillisecondsPerInput, 1.0, "—"]);
    }
}
