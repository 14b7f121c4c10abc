using Axon.Model;
using Axon.Samples.Fashion;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// Workspaces fail clearly and early: an impossible size names batch × size, another model's workspace names its
/// creator, a non-finite tap value is refused — each before any buffer or tape changes.
/// </summary>
public sealed class WorkspaceGuardTests
{
    [Fact]
    public void A_workspace_too_large_for_an_array_names_batch_times_size()
    {
        // Before: "'1' cannot be greater than -1073741824." from inside the convolution's scratch computation.
        var cnn = Assert.Throws<ArgumentOutOfRangeException>(() => new FashionCnn().CreateWorkspace(int.MaxValue));
        Assert.Contains("2147483647 samples ×", cnn.Message);
        Assert.Contains("elements per sample", cnn.Message);
        Assert.Contains($"{Array.MaxLength}", cnn.Message);
        Assert.Equal("maxBatch", cnn.ParamName);

        var conv = Assert.Throws<ArgumentOutOfRangeException>(() => new ConvNet().CreateWorkspace(int.MaxValue));
        Assert.Contains("2147483647 samples ×", conv.Message);

        // Large but not wrapping: the message says how large a batch can be.
        var dense = Assert.Throws<ArgumentOutOfRangeException>(() => new DenseNet().CreateWorkspace(100_000_000));
        int perSample = new DenseNet().Layers.Sum(l => l.Size);
        Assert.Contains($"100000000 samples × {perSample} elements per sample = {100_000_000L * perSample}", dense.Message);
        Assert.Contains($"use a batch of at most {Array.MaxLength / perSample}", dense.Message);
    }

    [Fact]
    public void Another_models_workspace_is_rejected_before_the_tape_changes()
    {
        var dense = new DenseNet();
        var conv = new ConvNet();
        var denseWs = dense.CreateWorkspace(2);
        var x = new[] { 0.1, -0.3, 0.5, 0.2, -0.7, 0.9 };
        var output = new double[3];
        dense.Forward(denseWs, x, 1, output);
        var tape = denseWs.Activation(1).ToArray();

        var input = new double[ConvNet.InputSize];
        var forward = Assert.Throws<ArgumentException>(() => conv.Forward(denseWs, input, 1, new double[ConvNet.OutputSize]));
        Assert.Contains("created by model 'DenseNet'", forward.Message);
        Assert.Contains("'ConvNet'", forward.Message);
        Assert.Equal("workspace", forward.ParamName);
        Assert.Throws<ArgumentException>(() => conv.ForwardFrom(denseWs, ConvNet.LayerIndex.fc, new double[4], 1, new double[ConvNet.OutputSize]));
        Assert.Throws<ArgumentException>(() => conv.Backward(denseWs, new double[ConvNet.OutputSize], 1));
        Assert.Throws<ArgumentException>(() => conv.Tangent(denseWs, input, 1));

        // The DenseNet tape is intact: its backward still runs on it.
        Assert.Equal(1, denseWs.Batch);
        Assert.Equal(tape, denseWs.Activation(1).ToArray());
        dense.Backward(denseWs, [1.0, 0, 0], 1);

        // Any instance of the same model class may share a workspace.
        var twin = new DenseNet();
        twin.Forward(denseWs, x, 1, output);

        // DeepLIFT's reference workspace must have the model's layout too.
        var convWs = conv.CreateWorkspace(1);
        convWs.RescaleReference = denseWs;
        var rescale = Assert.Throws<ArgumentException>(() => conv.Forward(convWs, input, 1, new double[ConvNet.OutputSize]));
        Assert.Contains("RescaleReference was created by model 'DenseNet'", rescale.Message);
    }

    [Fact]
    public void Infinite_intervention_values_are_rejected_and_no_tap_is_set()
    {
        var model = new DenseNet();
        var ws = model.CreateWorkspace(1);
        int layer = DenseNet.LayerIndex.tanh1;
        int size = model.Layers[layer].Size;
        var mask = Enumerable.Repeat(true, size).ToArray();
        foreach (double bad in new[] { double.PositiveInfinity, double.NegativeInfinity, double.NaN })
        {
            var values = new double[size];
            values[3] = bad;
            foreach (var kind in new[] { InterventionKind.Replace, InterventionKind.ClampAbove, InterventionKind.ClampBelow })
            {
                var e = Assert.Throws<ArgumentException>(() => ws.SetIntervention(layer, mask, values, kind));
                Assert.Contains($"Intervention value 3 is {bad}", e.Message);
                Assert.Contains("must be finite", e.Message);
            }
        }

        Assert.False(ws.HasIntervention(layer));
    }
}
