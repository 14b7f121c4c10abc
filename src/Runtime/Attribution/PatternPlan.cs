using System.Runtime.CompilerServices;
using Axon.Model;

namespace Axon.Attribution;

/// <summary>
/// The layers between the affine prefix's last node A and the next linear layer L (a convolution or dense layer), when
/// they only select: ReLUs, at most one max pooling without padding, flattens and reshapes. Each of L's inputs j is then
/// the largest of a window of A's elements, clipped at zero when a ReLU is on the way (max and ReLU commute). Along a
/// straight path every element of A moves as start + α·change, so L's input is start[s(j)] + α·change[s(j)] where s(j),
/// the window's winner (or none when clipped), changes at a handful of windows per step. The pattern-tracking path
/// (<c>Attributor.PatternTracking</c>) keeps L's output as α·U + V, with U and V updated only at the windows that changed.
/// </summary>
internal sealed partial class PatternPlan<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _members;

    private PatternPlan(int linear, int windowSize, int[] members, bool clip, LinearColumns<T> columns)
    {
        Linear = linear;
        WindowSize = windowSize;
        _members = members;
        Clip = clip;
        Columns = columns;
        _rows = WindowRows(members, windowSize);
    }

    /// <summary>Node L, the linear layer whose input the windows are.</summary>
    public int Linear { get; }

    /// <summary>L's inputs, one window each.</summary>
    public int WindowCount => _members.Length / WindowSize;

    /// <summary>A's elements per window (the pooling's kernel area, or 1).</summary>
    public int WindowSize { get; }

    /// <summary>Whether a ReLU clips each window's maximum at zero.</summary>
    public bool Clip { get; }

    public LinearColumns<T> Columns { get; }

    /// <summary>
    /// The plan for the layers above <paramref name="a"/>, or null when they are not ReLUs, one unpadded max pooling,
    /// flattens and reshapes followed by a cut Conv2d or Dense node, each reading the node before it.
    /// </summary>
    public static PatternPlan<T>? TryCreate(LayerInfo[] layers, IReadOnlyList<ParameterInfo> parameters, int a)
    {
        if (a <= 0) return null;
        int sizeA = layers[a].Size;
        int[] members = [.. Enumerable.Range(0, sizeA)];
        int windowSize = 1;
        bool clip = false, pooled = false;
        for (int i = a + 1; i < layers.Length; i++)
        {
            var layer = layers[i];
            if (layer.Inputs.Count != 1 || layer.Inputs[0] != i - 1) return null;
            switch (layer.Kind)
            {
                case LayerKind.ReLU:
                    clip = true;
                    break;
                case LayerKind.Flatten or LayerKind.Reshape:
                    break;
                case LayerKind.MaxPool2d when !pooled:
                    members = PoolWindows(layers[i - 1], layer, out windowSize)!;
                    if (members is null) return null;
                    pooled = true;
                    break;
                case LayerKind.Conv2d or LayerKind.Dense:
                    if (!layer.IsCut || (!clip && !pooled) || layers[i - 1].Size * windowSize != members.Length) return null;
                    var columns = LinearColumns<T>.TryCreate(layer, layers[i - 1], parameters);
                    return columns is null ? null : new PatternPlan<T>(i, windowSize, members, clip, columns);
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Each output's window of input elements, in the kernel's scan order (row-major: the first maximum wins ties).</summary>
    private static int[]? PoolWindows(LayerInfo input, LayerInfo pool, out int windowSize)
    {
        windowSize = 0;
        var h = pool.Hyper ?? [];
        if (h.Count < 2 || (h.Count > 2 && h[2] != 0) || input.Shape.Count != 3 || pool.Shape.Count != 3) return null;
        int k = h[0], stride = h[1];
        int channels = input.Shape[0], height = input.Shape[1], width = input.Shape[2];
        int outHeight = pool.Shape[1], outWidth = pool.Shape[2];
        if (pool.Shape[0] != channels || k <= 0 || stride <= 0 || (outHeight - 1) * stride + k > height || (outWidth - 1) * stride + k > width) return null;
        windowSize = k * k;
        var members = new int[channels * outHeight * outWidth * windowSize];
        int at = 0;
        for (int c = 0; c < channels; c++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    for (int ky = 0; ky < k; ky++)
                    {
                        for (int kx = 0; kx < k; kx++) members[at++] = (c * height + oy * stride + ky) * width + ox * stride + kx;
                    }
                }
            }
        }

        return members;
    }

    /// <summary>
    /// Window <paramref name="j"/> at α: its winner's index in A (−1 when clipped to zero), evaluated exactly as a pass
    /// evaluates it (each point one fused multiply-add, the first maximum winning), and an interval [lo, hi] of α over
    /// which that evaluation is sure to give the same winner (within the path's <paramref name="range"/> of α, where all
    /// its steps lie). The interval keeps every comparison it rests on a margin of 4ε·(the terms' magnitudes at the
    /// path's largest |α|) from a tie, more than the roundings of the points and of these bounds can move it; a near tie
    /// gives an empty interval, so that window is evaluated again at every step.
    /// </summary>
    // Compiled fully optimized on first use, its helpers inlined: as tier-0 code (which .NET keeps for seconds while a
    // process warms up) it took 160 ns per window instead of 40 (measured on FashionCnn's pool1 windows).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Evaluate(int j, ReadOnlySpan<T> start, ReadOnlySpan<T> change, T alpha, AlphaRange range, out T lo, out T hi)
    {
        double reach = range.Reach;
        var window = _members.AsSpan(j * WindowSize, WindowSize);
        int winner = -1;
        T best = T.Zero;
        bool still = true;
        foreach (int i in window)
        {
            T value = T.FusedMultiplyAdd(change[i], alpha, start[i]);
            still &= change[i] == T.Zero;
            if (winner < 0 || value > best)
            {
                best = value;
                winner = i;
            }
        }

        bool active = !Clip || best > T.Zero;
        if (still)
        {
            // No element of the window moves (an input region where x = x′, e.g. a blank background): every point is
            // start exactly, so the winner stands at every α.
            lo = T.NegativeInfinity;
            hi = T.PositiveInfinity;
            return active ? winner : -1;
        }

        double low = double.NegativeInfinity, high = double.PositiveInfinity;
        if (active)
        {
            double sw = Wide(start[winner]), cw = Wide(change[winner]);
            foreach (int i in window)
            {
                if (i == winner || (start[i] == start[winner] && change[i] == change[winner])) continue; // the same line: never reorders
                double si = Wide(start[i]), ci = Wide(change[i]);
                Keep(sw - si, cw - ci, Math.Abs(sw) + Math.Abs(si) + reach * (Math.Abs(cw) + Math.Abs(ci)), range, ref low, ref high);
            }

            if (Clip) Keep(sw, cw, Math.Abs(sw) + reach * Math.Abs(cw), range, ref low, ref high);
        }
        else
        {
            foreach (int i in window)
            {
                double si = Wide(start[i]), ci = Wide(change[i]);
                Keep(-si, -ci, Math.Abs(si) + reach * Math.Abs(ci), range, ref low, ref high);
            }
        }

        lo = RoundUp(low);
        hi = RoundDown(high);
        return active ? winner : -1;
    }

    /// <summary>
    /// Narrows [low, high] to where d + α·e ≥ 4ε·magnitude, unless that holds over the path's whole range of α (at both
    /// ends, so everywhere between): most windows never change along a path, and their intervals then take no division.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep(double d, double e, double magnitude, AlphaRange range, ref double low, ref double high)
    {
        double margin = 4 * MachineEpsilon * magnitude;
        if (d + range.First * e >= margin && d + range.Last * e >= margin) return;
        if (e > 0)
        {
            double bound = (margin - d) / e;
            if (bound > low) low = bound;
        }
        else if (e < 0)
        {
            double bound = (margin - d) / e;
            if (bound < high) high = bound;
        }
        else if (d < margin)
        {
            low = double.PositiveInfinity;
            high = double.NegativeInfinity;
        }
    }

    /// <summary>The spacing of T's numbers at 1 (2⁻²³ for float).</summary>
    private static readonly double MachineEpsilon = double.CreateTruncating(T.BitIncrement(T.One) - T.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T RoundUp(double value)
    {
        T t = Narrow(value);
        return Wide(t) < value ? T.BitIncrement(t) : t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T RoundDown(double value)
    {
        T t = Narrow(value);
        return Wide(t) > value ? T.BitDecrement(t) : t;
    }

    // Conversions the JIT reduces to one instruction for float and double (the generic CreateTruncating and
    // CreateSaturating are calls that cost more than the interval's arithmetic).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Wide(T value) =>
        typeof(T) == typeof(float) ? Unsafe.As<T, float>(ref value) : typeof(T) == typeof(double) ? Unsafe.As<T, double>(ref value) : double.CreateTruncating(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Narrow(double value)
    {
        if (typeof(T) == typeof(float))
        {
            float narrow = (float)value;
            return Unsafe.As<float, T>(ref narrow);
        }

        return typeof(T) == typeof(double) ? Unsafe.As<double, T>(ref value) : T.CreateSaturating(value);
    }
}

/// <summary>The smallest and largest α of a path's steps (a quadrature rule's nodes).</summary>
internal readonly record struct AlphaRange(double First, double Last)
{
    /// <summary>The largest |α|.</summary>
    public double Reach => Math.Max(Math.Abs(First), Math.Abs(Last));

    public static AlphaRange Of(ReadOnlySpan<double> alphas)
    {
        double first = double.PositiveInfinity, last = double.NegativeInfinity;
        foreach (double alpha in alphas)
        {
            first = Math.Min(first, alpha);
            last = Math.Max(last, alpha);
        }

        return new AlphaRange(first, last);
    }
}
