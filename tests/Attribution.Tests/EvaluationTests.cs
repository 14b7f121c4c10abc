using Axon.Evaluation;
using Axon.Model;

namespace Axon.Attribution.Tests;

public class EvaluationTests
{
    [Fact]
    public void PearsonMatchesKnownValues()
    {
        Assert.Equal(1.0, Correlation.Pearson<double>([1, 2, 3, 4], [3, 5, 7, 9]), 1e-15);
        Assert.Equal(-1.0, Correlation.Pearson<double>([1, 2, 3, 4], [4, 3, 2, 1]), 1e-15);
        Assert.True(double.IsNaN(Correlation.Pearson<double>([1, 1, 1], [1, 2, 3])));
        // x = 1..5, y = 2, 4, 5, 4, 5: Sxy = 6, Sxx = 10, Syy = 6 → r = 6 / √60.
        Assert.Equal(6 / Math.Sqrt(60), Correlation.Pearson<float>([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 1e-7);
        Assert.Throws<ArgumentException>(() => Correlation.Pearson<double>([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => Correlation.Pearson<double>([1, double.NaN], [1, 2]));
    }

    [Fact]
    public void AblatingNeuronsReplacesThemWithTheReferenceActivation()
    {
        var model = new HandModel<double>(4, 6, 3, HandModel<double>.Act.Tanh);
        var evaluator = new AblationEvaluator<double>(model, stepBatch: 2);
        var x = BruteForce.RandomVector(12, 1, 1.5);           // three inputs, chunks of two
        var baseline = BruteForce.RandomVector(4, 2, 0.5);
        var mask = new[] { true, false, false, true, false, true };
        var drops = new double[3];
        evaluator.Ablate(2, mask, x, 1, Baseline<double>.Shared(baseline), drops);

        var ws = model.CreateWorkspace(1);
        var output = new double[3];
        model.Forward(ws, baseline, 1, output);
        var reference = ws.Activation(2).ToArray();
        for (int b = 0; b < 3; b++)
        {
            model.Forward(ws, x.AsSpan(b * 4, 4), 1, output);
            double score = output[1];
            var y = ws.Activation(2).ToArray();
            for (int j = 0; j < 6; j++) if (mask[j]) y[j] = reference[j];
            model.ForwardFrom(ws, 2, y, 1, output);
            Assert.Equal(score - output[1], drops[b], 1e-14);
        }

        // Everything ablated on a cut layer: the drop is F(x) − F(x′).
        evaluator.Ablate(2, Enumerable.Repeat(true, 6).ToArray(), x, 1, Baseline<double>.Shared(baseline), drops);
        for (int b = 0; b < 3; b++) Assert.Equal(BruteForce.Score(model, x[(b * 4)..(b * 4 + 4)], 1) - BruteForce.Score(model, baseline, 1), drops[b], 1e-14);

        Assert.Throws<ArgumentException>(() => evaluator.Ablate(2, new bool[5], x, 1, Baseline<double>.Zero, drops));
        Assert.Throws<ArgumentException>(() => evaluator.Ablate(2, mask, x, 1, Baseline<double>.Distribution(baseline), drops));
        Assert.Throws<ArgumentOutOfRangeException>(() => evaluator.Ablate(9, mask, x, 1, Baseline<double>.Zero, drops));
    }

    [Fact]
    public void WhenTheRestOfTheNetworkIsAffineConductanceAgreesPerfectlyWithAblation()
    {
        // After 'act' only dense2 follows: ablating neuron j changes F by w_j·(y_j − y′_j), which is exactly its
        // conductance, gradient × difference and DeepLIFT score.
        var model = new HandModel<double>(5, 8, 3, HandModel<double>.Act.Tanh);
        var evaluator = new AblationEvaluator<double>(model, stepBatch: 32);
        var x = BruteForce.RandomVector(6 * 5, 3, 1.5);
        int[] targets = [0, 1, 2, 0, 1, 2];
        var agreement = evaluator.MeasureAgreement(2, x, targets, Baseline<double>.Zero);
        Assert.Equal(["Conductance", "Activation", "Gradient × activation", "Internal influence"], agreement.Select(a => a.Method));
        Assert.Equal(1.0, agreement[0].MeanPearson, 1e-9);
        Assert.Equal(1.0, agreement[0].PooledPearson, 1e-9);
        Assert.Equal(6, agreement[0].Inputs);
        Assert.All(agreement, a => Assert.InRange(a.MeanPearson, -1, 1));

        var errors = evaluator.MeasureAblationError(2, x, targets, Baseline<double>.Zero, fraction: 0.25);
        Assert.Equal(7, errors.Count); // conductance and eq. 7 at n = 10 and 100, DeepLIFT rescale and RevealCancel, gradient × difference
        Assert.Equal([10, 10, 100, 100, 0, 0, 0], errors.Select(e => e.Steps));
        Assert.Contains("eq. 7 difference form (10 intervals, 11 points)", errors[1].Method);
        Assert.Contains("Gauss–Legendre, 100 nodes", errors[2].Method);
        Assert.True(errors[2].MeanError < 1e-12 * Math.Max(1, errors[2].MeanAbsoluteChange), $"conductance n=100: {errors[2].MeanError}");
        // After layer 2 the network is affine: the difference form is exact for any n.
        Assert.True(errors[1].MeanError < 1e-12 * Math.Max(1, errors[1].MeanAbsoluteChange), $"eq. 7, n=10: {errors[1].MeanError}");
        Assert.True(errors[4].MeanError < 1e-12, $"DeepLIFT: {errors[4].MeanError}");
        Assert.True(errors[5].MeanError < 1e-12, $"DeepLIFT RevealCancel: {errors[5].MeanError}");
        Assert.True(errors[6].MeanError < 1e-12, $"gradient × difference: {errors[6].MeanError}");
        Assert.True(errors[0].MeanAbsoluteChange > 1e-3);
        Assert.All(errors, e => Assert.True(e.MillisecondsPerInput >= 0));
        Assert.All(errors, e => Assert.Equal(e.MeanError, e.Errors.Average(), 12));

        // On dense1 a nonlinearity follows: one-pass methods err, conductance converges with n; the per-image errors
        // feed the significance test.
        var hidden = evaluator.MeasureAblationError(1, x, targets, Baseline<double>.Zero, fraction: 0.25);
        Assert.True(hidden[6].MeanError > 1e-6);
        Assert.True(hidden[2].MeanError <= hidden[6].MeanError, $"conductance {hidden[2].MeanError} vs gradient × difference {hidden[6].MeanError}");
        var test = hidden[2].CompareWith(hidden[6]);
        Assert.InRange(test.PValue, 0, 1);
        Assert.True(test.Z <= 0, $"conductance's errors should rank lower: z = {test.Z}");
    }

    [Fact]
    public void FilterScoresSumChannels()
    {
        var model = new HandModel<double>(4, 6, 3, HandModel<double>.Act.Tanh);
        var evaluator = new AblationEvaluator<double>(model);
        Assert.Equal(6, evaluator.FilterCount(2));
        var filters = new double[12];
        evaluator.FilterScores(2, Enumerable.Range(0, 12).Select(i => (double)i).ToArray(), filters);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (double)i), filters);
    }
}
