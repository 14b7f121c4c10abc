using Axon.Layers;
using Axon.Model;
using Axon.Training;

namespace Axon.Runtime.Tests.Training;

[Differentiable(ElementType = ElementType.Double), InputShape(2)]
public partial class TwoMoonsNet
{
    [Layer] private readonly Dense fc1 = new(2, 16);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Dense fc2 = new(16, 2);
}

public sealed class TrainingTests
{
    private static readonly ParameterInfo[] Tensors =
    {
        new("w", 1, new[] { 3 }, 0, 3, true),
        new("running_mean", 1, new[] { 1 }, 3, 1, false),
    };

    [Fact]
    public void Sgd_with_momentum_follows_the_torch_update_rule_and_leaves_running_statistics()
    {
        var sgd = new SgdMomentum<double>(Tensors, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01);
        var theta = new[] { 1.0, -2.0, 0.5, 7.0 };
        var g = new[] { 0.5, 0.25, -1.0, 3.0 };
        sgd.Step(theta, g);
        // v1 = g + λθ; θ1 = θ − η v1
        double[] v1 = { 0.5 + 0.01, 0.25 - 0.02, -1.0 + 0.005 };
        double[] t1 = { 1 - 0.1 * v1[0], -2 - 0.1 * v1[1], 0.5 - 0.1 * v1[2] };
        for (int i = 0; i < 3; i++) Assert.Equal(t1[i], theta[i], 14);
        Assert.Equal(7.0, theta[3]);
        sgd.Step(theta, g);
        for (int i = 0; i < 3; i++)
        {
            double v2 = 0.9 * v1[i] + g[i] + 0.01 * t1[i];
            Assert.Equal(t1[i] - 0.1 * v2, theta[i], 14);
        }
    }

    [Fact]
    public void Adam_follows_the_bias_corrected_update_rule()
    {
        var adam = new Adam<double>(Tensors, learningRate: 0.01);
        var theta = new[] { 1.0, -2.0, 0.5, 7.0 };
        var g = new[] { 0.5, 0.25, -1.0, 3.0 };
        adam.Step(theta, g);
        // After one step m̂ = g and v̂ = g², so each parameter moves by η·g/(|g| + ε) ≈ η·sign(g).
        Assert.Equal(1 - 0.01 * 0.5 / (0.5 + 1e-8), theta[0], 12);
        Assert.Equal(-2 - 0.01 * 0.25 / (0.25 + 1e-8), theta[1], 12);
        Assert.Equal(0.5 + 0.01 * 1.0 / (1.0 + 1e-8), theta[2], 12);
        Assert.Equal(7.0, theta[3]);
    }

    [Fact]
    public void Optimizers_reject_bad_settings_and_mismatched_vectors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SgdMomentum<double>(Tensors, learningRate: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<double>(Tensors, beta1: 1));
        var adam = new Adam<double>(Tensors);
        var theta = new double[4];
        Assert.Throws<ArgumentException>(() => adam.Step(theta, new double[3]));
        Assert.Throws<ArgumentException>(() => adam.Step(new double[5], new double[5]));
    }

    [Fact]
    public void Cross_entropy_gradient_matches_finite_differences()
    {
        var logits = new[] { 0.3, -1.2, 2.0, 0.1, 0.7, -0.4 };
        var labels = new[] { 2, 0 };
        var gradient = new double[6];
        double loss = SoftmaxCrossEntropy.LossAndGradient<double>(logits, labels, 3, gradient);
        double expected = (-Math.Log(Math.Exp(2.0) / (Math.Exp(0.3) + Math.Exp(-1.2) + Math.Exp(2.0)))
            - Math.Log(Math.Exp(0.1) / (Math.Exp(0.1) + Math.Exp(0.7) + Math.Exp(-0.4)))) / 2;
        Assert.Equal(expected, loss, 12);
        var scratch = new double[6];
        for (int i = 0; i < 6; i++)
        {
            var plus = logits.ToArray(); plus[i] += 1e-6;
            var minus = logits.ToArray(); minus[i] -= 1e-6;
            double numeric = (SoftmaxCrossEntropy.LossAndGradient<double>(plus, labels, 3, scratch) - SoftmaxCrossEntropy.LossAndGradient<double>(minus, labels, 3, scratch)) / 2e-6;
            Assert.Equal(numeric, gradient[i], 8);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropy.LossAndGradient<double>(logits, new[] { 3, 0 }, 3, gradient));
    }

    [Fact]
    public void Softmax_probability_is_stable_and_argmax_takes_the_first_maximum()
    {
        var logits = new[] { 1000f, 1001f, 999f, 1001f };
        double e0 = Math.Exp(-1), e2 = Math.Exp(-2);
        Assert.Equal(1 / (e0 + 1 + e2 + 1), SoftmaxCrossEntropy.Probability<float>(logits, 1), 12);
        Assert.Equal(e2 / (e0 + 1 + e2 + 1), SoftmaxCrossEntropy.Probability<float>(logits, 2), 12);
        Assert.Equal(1, SoftmaxCrossEntropy.ArgMax<float>(logits));
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropy.Probability<float>(logits, 4));
    }

    [Fact]
    public void Training_a_generated_model_learns_a_nonlinear_problem()
    {
        // Two interleaved half circles: not linearly separable, so the hidden layer must learn.
        var random = new Random(3);
        int count = 600;
        var inputs = new double[count * 2];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 2;
            double angle = random.NextDouble() * Math.PI;
            inputs[2 * i] = label == 0 ? Math.Cos(angle) : 1 - Math.Cos(angle);
            inputs[2 * i + 1] = (label == 0 ? Math.Sin(angle) : 0.5 - Math.Sin(angle)) + (random.NextDouble() - 0.5) * 0.1;
            labels[i] = (byte)label;
        }

        var model = new TwoMoonsNet();
        model.ResetParameters(1);
        var trainer = new Trainer<double>(model, new Adam<double>(model.ParameterTensors, 0.02), new TrainingOptions { Epochs = 40, BatchSize = 32, Seed = 2 });
        double before = trainer.Accuracy(inputs, labels);
        var losses = new List<double>();
        double loss = trainer.Fit(inputs, labels, new LossRecorder(losses));
        double after = trainer.Accuracy(inputs, labels);
        Assert.True(after > 0.97, $"accuracy {before:P1} → {after:P1}, final loss {loss:F4}");
        Assert.True(loss < 0.1, $"final loss {loss}");
        Assert.Equal(40 * 19, losses.Count);
    }

    /// <summary>Records synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class LossRecorder(List<double> losses) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => losses.Add(value.Loss);
    }

    [Fact]
    public void Trainer_rejects_bad_data()
    {
        var model = new TwoMoonsNet();
        var trainer = new Trainer<double>(model, new SgdMomentum<double>(model.ParameterTensors, 0.1));
        Assert.Throws<ArgumentException>(() => trainer.Fit(new double[5], new byte[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(new double[6], new byte[] { 0, 1, 2 }));
        Assert.Throws<ArgumentException>(() => trainer.Fit(Array.Empty<double>(), Array.Empty<byte>()));
    }
}
