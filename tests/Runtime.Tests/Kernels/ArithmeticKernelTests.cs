using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>The kernels behind a - b, c * a, a * b and x.Channels(start, count), against loops written here.</summary>
public sealed class ArithmeticKernelTests
{
    private static double[] Vector(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    [Fact]
    public void Elementwise_arithmetic_and_its_gradients_and_tangent()
    {
        const int n = 37; // not a multiple of any vector width
        var a = Vector(n, 1);
        var b = Vector(n, 2);
        var ta = Vector(n, 3);
        var tb = Vector(n, 4);
        var y = new double[n];

        ArithmeticKernel.Subtract<double>(a, b, y);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] - b[i], y[i]);
        ArithmeticKernel.Multiply<double>(a, b, y);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] * b[i], y[i]);
        ArithmeticKernel.Scale<double>(a, -0.25, y);
        for (int i = 0; i < n; i++) Assert.Equal(-0.25 * a[i], y[i]);
        ArithmeticKernel.MultiplyTangent<double>(a, ta, b, tb, y);
        for (int i = 0; i < n; i++) Assert.Equal(ta[i] * b[i] + a[i] * tb[i], y[i], 14);

        var d = (double[])b.Clone();
        ArithmeticKernel.SubtractFrom<double>(a, d);
        for (int i = 0; i < n; i++) Assert.Equal(b[i] - a[i], d[i]);
        d = (double[])b.Clone();
        ArithmeticKernel.ScaleAccumulate<double>(a, 3, d);
        for (int i = 0; i < n; i++) Assert.Equal(b[i] + 3 * a[i], d[i], 14);
        d = (double[])b.Clone();
        ArithmeticKernel.MultiplyAccumulate<double>(a, ta, d);
        for (int i = 0; i < n; i++) Assert.Equal(b[i] + a[i] * ta[i], d[i], 14);

        // In place: y may be an operand.
        var inPlace = (double[])a.Clone();
        ArithmeticKernel.Subtract<double>(inPlace, b, inPlace);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] - b[i], inPlace[i]);
        Assert.ThrowsAny<ArgumentException>(() => ArithmeticKernel.Multiply<double>(a, b.AsSpan(1), y));
    }

    [Fact]
    public void Channels_copies_a_range_of_each_sample_and_adds_the_gradient_back_there_only()
    {
        // [4 channels × 3] per sample, channels 1..2: offset 3, size 6.
        const int batch = 2, whole = 12, part = 6, offset = 3;
        var x = Vector(batch * whole, 5);
        var y = new double[batch * part];
        ChannelsKernel.Forward<double>(x, y, batch, part, offset, whole);
        for (int s = 0; s < batch; s++)
        {
            for (int e = 0; e < part; e++) Assert.Equal(x[s * whole + offset + e], y[s * part + e]);
        }

        var dx = Enumerable.Repeat(1.0, batch * whole).ToArray();
        var dy = Vector(batch * part, 6);
        ChannelsKernel.Backward<double>(dy, dx, batch, part, offset, whole);
        for (int s = 0; s < batch; s++)
        {
            for (int e = 0; e < whole; e++)
            {
                bool inside = e >= offset && e < offset + part;
                Assert.Equal(inside ? 1 + dy[s * part + e - offset] : 1, dx[s * whole + e]);
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => ChannelsKernel.Forward<double>(x, y, batch, part, 7, whole));
        Assert.ThrowsAny<ArgumentException>(() => ChannelsKernel.Forward<double>(x, y, batch + 1, part, offset, whole));
    }
}
