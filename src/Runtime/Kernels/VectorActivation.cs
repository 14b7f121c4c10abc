namespace Axon.Kernels;

/// <summary>
/// The lane-wise operations a generated vector activation is written with: constants, arithmetic, the elementary
/// functions that have vector forms, comparisons (all-ones lanes where true) and selection. The kernels supply one implementation per hardware vector width; generated code
/// is written once against this interface, and the JIT specialises and inlines it per width.
/// </summary>
/// <typeparam name="TVec">The vector type (e.g. <c>Vector512&lt;float&gt;</c>).</typeparam>
/// <typeparam name="T">The element type, <c>float</c> or <c>double</c>.</typeparam>
public interface IVectorMath<TVec, T>
    where TVec : struct
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TVec Create(T value);

    /// <summary>a + b per lane.</summary>
    static abstract TVec Add(TVec a, TVec b);

    /// <summary>a − b per lane.</summary>
    static abstract TVec Subtract(TVec a, TVec b);

    /// <summary>a · b per lane (never fused with an addition).</summary>
    static abstract TVec Multiply(TVec a, TVec b);

    /// <summary>a / b per lane.</summary>
    static abstract TVec Divide(TVec a, TVec b);

    /// <summary>−a per lane.</summary>
    static abstract TVec Negate(TVec a);

    /// <summary>eˣ per lane (within a few ulp of MathF.Exp / Math.Exp; docs/own-model.md states the bounds).</summary>
    static abstract TVec Exp(TVec x);

    /// <summary>ln x per lane.</summary>
    static abstract TVec Log(TVec x);

    /// <summary>log₂ x per lane.</summary>
    static abstract TVec Log2(TVec x);

    /// <summary>√x per lane (correctly rounded, as the scalar one).</summary>
    static abstract TVec Sqrt(TVec x);

    /// <summary>|x| per lane.</summary>
    static abstract TVec Abs(TVec x);

    /// <summary>sin x per lane.</summary>
    static abstract TVec Sin(TVec x);

    /// <summary>cos x per lane.</summary>
    static abstract TVec Cos(TVec x);

    /// <summary>tanh x per lane.</summary>
    static abstract TVec Tanh(TVec x);

    /// <summary>The larger lane, as Math.Max: NaN if either is NaN, +0 over −0.</summary>
    static abstract TVec Max(TVec a, TVec b);

    /// <summary>The smaller lane, as Math.Min: NaN if either is NaN, −0 under +0.</summary>
    static abstract TVec Min(TVec a, TVec b);

    /// <summary>All-ones lanes where a &lt; b (false for NaN, as the scalar comparison).</summary>
    static abstract TVec LessThan(TVec a, TVec b);

    /// <summary>All-ones lanes where a ≤ b.</summary>
    static abstract TVec LessThanOrEqual(TVec a, TVec b);

    /// <summary>All-ones lanes where a &gt; b.</summary>
    static abstract TVec GreaterThan(TVec a, TVec b);

    /// <summary>All-ones lanes where a ≥ b.</summary>
    static abstract TVec GreaterThanOrEqual(TVec a, TVec b);

    /// <summary>All-ones lanes where a == b.</summary>
    static abstract TVec Equal(TVec a, TVec b);

    /// <summary>All-ones lanes where a != b (true for NaN, as the scalar comparison).</summary>
    static abstract TVec NotEqual(TVec a, TVec b);

    /// <summary>Masks combined with "and" (the vector form of &amp;&amp;).</summary>
    static abstract TVec And(TVec a, TVec b);

    /// <summary>Masks combined with "or" (the vector form of ||).</summary>
    static abstract TVec Or(TVec a, TVec b);

    /// <summary>The complement of a mask (the vector form of !).</summary>
    static abstract TVec Not(TVec mask);

    /// <summary>Lanes of <paramref name="whenTrue"/> where <paramref name="mask"/> is set, else of <paramref name="whenFalse"/>.</summary>
    static abstract TVec Select(TVec mask, TVec whenTrue, TVec whenFalse);
}

/// <summary>
/// An <see cref="IScalarActivation{T}"/> that also has a vector form: what the generator writes for a
/// <c>[Differentiable]</c> scalar function whose body (and derived derivative) uses only operations with vector
/// equivalents. <see cref="VectorActivationKernel"/> runs whole vectors through the generic methods and the
/// remainder through the scalar ones. Both forms compute the same operations in the same order; they can differ only
/// where a vector elementary function (Exp, Log, ...) rounds differently from the scalar one.
/// </summary>
public interface IVectorActivation<T> : IScalarActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>f(x) for every lane of <paramref name="x"/>.</summary>
    TVec Value<TVec, TMath>(TVec x)
        where TVec : struct
        where TMath : IVectorMath<TVec, T>;

    /// <summary>f′(x) for every lane of <paramref name="x"/>.</summary>
    TVec Derivative<TVec, TMath>(TVec x)
        where TVec : struct
        where TMath : IVectorMath<TVec, T>;
}
