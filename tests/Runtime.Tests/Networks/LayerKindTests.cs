using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// The runtime's facts about each layer kind. Every kind is listed here, so a kind added to <see cref="LayerKind"/>
/// fails until someone decides whether it is affine (a wrong "yes" would make the affine-prefix attribution wrong).
/// </summary>
public sealed class LayerKindTests
{
    private static readonly Dictionary<LayerKind, bool> Affine = new()
    {
        [LayerKind.Input] = false,
        [LayerKind.Dense] = true,
        [LayerKind.Conv1d] = true,
        [LayerKind.Conv2d] = true,
        [LayerKind.MaxPool2d] = false,
        [LayerKind.AvgPool2d] = true,
        [LayerKind.GlobalAvgPool] = true,
        [LayerKind.MaxOverTime] = false,
        [LayerKind.Flatten] = true,
        [LayerKind.Reshape] = true,
        [LayerKind.Embedding] = false,
        [LayerKind.BatchNorm] = true,
        [LayerKind.Add] = true,
        [LayerKind.Concat] = true,
        [LayerKind.ReLU] = false,
        [LayerKind.LeakyReLU] = false,
        [LayerKind.Sigmoid] = false,
        [LayerKind.Tanh] = false,
        [LayerKind.Gelu] = false,
        [LayerKind.Softplus] = false,
        [LayerKind.Softmax] = false,
        [LayerKind.LogSoftmax] = false,
        [LayerKind.Activation] = false,
        [LayerKind.Subtract] = true,
        [LayerKind.Scale] = true,
        [LayerKind.Multiply] = false,
        [LayerKind.Channels] = true,
        [LayerKind.LayerNorm] = false,
        [LayerKind.RMSNorm] = false,
        [LayerKind.Identity] = true,
        [LayerKind.Dropout] = true,
        [LayerKind.SiLU] = false,
        [LayerKind.MultiHeadAttention] = false,
        [LayerKind.PositionalEmbedding] = true,
        [LayerKind.SinusoidalPositionalEncoding] = true,
        [LayerKind.GroupedConv2d] = true,
        [LayerKind.ConvTranspose2d] = true,
        [LayerKind.Upsample] = true,
        [LayerKind.LSTM] = false,
        [LayerKind.GRU] = false,
        [LayerKind.Transpose] = true,
    };

    [Fact]
    public void Every_kind_is_classified_as_affine_or_not()
    {
        Assert.Equal(Enum.GetValues<LayerKind>().Order(), Affine.Keys.Order());
        Assert.All(Affine, pair => Assert.True(pair.Key.IsAffine() == pair.Value, $"{pair.Key}.IsAffine() should be {pair.Value}."));
    }

    [Fact]
    public void A_layer_is_affine_when_its_kind_is()
    {
        Assert.True(new LayerInfo("fc", LayerKind.Dense, 1, [4], 4, [0], true).IsAffine);
        Assert.False(new LayerInfo("relu", LayerKind.ReLU, 2, [4], 8, [1], true).IsAffine);
    }
}
