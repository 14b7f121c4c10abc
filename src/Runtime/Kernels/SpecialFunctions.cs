using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

/// <summary>
/// Vector forms of the functions the activations need beyond what <see cref="ISimd{TVec, T}"/> offers:
/// tanh, log(1 + x), and erf / erfc / the normal CDF in double precision. Each is written once over a vector
/// width; the scalar forms are the same code on <see cref="ScalarSimd{T}"/>.
/// </summary>
/// <remarks>
/// The constants were computed for this file with 60-digit decimal arithmetic: the Taylor coefficients of tanh
/// (from Bernoulli numbers) and erf (2/√π·(−1)ⁿ/(n!(2n+1))), and a 28-term Chebyshev interpolant, on t ∈ [0, 1],
/// of f(t) = ln(erfc(z)/t) + z² with z = 2/t − 2 (so erfc(z) = t·exp(−z² + f(t)) for z ≥ 0); its dropped
/// terms are below 3·10⁻¹⁸.
/// </remarks>
internal static class SpecialFunctions
{
    // tanh(x) = x·Σ TanhTaylor[n]·x²ⁿ, used for |x| < TanhSeriesLimit (next term below 10⁻¹⁹ relative).
    private static readonly double[] TanhTaylor =
    [
        1.0, -0.3333333333333333, 0.13333333333333333, -0.05396825396825397, 0.021869488536155203,
        -0.008863235529902197, 0.003592128036572481, -0.0014558343870513183, 0.000590027440945586,
        -0.00023912911424355248, 9.691537956929451e-05, -3.927832388331683e-05,
    ];

    private const double TanhSeriesLimit = 0.25;

    // erf(z) = z·Σ ErfTaylor[n]·z²ⁿ, used for |z| < ErfSeriesLimit (next term below 10⁻¹⁹ relative).
    private static readonly double[] ErfTaylor =
    [
        1.1283791670955126, -0.37612638903183754, 0.11283791670955126, -0.026866170645131252,
        0.005223977625442188, -0.0008548327023450853, 0.00012055332981789664, -1.492565035840625e-05,
        1.6462114365889248e-06, -1.6365844691234924e-07, 1.4807192815879218e-08, -1.2290555301717928e-09,
        9.422759064650411e-11, -6.7113668551641105e-12,
    ];

    private const double ErfSeriesLimit = 0.5;

    // Chebyshev coefficients of f on t ∈ [0, 1] (argument u = 2t − 1).
    private static readonly double[] ErfcChebyshev =
    [
        -0.6513268598908547, 0.6419697923564902, 0.019476473204185836, -0.009561514786808632,
        -0.0009465953444820369, 0.00036683949785276145, 4.252332480690777e-05, -2.0278578112534242e-05,
        -1.6242900046470256e-06, 1.3036558355805232e-06, 1.5626441722066142e-08, -8.523809591492654e-08,
        6.5290544390988515e-09, 5.059343495551469e-09, -9.91364156493033e-10, -2.273651222931836e-10,
        9.646791102015527e-11, 2.3940380830391146e-12, -6.886027526497553e-12, 8.944879273090725e-13,
        3.130921399342958e-13, -1.1270822361367252e-13, 3.810905255189232e-16, 7.106097613609237e-15,
        -1.5230282014571043e-15, -9.457494571291233e-17, 1.210237189224279e-16, -2.816663087747177e-17,
    ];

    /// <summary>Beyond this erfc(z) underflows to zero; clamping keeps exp and the z² split finite.</summary>
    private const double ErfcCutoff = 30;

    public const double InverseSqrt2 = 0.7071067811865476;
    public const double InverseSqrt2Pi = 0.3989422804014327;

    public static double Erf(double x) => Erf<double, ScalarSimd<double>>(x);

    public static double Erfc(double x) => Erfc<double, ScalarSimd<double>>(x);

    // eʳ = Σ rⁿ/n! on |r| ≤ ln2/2: 14 terms leave 4·10⁻¹⁸ (double), 8 terms 5·10⁻⁹ (float).
    private static readonly double[] ExpTaylor =
    [
        1.0, 1.0, 0.5, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333, 0.001388888888888889,
        0.0001984126984126984, 2.48015873015873e-05, 2.7557319223985893e-06, 2.755731922398589e-07,
        2.505210838544172e-08, 2.08767569878681e-09, 1.6059043836821613e-10,
    ];

    // ln(1 + u) = 2·atanh(s) = 2s·Σ s²ⁿ/(2n + 1), s = u/(2 + u) ≤ 1/3 for u ≤ 1: 18 terms leave below 10⁻¹⁸.
    private static readonly double[] AtanhSeries = [.. Enumerable.Range(0, 18).Select(n => 2.0 / (2 * n + 1))];

    /// <summary>The coefficient tables and constants converted once to each element type.</summary>
    private static class Coefficients<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private static readonly bool Single = typeof(T) == typeof(float);

        public static readonly T[] Tanh = Array.ConvertAll(TanhTaylor, T.CreateTruncating);
        public static readonly T TanhLimit = T.CreateTruncating(TanhSeriesLimit);
        public static readonly T Two = T.CreateTruncating(2);
        public static readonly T[] Exp = Array.ConvertAll(Single ? ExpTaylor[..8] : ExpTaylor, T.CreateTruncating);
        public static readonly T[] Atanh = Array.ConvertAll(Single ? AtanhSeries[..9] : AtanhSeries, T.CreateTruncating);
        public static readonly T Log2E = T.CreateTruncating(1.4426950408889634);

        // ln 2 = Ln2High + Ln2Low, with Ln2High cut to 12 (float) or 32 (double) significant bits so that k·Ln2High
        // is exact for every k in range: the reduction needs no fused multiply-add to be accurate.
        public static readonly T Ln2High = T.CreateTruncating(Single ? 0.693115234375 : 0.6931471804855391);
        public static readonly T Ln2Low = T.CreateTruncating(Single ? 3.194618329871446e-05 : 7.440617110012397e-11);

        // Beyond these eˣ is 0 or ∞; clamping keeps 2ᵏ in range (the scaling is split in two halves).
        public static readonly T ExpLow = T.CreateTruncating(Single ? -104.0 : -746.0);
        public static readonly T ExpHigh = T.CreateTruncating(Single ? 89.0 : 710.0);
        public static readonly T Half = T.CreateTruncating(0.5);
    }

    /// <summary>
    /// eˣ, small enough to inline (the runtime's vector Exp is not inlined into these loops and costs a call
    /// per vector): x = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split), eʳ by its Taylor series,
    /// then 2ᵏ in two halves so that results that overflow or are subnormal come out right.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exp<TVec, TS, T>(TVec x)
        where TVec : struct
        where TS : ISimd<TVec, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        x = TS.Min(TS.Max(x, TS.Create(Coefficients<T>.ExpLow)), TS.Create(Coefficients<T>.ExpHigh));
        TVec k = TS.Round(TS.Multiply(x, TS.Create(Coefficients<T>.Log2E)));
        TVec minusK = TS.Negate(k);
        TVec r = TS.MultiplyAdd(minusK, TS.Create(Coefficients<T>.Ln2High), x);
        r = TS.MultiplyAdd(minusK, TS.Create(Coefficients<T>.Ln2Low), r);
        TVec p = Polynomial<TVec, TS, T>(r, Coefficients<T>.Exp);
        TVec k1 = TS.Round(TS.Multiply(k, TS.Create(Coefficients<T>.Half)));
        return TS.ScaleB(TS.ScaleB(p, k1), TS.Subtract(k, k1));
    }

    /// <summary>Horner evaluation of Σ c[n]·wⁿ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Polynomial<TVec, TS, T>(TVec w, T[] c)
        where TVec : struct
        where TS : ISimd<TVec, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TVec sum = TS.Create(c[^1]);
        for (int n = c.Length - 2; n >= 0; n--) sum = TS.MultiplyAdd(sum, w, TS.Create(c[n]));
        return sum;
    }

    /// <summary>tanh: a Taylor series near zero, 1 − 2/(e^{2|x|} + 1) with the sign of x elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Tanh<TVec, TS, T>(TVec x)
        where TVec : struct
        where TS : ISimd<TVec, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TVec one = TS.Create(T.One);
        TVec ax = TS.Abs(x);
        TVec series = TS.Multiply(x, Polynomial<TVec, TS, T>(TS.Multiply(x, x), Coefficients<T>.Tanh));
        TVec e = TS.Exp(TS.Add(ax, ax));
        TVec far = TS.CopySign(TS.Subtract(one, TS.Divide(TS.Create(Coefficients<T>.Two), TS.Add(e, one))), x);
        return TS.Select(TS.GreaterThan(TS.Create(Coefficients<T>.TanhLimit), ax), series, far);
    }

    /// <summary>ln(1 + u) for 0 ≤ u ≤ 1 (what softplus needs), relative-accurate for tiny u: 2·atanh(u/(2 + u)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Log1P<TVec, TS, T>(TVec u)
        where TVec : struct
        where TS : ISimd<TVec, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TVec s = TS.Divide(u, TS.Add(TS.Create(Coefficients<T>.Two), u));
        return TS.Multiply(s, Polynomial<TVec, TS, T>(TS.Multiply(s, s), Coefficients<T>.Atanh));
    }

    /// <summary>Chebyshev terms of erfc for a double result: all of them (dropped terms below 3·10⁻¹⁸).</summary>
    public const int ErfcTerms = 28;

    /// <summary>
    /// Chebyshev terms of erfc for a result rounded to float: the dropped terms sum to about 1.1·10⁻¹⁰ relative,
    /// far below float's half-ulp (3·10⁻⁸), so the float result is the full series' except at rare near-ties.
    /// </summary>
    public const int ErfcTermsForSingle = 16;

    /// <summary>erfc(|x|) through the Chebyshev form: t·exp(−z²)·exp(f(t)), z² split exactly with an FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ErfcOfAbs<TVec, TS>(TVec x)
        where TVec : struct
        where TS : ISimd<TVec, double> => ErfcOfAbs<TVec, TS>(x, ErfcTerms, out _);

    /// <summary>
    /// erfc(|x|) from the first <paramref name="terms"/> Chebyshev terms, and <paramref name="gaussian"/> =
    /// exp(−z²) for z = min(|x|, cutoff), from the same exponential (the normal density needs it beside Φ).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ErfcOfAbs<TVec, TS>(TVec x, int terms, out TVec gaussian)
        where TVec : struct
        where TS : ISimd<TVec, double>
    {
        TVec z = TS.Min(TS.Abs(x), TS.Create(ErfcCutoff));
        TVec two = TS.Create(2.0);
        TVec t = TS.Divide(two, TS.Add(two, z));
        TVec u = TS.Subtract(TS.Add(t, t), TS.Create(1.0));

        // Clenshaw recurrence for Σ c[j]·T_j(u), arranged so that one FMA per step is on the critical path.
        TVec u2 = TS.Add(u, u), b1 = TS.Zero, b2 = TS.Zero;
        double[] c = ErfcChebyshev;
        for (int j = terms - 1; j >= 1; j--)
        {
            TVec b0 = TS.MultiplyAdd(u2, b1, TS.Subtract(TS.Create(c[j]), b2));
            b2 = b1;
            b1 = b0;
        }

        TVec f = TS.MultiplyAdd(u, b1, TS.Subtract(TS.Create(c[0]), b2));
        TVec high = TS.Multiply(z, z);
        TVec low = SquareError<TVec, TS>(z, high);
        TVec gaussianHigh = TS.Exp(TS.Negate(high));

        // exp(−low) = 1 − low to double precision: |low| is below half an ulp of z².
        gaussian = TS.Multiply(gaussianHigh, TS.Subtract(TS.Create(1.0), low));
        return TS.Multiply(t, TS.Multiply(gaussianHigh, TS.Exp(TS.Subtract(f, low))));
    }

    /// <summary>
    /// z² − high exactly, for high = fl(z²): one fused multiply-add where the hardware has it, else Dekker's
    /// split of z into two halves whose products are exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec SquareError<TVec, TS>(TVec z, TVec high)
        where TVec : struct
        where TS : ISimd<TVec, double>
    {
        if (Fma.IsSupported || AdvSimd.IsSupported) return TS.FusedMultiplyAdd(z, z, TS.Negate(high));
        TVec c = TS.Multiply(z, TS.Create(134217729.0)); // 2^27 + 1
        TVec zh = TS.Subtract(c, TS.Subtract(c, z));
        TVec zl = TS.Subtract(z, zh);
        TVec cross = TS.Multiply(zh, zl);
        return TS.Add(TS.Add(TS.Subtract(TS.Multiply(zh, zh), high), TS.Add(cross, cross)), TS.Multiply(zl, zl));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Erfc<TVec, TS>(TVec x)
        where TVec : struct
        where TS : ISimd<TVec, double>
    {
        TVec e = ErfcOfAbs<TVec, TS>(x);
        return TS.Select(TS.GreaterThan(TS.Zero, x), TS.Subtract(TS.Create(2.0), e), e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Erf<TVec, TS>(TVec x)
        where TVec : struct
        where TS : ISimd<TVec, double>
    {
        TVec series = TS.Multiply(x, Polynomial<TVec, TS, double>(TS.Multiply(x, x), ErfTaylor));
        TVec far = TS.CopySign(TS.Subtract(TS.Create(1.0), ErfcOfAbs<TVec, TS>(x)), x);
        return TS.Select(TS.GreaterThan(TS.Create(ErfSeriesLimit), TS.Abs(x)), series, far);
    }

    /// <summary>Φ(x) = ½·erfc(−x/√2), computed from erfc(|x|/√2) so that both tails keep their relative accuracy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec NormalCdf<TVec, TS>(TVec x)
        where TVec : struct
        where TS : ISimd<TVec, double>
    {
        TVec half = TS.Create(0.5);
        TVec tail = TS.Multiply(half, ErfcOfAbs<TVec, TS>(TS.Multiply(x, TS.Create(InverseSqrt2))));
        return TS.Select(TS.GreaterThan(TS.Zero, x), tail, TS.Subtract(TS.Create(1.0), tail));
    }

    /// <summary>
    /// Φ(x) as <see cref="NormalCdf{TVec, TS}(TVec)"/> from the first <paramref name="terms"/> Chebyshev terms of erfc,
    /// and the density φ(x) in <paramref name="pdf"/> from the same exponential (one exp fewer than both apart).
    /// Beyond |x| = 30√2 φ is taken at the cutoff, where it is zero in double anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec NormalCdf<TVec, TS>(TVec x, int terms, out TVec pdf)
        where TVec : struct
        where TS : ISimd<TVec, double>
    {
        TVec tail = TS.Multiply(TS.Create(0.5), ErfcOfAbs<TVec, TS>(TS.Multiply(x, TS.Create(InverseSqrt2)), terms, out TVec gaussian));
        pdf = TS.Multiply(TS.Create(InverseSqrt2Pi), gaussian);
        return TS.Select(TS.GreaterThan(TS.Zero, x), tail, TS.Subtract(TS.Create(1.0), tail));
    }

    /// <summary>φ(x) = e^{−x²/2}/√(2π).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec NormalPdf<TVec, TS>(TVec x)
        where TVec : struct
        where TS : ISimd<TVec, double>
    {
        return TS.Multiply(TS.Create(InverseSqrt2Pi), TS.Exp(TS.Multiply(TS.Create(-0.5), TS.Multiply(x, x))));
    }
}
