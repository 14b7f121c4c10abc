using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Attribution;

// A path's first step evaluates every window (FashionCnn: 1,568 per path, four times the re-evaluations of its other 49
// steps together). For 2×2 windows of stride 2 clipped at zero (ReLU then max pooling) in float, EvaluateAll takes eight
// windows of a row at a time: the same operations lane by lane as Evaluate, so the same winners and the same intervals
// bit for bit — the winner's four fused multiply-adds in float, the first maximum winning, the interval's bounds in
// double with the same margins, each Keep applied under a mask instead of skipped.
internal sealed partial class PatternPlan<T>
{
    /// <summary>
    /// The windows as rows of 2×2 windows of stride 2 (first window, windows in the row, first member, the map's width),
    /// or null when the windows are not such rows.
    /// </summary>
    private readonly (int First, int Count, int Member, int Width)[]? _rows;

    private static (int, int, int, int)[]? WindowRows(int[] members, int windowSize)
    {
        if (windowSize != 4) return null;
        int windows = members.Length / 4;
        var rows = new List<(int, int, int, int)>();
        for (int j = 0; j < windows;)
        {
            int m = members[4 * j], width = members[4 * j + 2] - m;
            int count = 0;
            while (j + count < windows)
            {
                int at = 4 * (j + count), first = m + 2 * count;
                if (members[at] != first || members[at + 1] != first + 1 || members[at + 2] != first + width || members[at + 3] != first + width + 1) break;
                count++;
            }

            if (count == 0 || width < 2) return null;
            rows.Add((j, count, m, width));
            j += count;
        }

        return [.. rows];
    }

    /// <summary>Whether <see cref="EvaluateAll"/> takes eight windows at a time.</summary>
    internal bool EvaluatesRows => _rows is not null && Clip && typeof(T) == typeof(float) && Avx512F.IsSupported && UseRows;

    /// <summary>On by default; off for tests that compare with <see cref="Evaluate"/> window by window.</summary>
    internal bool UseRows { get; set; } = true;

    /// <summary>Every window at α: <see cref="Evaluate"/>'s winner and interval for each.</summary>
    public void EvaluateAll(ReadOnlySpan<T> start, ReadOnlySpan<T> change, T alpha, AlphaRange range, Span<int> winners, Span<T> low, Span<T> high)
    {
        int windows = WindowCount;
        if (winners.Length < windows || low.Length < windows || high.Length < windows) throw new ArgumentException($"The windows' spans need {windows} elements.");
        if (!EvaluatesRows)
        {
            for (int j = 0; j < windows; j++) winners[j] = Evaluate(j, start, change, alpha, range, out low[j], out high[j]);
            return;
        }

        int size = _members[^1] + 1;
        if (start.Length < size || change.Length < size) throw new ArgumentException($"start and change need {size} elements.");
        var v = Unsafe.As<T, float>(ref alpha);
        unsafe
        {
            fixed (T* ps = start)
            fixed (T* pc = change)
            fixed (int* pw = winners)
            fixed (T* pl = low)
            fixed (T* ph = high)
            {
                foreach (var (first, count, member, width) in _rows!)
                {
                    for (int l = 0; l < count; l += 8)
                    {
                        EvaluateEight((float*)ps, (float*)pc, member + 2 * l, width, Math.Min(8, count - l), v, range,
                            pw + first + l, (float*)pl + first + l, (float*)ph + first + l);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Windows whose members start at <paramref name="member"/> + 2l (l below <paramref name="count"/> ≤ 8): their four
    /// members' values, the winner, and the interval as <see cref="Evaluate"/> computes them, lane by lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void EvaluateEight(float* start, float* change, int member, int width, int count, float alpha, AlphaRange range, int* winners, float* low, float* high)
    {
        var pairs = Vector512.GreaterThan(Vector512.Create(2 * count), Vector512<int>.Indices).AsSingle();
        Deinterleave(Avx512F.MaskLoad(start + member, pairs, Vector512<float>.Zero), out var sA, out var sB);
        Deinterleave(Avx512F.MaskLoad(start + member + width, pairs, Vector512<float>.Zero), out var sC, out var sD);
        Deinterleave(Avx512F.MaskLoad(change + member, pairs, Vector512<float>.Zero), out var cA, out var cB);
        Deinterleave(Avx512F.MaskLoad(change + member + width, pairs, Vector512<float>.Zero), out var cC, out var cD);

        // The values and the first maximum, in float as the passes compute them.
        var at = Vector256.Create(alpha);
        var best = Vector256.FusedMultiplyAdd(cA, at, sA);
        var index = Vector256<int>.Zero;
        Take(Vector256.FusedMultiplyAdd(cB, at, sB), 1, ref best, ref index);
        Take(Vector256.FusedMultiplyAdd(cC, at, sC), 2, ref best, ref index);
        Take(Vector256.FusedMultiplyAdd(cD, at, sD), 3, ref best, ref index);
        var still = Vector256.Equals(cA, Vector256<float>.Zero) & Vector256.Equals(cB, Vector256<float>.Zero)
            & Vector256.Equals(cC, Vector256<float>.Zero) & Vector256.Equals(cD, Vector256<float>.Zero);
        var active = Vector256.GreaterThan(best, Vector256<float>.Zero).AsInt32();

        // The winner's member: A, B, C, D at member + 2l + (0, 1, width, width + 1).
        var offset = Vector256.ConditionalSelect(Vector256.GreaterThan(index, Vector256.Create(1)), Vector256.Create(width), Vector256<int>.Zero)
            + (index & Vector256<int>.One);
        var winner = Vector256.Create(member) + Vector256<int>.Indices * 2 + offset;
        winner = Vector256.ConditionalSelect(active, winner, Vector256.Create(-1));

        // The interval, in double.
        Vector512<double> a = Wide(sA), b = Wide(sB), c = Wide(sC), d = Wide(sD);
        Vector512<double> ea = Wide(cA), eb = Wide(cB), ec = Wide(cC), ed = Wide(cD);
        var idx = Avx512F.ConvertToVector512Int64(index);
        Vector512<long> isA = Vector512.Equals(idx, Vector512<long>.Zero), isB = Vector512.Equals(idx, Vector512<long>.One);
        Vector512<long> isC = Vector512.Equals(idx, Vector512.Create(2L)), isD = Vector512.Equals(idx, Vector512.Create(3L));
        var sw = Pick(isA, isB, isC, a, b, c, d);
        var cw = Pick(isA, isB, isC, ea, eb, ec, ed);
        var on = Avx512F.ConvertToVector512Int64(active);
        var off = ~on;
        var reach = Vector512.Create(range.Reach);
        var low8 = Vector512.Create(double.NegativeInfinity);
        var high8 = Vector512.Create(double.PositiveInfinity);
        var absSw = Vector512.Abs(sw);
        var absCw = Vector512.Abs(cw);

        // Active: every other member stays below the winner (unless it is the same line), and the winner above zero.
        Other(a, ea, isA, on, sw, cw, absSw, absCw, reach, range, ref low8, ref high8);
        Other(b, eb, isB, on, sw, cw, absSw, absCw, reach, range, ref low8, ref high8);
        Other(c, ec, isC, on, sw, cw, absSw, absCw, reach, range, ref low8, ref high8);
        Other(d, ed, isD, on, sw, cw, absSw, absCw, reach, range, ref low8, ref high8);
        Keep(on, sw, cw, absSw + reach * absCw, range, ref low8, ref high8);

        // Clipped: every member stays at or below zero.
        Keep(off, -a, -ea, Vector512.Abs(a) + reach * Vector512.Abs(ea), range, ref low8, ref high8);
        Keep(off, -b, -eb, Vector512.Abs(b) + reach * Vector512.Abs(eb), range, ref low8, ref high8);
        Keep(off, -c, -ec, Vector512.Abs(c) + reach * Vector512.Abs(ec), range, ref low8, ref high8);
        Keep(off, -d, -ed, Vector512.Abs(d) + reach * Vector512.Abs(ed), range, ref low8, ref high8);

        var lo = RoundUp(low8);
        var hi = RoundDown(high8);
        // Windows that do not move stand everywhere.
        lo = Vector256.ConditionalSelect(still, Vector256.Create(float.NegativeInfinity), lo);
        hi = Vector256.ConditionalSelect(still, Vector256.Create(float.PositiveInfinity), hi);

        var kept = Vector256.GreaterThan(Vector256.Create(count), Vector256<int>.Indices);
        Avx2.MaskStore(winners, kept, winner);
        Avx2.MaskStore(low, kept.AsSingle(), lo);
        Avx2.MaskStore(high, kept.AsSingle(), hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(Vector256<float> value, int position, ref Vector256<float> best, ref Vector256<int> index)
    {
        var greater = Vector256.GreaterThan(value, best);
        best = Vector256.ConditionalSelect(greater, value, best);
        index = Vector256.ConditionalSelect(greater.AsInt32(), Vector256.Create(position), index);
    }

    /// <summary>A row's eight pairs: even lanes into <paramref name="even"/>, odd lanes into <paramref name="odd"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Deinterleave(Vector512<float> pairs, out Vector256<float> even, out Vector256<float> odd)
    {
        Kernels.Simd512<float>.Deinterleave(pairs, Vector512<float>.Zero, out var evens, out var odds);
        even = evens.GetLower();
        odd = odds.GetLower();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Wide(Vector256<float> value) => Avx512F.ConvertToVector512Double(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Pick(Vector512<long> isA, Vector512<long> isB, Vector512<long> isC, Vector512<double> a, Vector512<double> b, Vector512<double> c, Vector512<double> d) =>
        Vector512.ConditionalSelect(isA.AsDouble(), a, Vector512.ConditionalSelect(isB.AsDouble(), b, Vector512.ConditionalSelect(isC.AsDouble(), c, d)));

    /// <summary>Evaluate's Keep for one other member of active windows: skipped at the winner and on the winner's own line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Other(Vector512<double> si, Vector512<double> ci, Vector512<long> isWinner, Vector512<long> on, Vector512<double> sw, Vector512<double> cw,
        Vector512<double> absSw, Vector512<double> absCw, Vector512<double> reach, AlphaRange range, ref Vector512<double> low, ref Vector512<double> high)
    {
        var sameLine = (Vector512.Equals(si, sw) & Vector512.Equals(ci, cw)).AsInt64();
        var mask = on & ~isWinner & ~sameLine;
        Keep(mask, sw - si, cw - ci, absSw + Vector512.Abs(si) + reach * (absCw + Vector512.Abs(ci)), range, ref low, ref high);
    }

    /// <summary><see cref="Keep(double, double, double, AlphaRange, ref double, ref double)"/> on the lanes of <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep(Vector512<long> mask, Vector512<double> d, Vector512<double> e, Vector512<double> magnitude, AlphaRange range, ref Vector512<double> low, ref Vector512<double> high)
    {
        var margin = Vector512.Create(4 * MachineEpsilon) * magnitude;
        var holds = Vector512.GreaterThanOrEqual(d + Vector512.Create(range.First) * e, margin) & Vector512.GreaterThanOrEqual(d + Vector512.Create(range.Last) * e, margin);
        var act = mask.AsDouble() & ~holds;
        var bound = (margin - d) / e;
        var rising = act & Vector512.GreaterThan(e, Vector512<double>.Zero);
        var falling = act & Vector512.LessThan(e, Vector512<double>.Zero);
        var flat = act & ~Vector512.GreaterThan(e, Vector512<double>.Zero) & ~Vector512.LessThan(e, Vector512<double>.Zero) & Vector512.LessThan(d, margin);
        low = Vector512.ConditionalSelect(rising & Vector512.GreaterThan(bound, low), bound, low);
        high = Vector512.ConditionalSelect(falling & Vector512.LessThan(bound, high), bound, high);
        low = Vector512.ConditionalSelect(flat, Vector512.Create(double.PositiveInfinity), low);
        high = Vector512.ConditionalSelect(flat, Vector512.Create(double.NegativeInfinity), high);
    }

    /// <summary>RoundUp lane by lane: the nearest float, one step up where it lies below.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RoundUp(Vector512<double> value)
    {
        var t = Avx512F.ConvertToVector256Single(value);
        var below = Vector512.LessThan(Wide(t), value);
        return Vector256.ConditionalSelect(Narrow(below), BitIncrement(t), t);
    }

    /// <summary>RoundDown lane by lane: the nearest float, one step down where it lies above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RoundDown(Vector512<double> value)
    {
        var t = Avx512F.ConvertToVector256Single(value);
        var above = Vector512.GreaterThan(Wide(t), value);
        return Vector256.ConditionalSelect(Narrow(above), BitDecrement(t), t);
    }

    /// <summary>A 64-bit lane mask as a 32-bit one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Narrow(Vector512<double> mask) => Avx512F.ConvertToVector256Int32(mask.AsInt64()).AsSingle();

    /// <summary>float.BitIncrement lane by lane for values below +∞: ±0 to the least positive float, else one ulp up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> BitIncrement(Vector256<float> t)
    {
        var bits = t.AsInt32();
        var zero = Vector256.Equals(t, Vector256<float>.Zero).AsInt32();
        var negative = Vector256.LessThan(bits, Vector256<int>.Zero);
        var stepped = Vector256.ConditionalSelect(negative, bits - Vector256<int>.One, bits + Vector256<int>.One);
        return Vector256.ConditionalSelect(zero, Vector256<int>.One, stepped).AsSingle();
    }

    /// <summary>float.BitDecrement lane by lane for values above −∞: ±0 to the least negative float, else one ulp down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> BitDecrement(Vector256<float> t)
    {
        var bits = t.AsInt32();
        var zero = Vector256.Equals(t, Vector256<float>.Zero).AsInt32();
        var negative = Vector256.LessThan(bits, Vector256<int>.Zero);
        var stepped = Vector256.ConditionalSelect(negative, bits + Vector256<int>.One, bits - Vector256<int>.One);
        return Vector256.ConditionalSelect(zero, Vector256.Create(unchecked((int)0x80000001)), stepped).AsSingle();
    }
}
