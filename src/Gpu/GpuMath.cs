namespace Axon.Gpu;

/// <summary>
/// Special functions that generated kernels call on the device, written with arithmetic and Exp only so that every
/// ILGPU backend compiles them: log1p for softplus, and the normal distribution for exact GELU (x·Φ(x)).
/// Accuracy matches the CPU kernels (Axon.Kernels.SpecialFunctions) to a few ulps.
/// </summary>
public static class GpuMath
{
    /// <summary>ln(1 + u) for u in [0, 1]: 2·atanh(s) with s = u/(2 + u) ≤ 1/3, summed to double precision.</summary>
    public static double Log1P(double u)
    {
        double s = u / (2 + u), s2 = s * s;
        double sum = 0;
        for (int n = 17; n >= 0; n--) sum = sum * s2 + 2.0 / (2 * n + 1);
        return s * sum;
    }

    /// <summary>ln(1 + u) for u in [0, 1], in float.</summary>
    public static float Log1P(float u) => (float)Log1P((double)u);

    /// <summary>Φ(x), the standard normal distribution function, as ½·erfc(−x/√2).</summary>
    public static double NormalCdf(double x)
    {
        double z = -x * 0.7071067811865476;
        return 0.5 * Erfc(z);
    }

    /// <summary>Φ(x) in float (computed in double).</summary>
    public static float NormalCdf(float x) => (float)NormalCdf((double)x);

    /// <summary>φ(x) = e^{−x²/2}/√(2π).</summary>
    public static double NormalPdf(double x) => 0.3989422804014327 * Math.Exp(-0.5 * x * x);

    /// <summary>φ(x) in float (computed in double).</summary>
    public static float NormalPdf(float x) => (float)NormalPdf((double)x);

    /// <summary>
    /// erfc(x): for |x| below 0.5 from the Taylor series of erf; beyond it t·e^{−z²}·e^{f(t)} with t = 2/(2 + z) and
    /// f a Chebyshev series in 2t − 1 (the coefficients of the CPU kernels), with z² split into an exact high part.
    /// </summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        if (z < 0.5)
        {
            // erf(x) = 2/√π Σ (−1)ⁿ x^{2n+1} / (n!(2n + 1)).
            double x2 = x * x, term = x, sum = x;
            for (int n = 1; n < 14; n++)
            {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }

            return 1 - 1.1283791670955126 * sum;
        }

        z = Math.Min(z, 30);
        double t = 2 / (2 + z), u = 2 * t - 1, u2 = 2 * u;
        double b1 = 0, b2 = 0, b0;
        b0 = u2 * b1 - b2 + -2.816663087747177e-17; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 1.210237189224279e-16; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + -9.457494571291233e-17; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + -1.5230282014571043e-15; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 7.106097613609237e-15; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 3.810905255189232e-16; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + -1.1270822361367252e-13; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 3.130921399342958e-13; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 8.944879273090725e-13; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + -6.886027526497553e-12; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 2.3940380830391146e-12; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 9.646791102015527e-11; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + -2.273651222931836e-10; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + -9.91364156493033e-10; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 5.059343495551469e-09; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 6.5290544390988515e-09; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + -8.523809591492654e-08; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 1.5626441722066142e-08; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 1.3036558355805232e-06; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + -1.6242900046470256e-06; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + -2.0278578112534242e-05; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 4.252332480690777e-05; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 0.00036683949785276145; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + -0.0009465953444820369; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + -0.009561514786808632; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 0.019476473204185836; b2 = b1; b1 = b0;
        b0 = u2 * b1 - b2 + 0.6419697923564902; b2 = b1; b1 = b0;
        double f = u * b1 - b2 + -0.6513268598908547;

        // z² = high + low exactly (Dekker's split), so that e^{−z²} keeps its relative accuracy for large z.
        double high = z * z;
        double c = z * 134217729.0, zh = c - (c - z), zl = z - zh;
        double low = ((zh * zh - high) + 2 * zh * zl) + zl * zl;
        double e = t * Math.Exp(-high) * Math.Exp(f - low);
        return x < 0 ? 2 - e : e;
    }
}
