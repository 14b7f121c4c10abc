using System.Numerics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// The driver of generated scalar activations: the same values as a plain loop, derivatives that match finite
/// differences (double), short spans on the calling thread and long ones split over the pool, forward in place.
/// </summary>
public sealed class ScalarActivationKernelTests
{
    /// <summary>x / (1 + |x|), derivative 1 / (1 + |x|)², as the generator would emit it for a user function.</summary>
    public readonly struct Softsign<T> : IScalarActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Value(T x) => x / (T.One + T.Abs(x));

        public T Derivative(T x)
        {
            T d = T.One + T.Abs(x);
            return T.One / (d * d);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(75)]
    [InlineData(100_003)] // over the compute pool, with a short last piece
    public void MatchesTheLoopsAndFiniteDifferences(int length)
    {
        var random = new Random(length);
        double[] x = Enumerable.Range(0, length).Select(_ => random.NextDouble() * 6 - 3).ToArray();
        double[] v = Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var op = default(Softsign<double>);

        double[] y = new double[length];
        ScalarActivationKernel.Forward<double, Softsign<double>>(x, y);
        for (int i = 0; i < length; i++) Assert.Equal(op.Value(x[i]), y[i]);

        // Backward adds into dx; tangent overwrites ty.
        double[] dx = Enumerable.Repeat(1.0, length).ToArray();
        ScalarActivationKernel.Backward<double, Softsign<double>>(x, v, dx);
        double[] ty = Enumerable.Repeat(double.NaN, length).ToArray();
        ScalarActivationKernel.Tangent<double, Softsign<double>>(x, v, ty);
        const double h = 1e-6;
        for (int i = 0; i < length; i++)
        {
            double fd = (op.Value(x[i] + h) - op.Value(x[i] - h)) / (2 * h) * v[i];
            Assert.True(Math.Abs(ty[i] - fd) <= 1e-7, $"tangent[{i}] = {ty[i]}, finite difference {fd}");
            Assert.True(Math.Abs(dx[i] - 1 - fd) <= 1e-7, $"backward[{i}] = {dx[i] - 1}, finite difference {fd}");
        }

        // In place, in float.
        float[] xf = x.Select(value => (float)value).ToArray();
        float[] expected = xf.Select(value => default(Softsign<float>).Value(value)).ToArray();
        ScalarActivationKernel.Forward<float, Softsign<float>>(xf, xf);
        Assert.Equal(expected, xf);
    }

    [Fact]
    public void RejectsMismatchedLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => ScalarActivationKernel.Backward<double, Softsign<double>>(new double[4], new double[3], new double[4]));
        Assert.Equal("dy", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ScalarActivationKernel.Tangent<double, Softsign<double>>(new double[4], new double[4], new double[5]));
        Assert.Equal("ty", e.ParamName);
    }
}
