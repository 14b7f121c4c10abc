using Axon.Training;

namespace Axon.Runtime.Tests.Training;

/// <summary>Training beyond byte class labels: int labels, and regression with the mean squared error.</summary>
public sealed class RegressionAndLabelTests
{
    [Fact]
    public void MeanSquaredErrorIsTorchsMeanAndItsGradientMatchesCentralDifferences()
    {
        double[] y = [0.5, -1.0, 2.0, 0.25];
        double[] t = [1.0, -1.5, 2.5, 0.0];
        var gradient = new double[4];
        double loss = MeanSquaredError.LossAndGradient<double>(y, t, gradient);
        Assert.Equal((0.25 + 0.25 + 0.25 + 0.0625) / 4, loss, 15);
        for (int i = 0; i < y.Length; i++)
        {
            const double h = 1e-6;
            var plus = (double[])y.Clone();
            var minus = (double[])y.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (MeanSquaredError.LossAndGradient<double>(plus, t, new double[4]) - MeanSquaredError.LossAndGradient<double>(minus, t, new double[4])) / (2 * h);
            Assert.Equal(numeric, gradient[i], 8);
        }
    }

    [Fact]
    public void RegressionLearnsATeachersOutputs()
    {
        // Targets from a teacher network; a student of the same shape, from other weights, learns to match them.
        var teacher = new TwoMoonsNet();
        teacher.ResetParameters(11);
        var random = new Random(5);
        int count = 256;
        var x = new double[count * TwoMoonsNet.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = 2 * random.NextDouble() - 1;
        var targets = new double[count * TwoMoonsNet.OutputSize];
        teacher.Forward(teacher.CreateWorkspace(count), x, count, targets);

        var student = new TwoMoonsNet();
        student.ResetParameters(3);
        var initial = Loss(student, x, targets, count);
        var trainer = new Trainer<double>(student, new Adam<double>(student.ParameterTensors, learningRate: 0.01), new TrainingOptions { Epochs = 40, BatchSize = 32 });
        double last = trainer.FitRegression(x, targets);
        double final = Loss(student, x, targets, count);

        Assert.True(final < 0.05 * initial, $"MSE went from {initial:G3} to {final:G3}");
        Assert.True(last < initial);
    }

    [Fact]
    public void IntLabelsTrainExactlyAsByteLabels()
    {
        var random = new Random(9);
        int count = 64;
        var x = new double[count * 2];
        for (int i = 0; i < x.Length; i++) x[i] = 2 * random.NextDouble() - 1;
        byte[] bytes = [.. Enumerable.Range(0, count).Select(i => (byte)(x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0))];
        int[] ints = [.. bytes.Select(b => (int)b)];

        var a = new TwoMoonsNet();
        var b = new TwoMoonsNet();
        a.ResetParameters(1);
        b.ResetParameters(1);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16 };
        double lossA = new Trainer<double>(a, new SgdMomentum<double>(a.ParameterTensors, 0.1), options).Fit(x, bytes);
        double lossB = new Trainer<double>(b, new SgdMomentum<double>(b.ParameterTensors, 0.1), options).Fit(x, ints);

        Assert.Equal(lossA, lossB);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<double>(b, new SgdMomentum<double>(b.ParameterTensors, 0.1), options).Fit(x, [.. ints[..^1], 2]));
    }

    private static double Loss(TwoMoonsNet model, double[] x, double[] targets, int count)
    {
        var outputs = new double[targets.Length];
        model.Forward(model.CreateWorkspace(count), x, count, outputs);
        return MeanSquaredError.LossAndGradient<double>(outputs, targets, new double[targets.Length]);
    }
}
