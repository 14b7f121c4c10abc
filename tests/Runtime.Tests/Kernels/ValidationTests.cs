using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>Wrong shapes and bad ids fail with an ArgumentException that names the offending span.</summary>
public sealed class ValidationTests
{
    private static void AssertNames(string expected, Action call)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(expected, e.ParamName);
    }

    [Fact]
    public void DenseNamesTheWrongSpan()
    {
        double[] x = new double[6], w = new double[12], b = new double[4], y = new double[8];
        AssertNames("x", () => DenseKernel.Forward<double>(new double[5], w, b, y, 2, 3, 4));
        AssertNames("weight", () => DenseKernel.Forward<double>(x, new double[11], b, y, 2, 3, 4));
        AssertNames("bias", () => DenseKernel.Forward<double>(x, w, new double[3], y, 2, 3, 4));
        AssertNames("y", () => DenseKernel.Forward<double>(x, w, b, new double[9], 2, 3, 4));
        AssertNames("dWeight", () => DenseKernel.Backward<double>(x, w, y, x.ToArray(), new double[3], b, 2, 3, 4));
        AssertNames("ty", () => DenseKernel.Tangent<double>(x, w, new double[7], 2, 3, 4));
        AssertNames("batch", () => DenseKernel.Forward<double>(x, w, b, y, 0, 3, 4));
    }

    [Fact]
    public void ConvolutionNamesTheWrongSpan()
    {
        const int B = 2, C = 3, H = 5, W = 6, K = 4, k = 3;
        int size = B * K * H * W; // stride 1, padding 1 keeps the size
        double[] x = new double[B * C * H * W], w = new double[K * C * k * k], bias = new double[K], y = new double[size];
        double[] scratch = new double[Conv2dKernel.ScratchLength(B, C, H, W, K, k, 1, 1)];
        AssertNames("x", () => Conv2dKernel.Forward<double>(x.AsSpan(1), w, bias, y, scratch, B, C, H, W, K, k, 1, 1));
        AssertNames("weight", () => Conv2dKernel.Forward<double>(x, w.AsSpan(1), bias, y, scratch, B, C, H, W, K, k, 1, 1));
        AssertNames("y", () => Conv2dKernel.Forward<double>(x, w, bias, y.AsSpan(1), scratch, B, C, H, W, K, k, 1, 1));
        AssertNames("scratch", () => Conv2dKernel.Forward<double>(x, w, bias, y, scratch.AsSpan(1), B, C, H, W, K, k, 1, 1));
        AssertNames("dx", () => Conv2dKernel.Backward<double>(x, w, y, new double[3], w.ToArray(), bias.ToArray(), scratch, B, C, H, W, K, k, 1, 1));
        AssertNames("dBias", () => Conv2dKernel.Backward<double>(x, w, y, default, default, new double[2], scratch, B, C, H, W, K, k, 1, 1));
        double[] shared = new double[y.Length + scratch.Length];
        AssertNames("scratch", () => Conv2dKernel.Forward<double>(x, w, bias, shared.AsSpan(0, y.Length), shared.AsSpan(1), B, C, H, W, K, k, 1, 1));
        double[] both = new double[x.Length + y.Length];
        AssertNames("y", () => Conv2dKernel.Forward<double>(both.AsSpan(0, x.Length), w, bias, both.AsSpan(100, y.Length), scratch, B, C, H, W, K, k, 1, 1));
        AssertNames("input", () => Conv2dKernel.OutputSize(2, 5, 1, 1));
        AssertNames("stride", () => Conv1dKernel.OutputSize(8, 3, 0, 1));
        AssertNames("tx", () => Conv1dKernel.Tangent<double>(new double[5], new double[12], new double[8], new double[100], 1, 1, 6, 4, 3, 1, 0));
    }

    [Fact]
    public void PoolingAndOthersNameTheWrongSpan()
    {
        AssertNames("argmax", () => MaxPool2dKernel.Forward<double>(new double[16], new double[4], new int[3], 1, 1, 4, 4, 2, 2));
        AssertNames("dx", () => MaxPool2dKernel.Backward<double>(new double[4], new int[4], new double[15], 1, 1, 4, 4, 2, 2));
        AssertNames("argmax", () => MaxPool2dKernel.Backward<double>(new double[4], [0, 1, 2, 99], new double[16], 1, 1, 4, 4, 2, 2));
        AssertNames("y", () => AvgPool2dKernel.Forward<double>(new double[16], new double[5], 1, 1, 4, 4, 2, 2));
        AssertNames("ty", () => GlobalAvgPoolKernel.Tangent<double>(new double[12], new double[4], 1, 3, 4));
        AssertNames("x", () => MaxOverTimeKernel.Forward<double>(new double[11], new double[3], new int[3], 1, 3, 4));
        AssertNames("gamma", () => BatchNormKernel.Forward<double>(new double[8], new double[1], new double[2], new double[2], new double[2], 1e-5, new double[8], 1, 2, 4));
        AssertNames("dGamma", () => BatchNormKernel.Backward<double>(new double[8], new double[2], new double[2], new double[2], 1e-5, new double[8], default, new double[3], default, 1, 2, 4));
        AssertNames("y", () => ElementwiseKernel.Add<double>(new double[3], new double[3], new double[4]));
        AssertNames("destination", () => ElementwiseKernel.Accumulate<double>(new double[3], new double[2]));
        AssertNames("offset", () => ConcatKernel.Forward<double>(new double[6], new double[10], 2, 3, 3, 5));
        AssertNames("dx", () => ReluKernel.Backward<double>(new double[3], new double[3], new double[3], new double[2]));
        AssertNames("tx", () => GeluKernel.Tangent<float>(new float[3], new float[3], new float[4], new float[3]));
        AssertNames("y", () => SoftmaxKernel.Forward<double>(new double[6], new double[5], 2, 3));
    }

    [Fact]
    public void ScratchLengthNeverShrinksAsTheBatchGrows()
    {
        // A workspace sized for its largest batch must serve every smaller one.
        foreach (var (c, h, k, kernel, stride, padding) in new[] { (1, 28, 8, 3, 1, 1), (8, 14, 16, 3, 1, 1), (3, 32, 64, 5, 2, 2), (64, 7, 64, 3, 1, 1) })
        {
            long previous = 0;
            for (int batch = 1; batch <= 300; batch++)
            {
                long length = Conv2dKernel.ScratchLength(batch, c, h, h, k, kernel, stride, padding);
                Assert.True(length >= previous, $"ScratchLength shrinks from {previous} to {length} at batch {batch}");
                previous = length;
            }
        }
    }

    [Theory]
    [InlineData(2.5)]
    [InlineData(-1.0)]
    [InlineData(7.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void EmbeddingRejectsABadIdAndWritesNothing(double bad)
    {
        const int B = 2, L = 3, Count = 7, Dim = 2;
        double[] ids = [0, 1, 2, 3, 4, 5];
        ids[4] = bad; // sample 1, position 1
        double[] table = Enumerable.Range(0, Count * Dim).Select(i => (double)i).ToArray();
        double[] y = Enumerable.Repeat(-42.0, B * Dim * L).ToArray();
        var e = Assert.Throws<ArgumentException>(() => EmbeddingKernel.Forward<double>(ids, table, y, B, L, Count, Dim));
        Assert.Equal("ids", e.ParamName);
        Assert.Contains("sample 1, position 1", e.Message);
        Assert.All(y, v => Assert.Equal(-42.0, v));

        float[] idsF = ids.Select(v => (float)v).ToArray();
        float[] dTable = new float[Count * Dim];
        Assert.Throws<ArgumentException>(() => EmbeddingKernel.Backward<float>(idsF, new float[B * Dim * L], dTable, B, L, Count, Dim));
        Assert.All(dTable, v => Assert.Equal(0f, v));
    }
}

/// <summary>Direct checks of the plumbing kernels and of the generic (non-SIMD) element types.</summary>
public sealed class PlumbingTests
{
    [Fact]
    public void AddAccumulateCopyAndConcat()
    {
        double[] a = [1, 2, 3], b = [10, 20, 30], y = new double[3];
        ElementwiseKernel.Add<double>(a, b, y);
        Assert.Equal([11, 22, 33], y);
        ElementwiseKernel.Accumulate<double>(a, y);
        Assert.Equal([12, 24, 36], y);
        ElementwiseKernel.Copy<double>(b, y);
        Assert.Equal([10, 20, 30], y);

        double[] whole = new double[10];
        ConcatKernel.Forward<double>([1, 2, 3, 4], whole, 2, 2, 3, 5);
        Assert.Equal([0, 0, 0, 1, 2, 0, 0, 0, 3, 4], whole);
        double[] dPart = [1, 1, 1, 1];
        ConcatKernel.Backward<double>([0, 0, 0, 5, 6, 0, 0, 0, 7, 8], dPart, 2, 2, 3, 5);
        Assert.Equal([6, 7, 8, 9], dPart);
    }

    [Fact]
    public void MaxPoolingPicksTheFirstMaximum()
    {
        double[] x = [1, 5, 5, 2];
        double[] y = new double[1];
        int[] argmax = new int[1];
        MaxPool2dKernel.Forward<double>(x, y, argmax, 1, 1, 2, 2, 2, 2);
        Assert.Equal(5, y[0]);
        Assert.Equal(1, argmax[0]);
        double[] overTime = [3, 9, 9, 1, 4, 4];
        MaxOverTimeKernel.Forward<double>(overTime, new double[2], argmax = new int[2], 1, 2, 3);
        Assert.Equal([1, 4], argmax);
    }

    [Fact]
    public void LongSpansSplitOverThreadsGiveTheSameValuesAsShortOnes()
    {
        const int N = 196 * 1024, Piece = 1024;
        var random = new Random(11);
        float[] x = Enumerable.Range(0, N).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        float[] whole = new float[N], pieces = new float[N], dx = new float[N], dxPieces = new float[N];
        foreach (Action<float[], float[], int, int> run in new Action<float[], float[], int, int>[]
                 {
                     (i, o, s, n) => TanhKernel.Forward<float>(i.AsSpan(s, n), o.AsSpan(s, n)),
                     (i, o, s, n) => GeluKernel.Forward<float>(i.AsSpan(s, n), o.AsSpan(s, n)),
                     (i, o, s, n) => SoftplusKernel.Backward<float>(i.AsSpan(s, n), i.AsSpan(s, n), i.AsSpan(s, n), o.AsSpan(s, n)),
                 })
        {
            Array.Clear(whole);
            Array.Clear(pieces);
            run(x, whole, 0, N);
            for (int s = 0; s < N; s += Piece) run(x, pieces, s, Piece);
            Assert.Equal(pieces, whole);
        }
    }

    [Fact]
    public void ReluDerivativeAtZeroIsZero()
    {
        double[] x = [0.0, -0.0, 1.0], dx = new double[3];
        ReluKernel.Backward<double>(x, new double[3], [1, 1, 1], dx);
        Assert.Equal([0, 0, 1], dx);
    }

    [Fact]
    public void GenericElementTypesUseTheScalarPath()
    {
        Half[] a = [(Half)1, (Half)2, (Half)3, (Half)4], b = [(Half)0.5f, (Half)(-1), (Half)2, (Half)0.25f];
        Half[] c = new Half[4];
        Gemm.Multiply<Half>(false, false, 2, 2, 2, a, b, c, false);
        Assert.Equal([(Half)4.5f, (Half)(-0.5f), (Half)9.5f, (Half)(-2)], c);

        Half[] x = [(Half)(-1), (Half)0.5f, (Half)2], y = new Half[3];
        TanhKernel.Forward<Half>(x, y);
        for (int i = 0; i < 3; i++) Assert.Equal(Math.Tanh((double)x[i]), (double)y[i], 2e-3);
        GeluKernel.Forward<Half>(x, y);
        Assert.Equal(1.9545, (double)y[2], 2e-3);
    }
}
