using Axon;
using Axon.Layers;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>The float twin of <see cref="PrefixReluPoolNet"/>, for the windows' rounding margins in single precision.</summary>
[Differentiable, InputShape(1, 8, 8)]
public partial class PrefixReluPoolNetSingle
{
    [Layer] private readonly Conv2d conv1 = new(1, 3, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(3, 4, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(16, 3);
}

/// <summary>A float CNN whose second convolution has 16 output channels: the columns' vectorized transpose.</summary>
[Differentiable, InputShape(1, 6, 6)]
public partial class SixteenChannelNetSingle
{
    [Layer] private readonly Conv2d conv1 = new(1, 2, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(2, 16, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(144, 2);
}

/// <summary>
/// The pieces of the pattern-tracking path on their own: a window's winner and the α interval it stands over (checked by
/// evaluating the window at many α inside the interval, near ties included), and a linear layer's columns and transpose
/// at single input elements against the layer computed directly.
/// </summary>
public sealed class PatternWindowTests
{
    [Fact]
    public void AWindowKeepsItsWinnerEverywhereInsideItsIntervalInSingle() => IntervalsHold(new PrefixReluPoolNetSingle(), 5);

    [Fact]
    public void AWindowKeepsItsWinnerEverywhereInsideItsIntervalInDouble() => IntervalsHold(new PrefixReluPoolNet(), 6);

    private static void IntervalsHold<T>(IDifferentiableModel<T> model, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var plan = PatternPlan<T>.TryCreate([.. model.Layers], model.ParameterTensors, 1)!;
        Assert.NotNull(plan);
        Assert.Equal(4, plan.WindowSize);
        Assert.True(plan.Clip);
        int sizeA = model.Layers[1].Size;
        var random = new Random(seed);
        var start = new T[sizeA];
        var change = new T[sizeA];
        for (int i = 0; i < sizeA; i++)
        {
            start[i] = T.CreateChecked(random.NextDouble() - 0.5);
            change[i] = T.CreateChecked(2 * random.NextDouble() - 1);
            // Near ties: every third element is its neighbour's line moved by a few units in the last place, or the same line.
            if (i % 3 == 2)
            {
                start[i] = i % 2 == 0 ? start[i - 1] : T.BitIncrement(T.BitIncrement(start[i - 1]));
                change[i] = change[i - 1];
            }
        }

        // A still region (x = x′ there): the first channel's first two rows, i.e. its first row of windows, never move.
        for (int i = 0; i < 16; i++) change[i] = T.Zero;

        const int grid = 4001;
        int checkedPoints = 0, changes = 0;
        for (int j = 0; j < plan.WindowCount; j++)
        {
            int previous = int.MinValue;
            for (int g = 0; g < grid; g += 97)
            {
                T alpha = T.CreateChecked((double)g / (grid - 1));
                int winner = plan.Evaluate(j, start, change, alpha, new AlphaRange(0, 1), out T lo, out T hi);
                Assert.Equal(Reference(plan, j, start, change, alpha), winner);
                if (previous != int.MinValue && previous != winner) changes++;
                previous = winner;
                if (lo > hi) continue; // a near tie: evaluated again at every step
                Assert.True(lo <= alpha && alpha <= hi, $"window {j}: α = {alpha} outside its own interval [{lo}, {hi}]");
                for (int h = 0; h < grid; h++)
                {
                    T other = T.CreateChecked((double)h / (grid - 1));
                    if (other < lo || other > hi) continue;
                    Assert.Equal(winner, Reference(plan, j, start, change, other));
                    checkedPoints++;
                }
            }
        }

        Assert.True(checkedPoints > 100_000, $"only {checkedPoints} points inside intervals");
        Assert.True(changes > 10, $"only {changes} winner changes along the grid");
    }

    /// <summary>The window's winner as a pass computes it: each point one fused multiply-add, the first maximum, zero below.</summary>
    private static int Reference<T>(PatternPlan<T> plan, int j, T[] start, T[] change, T alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // PrefixReluPoolNet: A is 3×8×8, the pooling 2×2 over it; window j = (c, oy, ox) of the 3×4×4 output.
        int c = j / 16, oy = j % 16 / 4, ox = j % 4;
        int best = -1;
        T top = T.Zero;
        for (int ky = 0; ky < 2; ky++)
        {
            for (int kx = 0; kx < 2; kx++)
            {
                int i = c * 64 + (2 * oy + ky) * 8 + 2 * ox + kx;
                T value = T.FusedMultiplyAdd(change[i], alpha, start[i]);
                if (best < 0 || value > top)
                {
                    top = value;
                    best = i;
                }
            }
        }

        return top > T.Zero ? best : -1;
    }

    [Fact]
    public void AStridedPaddedConvolutionsColumnsAndTransposeAreTheLayer()
    {
        // PoolReluStrideNet's conv2: 2 → 3 channels, 3×3, stride 2, padding 1, over 4×4 maps to 2×2.
        var model = new PoolReluStrideNet();
        var random = new Random(3);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() - 0.5;
        var plan = PatternPlan<double>.TryCreate([.. model.Layers], model.ParameterTensors, 1)!;
        Assert.Equal(4, plan.Linear);
        var columns = plan.Columns;
        columns.Refresh(model.Parameters);
        var w = model.GetParameter("conv2.weight").ToArray();
        var bias = model.GetParameter("conv2.bias").ToArray();
        int inputs = 2 * 16, outputs = 3 * 4;

        double Direct(double[] h, int o, int oy, int ox, bool withBias)
        {
            double sum = withBias ? bias[o] : 0;
            for (int c = 0; c < 2; c++)
            {
                for (int ky = 0; ky < 3; ky++)
                {
                    for (int kx = 0; kx < 3; kx++)
                    {
                        int y = 2 * oy - 1 + ky, x = 2 * ox - 1 + kx;
                        if (y < 0 || y >= 4 || x < 0 || x >= 4) continue;
                        sum += w[((o * 2 + c) * 3 + ky) * 3 + kx] * h[c * 16 + y * 4 + x];
                    }
                }
            }

            return sum;
        }

        var h = BruteForce.RandomVector(inputs, 7);
        var expected = new double[outputs];
        for (int o = 0; o < 3; o++) for (int oy = 0; oy < 2; oy++) for (int ox = 0; ox < 2; ox++) expected[o * 4 + oy * 2 + ox] = Direct(h, o, oy, ox, withBias: false);

        // Column by column (U takes h, V takes 2h), and by the layer's kernel.
        var u = new double[outputs];
        var v = new double[outputs];
        for (int j = 0; j < inputs; j++) columns.Scatter(j, h[j], 2 * h[j], u, v);
        Check.Close(expected, u, 1e-13, "columns");
        Check.Close(expected.Select(e => 2 * e).ToArray(), v, 1e-13, "columns, second map");
        var applied = new double[outputs];
        var scratch = new double[model.CreateWorkspace(1).Scratch.Length];
        columns.Apply(h, applied, 1, withBias: true, scratch);
        Check.Close(expected.Select((e, i) => e + bias[i / 4]).ToArray(), applied, 1e-13, "kernel with bias");

        // The transpose: ⟨Wᵀs, e_j⟩ = ⟨s, W e_j⟩, at one element and in full by the kernel, for two samples.
        var s = BruteForce.RandomVector(2 * outputs, 8);
        var full = new double[2 * inputs];
        columns.Transpose(s, full, 2, new double[model.CreateWorkspace(2).Scratch.Length]);
        for (int b = 0; b < 2; b++)
        {
            for (int j = 0; j < inputs; j++)
            {
                var unit = new double[inputs];
                unit[j] = 1;
                double reference = 0;
                for (int o = 0; o < 3; o++) for (int oy = 0; oy < 2; oy++) for (int ox = 0; ox < 2; ox++) reference += s[b * outputs + o * 4 + oy * 2 + ox] * Direct(unit, o, oy, ox, withBias: false);
                Check.Close(reference, columns.Gather(j, s.AsSpan(b * outputs, outputs)), 1e-13, $"gather {j}");
                Check.Close(reference, full[b * inputs + j], 1e-13, $"transpose {j}");
            }
        }
    }

    [Fact]
    public void SixteenFloatChannelsTransposeAtOneElementAsTheLayer()
    {
        // 16 float output channels take the gathering form of Gather: against the transpose in double, at every element
        // (corners and edges drop taps).
        var model = new SixteenChannelNetSingle();
        var random = new Random(5);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)(random.NextDouble() - 0.5);
        var plan = PatternPlan<float>.TryCreate([.. model.Layers], model.ParameterTensors, 1)!;
        Assert.Equal(4, plan.Linear);
        var columns = plan.Columns;
        columns.Refresh(model.Parameters);
        var w = model.GetParameter("conv2.weight").ToArray(); // [16, 2, 3, 3]
        var s = BruteForce.RandomVector(16 * 9, 11).Select(v => (float)v).ToArray();
        for (int j = 0; j < 2 * 9; j++)
        {
            int c = j / 9, y = j % 9 / 3, x = j % 3;
            double reference = 0;
            for (int o = 0; o < 16; o++)
            {
                for (int ky = 0; ky < 3; ky++)
                {
                    for (int kx = 0; kx < 3; kx++)
                    {
                        int oy = y + 1 - ky, ox = x + 1 - kx;
                        if (oy < 0 || oy >= 3 || ox < 0 || ox >= 3) continue;
                        reference += (double)w[((o * 2 + c) * 3 + ky) * 3 + kx] * s[o * 9 + oy * 3 + ox];
                    }
                }
            }

            Check.Close(reference, columns.Gather(j, s), 1e-5, $"gather {j}");
        }
    }

    [Fact]
    public void ADenseLayersColumnsAndTransposeAreTheLayer()
    {
        var model = new ReluMlpNet();
        var random = new Random(4);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() - 0.5;
        var plan = PatternPlan<double>.TryCreate([.. model.Layers], model.ParameterTensors, 1)!;
        Assert.Equal(3, plan.Linear);
        Assert.Equal(1, plan.WindowSize);
        var columns = plan.Columns;
        columns.Refresh(model.Parameters);
        var w = model.GetParameter("fc2.weight").ToArray(); // [5, 8]
        var bias = model.GetParameter("fc2.bias").ToArray();
        var h = BruteForce.RandomVector(8, 9);
        var expected = Enumerable.Range(0, 5).Select(o => Enumerable.Range(0, 8).Sum(j => w[o * 8 + j] * h[j])).ToArray();
        var u = new double[5];
        var v = new double[5];
        for (int j = 0; j < 8; j++) columns.Scatter(j, h[j], -h[j], u, v);
        Check.Close(expected, u, 1e-13, "columns");
        Check.Close(expected.Select(e => -e).ToArray(), v, 1e-13, "columns, second map");
        var applied = new double[5];
        columns.Apply(h, applied, 1, withBias: true, []);
        Check.Close(expected.Select((e, o) => e + bias[o]).ToArray(), applied, 1e-13, "kernel with bias");
        var s = BruteForce.RandomVector(5, 10);
        var full = new double[8];
        columns.Transpose(s, full, 1, []);
        for (int j = 0; j < 8; j++)
        {
            double reference = Enumerable.Range(0, 5).Sum(o => w[o * 8 + j] * s[o]);
            Check.Close(reference, columns.Gather(j, s), 1e-13, $"gather {j}");
            Check.Close(reference, full[j], 1e-13, $"transpose {j}");
        }
    }
}
