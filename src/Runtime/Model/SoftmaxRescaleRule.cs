using System.ComponentModel;

namespace Axon.Model;

/// <summary>
/// DeepLIFT through softmax and log-softmax: multipliers m_{j,i} with Σᵢ m_{j,i}·Δxᵢ = Δy_j for every output j,
/// built from the layer's own structure instead of its gradient at x.
/// </summary>
/// <remarks>
/// <para>
/// Log-softmax is y_j = x_j − L(x) with the normaliser L = log Σ exp. Its only nonlinear part, L, is convex and
/// smooth, so along the segment γ(α) = x′ + α·Δx its directional derivative g(α) = softmax(γ(α))·Δx rises
/// monotonically, and by the mean value theorem some α* ∈ [0, 1] has g(α*) = L(x) − L(x′). The rule takes the
/// multipliers of L to be w = softmax(γ(α*)), found by bisection: a probability vector (so adding the same amount
/// to every input, which softmax ignores, contributes nothing) whose w·Δx equals ΔL to rounding. Log-softmax's
/// multipliers are then m_{j,i} = δ_{ji} − wᵢ, the same for every output.
/// </para>
/// <para>
/// Softmax is exp of log-softmax, an element-wise nonlinearity after it, so DeepLIFT's own rescale rule applies:
/// r_j = Δy_j / d_j with d_j = Δx_j − w·Δx (the change log-softmax's multipliers assign to log y_j), and
/// m_{j,i} = r_j·(δ_{ji} − wᵢ). Then Σᵢ m_{j,i}·Δxᵢ = r_j·d_j = Δy_j exactly, however accurately α* was found;
/// where |d_j| is negligible r_j is exp's derivative, y_j. Every row of multipliers sums to zero, as softmax's
/// shift invariance demands, and Σ_j Δy_j = 0 is kept. This follows the DeepLIFT paper's advice to treat softmax
/// through the layer before it with the shared (mean) part of the contributions removed, but keeps the
/// contributions to the probabilities themselves exact.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SoftmaxRescaleRule
{
    /// <summary>
    /// Generated code: adds to <paramref name="dx"/> the DeepLIFT multipliers of a softmax or log-softmax node, given those
    /// arriving at its output. Throws <see cref="ArgumentException"/> when the spans do not hold batch × size values
    /// (the reference: size or batch × size).
    /// </summary>
    /// <param name="x">The node's input activations (batch × size).</param>
    /// <param name="y">The node's output: probabilities, or log-probabilities when <paramref name="logarithmic"/>.</param>
    /// <param name="xReference">The reference's input activations: size values (shared) or batch × size.</param>
    /// <param name="yReference">The reference's output, laid out like <paramref name="xReference"/>.</param>
    /// <param name="dy">The multipliers arriving at the output.</param>
    /// <param name="dx">Accumulates the multipliers for the input.</param>
    /// <param name="weights">Scratch for the normaliser's multipliers, at least size long.</param>
    /// <param name="batch">Samples in <paramref name="x"/>, <paramref name="y"/>, <paramref name="dy"/> and <paramref name="dx"/> (at least 1).</param>
    /// <param name="size">Elements per sample of the node (at least 1); softmax runs over all of them.</param>
    /// <param name="logarithmic">True for log-softmax, false for softmax.</param>
    public static void Apply<T>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> xReference, ReadOnlySpan<T> yReference,
        ReadOnlySpan<T> dy, Span<T> dx, Span<T> weights, int batch, int size, bool logarithmic)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (batch < 1 || size < 1 || x.Length != (long)batch * size || y.Length != x.Length || dy.Length != x.Length || dx.Length != x.Length)
            throw new ArgumentException($"The activations, multipliers and gradients of a softmax node must hold {batch} × {size} values.");
        bool shared = xReference.Length == size;
        if ((!shared && xReference.Length != x.Length) || yReference.Length != xReference.Length)
            throw new ArgumentException($"The rescale reference holds {xReference.Length} values for a node of {size}: record the reference with batch 1 or with the same batch.");
        if (weights.Length < size) throw new ArgumentException($"The scratch must hold at least {size} values.", nameof(weights));

        var w = weights[..size];
        T negligible = RescaleRule.NegligibleDelta<T>();
        for (int b = 0; b < batch; b++)
        {
            int r = shared ? 0 : b;
            ReadOnlySpan<T> xs = x.Slice(b * size, size), xr = xReference.Slice(r * size, size);
            ReadOnlySpan<T> ys = y.Slice(b * size, size), yr = yReference.Slice(r * size, size), g = dy.Slice(b * size, size);
            Span<T> o = dx.Slice(b * size, size);

            T shift = MeanValueWeights(xs, xr, w); // w·Δx ≈ ΔL
            if (logarithmic)
            {
                T total = T.Zero;
                for (int j = 0; j < size; j++) total += g[j];
                for (int i = 0; i < size; i++) o[i] += g[i] - w[i] * total;
                continue;
            }

            T weighted = T.Zero;
            for (int j = 0; j < size; j++) weighted += ExpSecant(xs, xr, ys, yr, shift, negligible, j) * g[j];
            for (int i = 0; i < size; i++) o[i] += ExpSecant(xs, xr, ys, yr, shift, negligible, i) * g[i] - w[i] * weighted;
        }
    }

    /// <summary>r_j: exp's secant slope between log y′_j and log y′_j + d_j, where d_j = Δx_j − w·Δx.</summary>
    private static T ExpSecant<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> xReference, ReadOnlySpan<T> y, ReadOnlySpan<T> yReference, T shift, T negligible, int j)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T d = x[j] - xReference[j] - shift;
        return T.Abs(d) > negligible ? (y[j] - yReference[j]) / d : y[j];
    }

    /// <summary>
    /// Writes w = softmax(x′ + α*·Δx) with g(α*) = L(x) − L(x′) (bisection on the monotone g) and returns w·Δx.
    /// </summary>
    private static T MeanValueWeights<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> xReference, Span<T> w)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T target = LogSumExp(x) - LogSumExp(xReference);
        T two = T.CreateChecked(2);
        T low = T.Zero, high = T.One;
        // Halve until the midpoint is no longer representable between the ends: ~25 steps in float, ~55 in double.
        for (int step = 0; step < 200; step++)
        {
            T middle = (low + high) / two;
            if (middle <= low || middle >= high) break;
            if (SoftmaxAlong(x, xReference, middle, w) < target) low = middle;
            else high = middle;
        }

        return SoftmaxAlong(x, xReference, (low + high) / two, w);
    }

    /// <summary>w = softmax(x′ + α·Δx), max-shifted; returns g(α) = w·Δx.</summary>
    private static T SoftmaxAlong<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> xReference, T alpha, Span<T> w)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = T.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            w[i] = xReference[i] + alpha * (x[i] - xReference[i]);
            max = T.Max(max, w[i]);
        }

        T sum = T.Zero;
        for (int i = 0; i < x.Length; i++) sum += w[i] = T.Exp(w[i] - max);
        T slope = T.Zero;
        for (int i = 0; i < x.Length; i++)
        {
            w[i] /= sum;
            slope += w[i] * (x[i] - xReference[i]);
        }

        return slope;
    }

    private static T LogSumExp<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = T.NegativeInfinity;
        foreach (T v in x) max = T.Max(max, v);
        T sum = T.Zero;
        foreach (T v in x) sum += T.Exp(v - max);
        return max + T.Log(sum);
    }
}
