using System.ComponentModel;

namespace Axon.Model;

/// <summary>
/// DeepLIFT through an element-wise product y = a ⊙ b (gating): Δy = b̄·Δa + ā·Δb with ā = (a + a′)/2 and
/// b̄ = (b + b′)/2, the means of the input's and the reference's values. The identity is exact
/// ((b + b′)(a − a′) + (a + a′)(b − b′) = 2(ab − a′b′)), so the multipliers m_a = b̄, m_b = ā sum to Δy without
/// any fall-back; at x = x′ they are the gradient's b and a.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ProductRule
{
    /// <param name="a">The left factor's activations (batch × size).</param>
    /// <param name="b">The right factor's activations.</param>
    /// <param name="aReference">The reference's left factor: size values (shared) or batch × size.</param>
    /// <param name="bReference">The reference's right factor, laid out like <paramref name="aReference"/>.</param>
    /// <param name="dy">The multipliers arriving at the product.</param>
    /// <param name="da">Accumulates the left factor's multipliers; empty to skip.</param>
    /// <param name="db">Accumulates the right factor's multipliers; empty to skip (it may be <paramref name="da"/> itself, for a ⊙ a).</param>
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> aReference, ReadOnlySpan<T> bReference, ReadOnlySpan<T> dy, Span<T> da, Span<T> db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Length;
        if (b.Length != n || dy.Length != n || (!da.IsEmpty && da.Length != n) || (!db.IsEmpty && db.Length != n))
            throw new ArgumentException("The factors, multipliers and gradients of a product must have the same length.");
        int size = aReference.Length;
        if (size == 0 || bReference.Length != size || n % size != 0)
            throw new ArgumentException($"The reference holds {size} values per node, which does not divide the batch's {n}: record the reference with batch 1 or with the same batch.");
        T half = T.CreateChecked(0.5);
        for (int i = 0; i < n; i++)
        {
            int r = i % size;
            if (!da.IsEmpty) da[i] += (b[i] + bReference[r]) * half * dy[i];
            if (!db.IsEmpty) db[i] += (a[i] + aReference[r]) * half * dy[i];
        }
    }
}
