using System.ComponentModel;

namespace Axon.Model;

/// <summary>
/// DeepLIFT's rescale rule for an element-wise nonlinearity y = f(x): the multiplier is the secant slope
/// Δy/Δx between the input's and the reference's activations, and the ordinary derivative where |Δx| is too small
/// for the secant to be meaningful (then the two agree to first order).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RescaleRule
{
    /// <param name="x">The node's input activations (batch × size).</param>
    /// <param name="y">The node's output activations.</param>
    /// <param name="xReference">The reference's input activations: size values (shared) or batch × size.</param>
    /// <param name="yReference">The reference's output activations, laid out like <paramref name="xReference"/>.</param>
    /// <param name="dy">The multipliers arriving at the output.</param>
    /// <param name="derivativeTimesDy">f'(x)·dy, the ordinary backward, used where |Δx| is negligible.</param>
    /// <param name="dx">Accumulates the multipliers for the input.</param>
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> xReference, ReadOnlySpan<T> yReference, ReadOnlySpan<T> dy, ReadOnlySpan<T> derivativeTimesDy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length;
        if (y.Length != n || dy.Length != n || derivativeTimesDy.Length != n || dx.Length != n)
            throw new ArgumentException("The activations, multipliers and gradients of a node must have the same length.");
        int size = xReference.Length;
        if (size == 0 || yReference.Length != size || (n % size != 0))
            throw new ArgumentException($"The rescale reference holds {size} values per node, which does not divide the batch's {n}: record the reference with batch 1 or with the same batch.");
        bool shared = size != n;
        int sampleSize = shared ? size : n;

        T threshold = NegligibleDelta<T>();
        for (int i = 0; i < n; i++)
        {
            int r = shared ? i % sampleSize : i;
            T deltaX = x[i] - xReference[r];
            dx[i] += T.Abs(deltaX) > threshold ? (y[i] - yReference[r]) / deltaX * dy[i] : derivativeTimesDy[i];
        }
    }

    /// <summary>Below this |Δx| a secant is dominated by rounding; the derivative is the limit it tends to.</summary>
    internal static T NegligibleDelta<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        T.CreateChecked(typeof(T) == typeof(float) ? 1e-5 : 1e-10);
}
