using System.Numerics.Tensors;
using static Axon.Kernels.RecurrentMath;

namespace Axon.Kernels;

/// <summary>
/// A one-layer GRU unrolled over a fixed sequence (PyTorch <c>nn.GRU(input, hidden, batch_first=True)</c>, zero initial
/// state): per sample x is [seq, input] and y the hidden states [seq, hidden]. Gates in PyTorch's order r, z, n with
/// W_ih [3·hidden, input], W_hh [3·hidden, hidden]: r = σ(W_ir·x + b_ir + W_hr·h + b_hr), z likewise,
/// n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn)), h_t = (1 − z)·n + z·h_{t−1}.
/// Backward and Tangent recompute the gates from the stored x and y; with a reference, Backward passes DeepLIFT
/// multipliers (secants through σ and tanh, means of the other factor through products), as <see cref="LstmKernel"/> does.
/// </summary>
public static class GruKernel
{
    private const int PerStep = 9;

    /// <summary>Scratch elements the kernels need, whatever the batch (samples are processed one at a time).</summary>
    public static long ScratchLength(int sequence, int hidden) => 2L * PerStep * sequence * hidden + 8L * hidden;

    /// <summary>y = the hidden states h_1..h_seq. Overwrites y. Wrong lengths throw <see cref="ArgumentException"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weightIh, ReadOnlySpan<T> weightHh, ReadOnlySpan<T> biasIh, ReadOnlySpan<T> biasHh,
        Span<T> y, Span<T> scratch, int batch, int sequence, int input, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RecurrentShapes.Check(x.Length, y.Length, weightIh.Length, weightHh.Length, biasIh.Length, biasHh.Length, batch, sequence, input, hidden, 3, nameof(x), nameof(y));
        KernelGuard.AtLeast(scratch.Length, ScratchLength(sequence, hidden), nameof(scratch));
        var trace = scratch.Slice(0, PerStep * sequence * hidden);
        for (int b = 0; b < batch; b++)
        {
            var ys = y.Slice(b * sequence * hidden, sequence * hidden);
            // The trace computes each step from the hidden state it has just written.
            Run(x.Slice(b * sequence * input, sequence * input), ys, ys, trace, weightIh, weightHh, biasIh, biasHh, sequence, input, hidden);
        }
    }

    /// <summary>
    /// Accumulates dx, the weight and bias gradients (each may be empty) from dy. With a non-empty reference (xReference and
    /// yReference: one sample shared, or one per sample) it passes DeepLIFT multipliers instead.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> weightIh, ReadOnlySpan<T> weightHh, ReadOnlySpan<T> biasIh, ReadOnlySpan<T> biasHh,
        ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeightIh, Span<T> dWeightHh, Span<T> dBiasIh, Span<T> dBiasHh, Span<T> scratch,
        int batch, int sequence, int input, int hidden, ReadOnlySpan<T> xReference = default, ReadOnlySpan<T> yReference = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RecurrentShapes.Check(x.Length, y.Length, weightIh.Length, weightHh.Length, biasIh.Length, biasHh.Length, batch, sequence, input, hidden, 3, nameof(x), nameof(y));
        KernelGuard.Length(dy.Length, y.Length, nameof(dy));
        KernelGuard.OptionalLength(dx.Length, x.Length, nameof(dx));
        KernelGuard.OptionalLength(dWeightIh.Length, weightIh.Length, nameof(dWeightIh));
        KernelGuard.OptionalLength(dWeightHh.Length, weightHh.Length, nameof(dWeightHh));
        KernelGuard.OptionalLength(dBiasIh.Length, biasIh.Length, nameof(dBiasIh));
        KernelGuard.OptionalLength(dBiasHh.Length, biasHh.Length, nameof(dBiasHh));
        KernelGuard.AtLeast(scratch.Length, ScratchLength(sequence, hidden), nameof(scratch));
        int referenceRows = RecurrentShapes.ReferenceRows(xReference, yReference, sequence * input, sequence * hidden, batch);
        int traceLength = PerStep * sequence * hidden, h3 = 3 * hidden;
        var traceX = scratch.Slice(0, traceLength);
        var traceR = scratch.Slice(traceLength, traceLength);
        var rest = scratch.Slice(2 * traceLength);
        Span<T> dPx = rest.Slice(0, h3), dPh = rest.Slice(h3, h3), dhNext = rest.Slice(2 * h3, hidden), dhRecurrent = rest.Slice(2 * h3 + hidden, hidden);
        T threshold = Axon.Model.RescaleRule.NegligibleDelta<T>();
        for (int b = 0; b < batch; b++)
        {
            var xs = x.Slice(b * sequence * input, sequence * input);
            var ys = y.Slice(b * sequence * hidden, sequence * hidden);
            Run(xs, ys, default, traceX, weightIh, weightHh, biasIh, biasHh, sequence, input, hidden);
            ReadOnlySpan<T> yr = ys;
            Span<T> tr = traceX;
            if (referenceRows > 0)
            {
                int r = referenceRows == 1 ? 0 : b;
                yr = yReference.Slice(r * sequence * hidden, sequence * hidden);
                Run(xReference.Slice(r * sequence * input, sequence * input), yr, default, traceR, weightIh, weightHh, biasIh, biasHh, sequence, input, hidden);
                tr = traceR;
            }

            var dys = dy.Slice(b * sequence * hidden, sequence * hidden);
            dhNext.Clear();
            for (int t = sequence - 1; t >= 0; t--)
            {
                var sx = traceX.Slice(t * PerStep * hidden, PerStep * hidden);
                var sr = tr.Slice(t * PerStep * hidden, PerStep * hidden);
                for (int j = 0; j < hidden; j++)
                {
                    T dh = dys[t * hidden + j] + dhNext[j];
                    T r = sx[6 * hidden + j], z = sx[7 * hidden + j], n = sx[8 * hidden + j];
                    T rR = sr[6 * hidden + j], zR = sr[7 * hidden + j], nR = sr[8 * hidden + j];
                    T hp = t == 0 ? T.Zero : ys[(t - 1) * hidden + j], hpR = t == 0 ? T.Zero : yr[(t - 1) * hidden + j];
                    T zBar = Mean(z, zR);
                    T dn = dh * (T.One - zBar);
                    T dz = dh * (Mean(hp, hpR) - Mean(n, nR));
                    dhRecurrent[j] = dh * zBar;
                    T phN = sx[5 * hidden + j], phNR = sr[5 * hidden + j];
                    T aN = sx[2 * hidden + j] + r * phN, aNR = sr[2 * hidden + j] + rR * phNR;
                    T daN = dn * Slope(aN, aNR, n, nR, T.One - n * n, threshold);
                    T dr = daN * Mean(phN, phNR);
                    T aR = sx[j] + sx[3 * hidden + j], aRR = sr[j] + sr[3 * hidden + j];
                    T aZ = sx[hidden + j] + sx[4 * hidden + j], aZR = sr[hidden + j] + sr[4 * hidden + j];
                    T daR = dr * Slope(aR, aRR, r, rR, r * (T.One - r), threshold);
                    T daZ = dz * Slope(aZ, aZR, z, zR, z * (T.One - z), threshold);
                    dPx[j] = daR;
                    dPh[j] = daR;
                    dPx[hidden + j] = daZ;
                    dPh[hidden + j] = daZ;
                    dPx[2 * hidden + j] = daN;
                    dPh[2 * hidden + j] = daN * Mean(r, rR);
                }

                var xt = xs.Slice(t * input, input);
                ReadOnlySpan<T> hPrevious = t == 0 ? default : ys.Slice((t - 1) * hidden, hidden);
                var dxt = dx.IsEmpty ? default : dx.Slice(b * sequence * input + t * input, input);
                dhRecurrent.CopyTo(dhNext);
                for (int k = 0; k < h3; k++)
                {
                    if (!dxt.IsEmpty) TensorPrimitives.MultiplyAdd(weightIh.Slice(k * input, input), dPx[k], dxt, dxt);
                    if (t > 0) TensorPrimitives.MultiplyAdd(weightHh.Slice(k * hidden, hidden), dPh[k], dhNext, dhNext);
                    if (!dWeightIh.IsEmpty) TensorPrimitives.MultiplyAdd(xt, dPx[k], dWeightIh.Slice(k * input, input), dWeightIh.Slice(k * input, input));
                    if (!dWeightHh.IsEmpty && t > 0) TensorPrimitives.MultiplyAdd(hPrevious, dPh[k], dWeightHh.Slice(k * hidden, hidden), dWeightHh.Slice(k * hidden, hidden));
                    if (!dBiasIh.IsEmpty) dBiasIh[k] += dPx[k];
                    if (!dBiasHh.IsEmpty) dBiasHh[k] += dPh[k];
                }
            }
        }
    }

    /// <summary>ty = the derivative of the hidden states along tx (weights fixed). Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> weightIh, ReadOnlySpan<T> weightHh, ReadOnlySpan<T> biasIh, ReadOnlySpan<T> biasHh,
        ReadOnlySpan<T> tx, Span<T> ty, Span<T> scratch, int batch, int sequence, int input, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RecurrentShapes.Check(x.Length, y.Length, weightIh.Length, weightHh.Length, biasIh.Length, biasHh.Length, batch, sequence, input, hidden, 3, nameof(x), nameof(y));
        KernelGuard.Length(tx.Length, x.Length, nameof(tx));
        KernelGuard.Length(ty.Length, y.Length, nameof(ty));
        KernelGuard.AtLeast(scratch.Length, ScratchLength(sequence, hidden), nameof(scratch));
        int traceLength = PerStep * sequence * hidden, h3 = 3 * hidden;
        var trace = scratch.Slice(0, traceLength);
        var tPx = scratch.Slice(traceLength, h3);
        var tPh = scratch.Slice(traceLength + h3, h3);
        for (int b = 0; b < batch; b++)
        {
            var ys = y.Slice(b * sequence * hidden, sequence * hidden);
            var txs = tx.Slice(b * sequence * input, sequence * input);
            var tys = ty.Slice(b * sequence * hidden, sequence * hidden);
            Run(x.Slice(b * sequence * input, sequence * input), ys, default, trace, weightIh, weightHh, biasIh, biasHh, sequence, input, hidden);
            for (int t = 0; t < sequence; t++)
            {
                var s = trace.Slice(t * PerStep * hidden, PerStep * hidden);
                for (int k = 0; k < h3; k++)
                {
                    tPx[k] = TensorPrimitives.Dot(weightIh.Slice(k * input, input), txs.Slice(t * input, input));
                    tPh[k] = t == 0 ? T.Zero : TensorPrimitives.Dot(weightHh.Slice(k * hidden, hidden), (ReadOnlySpan<T>)tys.Slice((t - 1) * hidden, hidden));
                }

                for (int j = 0; j < hidden; j++)
                {
                    T r = s[6 * hidden + j], z = s[7 * hidden + j], n = s[8 * hidden + j];
                    T hp = t == 0 ? T.Zero : ys[(t - 1) * hidden + j], thp = t == 0 ? T.Zero : tys[(t - 1) * hidden + j];
                    T tr = r * (T.One - r) * (tPx[j] + tPh[j]);
                    T tz = z * (T.One - z) * (tPx[hidden + j] + tPh[hidden + j]);
                    T tn = (T.One - n * n) * (tPx[2 * hidden + j] + tr * s[5 * hidden + j] + r * tPh[2 * hidden + j]);
                    tys[t * hidden + j] = tz * (hp - n) + (T.One - z) * tn + z * thp;
                }
            }
        }
    }

    /// <summary>
    /// Recomputes one sample's steps into the trace: per step px = W_ih·x_t + b_ih (3·hidden), ph = W_hh·h_{t−1} + b_hh,
    /// then r, z, n. h_{t−1} is read from <paramref name="ys"/>; when <paramref name="write"/> is not empty (the forward
    /// pass) each new h_t is written there first.
    /// </summary>
    private static void Run<T>(ReadOnlySpan<T> xs, ReadOnlySpan<T> ys, Span<T> write, Span<T> trace,
        ReadOnlySpan<T> wIh, ReadOnlySpan<T> wHh, ReadOnlySpan<T> bIh, ReadOnlySpan<T> bHh, int sequence, int input, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h3 = 3 * hidden;
        for (int t = 0; t < sequence; t++)
        {
            var s = trace.Slice(t * PerStep * hidden, PerStep * hidden);
            var xt = xs.Slice(t * input, input);
            for (int k = 0; k < h3; k++)
            {
                s[k] = TensorPrimitives.Dot(wIh.Slice(k * input, input), xt) + bIh[k];
                s[h3 + k] = (t == 0 ? T.Zero : TensorPrimitives.Dot(wHh.Slice(k * hidden, hidden), ys.Slice((t - 1) * hidden, hidden))) + bHh[k];
            }

            for (int j = 0; j < hidden; j++)
            {
                T r = Sigmoid(s[j] + s[h3 + j]);
                T z = Sigmoid(s[hidden + j] + s[h3 + hidden + j]);
                T n = T.Tanh(s[2 * hidden + j] + r * s[h3 + 2 * hidden + j]);
                s[6 * hidden + j] = r;
                s[7 * hidden + j] = z;
                s[8 * hidden + j] = n;
                if (!write.IsEmpty)
                {
                    T hp = t == 0 ? T.Zero : ys[(t - 1) * hidden + j];
                    write[t * hidden + j] = (T.One - z) * n + z * hp;
                }
            }
        }
    }
}
