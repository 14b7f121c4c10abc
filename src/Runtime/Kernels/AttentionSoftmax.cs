using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// The row operations of attention's softmax, one score row at a time: scale, mask and softmax in one call (the
/// forward), and the softmax Jacobian applied to a row of gradients or tangents. Where the allowed keys are a prefix
/// of the row (no mask, or only the causal one) each step is a vector sweep over that prefix; only a padding mask,
/// which can hide any key, takes the per-element path.
/// </summary>
internal static class AttentionSoftmax
{
    /// <summary>Row i of P from its raw scores: scaled, masked, softmax over the allowed keys (all zero when none is).</summary>
    public static void Forward<T>(Span<T> row, AttentionMask<T> mask, int i, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int allowed = mask.AllowedPrefix(i, row.Length);
        if (allowed < 0)
        {
            Masked(row, mask, i, scale);
            return;
        }

        // The causal mask allows keys 0..i, no mask all of them: the rest of the row is zero.
        Span<T> live = row[..allowed];
        row[allowed..].Clear();
        TensorPrimitives.Multiply(live, scale, live);
        T top = TensorPrimitives.Max(live);
        TensorPrimitives.Subtract(live, top, live);
        TensorPrimitives.Exp(live, live);
        TensorPrimitives.Divide(live, TensorPrimitives.Sum(live), live);
    }

    /// <summary>
    /// v ← P_i ⊙ (v·scale − Σ P_i ⊙ v·scale) in place: the softmax Jacobian (symmetric, so the same for gradients and
    /// tangents) times the score scale. Zero wherever P_i is: the masked keys.
    /// </summary>
    public static void Jacobian<T>(ReadOnlySpan<T> p, Span<T> v, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T dot = TensorPrimitives.Dot(p, v) * scale;
        TensorPrimitives.Multiply(v, scale, v);
        TensorPrimitives.Subtract(v, dot, v);
        TensorPrimitives.Multiply(v, p, v);
    }

    /// <summary>A padding mask can hide any key: each element is tested.</summary>
    private static void Masked<T>(Span<T> row, AttentionMask<T> mask, int i, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T top = T.NegativeInfinity;
        for (int j = 0; j < row.Length; j++)
        {
            if (!mask.Allows(i, j)) continue;
            row[j] *= scale;
            top = T.Max(top, row[j]);
        }

        T sum = T.Zero;
        for (int j = 0; j < row.Length; j++)
        {
            row[j] = mask.Allows(i, j) ? T.Exp(row[j] - top) : T.Zero;
            sum += row[j];
        }

        if (sum != T.Zero) TensorPrimitives.Divide(row, sum, row);
    }
}
