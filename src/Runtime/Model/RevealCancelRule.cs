using System.ComponentModel;

namespace Axon.Model;

/// <summary>
/// DeepLIFT's RevealCancel rule (Shrikumar, Greenside, Kundaje 2017, §3.5.3) for an element-wise nonlinearity
/// y = f(z) whose input is a dense layer z = W·x + b. The change of each pre-activation is split into the sum of
/// its positive terms and the sum of its negative terms, Δz⁺ = Σᵢ max(wᵢΔxᵢ, 0) and Δz⁻ = Σᵢ min(wᵢΔxᵢ, 0); the
/// output's change is split the way a two-player Shapley value splits it,
/// Δy⁺ = ½[f(z′ + Δz⁺) − f(z′)] + ½[f(z′ + Δz⁻ + Δz⁺) − f(z′ + Δz⁻)], Δy⁻ symmetrically, so that
/// Δy⁺ + Δy⁻ = Δy; and each part gets its own multiplier m⁺ = Δy⁺/Δz⁺, m⁻ = Δy⁻/Δz⁻. Through the dense layer an
/// input's term wᵢΔxᵢ is credited with m⁺ when positive, m⁻ when negative (half of each when zero: it then carries
/// nothing). Generated code calls <see cref="Split"/>, evaluates f at the two split points with the layer's own
/// forward kernel, then calls <see cref="Apply"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RevealCancelRule
{
    /// <summary>
    /// Δz⁺ and Δz⁻ of every pre-activation, and the points z′ + Δz⁺ and z′ + Δz⁻ at which f must be evaluated.
    /// </summary>
    /// <param name="x">The dense layer's input activations (batch × inFeatures).</param>
    /// <param name="xReference">The reference's input activations: inFeatures values (shared) or batch × inFeatures.</param>
    /// <param name="weight">The weight, [outFeatures, inFeatures].</param>
    /// <param name="zReference">The reference's pre-activations, laid out like <paramref name="xReference"/>.</param>
    /// <param name="deltaPlus">Receives Δz⁺ (batch × outFeatures).</param>
    /// <param name="deltaMinus">Receives Δz⁻.</param>
    /// <param name="pointPlus">Receives z′ + Δz⁺.</param>
    /// <param name="pointMinus">Receives z′ + Δz⁻.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="inFeatures">The dense layer's input width.</param>
    /// <param name="outFeatures">The dense layer's output width.</param>
    public static void Split<T>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> xReference, ReadOnlySpan<T> weight, ReadOnlySpan<T> zReference,
        Span<T> deltaPlus, Span<T> deltaMinus, Span<T> pointPlus, Span<T> pointMinus, int batch, int inFeatures, int outFeatures)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool shared = CheckShapes(x, xReference, weight, batch, inFeatures, outFeatures);
        int n = batch * outFeatures;
        if (zReference.Length != (shared ? outFeatures : n) || deltaPlus.Length != n || deltaMinus.Length != n || pointPlus.Length != n || pointMinus.Length != n)
            throw new ArgumentException("RevealCancel: the pre-activation buffers must hold batch × outFeatures values (the reference's: as many rows as its input).");

        for (int b = 0; b < batch; b++)
        {
            var xs = x.Slice(b * inFeatures, inFeatures);
            var xr = xReference.Slice(shared ? 0 : b * inFeatures, inFeatures);
            for (int j = 0; j < outFeatures; j++)
            {
                var w = weight.Slice(j * inFeatures, inFeatures);
                T plus = T.Zero, minus = T.Zero;
                for (int i = 0; i < inFeatures; i++)
                {
                    T term = w[i] * (xs[i] - xr[i]);
                    if (term > T.Zero) plus += term;
                    else minus += term;
                }

                int k = b * outFeatures + j;
                T z = zReference[shared ? j : k];
                deltaPlus[k] = plus;
                deltaMinus[k] = minus;
                pointPlus[k] = z + plus;
                pointMinus[k] = z + minus;
            }
        }
    }

    /// <summary>
    /// Accumulates the dense layer's input multipliers: with m = <paramref name="dy"/> arriving at y,
    /// m⁺ = m·Δy⁺/Δz⁺ and m⁻ = m·Δy⁻/Δz⁻ (<paramref name="derivativeTimesDy"/>, f′(z)·m, where a part is
    /// negligible), dxᵢ += Σⱼ wⱼᵢ·(m⁺ⱼ if wⱼᵢΔxᵢ &gt; 0, m⁻ⱼ if &lt; 0, their mean if 0). Overwrites
    /// <paramref name="deltaPlus"/> and <paramref name="deltaMinus"/> with m⁺ and m⁻.
    /// </summary>
    /// <param name="x">The dense layer's input activations (batch × inFeatures).</param>
    /// <param name="xReference">The reference's input activations: inFeatures values (shared) or batch × inFeatures.</param>
    /// <param name="weight">The weight, [outFeatures, inFeatures].</param>
    /// <param name="y">The nonlinearity's outputs f(z) (batch × outFeatures).</param>
    /// <param name="yReference">The reference's outputs f(z′), laid out like <paramref name="xReference"/>'s rows.</param>
    /// <param name="fPlus">f(z′ + Δz⁺).</param>
    /// <param name="fMinus">f(z′ + Δz⁻).</param>
    /// <param name="deltaPlus">Δz⁺ from <see cref="Split"/>; receives m⁺.</param>
    /// <param name="deltaMinus">Δz⁻ from <see cref="Split"/>; receives m⁻.</param>
    /// <param name="dy">The multipliers arriving at y.</param>
    /// <param name="derivativeTimesDy">f′(z)·dy, the limit of a secant over a negligible part.</param>
    /// <param name="dx">Accumulates the multipliers of the dense layer's input.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="inFeatures">The dense layer's input width.</param>
    /// <param name="outFeatures">The dense layer's output width.</param>
    public static void Apply<T>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> xReference, ReadOnlySpan<T> weight, ReadOnlySpan<T> y, ReadOnlySpan<T> yReference,
        ReadOnlySpan<T> fPlus, ReadOnlySpan<T> fMinus, Span<T> deltaPlus, Span<T> deltaMinus, ReadOnlySpan<T> dy, ReadOnlySpan<T> derivativeTimesDy,
        Span<T> dx, int batch, int inFeatures, int outFeatures)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool shared = CheckShapes(x, xReference, weight, batch, inFeatures, outFeatures);
        int n = batch * outFeatures;
        if (y.Length != n || yReference.Length != (shared ? outFeatures : n) || fPlus.Length != n || fMinus.Length != n
            || deltaPlus.Length != n || deltaMinus.Length != n || dy.Length != n || derivativeTimesDy.Length != n || dx.Length != batch * inFeatures)
            throw new ArgumentException("RevealCancel: the activations, split points and multipliers must hold batch × outFeatures values, the input multipliers batch × inFeatures.");

        T half = T.CreateChecked(0.5);
        T threshold = RescaleRule.NegligibleDelta<T>();
        for (int k = 0; k < n; k++)
        {
            T yr = yReference[shared ? k % outFeatures : k];

            // The two orders in which the parts can arrive, averaged: Δy⁺ + Δy⁻ = y − y′ exactly.
            T upPlus = half * ((fPlus[k] - yr) + (y[k] - fMinus[k]));
            T upMinus = half * ((fMinus[k] - yr) + (y[k] - fPlus[k]));
            T dPlus = deltaPlus[k], dMinus = deltaMinus[k];
            deltaPlus[k] = T.Abs(dPlus) > threshold ? upPlus / dPlus * dy[k] : derivativeTimesDy[k];
            deltaMinus[k] = T.Abs(dMinus) > threshold ? upMinus / dMinus * dy[k] : derivativeTimesDy[k];
        }

        for (int b = 0; b < batch; b++)
        {
            var xs = x.Slice(b * inFeatures, inFeatures);
            var xr = xReference.Slice(shared ? 0 : b * inFeatures, inFeatures);
            var gradient = dx.Slice(b * inFeatures, inFeatures);
            for (int j = 0; j < outFeatures; j++)
            {
                var w = weight.Slice(j * inFeatures, inFeatures);
                T mPlus = deltaPlus[b * outFeatures + j], mMinus = deltaMinus[b * outFeatures + j];
                T mZero = half * (mPlus + mMinus);
                for (int i = 0; i < inFeatures; i++)
                {
                    T term = w[i] * (xs[i] - xr[i]);
                    gradient[i] += w[i] * (term > T.Zero ? mPlus : term < T.Zero ? mMinus : mZero);
                }
            }
        }
    }

    private static bool CheckShapes<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> xReference, ReadOnlySpan<T> weight, int batch, int inFeatures, int outFeatures)
    {
        if (batch < 1 || inFeatures < 1 || outFeatures < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), $"RevealCancel: batch {batch}, {inFeatures} inputs and {outFeatures} outputs must all be positive.");
        if (x.Length != batch * inFeatures || weight.Length != inFeatures * outFeatures)
            throw new ArgumentException($"RevealCancel: the input must hold batch × {inFeatures} values and the weight {outFeatures} × {inFeatures}.");
        if (xReference.Length != inFeatures && xReference.Length != x.Length)
            throw new ArgumentException($"RevealCancel: the reference holds {xReference.Length} input values; record it with batch 1 or with the same batch ({batch}).");
        return xReference.Length != x.Length; // batch 1: shared and per-sample are the same layout
    }
}
