using Axon.Model;
using Axon.Attribution.Tests.MultiInput;

namespace Axon.Attribution.Tests.LayerLists;

/// <summary>
/// The chain network written out by hand: its weights, its layer values z₁ = W₁x + b₁, a₁ = tanh z₁, z₂ = W₂a₁ + b₂,
/// a₂ = tanh z₂, F = v·a₂ + d, and the gradient of F at each of them (the chain rule applied by hand), for the checks that
/// must not use the engine's own passes.
/// </summary>
internal static class ChainNetwork
{
    public static readonly double[] W1 = [0.6, -0.4, 0.3, 0.2, 0.7, -0.5, -0.3, 0.1, 0.8]; // [3, 3], PyTorch's [out, in]
    public static readonly double[] B1 = [0.1, -0.2, 0.05];
    public static readonly double[] W2 = [0.9, -0.6, 0.4, -0.3, 0.5, 0.7]; // [2, 3]
    public static readonly double[] B2 = [0.05, -0.1];
    public static readonly double[] V = [1.3, -0.7];
    public static readonly double[] D = [0.2];

    /// <summary>Two inputs, one after the other, and a baseline.</summary>
    public static readonly double[] X = [0.8, -0.5, 1.1, -0.6, 0.9, 0.5]; // no z₁ or z₂ element equal at x and x′: the rescale multipliers Δa/Δz are secants
    public static readonly double[] Reference = [0.1, 0.2, -0.3];

    /// <summary>The layers in the engine's node order: 0 input, 1 fc1 (z₁), 2 tanh1 (a₁), 3 fc2 (z₂), 4 tanh2 (a₂), 5 head.</summary>
    public const int Fc1 = 1, Tanh1 = 2, Fc2 = 3, Tanh2 = 4;

    public static TModel Built<TModel, T>(TModel model) where TModel : IDifferentiableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        model.SetParameter<T>("fc1.weight", Cast<T>(W1), [3, 3]);
        model.SetParameter<T>("fc1.bias", Cast<T>(B1), [3]);
        model.SetParameter<T>("fc2.weight", Cast<T>(W2), [2, 3]);
        model.SetParameter<T>("fc2.bias", Cast<T>(B2), [2]);
        model.SetParameter<T>("head.weight", Cast<T>(V), [1, 2]);
        model.SetParameter<T>("head.bias", Cast<T>(D), [1]);
        return model;
    }

    public static T[] Cast<T>(double[] values) where T : unmanaged, IFloatingPointIeee754<T> => TwoInputAttributionTests.Cast<T>(values);

    public static double[] Double<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T> => TwoInputAttributionTests.Double(values);

    private static double[] Affine(double[] w, double[] b, ReadOnlySpan<double> x)
    {
        var y = new double[b.Length];
        for (int o = 0; o < b.Length; o++)
        {
            y[o] = b[o];
            for (int i = 0; i < x.Length; i++) y[o] += w[o * x.Length + i] * x[i];
        }

        return y;
    }

    /// <summary>y = Wᵀg for a [out, in] weight.</summary>
    private static double[] Transposed(double[] w, double[] g, int inputs)
    {
        var y = new double[inputs];
        for (int o = 0; o < g.Length; o++)
            for (int i = 0; i < inputs; i++) y[i] += w[o * inputs + i] * g[o];
        return y;
    }

    /// <summary>Every node's value at x: [x, z₁, a₁, z₂, a₂, F].</summary>
    public static double[][] Values(ReadOnlySpan<double> x)
    {
        var z1 = Affine(W1, B1, x);
        var a1 = z1.Select(Math.Tanh).ToArray();
        var z2 = Affine(W2, B2, a1);
        var a2 = z2.Select(Math.Tanh).ToArray();
        return [x.ToArray(), z1, a1, z2, a2, Affine(V, D, a2)];
    }

    public static double F(ReadOnlySpan<double> x) => Values(x)[5][0];

    /// <summary>∂F/∂(node) at x for every node: [∂F/∂x, ∂F/∂z₁, ∂F/∂a₁, ∂F/∂z₂, ∂F/∂a₂].</summary>
    public static double[][] Gradients(ReadOnlySpan<double> x)
    {
        var values = Values(x);
        var ga2 = (double[])V.Clone();
        var gz2 = ga2.Select((g, j) => g * (1 - values[4][j] * values[4][j])).ToArray();
        var ga1 = Transposed(W2, gz2, 3);
        var gz1 = ga1.Select((g, j) => g * (1 - values[2][j] * values[2][j])).ToArray();
        return [Transposed(W1, gz1, 3), gz1, ga1, gz2, ga2];
    }

    /// <summary>∂F/∂y at node <paramref name="node"/> (1..4) as a function of that node's own value, the network run onward from it.</summary>
    public static double[] GradientFrom(int node, double[] y)
    {
        double[] a1, z2;
        switch (node)
        {
            case Tanh2: return (double[])V.Clone();
            case Fc2: return y.Select((z, j) => V[j] * (1 - Math.Tanh(z) * Math.Tanh(z))).ToArray();
            case Tanh1: a1 = y; break;
            default: a1 = y.Select(Math.Tanh).ToArray(); break;
        }

        z2 = Affine(W2, B2, a1);
        var gz2 = z2.Select((z, j) => V[j] * (1 - Math.Tanh(z) * Math.Tanh(z))).ToArray();
        var ga1 = Transposed(W2, gz2, 3);
        return node == Tanh1 ? ga1 : ga1.Select((g, j) => g * (1 - a1[j] * a1[j])).ToArray();
    }

    /// <summary>(1/N)Σₖ f(αₖ), αₖ = (k + ½)/N, element by element: a midpoint integral over [0, 1].</summary>
    public static double[] Midpoint(Func<double, double[]> f, int steps = 4000)
    {
        double[]? sum = null;
        for (int k = 0; k < steps; k++)
        {
            var value = f((k + 0.5) / steps);
            sum ??= new double[value.Length];
            for (int i = 0; i < value.Length; i++) sum[i] += value[i] / steps;
        }

        return sum!;
    }

    public static double[] Lerp(double[] from, double[] to, double alpha) => from.Select((v, i) => v + alpha * (to[i] - v)).ToArray();
}
