using Axon.Attribution.Tests.Generated;
using Axon.Attribution.Tests.LayerLists;

namespace Axon.Attribution.Tests.Api;

/// <summary>
/// GradientSHAP's draws from a distribution of baselines are observable (LastBaselineDraws), so a user can check
/// completeness by hand: on a linear model without noise, Σ attributions is exactly the mean over the drawn rows of
/// F(x) − F(x′).
/// </summary>
public sealed class GradientShapDrawTests
{
    [Fact]
    public void The_drawn_rows_reproduce_the_completeness_of_GradientShap_on_a_linear_model()
    {
        var model = new Linear();
        var random = new Random(3);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = random.NextDouble() * 2 - 1;
        var engine = new Attributor<double>(model, stepBatch: 4);
        var x = BruteForce.RandomVector(2 * Linear.InputSize, 4);
        var set = BruteForce.RandomVector(3 * Linear.InputSize, 5);
        const int samples = 7;
        var shap = new double[x.Length];
        engine.GradientShap(x, 2, Baseline<double>.Distribution(set), shap, samples, seed: 11);
        int[] draws = engine.LastBaselineDraws.ToArray();
        Assert.Equal(2 * samples, draws.Length);
        Assert.All(draws, d => Assert.InRange(d, 0, 2));
        Assert.True(draws.Distinct().Count() > 1, "seven draws from three rows hit more than one");

        var scores = new double[1];
        for (int b = 0; b < 2; b++)
        {
            var xb = x.AsSpan(b * Linear.InputSize, Linear.InputSize).ToArray();
            double expected = 0;
            for (int s = 0; s < samples; s++)
            {
                double fx = BruteForce.Score(model, xb, 2);
                double fr = BruteForce.Score(model, set.AsSpan(draws[b * samples + s] * Linear.InputSize, Linear.InputSize), 2);
                expected += (fx - fr) / samples;
            }

            Check.Close(expected, Check.Sum(shap.AsSpan(b * Linear.InputSize, Linear.InputSize)), 1e-12, $"input {b}");
        }

        // The layer form draws the same rows for a seed, in float as in double; a call without a distribution draws none.
        var chain = new Attributor<float>(ChainNetwork.Built<ChainNetF, float>(new ChainNetF()));
        float[] setF = [0.1f, 0.2f, -0.3f, -0.4f, 0.0f, 0.5f, 1.0f, 1.0f, 1.0f];
        chain.LayerGradientShap(ChainNetF.LayerIndex.fc2, ChainNetwork.Cast<float>(ChainNetwork.X), 0, Baseline<float>.Distribution(setF), new float[4], samples, seed: 11);
        var doubleChain = new Attributor<double>(ChainNetwork.Built<ChainNet, double>(new ChainNet()));
        doubleChain.GradientShap(ChainNetwork.X, 0, Baseline<double>.Distribution([.. setF.Select(v => (double)v)]), new double[6], samples, seed: 11);
        Assert.Equal(doubleChain.LastBaselineDraws.ToArray(), chain.LastBaselineDraws.ToArray());
        Assert.Equal(draws, doubleChain.LastBaselineDraws.ToArray());
        doubleChain.GradientShap(ChainNetwork.X, 0, Baseline<double>.Zero, new double[6], samples, seed: 11);
        Assert.True(doubleChain.LastBaselineDraws.IsEmpty);
    }
}
