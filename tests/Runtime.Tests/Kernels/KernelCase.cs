using System.Numerics;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// One kernel configuration under test, callable in any element type: its differentiable inputs (input 0 is
/// the layer input, the rest parameters), and forward, backward and tangent written against the kernel API.
/// Kernels that keep a tape (arg-max) record it in <see cref="Forward{T}"/>; the harness always runs Forward at
/// the point of interest right before Backward or Tangent.
/// </summary>
public abstract class KernelCase
{
    public abstract string Name { get; }

    /// <summary>Element count of each input array; index 0 is the layer input.</summary>
    public abstract int[] InputSizes { get; }

    public abstract int OutputSize { get; }

    /// <summary>False for inputs that get no gradient (embedding ids); they are not perturbed.</summary>
    public virtual bool IsDifferentiable(int input) => true;

    /// <summary>False when the kernel has no forward mode (embedding: the ids are not differentiable).</summary>
    public virtual bool HasTangent => true;

    /// <summary>Fills the inputs: standard normal by default; cases override to keep away from kinks and ties.</summary>
    public virtual void Fill(double[][] inputs, Random random)
    {
        foreach (double[] input in inputs)
        {
            for (int i = 0; i < input.Length; i++) input[i] = Gaussian(random);
        }
    }

    public abstract void Forward<T>(T[][] inputs, T[] y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Accumulates the gradients of Σ dy⊙y into <paramref name="gradients"/>; an empty array means skip.</summary>
    public abstract void Backward<T>(T[][] inputs, T[] y, T[] dy, T[][] gradients) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>ty = (∂y/∂input 0)·tx.</summary>
    public virtual void Tangent<T>(T[][] inputs, T[] y, T[] tx, T[] ty) where T : unmanaged, IFloatingPointIeee754<T> =>
        throw new InvalidOperationException($"{Name} has no tangent.");

    public override string ToString() => Name;

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Distinct values spaced far apart compared with the finite-difference step: a shuffled ramp.</summary>
    public static void FillDistinct(double[] values, Random random, double spacing = 0.01)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (i - values.Length / 2) * spacing;
        random.Shuffle(values);
    }
}
