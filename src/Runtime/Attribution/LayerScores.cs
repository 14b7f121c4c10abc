using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

/// <summary>
/// One input's scores over a layer (a row of an attribution result), seen with the layer's shape: channels first,
/// then positions (a pixel of a feature map, a token of a sequence). Saves writing <c>scores[c * positions + p]</c>
/// by hand, and gives the common reductions: per channel (filter), per position (token), top-k.
/// </summary>
/// <remarks>
/// A flat layer ([n]) has n channels of one position each. Nothing is copied; the view reads the span it was given.
/// </remarks>
public readonly ref struct LayerScores<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _values;

    /// <param name="layer">The layer the scores belong to (from <see cref="IDifferentiableModel{T}.Layers"/>).</param>
    /// <param name="values">One input's scores: exactly the layer's size.</param>
    public LayerScores(LayerInfo layer, ReadOnlySpan<T> values)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (values.Length != layer.Size)
        {
            throw new ArgumentException($"Layer {layer.Index} ('{layer.Name}') has {layer.Size} values per input; got {values.Length}. Slice one input's row first.", nameof(values));
        }

        _values = values;
        Channels = layer.Shape.Count >= 2 ? layer.Shape[0] : layer.Size;
        Positions = layer.Size / Channels;
    }

    /// <summary>Channels (filters) of the layer: the first dimension, or every value of a flat layer.</summary>
    public int Channels { get; }

    /// <summary>Positions per channel: the product of the other dimensions (1 for a flat layer).</summary>
    public int Positions { get; }

    /// <summary>The score of <paramref name="channel"/> at <paramref name="position"/>.</summary>
    public T this[int channel, int position]
    {
        get
        {
            if ((uint)channel >= (uint)Channels) throw new ArgumentOutOfRangeException(nameof(channel), channel, $"The layer has channels 0..{Channels - 1}.");
            if ((uint)position >= (uint)Positions) throw new ArgumentOutOfRangeException(nameof(position), position, $"The layer has positions 0..{Positions - 1}.");
            return _values[channel * Positions + position];
        }
    }

    /// <summary>One channel's scores over the positions.</summary>
    public ReadOnlySpan<T> Channel(int channel)
    {
        if ((uint)channel >= (uint)Channels) throw new ArgumentOutOfRangeException(nameof(channel), channel, $"The layer has channels 0..{Channels - 1}.");
        return _values.Slice(channel * Positions, Positions);
    }

    /// <summary>Σ over positions per channel — a filter's total (e.g. its conductance); <paramref name="totals"/>: Channels values.</summary>
    public void SumPerChannel(Span<T> totals)
    {
        CheckLength(totals.Length, Channels, nameof(totals));
        for (int c = 0; c < Channels; c++) totals[c] = TensorPrimitives.Sum(_values.Slice(c * Positions, Positions));
    }

    /// <summary>Σ over channels per position — a token's (or pixel's) total over the embedding or feature width; <paramref name="totals"/>: Positions values.</summary>
    public void SumPerPosition(Span<T> totals)
    {
        CheckLength(totals.Length, Positions, nameof(totals));
        totals.Clear();
        for (int c = 0; c < Channels; c++) TensorPrimitives.Add(totals, _values.Slice(c * Positions, Positions), totals);
    }

    /// <summary>
    /// The indices of the <paramref name="indices"/>.Length largest of <paramref name="scores"/>, largest first (ties:
    /// the lower index first) — e.g. the top filters of <see cref="SumPerChannel"/>.
    /// </summary>
    public static void TopK(ReadOnlySpan<T> scores, Span<int> indices)
    {
        if (indices.Length > scores.Length) throw new ArgumentException($"Asked for the top {indices.Length} of {scores.Length} scores.", nameof(indices));
        int filled = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            // Insertion into the kept prefix: k is small, and this allocates nothing.
            int at = filled < indices.Length ? filled : indices.Length;
            while (at > 0 && scores[i] > scores[indices[at - 1]]) at--;
            if (at >= indices.Length) continue;
            int last = Math.Min(filled, indices.Length - 1);
            for (int j = last; j > at; j--) indices[j] = indices[j - 1];
            indices[at] = i;
            if (filled < indices.Length) filled++;
        }
    }

    private static void CheckLength(int length, int expected, string name)
    {
        if (length != expected) throw new ArgumentException($"'{name}' has {length} values; the layer needs {expected}.", name);
    }
}
