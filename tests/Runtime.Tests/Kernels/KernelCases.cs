using System.Numerics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

public sealed class DenseCase(int batch, int inFeatures, int outFeatures, bool bias) : KernelCase
{
    public override string Name => $"Dense b{batch} {inFeatures}→{outFeatures}{(bias ? "" : " no bias")}";
    public override int[] InputSizes => bias ? [batch * inFeatures, outFeatures * inFeatures, outFeatures] : [batch * inFeatures, outFeatures * inFeatures];
    public override int OutputSize => batch * outFeatures;

    public override void Forward<T>(T[][] inputs, T[] y) =>
        DenseKernel.Forward<T>(inputs[0], inputs[1], bias ? inputs[2] : default, y, batch, inFeatures, outFeatures);

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients) =>
        DenseKernel.Backward<T>(inputs[0], inputs[1], dy, gradients[0], gradients[1], bias ? gradients[2] : default, batch, inFeatures, outFeatures);

    public override void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty) =>
        DenseKernel.Tangent<T>(tx, inputs[1], ty, batch, inFeatures, outFeatures);
}

public sealed class Conv2dCase(int batch, int channels, int height, int width, int filters, int kernel, int stride, int padding, bool bias = true) : KernelCase
{
    private int OH => Conv2dKernel.OutputSize(height, kernel, stride, padding);
    private int OW => Conv2dKernel.OutputSize(width, kernel, stride, padding);
    private long Scratch => Conv2dKernel.ScratchLength(batch, channels, height, width, filters, kernel, stride, padding);

    public override string Name => $"Conv2d b{batch} {channels}→{filters} {height}×{width} k{kernel} s{stride} p{padding}{(bias ? "" : " no bias")}";
    public override int[] InputSizes => bias
        ? [batch * channels * height * width, filters * channels * kernel * kernel, filters]
        : [batch * channels * height * width, filters * channels * kernel * kernel];
    public override int OutputSize => batch * filters * OH * OW;

    public override void Forward<T>(T[][] inputs, T[] y) =>
        Conv2dKernel.Forward<T>(inputs[0], inputs[1], bias ? inputs[2] : default, y, new T[Scratch], batch, channels, height, width, filters, kernel, stride, padding);

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients) =>
        Conv2dKernel.Backward<T>(inputs[0], inputs[1], dy, gradients[0], gradients[1], bias ? gradients[2] : default, new T[Scratch], batch, channels, height, width, filters, kernel, stride, padding);

    public override void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty) =>
        Conv2dKernel.Tangent<T>(tx, inputs[1], ty, new T[Scratch], batch, channels, height, width, filters, kernel, stride, padding);
}

public sealed class Conv1dCase(int batch, int channels, int length, int filters, int kernel, int stride, int padding) : KernelCase
{
    private int OL => Conv1dKernel.OutputSize(length, kernel, stride, padding);
    private long Scratch => Conv1dKernel.ScratchLength(batch, channels, length, filters, kernel, stride, padding);

    public override string Name => $"Conv1d b{batch} {channels}→{filters} L{length} k{kernel} s{stride} p{padding}";
    public override int[] InputSizes => [batch * channels * length, filters * channels * kernel, filters];
    public override int OutputSize => batch * filters * OL;

    public override void Forward<T>(T[][] inputs, T[] y) =>
        Conv1dKernel.Forward<T>(inputs[0], inputs[1], inputs[2], y, new T[Scratch], batch, channels, length, filters, kernel, stride, padding);

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients) =>
        Conv1dKernel.Backward<T>(inputs[0], inputs[1], dy, gradients[0], gradients[1], gradients[2], new T[Scratch], batch, channels, length, filters, kernel, stride, padding);

    public override void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty) =>
        Conv1dKernel.Tangent<T>(tx, inputs[1], ty, new T[Scratch], batch, channels, length, filters, kernel, stride, padding);
}

public sealed class MaxPool2dCase(int batch, int channels, int height, int width, int kernel, int stride) : KernelCase
{
    private int[] _argmax = [];
    private int OutSize => channels * ((height - kernel) / stride + 1) * ((width - kernel) / stride + 1);

    public override string Name => $"MaxPool2d b{batch} c{channels} {height}×{width} k{kernel} s{stride}";
    public override int[] InputSizes => [batch * channels * height * width];
    public override int OutputSize => batch * OutSize;
    public override void Fill(double[][] inputs, Random random) => FillDistinct(inputs[0], random);

    public override void Forward<T>(T[][] inputs, T[] y)
    {
        _argmax = new int[y.Length];
        MaxPool2dKernel.Forward<T>(inputs[0], y, _argmax, batch, channels, height, width, kernel, stride);
    }

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients) =>
        MaxPool2dKernel.Backward<T>(dy, _argmax, gradients[0], batch, channels, height, width, kernel, stride);

    public override void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty) =>
        MaxPool2dKernel.Tangent<T>(tx, _argmax, ty, batch, channels, height, width, kernel, stride);
}

public sealed class AvgPool2dCase(int batch, int channels, int height, int width, int kernel, int stride) : KernelCase
{
    public override string Name => $"AvgPool2d b{batch} c{channels} {height}×{width} k{kernel} s{stride}";
    public override int[] InputSizes => [batch * channels * height * width];
    public override int OutputSize => batch * channels * ((height - kernel) / stride + 1) * ((width - kernel) / stride + 1);

    public override void Forward<T>(T[][] inputs, T[] y) => AvgPool2dKernel.Forward<T>(inputs[0], y, batch, channels, height, width, kernel, stride);

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients) =>
        AvgPool2dKernel.Backward<T>(dy, gradients[0], batch, channels, height, width, kernel, stride);

    public override void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty) => AvgPool2dKernel.Tangent<T>(tx, ty, batch, channels, height, width, kernel, stride);
}

public sealed class GlobalAvgPoolCase(int batch, int channels, int spatial) : KernelCase
{
    public override string Name => $"GlobalAvgPool b{batch} c{channels} s{spatial}";
    public override int[] InputSizes => [batch * channels * spatial];
    public override int OutputSize => batch * channels;

    public override void Forward<T>(T[][] inputs, T[] y) => GlobalAvgPoolKernel.Forward<T>(inputs[0], y, batch, channels, spatial);

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients) => GlobalAvgPoolKernel.Backward<T>(dy, gradients[0], batch, channels, spatial);

    public override void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty) => GlobalAvgPoolKernel.Tangent<T>(tx, ty, batch, channels, spatial);
}

public sealed class MaxOverTimeCase(int batch, int channels, int length) : KernelCase
{
    private int[] _argmax = [];

    public override string Name => $"MaxOverTime b{batch} c{channels} L{length}";
    public override int[] InputSizes => [batch * channels * length];
    public override int OutputSize => batch * channels;
    public override void Fill(double[][] inputs, Random random) => FillDistinct(inputs[0], random);

    public override void Forward<T>(T[][] inputs, T[] y)
    {
        _argmax = new int[y.Length];
        MaxOverTimeKernel.Forward<T>(inputs[0], y, _argmax, batch, channels, length);
    }

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients) => MaxOverTimeKernel.Backward<T>(dy, _argmax, gradients[0], batch, channels, length);

    public override void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty) => MaxOverTimeKernel.Tangent<T>(tx, _argmax, ty, batch, channels, length);
}

public sealed class EmbeddingCase(int batch, int length, int count, int dim) : KernelCase
{
    public override string Name => $"Embedding b{batch} L{length} {count}×{dim}";
    public override int[] InputSizes => [batch * length, count * dim];
    public override int OutputSize => batch * dim * length;
    public override bool IsDifferentiable(int input) => input == 1;
    public override bool HasTangent => false;

    public override void Fill(double[][] inputs, Random random)
    {
        base.Fill(inputs, random);
        for (int i = 0; i < inputs[0].Length; i++) inputs[0][i] = random.Next(count);
        inputs[0][0] = inputs[0][^1]; // a repeated id accumulates twice
    }

    public override void Forward<T>(T[][] inputs, T[] y) => EmbeddingKernel.Forward<T>(inputs[0], inputs[1], y, batch, length, count, dim);

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients) =>
        EmbeddingKernel.Backward<T>(inputs[0], dy, gradients[1], batch, length, count, dim);
}

public sealed class BatchNormCase(int batch, int channels, int spatial) : KernelCase
{
    private readonly double[] _mean = Enumerable.Range(0, channels).Select(c => 0.3 * c - 0.5).ToArray();
    private readonly double[] _variance = Enumerable.Range(0, channels).Select(c => 0.5 + 0.25 * c).ToArray();
    private const double Epsilon = 1e-5;

    public override string Name => $"BatchNorm b{batch} c{channels} s{spatial}";
    public override int[] InputSizes => [batch * channels * spatial, channels, channels];
    public override int OutputSize => batch * channels * spatial;

    private static T[] Convert<T>(double[] values) where T : unmanaged, IFloatingPointIeee754<T> => values.Select(T.CreateTruncating).ToArray();

    public override void Forward<T>(T[][] inputs, T[] y) =>
        BatchNormKernel.Forward<T>(inputs[0], inputs[1], inputs[2], Convert<T>(_mean), Convert<T>(_variance), T.CreateTruncating(Epsilon), y, batch, channels, spatial);

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients) =>
        BatchNormKernel.Backward<T>(inputs[0], inputs[1], Convert<T>(_mean), Convert<T>(_variance), T.CreateTruncating(Epsilon), dy, gradients[0], gradients[1], gradients[2], batch, channels, spatial);

    public override void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty) =>
        BatchNormKernel.Tangent<T>(tx, inputs[1], Convert<T>(_variance), T.CreateTruncating(Epsilon), ty, batch, channels, spatial);
}

public sealed class ConcatCase(int batch, int partSize, int offset, int totalSize) : KernelCase
{
    public override string Name => $"Concat b{batch} part {partSize} at {offset} of {totalSize}";
    public override int[] InputSizes => [batch * partSize];
    public override int OutputSize => batch * totalSize;

    public override void Forward<T>(T[][] inputs, T[] y)
    {
        Array.Fill(y, T.Zero);
        ConcatKernel.Forward<T>(inputs[0], y, batch, partSize, offset, totalSize);
    }

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients) => ConcatKernel.Backward<T>(dy, gradients[0], batch, partSize, offset, totalSize);

    public override void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty) => Forward([tx], ty);
}

public enum Activation { Relu, LeakyRelu, Sigmoid, Tanh, Gelu, Softplus }

public sealed class ActivationCase(Activation kind, int size) : KernelCase
{
    private const double Slope = 0.1;

    public override string Name => $"{kind} n{size}";
    public override int[] InputSizes => [size];
    public override int OutputSize => size;

    public override void Fill(double[][] inputs, Random random)
    {
        double[] x = inputs[0];
        for (int i = 0; i < x.Length; i++)
        {
            // Mostly [-4, 4], a few far out to exercise the tails; never within 0.01 of the kink at 0.
            double v = i % 9 == 4 ? 30 * (random.NextDouble() - 0.5) : 8 * (random.NextDouble() - 0.5);
            x[i] = Math.Abs(v) < 0.01 ? 0.5 : v;
        }
    }

    public override void Forward<T>(T[][] inputs, T[] y)
    {
        T[] x = inputs[0];
        switch (kind)
        {
            case Activation.Relu: ReluKernel.Forward<T>(x, y); break;
            case Activation.LeakyRelu: LeakyReluKernel.Forward<T>(x, y, T.CreateTruncating(Slope)); break;
            case Activation.Sigmoid: SigmoidKernel.Forward<T>(x, y); break;
            case Activation.Tanh: TanhKernel.Forward<T>(x, y); break;
            case Activation.Gelu: GeluKernel.Forward<T>(x, y); break;
            default: SoftplusKernel.Forward<T>(x, y); break;
        }
    }

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients)
    {
        T[] x = inputs[0], dx = gradients[0];
        if (dx.Length == 0) return;
        switch (kind)
        {
            case Activation.Relu: ReluKernel.Backward<T>(x, y, dy, dx); break;
            case Activation.LeakyRelu: LeakyReluKernel.Backward<T>(x, y, dy, dx, T.CreateTruncating(Slope)); break;
            case Activation.Sigmoid: SigmoidKernel.Backward<T>(x, y, dy, dx); break;
            case Activation.Tanh: TanhKernel.Backward<T>(x, y, dy, dx); break;
            case Activation.Gelu: GeluKernel.Backward<T>(x, y, dy, dx); break;
            default: SoftplusKernel.Backward<T>(x, y, dy, dx); break;
        }
    }

    public override void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty)
    {
        T[] x = inputs[0];
        switch (kind)
        {
            case Activation.Relu: ReluKernel.Tangent<T>(x, y, tx, ty); break;
            case Activation.LeakyRelu: LeakyReluKernel.Tangent<T>(x, y, tx, ty, T.CreateTruncating(Slope)); break;
            case Activation.Sigmoid: SigmoidKernel.Tangent<T>(x, y, tx, ty); break;
            case Activation.Tanh: TanhKernel.Tangent<T>(x, y, tx, ty); break;
            case Activation.Gelu: GeluKernel.Tangent<T>(x, y, tx, ty); break;
            default: SoftplusKernel.Tangent<T>(x, y, tx, ty); break;
        }
    }
}

public sealed class SoftmaxCase(bool log, int batch, int size) : KernelCase
{
    public override string Name => $"{(log ? "LogSoftmax" : "Softmax")} b{batch} n{size}";
    public override int[] InputSizes => [batch * size];
    public override int OutputSize => batch * size;

    public override void Forward<T>(T[][] inputs, T[] y)
    {
        if (log) LogSoftmaxKernel.Forward<T>(inputs[0], y, batch, size);
        else SoftmaxKernel.Forward<T>(inputs[0], y, batch, size);
    }

    public override void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients)
    {
        if (gradients[0].Length == 0) return;
        if (log) LogSoftmaxKernel.Backward<T>(y, dy, gradients[0], batch, size);
        else SoftmaxKernel.Backward<T>(y, dy, gradients[0], batch, size);
    }

    public override void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty)
    {
        if (log) LogSoftmaxKernel.Tangent<T>(y, tx, ty, batch, size);
        else SoftmaxKernel.Tangent<T>(y, tx, ty, batch, size);
    }
}

/// <summary>Every configuration the derivative tests run, by name.</summary>
public static class KernelCatalog
{
    /// <summary>Fresh instances each time: cases that keep a tape must not be shared between tests.</summary>
    public static KernelCase[] Create() =>
    [
        new DenseCase(3, 7, 5, bias: true),
        new DenseCase(2, 33, 4, bias: false),
        new Conv2dCase(2, 3, 7, 9, 4, kernel: 3, stride: 1, padding: 1),
        new Conv2dCase(2, 2, 8, 7, 3, kernel: 3, stride: 2, padding: 1),
        new Conv2dCase(1, 2, 9, 7, 2, kernel: 5, stride: 2, padding: 2),
        new Conv2dCase(2, 1, 6, 5, 3, kernel: 5, stride: 1, padding: 0, bias: false),
        new Conv2dCase(1, 2, 11, 6, 3, kernel: 3, stride: 3, padding: 2),
        new Conv2dCase(2, 2, 6, 7, 3, kernel: 5, stride: 1, padding: 2),
        new Conv2dCase(1, 1, 4, 3, 2, kernel: 5, stride: 1, padding: 3),
        // The direct kernel (stride 1, ≥ 4 output channels forward, ≥ 4 input channels for dx): a partial block of
        // channels, padding 0, 1 and 2, a 5×5 window, an output larger than the input, odd sizes.
        new Conv2dCase(2, 4, 7, 9, 5, kernel: 3, stride: 1, padding: 1),
        new Conv2dCase(1, 5, 6, 5, 12, kernel: 3, stride: 1, padding: 0),
        new Conv2dCase(2, 6, 5, 8, 4, kernel: 5, stride: 1, padding: 2, bias: false),
        new Conv2dCase(1, 8, 3, 3, 9, kernel: 3, stride: 1, padding: 2),
        new Conv1dCase(2, 3, 11, 4, kernel: 3, stride: 1, padding: 1),
        new Conv1dCase(2, 2, 10, 3, kernel: 5, stride: 2, padding: 2),
        new Conv1dCase(2, 4, 11, 6, kernel: 3, stride: 1, padding: 1),
        new MaxPool2dCase(2, 2, 6, 8, kernel: 2, stride: 2),
        new MaxPool2dCase(2, 3, 9, 37, kernel: 2, stride: 2), // the 2×2 fast path with a partial last vector, odd sizes
        new MaxPool2dCase(2, 2, 7, 9, kernel: 3, stride: 2),
        new AvgPool2dCase(2, 2, 6, 8, kernel: 2, stride: 2),
        new AvgPool2dCase(2, 3, 7, 9, kernel: 3, stride: 2),
        new GlobalAvgPoolCase(2, 3, 10),
        new MaxOverTimeCase(2, 3, 9),
        new EmbeddingCase(2, 5, 7, 3),
        new BatchNormCase(2, 3, 5),
        new ConcatCase(2, 3, 2, 7),
        new ActivationCase(Activation.Relu, 75),
        new ActivationCase(Activation.LeakyRelu, 75),
        new ActivationCase(Activation.Sigmoid, 75),
        new ActivationCase(Activation.Tanh, 75),
        new ActivationCase(Activation.Gelu, 75),
        new ActivationCase(Activation.Softplus, 75),
        new SoftmaxCase(log: false, 3, 11),
        new SoftmaxCase(log: true, 3, 11),
    ];

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (KernelCase c in Create()) data.Add(c.Name);
            return data;
        }
    }

    public static KernelCase Get(string name) => Create().Single(c => c.Name == name);
}
