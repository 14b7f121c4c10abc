using Axon;
using Axon.Layers;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>A float CNN whose first pooling has rows of 18 windows: eight at a time leaves a short last chunk.</summary>
[Differentiable, InputShape(1, 36, 36)]
public partial class WideWindowNetSingle
{
    [Layer] private readonly Conv2d conv1 = new(1, 2, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(972, 2);
}

/// <summary>
/// A path's first step evaluates every window eight at a time (<see cref="PatternPlan{T}.EvaluateAll"/>) where the windows
/// are rows of 2×2 windows clipped at zero in float: the same winners and intervals as <see cref="PatternPlan{T}.Evaluate"/>
/// window by window, bit for bit, with near ties, shared lines, still windows, clipped windows, zeros and huge values,
/// at several α and ranges of α, on rows of 4 and of 18 windows.
/// </summary>
public sealed class WindowRowTests
{
    public static TheoryData<string> Networks() => ["rows of 4", "rows of 18"];

    [Theory]
    [MemberData(nameof(Networks))]
    public void EightWindowsAtATimeAreTheWindowsOneByOne(string name)
    {
        IDifferentiableModel<float> model = name == "rows of 4" ? new PrefixReluPoolNetSingle() : new WideWindowNetSingle();
        var plan = PatternPlan<float>.TryCreate([.. model.Layers], model.ParameterTensors, 1)!;
        Assert.True(plan.EvaluatesRows || !System.Runtime.Intrinsics.X86.Avx512F.IsSupported);
        int sizeA = model.Layers[1].Size, windows = plan.WindowCount;
        var random = new Random(31);
        var start = new float[sizeA];
        var change = new float[sizeA];
        for (int i = 0; i < sizeA; i++)
        {
            start[i] = (float)(2 * random.NextDouble() - 1);
            change[i] = (float)(2 * random.NextDouble() - 1);
            switch (i % 7)
            {
                case 2: // a near tie with the neighbour's line
                    start[i] = float.BitIncrement(float.BitIncrement(start[i - 1]));
                    change[i] = change[i - 1];
                    break;
                case 3: // the neighbour's own line
                    start[i] = start[i - 1];
                    change[i] = change[i - 1];
                    break;
                case 4: // crosses zero inside the path
                    start[i] = -0.25f;
                    change[i] = 0.5f;
                    break;
                case 5: // a flat line, at zero half of the time
                    change[i] = 0;
                    if (random.Next(2) == 0) start[i] = 0;
                    break;
                case 6 when random.Next(20) == 0: // far from everything
                    start[i] = 1e30f;
                    break;
            }
        }

        for (int i = 0; i < 4 * model.Layers[1].Shape[2]; i++) change[i] = 0; // still windows: the first rows never move

        var winners = new int[windows];
        var low = new float[windows];
        var high = new float[windows];
        int compared = 0, clipped = 0, empty = 0;
        foreach (var range in new[] { new AlphaRange(0, 1), new AlphaRange(0.0005, 0.9995), new AlphaRange(-0.5, 1.5) })
        {
            foreach (float alpha in new[] { 0f, 0.0005f, 0.3f, 0.5f, 1f })
            {
                plan.EvaluateAll(start, change, alpha, range, winners, low, high);
                for (int j = 0; j < windows; j++)
                {
                    int winner = plan.Evaluate(j, start, change, alpha, range, out float lo, out float hi);
                    Assert.True(winner == winners[j], $"window {j} at α {alpha}: winner {winners[j]}, one by one {winner}");
                    Assert.True(BitConverter.SingleToInt32Bits(lo) == BitConverter.SingleToInt32Bits(low[j]), $"window {j} at α {alpha}: low {low[j]}, one by one {lo}");
                    Assert.True(BitConverter.SingleToInt32Bits(hi) == BitConverter.SingleToInt32Bits(high[j]), $"window {j} at α {alpha}: high {high[j]}, one by one {hi}");
                    compared++;
                    if (winner < 0) clipped++;
                    if (lo > hi) empty++;
                }
            }
        }

        Assert.True(clipped > compared / 10 && empty > 0, $"{clipped} clipped and {empty} empty intervals of {compared}");
    }
}
