using System.Numerics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// The fused ReLU + 2×2 max pooling's forward without the ReLU map (<see cref="ReluMaxPoolKernel.ForwardPooled{T}"/>: the
/// pooled tapes bit for bit, the map untouched where the rows are pooled from the registers), and its backward and
/// tangent through the winners alone
/// (<see cref="ReluMaxPoolKernel.BackwardThroughWinners{T}"/>, <see cref="ReluMaxPoolKernel.TangentThroughWinners{T}"/>),
/// which take the ReLU's derivative from the pooled output instead of the ReLU's input: the dx and ty of the full fused
/// kernels, bit for bit, for every narrow width and wider ones, on the narrow AVX-512 rows and off them, with ties,
/// NaN, ±0 and infinite gradients; a winner outside its window still gets its window's value (the derivative from its
/// window's y), one outside the sample is rejected; wrong lengths are named.
/// </summary>
public sealed class WinnerPoolTests
{
    private static void Run(bool narrow, Action action) => NarrowPoolRowTests.Run(narrow, action);

    private static void AssertBits<T>(T[] expected, T[] actual, string what) where T : unmanaged, IFloatingPointIeee754<T> =>
        NarrowPoolRowTests.AssertBits(expected, actual, what);

    public static TheoryData<int, int> Sizes()
    {
        var sizes = new TheoryData<int, int>();
        for (int width = 2; width <= 36; width += 2) sizes.Add(width % 4 == 0 ? 4 : 6, width);
        sizes.Add(28, 28);
        sizes.Add(14, 14);
        return sizes;
    }

    /// <summary>Small integers (many ties, many negative windows), a few NaN, −0 and infinities.</summary>
    private static T[] Values<T>(int length, int seed, bool infinite) where T : IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (int i = 0; i < length; i++)
        {
            int kind = random.Next(40);
            values[i] = kind switch
            {
                0 => T.NaN,
                1 => T.NegativeZero,
                2 when infinite => T.PositiveInfinity,
                3 when infinite => T.NegativeInfinity,
                _ => T.CreateTruncating(random.Next(-4, 5)),
            };
        }

        return values;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void TheBackwardIsTheFusedKernelsDxBitForBit(int height, int width)
    {
        foreach (bool narrow in new[] { true, false })
        {
            Backward<float>(height, width, narrow, corruptWinner: false);
            Backward<double>(height, width, narrow, corruptWinner: false);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void TheForwardWithoutTheReluMapGivesForwardsPooledTapesBitForBit(int height, int width)
    {
        foreach (bool narrow in new[] { true, false })
        {
            ForwardPooled<float>(height, width, narrow);
            ForwardPooled<double>(height, width, narrow);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void TheTangentIsTheFusedKernelsTyBitForBit(int height, int width)
    {
        foreach (bool narrow in new[] { true, false })
        {
            Tangent<float>(height, width, narrow, corruptWinner: false);
            Tangent<double>(height, width, narrow, corruptWinner: false);
        }
    }

    [Theory]
    [InlineData(6, 28)]
    [InlineData(4, 10)]
    [InlineData(2, 18)]
    [InlineData(4, 40)]
    public void AWinnerOutsideItsWindowButInsideItsSampleGetsTheValueThere(int height, int width)
    {
        // Not what a forward pass records, so no longer the full kernels' values; the contract is the scatter's and the
        // gather's: any index in the sample gets its window's value, with the derivative from that window's y.
        foreach (bool narrow in new[] { true, false })
        {
            Backward<float>(height, width, narrow, corruptWinner: true);
            Backward<double>(height, width, narrow, corruptWinner: true);
            Tangent<float>(height, width, narrow, corruptWinner: true);
            Tangent<double>(height, width, narrow, corruptWinner: true);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    public void TheShortRowBackwardWritesTheWholeSampleAndNothingPastIt(int height)
    {
        // Short rows store each input row as a whole vector whose lanes run on into the next rows; the rows near a
        // sample's end are masked. Each width up to a vector's two halves, into a span with sentinels on both sides:
        // the values are the scalar scatter's (narrow rows off) bit for bit and the sentinels stay.
        for (int width = 2; width <= 16; width += 2)
        {
            ShortRows<float>(height, width);
            if (width <= 8) ShortRows<double>(height, width);
        }
    }

    private static void ShortRows<T>(int height, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 3, channels = 2, pad = 40;
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var x = Values<T>(inLength, height * 37 + width, infinite: false);
        var dy = Values<T>(outLength, height * 41 + width, infinite: true);
        var (relu, y, argmax) = (new T[inLength], new T[outLength], new int[outLength]);
        ReluMaxPoolKernel.Forward<T>(x, relu, y, argmax, batch, channels, height, width);
        var expected = new T[inLength];
        Run(narrow: false, () => ReluMaxPoolKernel.BackwardThroughWinners<T>(dy, argmax, y, expected, batch, channels, height, width));
        var sentinel = T.CreateTruncating(-7);
        var buffer = Enumerable.Repeat(sentinel, inLength + 2 * pad).ToArray();
        bool shortRows = false;
        Run(narrow: true, () =>
        {
            shortRows = PoolCore<T>.TakesShortReluRows(new PoolShape(batch, channels, height, width, 2, 2, 2, 2));
            ReluMaxPoolKernel.BackwardThroughWinners<T>(dy, argmax, y, buffer.AsSpan(pad, inLength), batch, channels, height, width);
        });
        string what = $"{typeof(T).Name} {height}×{width}";
        Assert.True(shortRows || !System.Runtime.Intrinsics.X86.Avx512F.IsSupported, what);
        AssertBits(expected, buffer.AsSpan(pad, inLength).ToArray(), what + " dx");
        Assert.All(buffer.AsSpan(0, pad).ToArray(), v => Assert.Equal(sentinel, v));
        Assert.All(buffer.AsSpan(pad + inLength).ToArray(), v => Assert.Equal(sentinel, v));
    }

    [Fact]
    public void TheWinnersCarryTheGradientAndTheRestIsZero()
    {
        // An independent check of the rule, written as the definition: dx[winner] = dy where the winner's input is above
        // zero, 0 elsewhere (and the same for the tangent), with continuous values.
        const int batch = 2, channels = 3, height = 8, width = 12;
        int inLength = batch * channels * height * width, outLength = inLength / 4, inSize = inLength / batch, outSize = outLength / batch;
        var random = new Random(17);
        double[] x = Enumerable.Range(0, inLength).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] dy = Enumerable.Range(0, outLength).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] tx = Enumerable.Range(0, inLength).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var (relu, y, argmax) = (new double[inLength], new double[outLength], new int[outLength]);
        ReluMaxPoolKernel.Forward<double>(x, relu, y, argmax, batch, channels, height, width);
        var expectedDx = new double[inLength];
        var expectedTy = new double[outLength];
        for (int o = 0; o < outLength; o++)
        {
            int at = o / outSize * inSize + argmax[o];
            if (x[at] > 0)
            {
                expectedDx[at] = dy[o];
                expectedTy[o] = tx[at];
            }
        }

        var dx = Enumerable.Repeat(5.0, inLength).ToArray();
        var ty = Enumerable.Repeat(5.0, outLength).ToArray();
        ReluMaxPoolKernel.BackwardThroughWinners<double>(dy, argmax, y, dx, batch, channels, height, width);
        ReluMaxPoolKernel.TangentThroughWinners<double>(y, tx, argmax, ty, batch, channels, height, width);
        Assert.Equal(expectedDx, dx);
        Assert.Equal(expectedTy, ty);
        Assert.Contains(dx, v => v != 0);
        Assert.Contains(ty, v => v != 0);
    }

    [Fact]
    public void AWinnerOutsideTheSampleIsRejected()
    {
        const int height = 4, width = 28, size = 3 * height * width;
        var x = new float[2 * size];
        var y = new float[2 * size / 4];
        var argmax = new int[y.Length];
        ReluMaxPoolKernel.Forward<float>(x, new float[x.Length], y, argmax, 2, 3, height, width);
        argmax[y.Length - 1] = size; // one past the second sample's input
        foreach (bool narrow in new[] { true, false })
        {
            var e = Assert.Throws<ArgumentException>(() => Run(narrow, () => ReluMaxPoolKernel.BackwardThroughWinners<float>(y, argmax, y, new float[x.Length], 2, 3, height, width)));
            Assert.Contains("outside the sample's input", e.Message);
            e = Assert.Throws<ArgumentException>(() => Run(narrow, () => ReluMaxPoolKernel.TangentThroughWinners<float>(y, x, argmax, new float[y.Length], 2, 3, height, width)));
            Assert.Contains("outside the sample's input", e.Message);
        }
    }

    [Fact]
    public void WrongLengthsAndAnOddWidthAreNamedAndWriteNothing()
    {
        const int height = 4, width = 28, size = 3 * height * width;
        var x = new float[2 * size];
        var y = new float[2 * size / 4];
        var argmax = new int[y.Length];
        ReluMaxPoolKernel.Forward<float>(x, new float[x.Length], y, argmax, 2, 3, height, width);
        var dx = Enumerable.Repeat(7f, x.Length).ToArray();
        var ty = Enumerable.Repeat(7f, y.Length).ToArray();
        string Backward(int dyLength, int argmaxLength, int yLength, int dxLength) => Assert.Throws<ArgumentException>(() =>
            ReluMaxPoolKernel.BackwardThroughWinners<float>(y.AsSpan(0, dyLength), argmax.AsSpan(0, argmaxLength), y.AsSpan(0, yLength), dx.AsSpan(0, dxLength), 2, 3, height, width)).ParamName!;
        string Tangent(int yLength, int txLength, int argmaxLength, int tyLength) => Assert.Throws<ArgumentException>(() =>
            ReluMaxPoolKernel.TangentThroughWinners<float>(y.AsSpan(0, yLength), x.AsSpan(0, txLength), argmax.AsSpan(0, argmaxLength), ty.AsSpan(0, tyLength), 2, 3, height, width)).ParamName!;
        int n = y.Length, m = x.Length;
        Assert.Equal("dy", Backward(n - 1, n, n, m));
        Assert.Equal("argmax", Backward(n, n - 1, n, m));
        Assert.Equal("y", Backward(n, n, n - 1, m));
        Assert.Equal("dx", Backward(n, n, n, m - 1));
        Assert.Equal("ty", Tangent(n, m, n, n - 1));
        Assert.Equal("tx", Tangent(n, m - 1, n, n));
        Assert.Equal("argmax", Tangent(n, m, n - 1, n));
        Assert.Equal("y", Tangent(n - 1, m, n, n));
        Assert.Equal("width", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.BackwardThroughWinners<float>(
            new float[2 * 3 * 2 * 13], new int[2 * 3 * 2 * 13], new float[2 * 3 * 2 * 13], new float[2 * 3 * 4 * 27], 2, 3, 4, 27)).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.TangentThroughWinners<float>(
            new float[2 * 3 * 2 * 13], new float[2 * 3 * 4 * 27], new int[2 * 3 * 2 * 13], new float[2 * 3 * 2 * 13], 2, 3, 4, 27)).ParamName);
        Assert.All(dx, v => Assert.Equal(7f, v));
        Assert.All(ty, v => Assert.Equal(7f, v));

        // The forward without the map checks its arguments as Forward does, the map's length included.
        Assert.Equal("relu", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.ForwardPooled<float>(x, new float[m - 1], new float[n], new int[n], 2, 3, height, width)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.ForwardPooled<float>(x, new float[m], new float[n + 1], new int[n], 2, 3, height, width)).ParamName);
        Assert.Equal("relu", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.ForwardPooled<float>(x, x, new float[n], new int[n], 2, 3, height, width)).ParamName);
    }

    private static void ForwardPooled<T>(int height, int width, bool narrow) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 3, channels = 2;
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var x = Values<T>(inLength, height * 61 + width, infinite: true);
        var (relu, y, argmax) = (new T[inLength], new T[outLength], new int[outLength]);
        var (stale, yPooled, argmaxPooled) = (Enumerable.Repeat(T.CreateTruncating(9), inLength).ToArray(), new T[outLength], new int[outLength]);
        var reluPooled = (T[])stale.Clone();
        Run(narrow, () => ReluMaxPoolKernel.Forward<T>(x, relu, y, argmax, batch, channels, height, width));
        Run(narrow, () => ReluMaxPoolKernel.ForwardPooled<T>(x, reluPooled, yPooled, argmaxPooled, batch, channels, height, width));
        string what = $"{typeof(T).Name} {height}×{width} narrow {narrow}";
        AssertBits(y, yPooled, what + " y");
        Assert.Equal(argmax, argmaxPooled);

        // The map is left alone exactly where the rows are pooled from the registers; elsewhere it is the ReLU's output.
        bool fromRegisters = false;
        Run(narrow, () => fromRegisters = PoolCore<T>.TakesNarrowReluRows(new PoolShape(batch, channels, height, width, 2, 2, 2, 2)));
        AssertBits(fromRegisters ? stale : relu, reluPooled, what + " relu");
    }

    private static void Backward<T>(int height, int width, bool narrow, bool corruptWinner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 3, channels = 2;
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var x = Values<T>(inLength, height * 83 + width, infinite: true);
        var dy = Values<T>(outLength, height * 79 + width, infinite: true);
        var (relu, y, argmax) = (new T[inLength], new T[outLength], new int[outLength]);
        ReluMaxPoolKernel.Forward<T>(x, relu, y, argmax, batch, channels, height, width);
        int perSample = outLength / batch;
        if (corruptWinner) argmax[perSample + 1] = argmax[perSample]; // two windows name one winner: both add there
        var dx = Enumerable.Repeat(T.CreateTruncating(9), inLength).ToArray();
        var (dRelu, expected) = (new T[inLength], new T[inLength]);
        Run(narrow, () => ReluMaxPoolKernel.BackwardThroughWinners<T>(dy, argmax, y, dx, batch, channels, height, width));
        if (corruptWinner)
        {
            // The documented rule, window by window: the derivative from the window's own y, added at the named index.
            for (int o = 0; o < outLength; o++)
            {
                int at = o / perSample * (inLength / batch) + argmax[o];
                expected[at] += T.FusedMultiplyAdd(y[o] > T.Zero ? T.One : T.Zero, T.Zero + dy[o], T.Zero);
            }
        }
        else
        {
            var overwrite = GradientMode.Overwrite;
            Run(narrow, () => ReluMaxPoolKernel.Backward<T>(dy, argmax, x, dRelu, expected, batch, channels, height, width, overwrite, overwrite));
        }

        AssertBits(expected, dx, $"{typeof(T).Name} {height}×{width} narrow {narrow} dx");
    }

    private static void Tangent<T>(int height, int width, bool narrow, bool corruptWinner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 3, channels = 2;
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var x = Values<T>(inLength, height * 71 + width, infinite: true);
        var tx = Values<T>(inLength, height * 67 + width, infinite: true);
        var (relu, y, argmax) = (new T[inLength], new T[outLength], new int[outLength]);
        ReluMaxPoolKernel.Forward<T>(x, relu, y, argmax, batch, channels, height, width);
        int perSample = outLength / batch;
        if (corruptWinner) argmax[perSample + 1] = argmax[perSample];
        var ty = Enumerable.Repeat(T.CreateTruncating(9), outLength).ToArray();
        var (tRelu, expected) = (new T[inLength], new T[outLength]);
        Run(narrow, () => ReluMaxPoolKernel.TangentThroughWinners<T>(y, tx, argmax, ty, batch, channels, height, width));
        if (corruptWinner)
        {
            for (int o = 0; o < outLength; o++)
                expected[o] = T.FusedMultiplyAdd(y[o] > T.Zero ? T.One : T.Zero, tx[o / perSample * (inLength / batch) + argmax[o]], T.Zero);
        }
        else
        {
            Run(narrow, () => ReluMaxPoolKernel.Tangent<T>(x, tx, argmax, tRelu, expected, batch, channels, height, width));
        }

        AssertBits(expected, ty, $"{typeof(T).Name} {height}×{width} narrow {narrow} ty");
    }
}
