using Axon.Layers;

namespace Axon.Samples.Text;

/// <summary>
/// A small pre-LN transformer text classifier: token embeddings (channels first, [width, length]) transposed to
/// [length, width], learned positions, two encoder blocks (LayerNorm → attention with the PAD mask → residual,
/// LayerNorm → per-position MLP → residual), a final LayerNorm, the mean over positions and a dense head giving the
/// two class logits. Each block ends in an Identity named after it, so conductance per block has a named layer.
/// </summary>
[Differentiable, InputShape(Length)]
public partial class TextClassifier
{
    /// <summary>Tokens in the vocabulary (<see cref="Vocabulary"/>), PAD included.</summary>
    public const int VocabularySize = 24;

    /// <summary>Token positions per sequence; shorter texts are padded with <see cref="PadId"/>.</summary>
    public const int Length = 16;

    /// <summary>The embedding width.</summary>
    public const int Width = 32;

    /// <summary>Attention heads per block.</summary>
    public const int Heads = 2;

    /// <summary>The hidden width of each block's MLP.</summary>
    public const int Hidden = 64;

    /// <summary>The PAD token id: attention ignores these keys, and the attribution baseline is all PAD.</summary>
    public const int PadId = 0;

    [Layer] private readonly Embedding tokens = new(VocabularySize, Width);
    [Layer] private readonly PositionalEmbedding positions = new(Length, Width);

    [Layer] private readonly LayerNorm norm1a = new(Width);
    [Layer] private readonly MultiHeadAttention attention1 = new(Width, Heads, padTokenId: PadId);
    [Layer] private readonly LayerNorm norm1b = new(Width);
    [Layer] private readonly Dense up1 = new(Width, Hidden);
    [Layer] private readonly Gelu gelu1 = new();
    [Layer] private readonly Dense down1 = new(Hidden, Width);
    [Layer] private readonly Identity block1 = new();

    [Layer] private readonly LayerNorm norm2a = new(Width);
    [Layer] private readonly MultiHeadAttention attention2 = new(Width, Heads, padTokenId: PadId);
    [Layer] private readonly LayerNorm norm2b = new(Width);
    [Layer] private readonly Dense up2 = new(Width, Hidden);
    [Layer] private readonly Gelu gelu2 = new();
    [Layer] private readonly Dense down2 = new(Hidden, Width);
    [Layer] private readonly Identity block2 = new();

    [Layer] private readonly LayerNorm norm = new(Width);
    [Layer] private readonly GlobalAvgPool mean = new();
    [Layer] private readonly Dense head = new(Width, 2);

    private Tensor Forward(Tensor x)
    {
        var h0 = positions.Apply(tokens.Apply(x).Transpose());             // [Length, Width]
        var a1 = h0 + attention1.Apply(norm1a.Apply(h0));
        var h1 = block1.Apply(a1 + down1.Apply(gelu1.Apply(up1.Apply(norm1b.Apply(a1)))));
        var a2 = h1 + attention2.Apply(norm2a.Apply(h1));
        var h2 = block2.Apply(a2 + down2.Apply(gelu2.Apply(up2.Apply(norm2b.Apply(a2)))));
        return head.Apply(mean.Apply(norm.Apply(h2).Transpose()));          // mean over positions of [Width, Length]
    }
}
