using Axon.Attribution;
using Axon.Model;

namespace Axon.Evaluation;

/// <summary>
/// One image of the patch-IG validation: how much each patch's input IG moved when filters were pruned, as
/// fractions of the image's total |IG| before pruning.
/// </summary>
/// <param name="Patch">The patch the targeted filters were chosen for (the one with the largest |IG|).</param>
/// <param name="Filters">The pruned filters: those with the largest patch IG for <paramref name="Patch"/>.</param>
/// <param name="TargetChange">|ΔIG| of the chosen patch after pruning the targeted filters, over Σ |IG of every patch|.</param>
/// <param name="OtherChange">The same for the other patches, averaged.</param>
/// <param name="ControlTargetChange">|ΔIG| of the chosen patch after pruning as many random filters.</param>
/// <param name="ControlOtherChange">The other patches' mean |ΔIG| after pruning the random filters.</param>
public sealed record PatchValidationResult(int Patch, IReadOnlyList<int> Filters, double TargetChange, double OtherChange, double ControlTargetChange, double ControlOtherChange)
{
    /// <summary>TargetChange / OtherChange: above 1 when pruning moved the chosen patch's IG more than the others'.</summary>
    public double Selectivity => TargetChange / OtherChange;

    /// <summary>The same ratio for the random filters.</summary>
    public double ControlSelectivity => ControlTargetChange / ControlOtherChange;
}

/// <summary>
/// The rigorous IG study's validation of patch IG: per image, take the patch with the largest input IG, rank the
/// filters of a layer by their patch IG IG_{S,j} (summed over each filter's neurons), deactivate the top ones (their
/// producing convolution's or dense layer's weights and bias set to zero, so the ReLU after it outputs zero), and
/// recompute the input IG. If patch IG finds the filters the patch's attribution flows through, that patch's IG
/// moves more than the other patches'; pruning as many random filters is the control.
/// </summary>
public static class PatchValidation
{
    /// <summary>Runs the validation on every input.</summary>
    /// <param name="createModel">Makes a fresh copy of the model, parameters included (the pruned copies are made from it).</param>
    /// <param name="layer">A ReLU layer directly after a Conv2d, Conv1d or Dense layer: its filters are pruned.</param>
    /// <param name="patches">A partition of the input (IG sums over each).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The class explained for each input.</param>
    /// <param name="baseline">The IG baseline.</param>
    /// <param name="pruned">Filters pruned per image.</param>
    /// <param name="options">Integration settings of IG and patch IG.</param>
    /// <param name="seed">Seeds the control's random filters.</param>
    public static IReadOnlyList<PatchValidationResult> Run<T>(
        Func<IDifferentiableModel<T>> createModel, LayerHandle layer, IReadOnlyList<InputRegion> patches, ReadOnlySpan<T> inputs, ReadOnlySpan<int> target,
        Baseline<T> baseline, int pruned, IntegrationOptions? options = null, int seed = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentNullException.ThrowIfNull(patches);
        var model = createModel();
        int index = layer.Resolve(model, nameof(layer));
        var (weight, bias) = ProducingParameters(model, index);
        var evaluator = new AblationEvaluator<T>(model);
        int filters = evaluator.FilterCount(index), size = model.Layers[index].Size, perFilter = size / filters, inputSize = model.InputSize;
        if (pruned < 1 || pruned >= filters) throw new ArgumentOutOfRangeException(nameof(pruned), pruned, $"Prune 1..{filters - 1} of the layer's {filters} filters.");
        if (patches.Count < 2) throw new ArgumentException("Give at least two patches: the validation compares one patch with the others.", nameof(patches));
        if (inputs.IsEmpty || inputs.Length % inputSize != 0) throw new ArgumentException($"'inputs' has {inputs.Length} values, not a whole, positive number of inputs of {inputSize}.", nameof(inputs));
        int count = inputs.Length / inputSize;
        if (target.Length != count) throw new ArgumentException($"{target.Length} targets for {count} inputs.", nameof(target));

        var masks = new bool[patches.Count][];
        for (int q = 0; q < patches.Count; q++)
        {
            patches[q].Validate(model.Layers[0].Shape, inputSize, q, nameof(patches));
            masks[q] = Mask(patches[q], model.Layers[0].Shape, inputSize);
        }

        var attributor = new Attributor<T>(model);
        var regions = patches.ToArray();
        var random = new Random(seed);
        var results = new List<PatchValidationResult>();
        var ig = new T[inputSize];
        var patchIg = new T[patches.Count * size];
        for (int b = 0; b < count; b++)
        {
            var x = inputs.Slice(b * inputSize, inputSize);
            var row = baseline.Slice(b, 1, inputSize);
            var classTarget = AttributionTarget<T>.Class(target[b]);
            attributor.IntegratedGradients(x, classTarget, row, ig, options);
            var before = PatchSums(ig, masks);
            double total = before.Sum(Math.Abs);
            int patch = Enumerable.Range(0, patches.Count).OrderByDescending(q => Math.Abs(before[q])).First();

            // Filters ranked by the chosen patch's IG through them.
            attributor.PatchIntegratedGradients(index, regions, x, classTarget, row, patchIg, options);
            var filterScores = new double[filters];
            for (int c = 0; c < filters; c++)
            {
                for (int n = 0; n < perFilter; n++) filterScores[c] += double.CreateChecked(patchIg[patch * size + c * perFilter + n]);
            }

            var targeted = Enumerable.Range(0, filters).OrderByDescending(c => filterScores[c]).Take(pruned).ToArray();
            var control = Enumerable.Range(0, filters).OrderBy(_ => random.Next()).Take(pruned).ToArray();
            var (targetChange, otherChange) = Change(createModel, weight, bias, targeted, x, classTarget, row, masks, before, patch, total, options);
            var (controlTarget, controlOther) = Change(createModel, weight, bias, control, x, classTarget, row, masks, before, patch, total, options);
            results.Add(new PatchValidationResult(patch, targeted, targetChange, otherChange, controlTarget, controlOther));
        }

        return results;
    }

    /// <summary>|ΔIG| of the chosen patch and the other patches' mean |ΔIG|, over the image's total |IG|, after pruning.</summary>
    private static (double Target, double Other) Change<T>(
        Func<IDifferentiableModel<T>> createModel, ParameterInfo weight, ParameterInfo? bias, int[] filters, ReadOnlySpan<T> x, AttributionTarget<T> target,
        Baseline<T> baseline, bool[][] masks, double[] before, int patch, double total, IntegrationOptions? options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var model = createModel();
        Prune(model, weight, bias, filters);
        var ig = new T[model.InputSize];
        new Attributor<T>(model).IntegratedGradients(x, target, baseline, ig, options);
        var after = PatchSums(ig, masks);
        double other = 0;
        for (int q = 0; q < masks.Length; q++)
        {
            if (q != patch) other += Math.Abs(after[q] - before[q]);
        }

        return (Math.Abs(after[patch] - before[patch]) / total, other / (masks.Length - 1) / total);
    }

    /// <summary>Zeroes the weights and bias of the given output channels, so that the ReLU after them outputs zero.</summary>
    internal static void Prune<T>(IDifferentiableModel<T> model, ParameterInfo weight, ParameterInfo? bias, IReadOnlyList<int> filters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int perChannel = weight.Length / weight.Shape[0];
        foreach (int c in filters)
        {
            model.Parameters.Slice(weight.Offset + c * perChannel, perChannel).Clear();
            if (bias is not null) model.Parameters[bias.Offset + c] = T.Zero;
        }
    }

    /// <summary>The weight and bias of the layer a ReLU reads: pruning a channel there turns the ReLU's filter off.</summary>
    internal static (ParameterInfo Weight, ParameterInfo? Bias) ProducingParameters<T>(IDifferentiableModel<T> model, int layer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var info = model.Layers[layer];
        var producer = info.Kind == LayerKind.ReLU && info.Inputs.Count == 1 ? model.Layers[info.Inputs[0]] : null;
        if (producer is null || producer.Kind is not (LayerKind.Conv2d or LayerKind.Conv1d or LayerKind.Dense))
            throw new ArgumentException($"Layer {layer} ('{info.Name}', {info.Kind}) is not a ReLU right after a convolution or dense layer; its filters cannot be pruned by zeroing parameters.", nameof(layer));
        var weight = model.ParameterTensors.Single(t => t.Layer == producer.Index && t.Name.EndsWith(".weight", StringComparison.Ordinal));
        var bias = model.ParameterTensors.SingleOrDefault(t => t.Layer == producer.Index && t.Name.EndsWith(".bias", StringComparison.Ordinal));
        return (weight, bias);
    }

    private static double[] PatchSums<T>(ReadOnlySpan<T> attributions, bool[][] masks)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sums = new double[masks.Length];
        for (int q = 0; q < masks.Length; q++)
        {
            for (int i = 0; i < attributions.Length; i++)
            {
                if (masks[q][i]) sums[q] += double.CreateChecked(attributions[i]);
            }
        }

        return sums;
    }

    private static bool[] Mask(InputRegion region, IReadOnlyList<int> shape, int inputSize)
    {
        var indicator = new double[inputSize];
        region.Fill<double>(indicator, shape);
        return indicator.Select(v => v != 0).ToArray();
    }
}
