namespace Axon.Layers;

/// <summary>
/// A learned position table added to [sequence, width] (the usual <c>x + nn.Embedding(sequence, width)(arange(L))</c>):
/// y[p, j] = x[p, j] + weight[p, j], with "weight" [sequence, width] initialised N(0, 1) as nn.Embedding.
/// </summary>
/// <param name="sequence">The sequence length L: the input must be [sequence, width].</param>
/// <param name="width">The embedding width.</param>
public sealed class PositionalEmbedding(int sequence, int width) : Layer
{
    /// <summary>The sequence length (rows of "weight").</summary>
    public int Sequence { get; } = sequence;
    /// <summary>The width (columns of "weight").</summary>
    public int Width { get; } = width;
}

/// <summary>
/// The fixed sinusoidal encoding of "Attention Is All You Need" added to [sequence, width], no parameters:
/// y[p, 2i] = x[p, 2i] + sin(p / 10000^(2i/width)), y[p, 2i + 1] = x[p, 2i + 1] + cos(p / 10000^(2i/width)).
/// </summary>
/// <param name="sequence">The sequence length L: the input must be [sequence, width].</param>
/// <param name="width">The width, even.</param>
public sealed class SinusoidalPositionalEncoding(int sequence, int width) : Layer
{
    /// <summary>The sequence length.</summary>
    public int Sequence { get; } = sequence;
    /// <summary>The width (even).</summary>
    public int Width { get; } = width;
}
