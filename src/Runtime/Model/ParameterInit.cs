using System.ComponentModel;

namespace Axon.Model;

/// <summary>Parameter initialisation as PyTorch does it by default, seeded so that runs repeat.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParameterInit
{
    /// <summary>U(−bound, bound).</summary>
    public static void Uniform<T>(Span<T> values, double bound, Random random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++) values[i] = T.CreateChecked((random.NextDouble() * 2 - 1) * bound);
    }

    /// <summary>N(0, 1) by the Box–Muller transform.</summary>
    public static void Normal<T>(Span<T> values, Random random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            values[i] = T.CreateChecked(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
    }

    /// <summary>Sets every value to <paramref name="value"/> (PyTorch's <c>nn.init.constant_</c>; e.g. zeros for a running mean, ones for a running variance).</summary>
    public static void Fill<T>(Span<T> values, double value) where T : unmanaged, IFloatingPointIeee754<T> => values.Fill(T.CreateChecked(value));
}
