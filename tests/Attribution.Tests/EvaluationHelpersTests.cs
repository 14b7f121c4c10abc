using Axon.Attribution.Tests.Generated;
using Axon.Evaluation;

namespace Axon.Attribution.Tests;

/// <summary>Conductance aggregated over inputs, and Shrikumar et al.'s top-minus-mean target, against direct computations.</summary>
public class EvaluationHelpersTests
{
    [Fact]
    public void AggregatedConductanceIsTheMeanOfOneCallOverEveryInput()
    {
        var model = new SmoothMlp();
        var random = new Random(3);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        var engine = new Attributor<double>(model);
        int count = 7, n = SmoothMlp.InputSize, layer = SmoothMlp.LayerIndex.tanh1, width = model.Layers[layer].Size;
        var x = BruteForce.RandomVector(count * n, 4);
        var baselines = BruteForce.RandomVector(count * n, 5, 0.3);
        int[] classes = [0, 1, 2, 0, 1, 2, 0];
        var all = new double[count * width];
        engine.LayerConductance(SmoothMlp.LayerIndex.tanh1, x, classes, Baseline<double>.PerInput(baselines), all);

        var mean = new double[width];
        var meanAbsolute = new double[width];
        ConductanceAggregate.Compute(engine, SmoothMlp.LayerIndex.tanh1, x, classes, Baseline<double>.PerInput(baselines), mean, meanAbsolute, chunk: 3);
        for (int j = 0; j < width; j++)
        {
            Assert.Equal(Enumerable.Range(0, count).Average(b => all[b * width + j]), mean[j], 12);
            Assert.Equal(Enumerable.Range(0, count).Average(b => Math.Abs(all[b * width + j])), meanAbsolute[j], 12);
        }

        Assert.Throws<ArgumentException>(() => ConductanceAggregate.Compute(engine, Residual.LayerIndex.t, x, classes, Baseline<double>.Zero, mean, default));
    }

    [Fact]
    public void TopMinusMeanWeighsTheTopLogitAgainstTheMean()
    {
        double[] logits = [0.1, 2.0, -1.0, 0.5, 3.0, -0.5, 1.0, 1.0];
        var weights = new double[logits.Length];
        TargetWeights.TopMinusMean<double>(logits, 4, weights);
        Assert.Equal([-0.25, 0.75, -0.25, -0.25, 0.75, -0.25, -0.25, -0.25], weights);
        for (int b = 0; b < 2; b++)
        {
            double score = Enumerable.Range(0, 4).Sum(k => weights[b * 4 + k] * logits[b * 4 + k]);
            Assert.Equal(logits.Skip(b * 4).Take(4).Max() - logits.Skip(b * 4).Take(4).Average(), score, 14);
        }
    }

    [Fact]
    public void AblationToZeroAndToTheBaselineActivationAreWhatTheySay()
    {
        // Independent of the taps: run onward from tanh1 with the ablated neurons overwritten (ForwardFrom).
        var model = new SmoothMlp();
        var random = new Random(8);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        var engine = new Attributor<double>(model);
        var evaluator = new AblationEvaluator<double>(engine);
        var ws = model.CreateWorkspace(1);
        int layer = SmoothMlp.LayerIndex.tanh1, width = model.Layers[layer].Size;
        var x = BruteForce.RandomVector(SmoothMlp.InputSize, 9);
        var baseline = BruteForce.RandomVector(SmoothMlp.InputSize, 10, 0.5);
        var mask = new bool[width];
        mask[1] = mask[6] = true;

        double[] Activation(double[] input)
        {
            model.Forward(ws, input, 1, new double[3]);
            return ws.Activation(layer).ToArray();
        }

        double Score(double[] activation)
        {
            var output = new double[3];
            model.ForwardFrom(ws, layer, activation, 1, output);
            return output[2];
        }

        var y = Activation(x);
        var y0 = Activation(baseline);
        double full = Score(y);
        var zeroed = (double[])y.Clone();
        zeroed[1] = zeroed[6] = 0;
        var replaced = (double[])y.Clone();
        replaced[1] = y0[1];
        replaced[6] = y0[6];

        var drop = new double[1];
        evaluator.Ablate(SmoothMlp.LayerIndex.tanh1, mask, x, 2, Baseline<double>.Shared(baseline), drop, AblationKind.ToZero);
        Assert.Equal(full - Score(zeroed), drop[0], 12);
        evaluator.Ablate(SmoothMlp.LayerIndex.tanh1, mask, x, 2, Baseline<double>.Shared(baseline), drop);
        Assert.Equal(full - Score(replaced), drop[0], 12);
    }
}
