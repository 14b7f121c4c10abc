using System.Numerics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// 2×2 max pooling of rows narrower than an AVX-512 vector in one masked step per row (PoolCore.NarrowRows), with the
/// ReLU inside the row loads when every element lies in a window, and the fused backward without the scatter: the same
/// outputs, arg-maxes, ReLU tape and gradients, bit for bit, as the narrower vectors and the scatter they replace — for every narrow width, odd heights and widths (the last row or column
/// in no window), ties, NaN and ±0. On machines without AVX-512 both runs take the same path and still must agree.
/// </summary>
public sealed class NarrowPoolRowTests
{
    public static TheoryData<int, int> Sizes()
    {
        var sizes = new TheoryData<int, int>();
        for (int width = 2; width <= 35; width++) sizes.Add(width % 3 == 0 ? 5 : 6, width);
        return sizes;
    }

    /// <summary>Small integers (many ties, many negative windows), a few NaN and −0.</summary>
    private static T[] Values<T>(int length, int seed) where T : IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (int i = 0; i < length; i++)
        {
            int kind = random.Next(40);
            values[i] = kind == 0 ? T.NaN : kind == 1 ? T.NegativeZero : T.CreateTruncating(random.Next(-4, 5));
        }

        return values;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MaxPoolingIsTheSameBitForBit(int height, int width)
    {
        Pooling<float>(height, width);
        Pooling<double>(height, width);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FusedReluAndPoolingAreTheSameBitForBit(int height, int width)
    {
        if (height % 2 != 0 || width % 2 != 0) return; // the fused kernel takes even maps only
        ReluPooling<float>(height, width);
        ReluPooling<double>(height, width);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FusedBackwardIsTheSameBitForBit(int height, int width)
    {
        if (height % 2 != 0 || width % 2 != 0) return;
        ReluPoolingBackward<float>(height, width, corruptWinner: false);
        ReluPoolingBackward<double>(height, width, corruptWinner: false);
    }

    [Theory]
    [InlineData(6, 28)]
    [InlineData(4, 10)]
    [InlineData(2, 18)]
    public void AWinnerOutsideItsWindowGoesToTheScatter(int height, int width)
    {
        // Not what a forward pass records, but the scatter's contract: any index in the sample gets the gradient.
        ReluPoolingBackward<float>(height, width, corruptWinner: true);
        ReluPoolingBackward<double>(height, width, corruptWinner: true);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FusedTangentIsReluTangentThenTheGatherBitForBit(int height, int width)
    {
        if (height % 2 != 0 || width % 2 != 0) return;
        ReluPoolingTangent<float>(height, width, corruptWinner: false);
        ReluPoolingTangent<double>(height, width, corruptWinner: false);
        ReluPoolingTangent<float>(height, width, corruptWinner: true);
        ReluPoolingTangent<double>(height, width, corruptWinner: true);
    }

    [Fact]
    public void AWinnerOutsideTheSampleIsRejected()
    {
        const int height = 4, width = 28, size = 3 * height * width;
        var dy = new float[2 * size / 4];
        var argmax = new int[dy.Length];
        var x = new float[2 * size];
        ReluMaxPoolKernel.Forward<float>(x, new float[x.Length], new float[dy.Length], argmax, 2, 3, height, width);
        argmax[dy.Length - 1] = size; // one past the second sample's input
        var e = Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Backward<float>(
            dy, argmax, x, new float[x.Length], new float[x.Length], 2, 3, height, width, GradientMode.Overwrite, GradientMode.Overwrite));
        Assert.Contains("outside the sample's input", e.Message);
        e = Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Tangent<float>(x, x, argmax, new float[x.Length], new float[dy.Length], 2, 3, height, width));
        Assert.Contains("outside the sample's input", e.Message);
    }

    [Fact]
    public void TheFusedTangentRejectsWrongLengthsAndOddSizesByName()
    {
        const int height = 4, width = 28, size = 3 * height * width;
        var x = new float[2 * size];
        var argmax = new int[2 * size / 4];
        ReluMaxPoolKernel.Forward<float>(x, new float[x.Length], new float[argmax.Length], argmax, 2, 3, height, width);
        Assert.Equal("tRelu", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Tangent<float>(x, x, argmax, new float[x.Length - 1], new float[argmax.Length], 2, 3, height, width)).ParamName);
        Assert.Equal("ty", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Tangent<float>(x, x, argmax, new float[x.Length], new float[argmax.Length + 1], 2, 3, height, width)).ParamName);
        Assert.Equal("tx", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Tangent<float>(x, x.AsSpan(1), argmax, new float[x.Length], new float[argmax.Length], 2, 3, height, width)).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Tangent<float>(new float[2 * 3 * 4 * 27], new float[2 * 3 * 4 * 27], new int[2 * 3 * 2 * 13], new float[2 * 3 * 4 * 27], new float[2 * 3 * 2 * 13], 2, 3, 4, 27)).ParamName);
    }

    [Fact]
    public void FashionCnnsFirstPoolingTakesTheNarrowRowsWithTheReluInside()
    {
        // 14 outputs per row: one AVX-512 float vector holds them, the 28 inputs fill more than one.
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported) return;
        Assert.True(PoolCore<float>.TakesNarrowReluRows(new PoolShape(1, 8, 28, 28, 2, 2, 2, 2)));
        Assert.False(PoolCore<float>.TakesNarrowReluRows(new PoolShape(1, 16, 14, 14, 2, 2, 2, 2))); // 7 per row: separate ReLU pass
        Assert.True(PoolCore<float>.TakesShortReluRows(new PoolShape(1, 16, 14, 14, 2, 2, 2, 2))); // its backward: a vector per row
        Assert.False(PoolCore<float>.TakesShortReluRows(new PoolShape(1, 8, 28, 28, 2, 2, 2, 2)));
        Assert.True(PoolCore<float>.TakesNarrowRows(7));
        Assert.False(PoolCore<float>.TakesNarrowRows(16));
    }

    private static void Pooling<T>(int height, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 2, channels = 3;
        int oh = height / 2, ow = width / 2, outLength = batch * channels * oh * ow;
        var x = Values<T>(batch * channels * height * width, height * 97 + width);
        var (y, argmax) = (new T[outLength], new int[outLength]);
        var (yWide, argmaxWide) = (new T[outLength], new int[outLength]);
        Run(narrow: true, () => MaxPool2dKernel.Forward<T>(x, y, argmax, batch, channels, height, width, 2, 2));
        Run(narrow: false, () => MaxPool2dKernel.Forward<T>(x, yWide, argmaxWide, batch, channels, height, width, 2, 2));
        AssertBits(yWide, y, $"{typeof(T).Name} {height}×{width} y");
        Assert.Equal(argmaxWide, argmax);
    }

    private static void ReluPooling<T>(int height, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 2, channels = 3;
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var x = Values<T>(inLength, height * 89 + width);
        var (relu, y, argmax) = (new T[inLength], new T[outLength], new int[outLength]);
        var (reluWide, yWide, argmaxWide) = (new T[inLength], new T[outLength], new int[outLength]);
        Run(narrow: true, () => ReluMaxPoolKernel.Forward<T>(x, relu, y, argmax, batch, channels, height, width));
        Run(narrow: false, () => ReluMaxPoolKernel.Forward<T>(x, reluWide, yWide, argmaxWide, batch, channels, height, width));
        AssertBits(reluWide, relu, $"{typeof(T).Name} {height}×{width} relu");
        AssertBits(yWide, y, $"{typeof(T).Name} {height}×{width} y");
        Assert.Equal(argmaxWide, argmax);
    }

    private static void ReluPoolingBackward<T>(int height, int width, bool corruptWinner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 3, channels = 2;
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var x = Values<T>(inLength, height * 83 + width);
        var dy = Values<T>(outLength, height * 79 + width);
        var (relu, y, argmax) = (new T[inLength], new T[outLength], new int[outLength]);
        ReluMaxPoolKernel.Forward<T>(x, relu, y, argmax, batch, channels, height, width);
        int perSample = outLength / batch;
        if (corruptWinner) argmax[perSample + 1] = argmax[perSample]; // the second sample's second output names its first's winner: both add there
        var (dRelu, dx) = (Enumerable.Repeat(T.CreateTruncating(9), inLength).ToArray(), Enumerable.Repeat(T.CreateTruncating(9), inLength).ToArray());
        var (dReluScatter, dxScatter) = (new T[inLength], new T[inLength]);
        var overwrite = GradientMode.Overwrite;
        Run(narrow: true, () => ReluMaxPoolKernel.Backward<T>(dy, argmax, x, dRelu, dx, batch, channels, height, width, overwrite, overwrite));
        Run(narrow: false, () => ReluMaxPoolKernel.Backward<T>(dy, argmax, x, dReluScatter, dxScatter, batch, channels, height, width, overwrite, overwrite));
        AssertBits(dReluScatter, dRelu, $"{typeof(T).Name} {height}×{width} dRelu");
        AssertBits(dxScatter, dx, $"{typeof(T).Name} {height}×{width} dx");
    }

    private static void ReluPoolingTangent<T>(int height, int width, bool corruptWinner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 3, channels = 2;
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var x = Values<T>(inLength, height * 71 + width);
        var tx = Values<T>(inLength, height * 67 + width);
        var (relu, y, argmax) = (new T[inLength], new T[outLength], new int[outLength]);
        ReluMaxPoolKernel.Forward<T>(x, relu, y, argmax, batch, channels, height, width);
        int perSample = outLength / batch;
        if (corruptWinner) argmax[perSample + 1] = argmax[perSample]; // not a forward pass's: the gather still reads it
        var (tRelu, ty) = (Enumerable.Repeat(T.CreateTruncating(9), inLength).ToArray(), Enumerable.Repeat(T.CreateTruncating(9), outLength).ToArray());
        ReluMaxPoolKernel.Tangent<T>(x, tx, argmax, tRelu, ty, batch, channels, height, width);
        var (tReluApart, tyApart) = (new T[inLength], new T[outLength]);
        ReluKernel.Tangent<T>(x, relu, tx, tReluApart);
        MaxPool2dKernel.Tangent<T>(tReluApart, argmax, tyApart, batch, channels, height, width, 2, 2);
        AssertBits(tReluApart, tRelu, $"{typeof(T).Name} {height}×{width} tRelu");
        AssertBits(tyApart, ty, $"{typeof(T).Name} {height}×{width} ty");
    }

    /// <summary>Runs <paramref name="action"/> with the narrow-row kernels on or off (NarrowRowSwitch), restoring the switch.</summary>
    internal static void Run(bool narrow, Action action)
    {
        bool before = NarrowRowSwitch.Enabled;
        NarrowRowSwitch.Enabled = narrow;
        try
        {
            action();
        }
        finally
        {
            NarrowRowSwitch.Enabled = before;
        }
    }

    internal static void AssertBits<T>(T[] expected, T[] actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = typeof(T) == typeof(float)
                ? BitConverter.SingleToInt32Bits((float)(object)expected[i]) == BitConverter.SingleToInt32Bits((float)(object)actual[i])
                : BitConverter.DoubleToInt64Bits((double)(object)expected[i]) == BitConverter.DoubleToInt64Bits((double)(object)actual[i]);
            Assert.True(same, $"{what}[{i}]: {actual[i]} against {expected[i]}");
        }
    }
}
