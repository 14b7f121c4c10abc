using System.Globalization;
using Axon.Attribution;
using Axon.Evaluation;
using Axon.Samples.Reporting;
using TableCell = Axon.Samples.Reporting.TableCell;

namespace Axon.Samples.Fashion;

/// <summary>
/// The rigorous IG study's patch-IG validation on Fashion-MNIST: 7 × 7 patches (a 4 × 4 grid), per image the patch
/// with the largest |IG|, conv2's filters ranked by that patch's IG through them, the top 3 pruned, input IG
/// recomputed; 3 random filters pruned as the control.
/// </summary>
internal static class PatchValidationRun
{
    public const int Pruned = 3;
    private const int Grid = 4;

    /// <summary>Images the validation runs on (the first ones of the evaluation's).</summary>
    public static int Images(int evaluated) => Math.Min(evaluated, 100);

    public static IReadOnlyList<PatchValidationResult> Measure(FashionCnn model, ImageSet images, Options options)
    {
        int count = Images(images.Count);
        var parameters = model.Parameters.ToArray();
        var patches = new List<InputRegion>();
        int side = 28 / Grid;
        for (int r = 0; r < Grid; r++)
        {
            for (int c = 0; c < Grid; c++) patches.Add(InputRegion.Rectangle(r * side, c * side, side, side));
        }

        var predicted = Predictions(model, images, count);
        var integration = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = options.Steps };
        return PatchValidation.Run<float>(
            () =>
            {
                var copy = new FashionCnn();
                parameters.CopyTo(copy.Parameters);
                return copy;
            },
            FashionCnn.LayerIndex.relu2, patches, images.Pixels.AsSpan(0, count * FashionCnn.InputSize), predicted, Baseline<float>.Zero, Pruned, integration);
    }

    public static ReportTable Table(IReadOnlyList<PatchValidationResult> results, Options options)
    {
        int count = results.Count;
        double target = results.Average(r => r.TargetChange), other = results.Average(r => r.OtherChange);
        double controlTarget = results.Average(r => r.ControlTargetChange), controlOther = results.Average(r => r.ControlOtherChange);
        double moreThanOthers = results.Count(r => r.TargetChange > r.OtherChange) / (double)count;
        double controlMore = results.Count(r => r.ControlTargetChange > r.ControlOtherChange) / (double)count;
        return new ReportTable(
            "Patch-IG validation (prune the filters most attributed to a patch)",
            ["Filters pruned", "Images", "Mean |ΔIG| of the patch", "Mean |ΔIG| of another patch", "Ratio", "Images where the patch moved more"],
            [
                [string.Create(CultureInfo.InvariantCulture, $"top {Pruned} by the patch's IG"), count, target, other, target / other, TableCell.Percent(moreThanOthers)],
                [string.Create(CultureInfo.InvariantCulture, $"{Pruned} random (control)"), count, controlTarget, controlOther, controlTarget / controlOther, TableCell.Percent(controlMore)],
            ],
            string.Create(CultureInfo.InvariantCulture,
                $"The study's validation of patch IG: input IG of the predicted class (black baseline, Gauss–Legendre, {options.Steps} nodes) summed over 16 patches of 7 × 7 pixels; ") +
            "per image, the patch with the largest |IG| is chosen, conv2's 16 filters are ranked by that patch's IG through them (patch IG at relu2, summed over each filter), " +
            "the top ones are pruned (their weights and bias set to zero, so relu2's filter outputs zero) and IG is computed again. |ΔIG| is each patch's change over the image's " +
            "total |IG| before pruning; the other patches' changes are averaged. Selective pruning moves the chosen patch's IG more than the others' and more than random pruning does.");
    }

    private static int[] Predictions(FashionCnn model, ImageSet images, int count)
    {
        var ws = model.CreateWorkspace(count);
        var logits = new float[count * FashionCnn.OutputSize];
        model.Forward(ws, images.Pixels.AsSpan(0, count * FashionCnn.InputSize), count, logits);
        return Enumerable.Range(0, count).Select(b => Axon.Training.SoftmaxCrossEntropy.ArgMax<float>(logits.AsSpan(b * FashionCnn.OutputSize, FashionCnn.OutputSize))).ToArray();
    }
}
