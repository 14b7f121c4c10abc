using Axon;
using Axon.Layers;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>A float CNN whose second convolution (padding 1) has 6 × 6 outputs: its columns work on row segments.</summary>
[Differentiable, InputShape(1, 12, 12)]
public partial class SegmentPaddedNetSingle
{
    [Layer] private readonly Conv2d conv1 = new(1, 3, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(3, 5, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(180, 3);
}

/// <summary>
/// The same without padding in conv2 (6 × 6 inputs, 4 × 4 outputs): the segments clamp at both ends of a row, so an input
/// column sits at more shifts from its segment's start.
/// </summary>
[Differentiable, InputShape(1, 12, 12)]
public partial class SegmentValidNetSingle
{
    [Layer] private readonly Conv2d conv1 = new(1, 3, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(3, 5, kernel: 3);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(80, 3);
}

/// <summary>
/// A float convolution's columns on row segments (<see cref="LinearColumns{T}"/>: four outputs of a row per vector
/// product, zero weights where the kernel does not reach) against the tap-by-tap form, at every input element of two
/// layouts: the scatters the same bit for bit, the gathers against the layer's transpose computed directly; infinite
/// values, which a zero weight would turn into NaN, take the tap-by-tap form. And tracked paths on such networks agree
/// with the passes.
/// </summary>
public sealed class RowSegmentTests
{
    private static LinearColumns<float> Columns(IDifferentiableModel<float> model, out float[] weight, out int inputs)
    {
        var random = new Random(21);
        var parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++) parameters[i] = (float)(random.NextDouble() - 0.5);
        var plan = PatternPlan<float>.TryCreate([.. model.Layers], model.ParameterTensors, 1)!;
        Assert.Equal(4, plan.Linear);
        plan.Columns.Refresh(parameters);
        var w = model.ParameterTensors.Single(p => p.Layer == 4 && p.Shape.Count == 4);
        weight = parameters.Slice(w.Offset, w.Length).ToArray();
        inputs = model.Layers[3].Size;
        return plan.Columns;
    }

    private static float[] Values(int length, int seed) =>
        BruteForce.RandomVector(length, seed).Select(v => (float)v).ToArray();

    public static TheoryData<string> Networks() => ["padded", "valid"];

    private static IDifferentiableModel<float> Network(string name) => name == "padded" ? new SegmentPaddedNetSingle() : new SegmentValidNetSingle();

    [Theory]
    [MemberData(nameof(Networks))]
    public void ScattersOnSegmentsAreTheTapByTapScattersBitForBit(string name)
    {
        var columns = Columns(Network(name), out _, out int inputs);
        int outputs = columns.OutputSize;
        var u0 = Values(outputs, 1);
        var v0 = Values(outputs, 2);
        var h = Values(inputs, 3);
        for (int j = 0; j < inputs; j++)
        {
            var (u, v, uTaps, vTaps, one, oneTaps) = ((float[])u0.Clone(), (float[])v0.Clone(), (float[])u0.Clone(), (float[])v0.Clone(), (float[])u0.Clone(), (float[])u0.Clone());
            columns.UseRowSegments = true;
            columns.Scatter(j, h[j], -2 * h[j], u, v);
            columns.Scatter(j, h[j], one);
            columns.UseRowSegments = false;
            columns.Scatter(j, h[j], -2 * h[j], uTaps, vTaps);
            columns.Scatter(j, h[j], oneTaps);
            Assert.Equal(uTaps, u);
            Assert.Equal(vTaps, v);
            Assert.Equal(oneTaps, one);
            Assert.NotEqual(u0, u); // the column reached some outputs
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void GathersOnSegmentsAreTheLayersTranspose(string name)
    {
        var model = Network(name);
        var columns = Columns(model, out var weight, out int inputs);
        var layer = model.Layers[4];
        int outChannels = layer.Shape[0], oh = layer.Shape[1], ow = layer.Shape[2];
        int inChannels = model.Layers[3].Shape[0], ih = model.Layers[3].Shape[1], iw = model.Layers[3].Shape[2];
        int padding = (oh - ih + 2) / 2; // kernel 3, stride 1
        var s = Values(columns.OutputSize, 4);
        for (int j = 0; j < inputs; j++)
        {
            int c = j / (ih * iw), y = j % (ih * iw) / iw, x = j % iw;
            double reference = 0;
            for (int o = 0; o < outChannels; o++)
            {
                for (int ky = 0; ky < 3; ky++)
                {
                    for (int kx = 0; kx < 3; kx++)
                    {
                        int oy = y + padding - ky, ox = x + padding - kx;
                        if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                        reference += (double)weight[((o * inChannels + c) * 3 + ky) * 3 + kx] * s[(o * oh + oy) * ow + ox];
                    }
                }
            }

            columns.UseRowSegments = true;
            Check.Close(reference, columns.Gather(j, s), 1e-5, $"{name} gather {j}");
        }
    }

    [Fact]
    public void InfiniteValuesTakeTheTapByTapForm()
    {
        var columns = Columns(new SegmentPaddedNetSingle(), out _, out int inputs);
        int outputs = columns.OutputSize;

        // An infinite gradient next to (not on) an element's taps: the segment's zero weight would make the sum NaN.
        var s = Values(outputs, 5);
        s[2 * 6 + 4] = float.PositiveInfinity; // channel 0, row 2, column 4
        for (int j = 0; j < inputs; j++)
        {
            columns.UseRowSegments = false;
            float taps = columns.Gather(j, s);
            columns.UseRowSegments = true;
            float segments = columns.Gather(j, s);
            if (float.IsFinite(taps)) Check.Close(taps, segments, 1e-5, $"gather {j}"); // not NaN: taken tap by tap
            else Assert.Equal(taps, segments);
        }

        // An infinite du: only the outputs the column reaches become infinite.
        var u = new float[outputs];
        var v = new float[outputs];
        var (uTaps, vTaps) = (new float[outputs], new float[outputs]);
        columns.UseRowSegments = true;
        columns.Scatter(7, float.PositiveInfinity, 1f, u, v);
        columns.UseRowSegments = false;
        columns.Scatter(7, float.PositiveInfinity, 1f, uTaps, vTaps);
        Assert.Equal(uTaps, u);
        Assert.Equal(vTaps, v);
        Assert.Contains(0f, u);
        Assert.DoesNotContain(float.NaN, u);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void TrackedPathsOnSegmentNetworksAgreeWithThePasses(string name)
    {
        var model = Network(name);
        var random = new Random(22);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)(random.NextDouble() - 0.5);
        const int count = 6;
        var x = Values(count * model.InputSize, 23).Select(v => MathF.Abs(v)).ToArray();
        var targets = AttributionTarget<float>.Classes(Enumerable.Range(0, count).Select(i => i % 3).ToArray());
        LayerHandle[] layers = [new(model.GetType(), 0, "input"), new(model.GetType(), 5, "relu2")];
        int perInput = model.InputSize + model.Layers[5].Size;
        var options = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = 40 };
        var tracked = new Attributor<float>(model);
        var passes = new Attributor<float>(model) { UsePatternTracking = false };
        Assert.Equal(4, tracked.PatternLayer);
        var (a, b) = (new float[count * perInput], new float[count * perInput]);
        tracked.LayerConductance(layers, x, targets, Baseline<float>.Zero, a, options);
        passes.LayerConductance(layers, x, targets, Baseline<float>.Zero, b, options);
        Check.Close(b.Select(v => (double)v).ToArray(), a.Select(v => (double)v).ToArray(), 1e-4, name);
    }
}
