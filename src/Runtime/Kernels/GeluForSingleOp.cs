namespace Axon.Kernels;

/// <summary>
/// Exact GELU for results rounded to float (or a smaller type): evaluated in double as <see cref="GeluOp"/>, but with
/// the first <see cref="SpecialFunctions.ErfcTermsForSingle"/> Chebyshev terms of erfc, whose dropped tail
/// (about 1.1·10⁻¹⁰ relative) is invisible after rounding to float except at rare near-ties. The transformer's MLP
/// evaluates it on every element of its widest activation, forward and backward.
/// </summary>
internal readonly struct GeluForSingleOp : IActivation<double>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec, TS>(TVec x) where TVec : struct where TS : ISimd<TVec, double> =>
        TS.Multiply(x, SpecialFunctions.NormalCdf<TVec, TS>(x, SpecialFunctions.ErfcTermsForSingle, out _));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Derivative<TVec, TS>(TVec x, TVec y) where TVec : struct where TS : ISimd<TVec, double> =>
        GeluForm.Derivative<TVec, TS>(x, SpecialFunctions.ErfcTermsForSingle);
}

/// <summary>GELU's derivative Φ(x) + x·φ(x), with Φ and φ from one exponential.</summary>
internal static class GeluForm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Derivative<TVec, TS>(TVec x, int terms) where TVec : struct where TS : ISimd<TVec, double>
    {
        TVec cdf = SpecialFunctions.NormalCdf<TVec, TS>(x, terms, out TVec pdf);
        return TS.MultiplyAdd(x, pdf, cdf);
    }
}
