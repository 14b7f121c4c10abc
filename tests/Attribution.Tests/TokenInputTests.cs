using Axon.Attribution.Tests.Generated;

namespace Axon.Attribution.Tests;

/// <summary>
/// A model whose input is token ids (fed to an Embedding) has no straight path between inputs: every path method
/// refuses up front, naming the embedding and what works instead, and writes nothing — rather than failing part-way
/// with a message that blames the user's valid ids.
/// </summary>
public class TokenInputTests
{
    [Fact]
    public void PathMethodsRefuseTokenInputsUpFrontAndWriteNothing()
    {
        var model = new DlEmbedding();
        model.ResetParameters(1);
        var engine = new Attributor<double>(model);
        double[] tokens = [3, 0, 11, 5, 5, 2, 7];
        var result = Enumerable.Repeat(42.0, DlEmbedding.InputSize).ToArray();
        var layer = new double[model.Layers[DlEmbedding.LayerIndex.conv].Size];

        var ig = Assert.Throws<NotSupportedException>(() => engine.IntegratedGradients(tokens, 1, Baseline<double>.Zero, result));
        Assert.Contains("Embedding layer 'embedding'", ig.Message);
        Assert.Contains("DeepLift", ig.Message);
        Assert.DoesNotContain("holds", ig.Message);
        Assert.All(result, value => Assert.Equal(42.0, value));
        Assert.Throws<NotSupportedException>(() => engine.LayerConductance(DlEmbedding.LayerIndex.conv, tokens, 1, Baseline<double>.Zero, layer));
        Assert.Throws<NotSupportedException>(() => engine.InternalInfluence(DlEmbedding.LayerIndex.conv, tokens, 1, Baseline<double>.Zero, layer));

        // The engine is not left in use: a method that works on token models still runs.
        engine.LayerGradientTimesActivation(DlEmbedding.LayerIndex.conv, tokens, 1, layer);
        Assert.Contains(layer, value => value != 0);
    }
}
