using System.Numerics.Tensors;
using static Axon.Kernels.RecurrentMath;

namespace Axon.Kernels;

/// <summary>
/// A one-layer LSTM unrolled over a fixed sequence (PyTorch <c>nn.LSTM(input, hidden, batch_first=True)</c>, zero initial
/// state): per sample x is [seq, input] and y the hidden states [seq, hidden]. Gates in PyTorch's order i, f, g, o:
/// gates = W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh with W_ih [4·hidden, input], W_hh [4·hidden, hidden];
/// c_t = σ(f)·c_{t−1} + σ(i)·tanh(g), h_t = σ(o)·tanh(c_t).
/// Backward and Tangent recompute the gates from the stored x and y (h_{t−1} is y's previous row), so the tape holds
/// nothing extra. With a reference (DeepLIFT), Backward passes multipliers instead of derivatives: secant slopes through
/// σ and tanh (the rescale rule) and, through each product a·b, the mean of the other factor over input and reference
/// (a·b − a′·b′ = b̄·Δa + ā·Δb exactly), so the multipliers sum to the change of the output.
/// </summary>
public static class LstmKernel
{
    /// <summary>Scratch elements the kernels need, whatever the batch (samples are processed one at a time).</summary>
    public static long ScratchLength(int sequence, int hidden) => 2 * ((long)Trace.PerStep * sequence * hidden + hidden) + 7L * hidden;

    /// <summary>y = the hidden states h_1..h_seq. Overwrites y. Wrong lengths throw <see cref="ArgumentException"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weightIh, ReadOnlySpan<T> weightHh, ReadOnlySpan<T> biasIh, ReadOnlySpan<T> biasHh,
        Span<T> y, Span<T> scratch, int batch, int sequence, int input, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = new Weights<T>(weightIh, weightHh, biasIh, biasHh, sequence, input, hidden);
        w.Check(x.Length, y.Length, batch, nameof(x), nameof(y));
        KernelGuard.AtLeast(scratch.Length, ScratchLength(sequence, hidden), nameof(scratch));
        var c = scratch.Slice(0, hidden);
        var gates = scratch.Slice(hidden, 4 * hidden);
        for (int b = 0; b < batch; b++)
        {
            var xs = x.Slice(b * sequence * input, sequence * input);
            var ys = y.Slice(b * sequence * hidden, sequence * hidden);
            c.Clear();
            for (int t = 0; t < sequence; t++)
            {
                w.Gates(xs.Slice(t * input, input), t == 0 ? default : ys.Slice((t - 1) * hidden, hidden), gates);
                for (int j = 0; j < hidden; j++)
                {
                    T i = Sigmoid(gates[j]), f = Sigmoid(gates[hidden + j]), g = T.Tanh(gates[2 * hidden + j]), o = Sigmoid(gates[3 * hidden + j]);
                    c[j] = f * c[j] + i * g;
                    ys[t * hidden + j] = o * T.Tanh(c[j]);
                }
            }
        }
    }

    /// <summary>
    /// Accumulates dx, the weight and bias gradients (each may be empty: not wanted) from dy. With a non-empty reference
    /// (xReference and yReference: one sample shared, or one per sample) it passes DeepLIFT multipliers instead.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> weightIh, ReadOnlySpan<T> weightHh, ReadOnlySpan<T> biasIh, ReadOnlySpan<T> biasHh,
        ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeightIh, Span<T> dWeightHh, Span<T> dBiasIh, Span<T> dBiasHh, Span<T> scratch,
        int batch, int sequence, int input, int hidden, ReadOnlySpan<T> xReference = default, ReadOnlySpan<T> yReference = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = new Weights<T>(weightIh, weightHh, biasIh, biasHh, sequence, input, hidden);
        w.Check(x.Length, y.Length, batch, nameof(x), nameof(y));
        KernelGuard.Length(dy.Length, y.Length, nameof(dy));
        KernelGuard.OptionalLength(dx.Length, x.Length, nameof(dx));
        KernelGuard.OptionalLength(dWeightIh.Length, weightIh.Length, nameof(dWeightIh));
        KernelGuard.OptionalLength(dWeightHh.Length, weightHh.Length, nameof(dWeightHh));
        KernelGuard.OptionalLength(dBiasIh.Length, biasIh.Length, nameof(dBiasIh));
        KernelGuard.OptionalLength(dBiasHh.Length, biasHh.Length, nameof(dBiasHh));
        KernelGuard.AtLeast(scratch.Length, ScratchLength(sequence, hidden), nameof(scratch));
        int referenceRows = RecurrentShapes.ReferenceRows(xReference, yReference, sequence * input, sequence * hidden, batch);

        int traceLength = Trace.PerStep * sequence * hidden + hidden;
        var traceX = new Trace<T>(scratch.Slice(0, traceLength), sequence, hidden);
        var traceR = new Trace<T>(scratch.Slice(traceLength, traceLength), sequence, hidden);
        var rest = scratch.Slice(2 * traceLength);
        Span<T> dh = rest.Slice(0, hidden), dc = rest.Slice(hidden, hidden), dGates = rest.Slice(2 * hidden, 4 * hidden), dhNext = rest.Slice(6 * hidden, hidden);
        T threshold = Axon.Model.RescaleRule.NegligibleDelta<T>();
        for (int b = 0; b < batch; b++)
        {
            var xs = x.Slice(b * sequence * input, sequence * input);
            var ys = y.Slice(b * sequence * hidden, sequence * hidden);
            traceX.Run(w, xs, ys);
            bool rescale = referenceRows > 0;
            if (rescale)
            {
                int r = referenceRows == 1 ? 0 : b;
                traceR.Run(w, xReference.Slice(r * sequence * input, sequence * input), yReference.Slice(r * sequence * hidden, sequence * hidden));
            }

            var tr = rescale ? traceR : traceX;
            var dys = dy.Slice(b * sequence * hidden, sequence * hidden);
            var dxs = dx.IsEmpty ? default : dx.Slice(b * sequence * input, sequence * input);
            dhNext.Clear();
            dc.Clear();
            for (int t = sequence - 1; t >= 0; t--)
            {
                for (int j = 0; j < hidden; j++) dh[j] = dys[t * hidden + j] + dhNext[j];
                for (int j = 0; j < hidden; j++)
                {
                    T i = traceX.Act(t, 0, j), f = traceX.Act(t, 1, j), g = traceX.Act(t, 2, j), o = traceX.Act(t, 3, j);
                    T iR = tr.Act(t, 0, j), fR = tr.Act(t, 1, j), gR = tr.Act(t, 2, j), oR = tr.Act(t, 3, j);
                    T tc = traceX.TanhCell(t, j), tcR = tr.TanhCell(t, j);
                    // h = o·tanh(c): both factors.
                    T dO = dh[j] * Mean(tc, tcR);
                    T dTc = dh[j] * Mean(o, oR);
                    T cell = traceX.Cell(t, j), cellR = tr.Cell(t, j);
                    T dCell = dc[j] + dTc * Slope(cell, cellR, tc, tcR, T.One - tc * tc, threshold);
                    // c = f·c_{t−1} + i·g.
                    T dI = dCell * Mean(g, gR), dG = dCell * Mean(i, iR);
                    T dF = dCell * Mean(traceX.Cell(t - 1, j), tr.Cell(t - 1, j));
                    dc[j] = dCell * Mean(f, fR);
                    dGates[j] = dI * Slope(traceX.Pre(t, 0, j), tr.Pre(t, 0, j), i, iR, i * (T.One - i), threshold);
                    dGates[hidden + j] = dF * Slope(traceX.Pre(t, 1, j), tr.Pre(t, 1, j), f, fR, f * (T.One - f), threshold);
                    dGates[2 * hidden + j] = dG * Slope(traceX.Pre(t, 2, j), tr.Pre(t, 2, j), g, gR, T.One - g * g, threshold);
                    dGates[3 * hidden + j] = dO * Slope(traceX.Pre(t, 3, j), tr.Pre(t, 3, j), o, oR, o * (T.One - o), threshold);
                }

                w.Accumulate(dGates, xs.Slice(t * input, input), t == 0 ? default : ys.Slice((t - 1) * hidden, hidden),
                    dxs.IsEmpty ? default : dxs.Slice(t * input, input), dhNext, dWeightIh, dWeightHh, dBiasIh, dBiasHh);
            }
        }
    }

    /// <summary>ty = the derivative of the hidden states along tx (weights fixed). Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> weightIh, ReadOnlySpan<T> weightHh, ReadOnlySpan<T> biasIh, ReadOnlySpan<T> biasHh,
        ReadOnlySpan<T> tx, Span<T> ty, Span<T> scratch, int batch, int sequence, int input, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = new Weights<T>(weightIh, weightHh, biasIh, biasHh, sequence, input, hidden);
        w.Check(x.Length, y.Length, batch, nameof(x), nameof(y));
        KernelGuard.Length(tx.Length, x.Length, nameof(tx));
        KernelGuard.Length(ty.Length, y.Length, nameof(ty));
        KernelGuard.AtLeast(scratch.Length, ScratchLength(sequence, hidden), nameof(scratch));
        int traceLength = Trace.PerStep * sequence * hidden + hidden;
        var trace = new Trace<T>(scratch.Slice(0, traceLength), sequence, hidden);
        var tGates = scratch.Slice(traceLength, 4 * hidden);
        var tc = scratch.Slice(traceLength + 4 * hidden, hidden);
        for (int b = 0; b < batch; b++)
        {
            var xs = x.Slice(b * sequence * input, sequence * input);
            var ys = y.Slice(b * sequence * hidden, sequence * hidden);
            var txs = tx.Slice(b * sequence * input, sequence * input);
            var tys = ty.Slice(b * sequence * hidden, sequence * hidden);
            trace.Run(w, xs, ys);
            tc.Clear();
            for (int t = 0; t < sequence; t++)
            {
                w.Linear(txs.Slice(t * input, input), t == 0 ? default : tys.Slice((t - 1) * hidden, hidden), tGates);
                for (int j = 0; j < hidden; j++)
                {
                    T i = trace.Act(t, 0, j), f = trace.Act(t, 1, j), g = trace.Act(t, 2, j), o = trace.Act(t, 3, j), th = trace.TanhCell(t, j);
                    T ti = i * (T.One - i) * tGates[j], tf = f * (T.One - f) * tGates[hidden + j];
                    T tg = (T.One - g * g) * tGates[2 * hidden + j], to = o * (T.One - o) * tGates[3 * hidden + j];
                    tc[j] = tf * trace.Cell(t - 1, j) + f * tc[j] + ti * g + i * tg;
                    tys[t * hidden + j] = to * th + o * (T.One - th * th) * tc[j];
                }
            }
        }
    }

    /// <summary>Layout of one sample's recomputed gates: per step the 4·hidden pre-activations and activations, c_t and tanh(c_t); c_{−1} = 0 first.</summary>
    private static class Trace
    {
        public const int PerStep = 10;
    }

    private readonly ref struct Trace<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly Span<T> _data;
        private readonly int _hidden;

        public Trace(Span<T> data, int sequence, int hidden)
        {
            _data = data;
            _hidden = hidden;
        }

        private int Step(int t) => _hidden + t * Trace.PerStep * _hidden;

        public T Pre(int t, int gate, int j) => _data[Step(t) + gate * _hidden + j];

        public T Act(int t, int gate, int j) => _data[Step(t) + (4 + gate) * _hidden + j];

        /// <summary>c_t; c_{−1} = 0 (the zero initial state).</summary>
        public T Cell(int t, int j) => t < 0 ? _data[j] : _data[Step(t) + 8 * _hidden + j];

        public T TanhCell(int t, int j) => _data[Step(t) + 9 * _hidden + j];

        /// <summary>Recomputes the gates and cells of one sample from its input and hidden states.</summary>
        public void Run(in Weights<T> w, ReadOnlySpan<T> xs, ReadOnlySpan<T> ys)
        {
            int h = _hidden;
            _data.Slice(0, h).Clear();
            for (int t = 0; t < xs.Length / w.Input; t++)
            {
                var step = _data.Slice(Step(t), Trace.PerStep * h);
                w.Gates(xs.Slice(t * w.Input, w.Input), t == 0 ? default : ys.Slice((t - 1) * h, h), step.Slice(0, 4 * h));
                for (int j = 0; j < h; j++)
                {
                    step[4 * h + j] = Sigmoid(step[j]);
                    step[5 * h + j] = Sigmoid(step[h + j]);
                    step[6 * h + j] = T.Tanh(step[2 * h + j]);
                    step[7 * h + j] = Sigmoid(step[3 * h + j]);
                    T previous = Cell(t - 1, j);
                    step[8 * h + j] = step[5 * h + j] * previous + step[4 * h + j] * step[6 * h + j];
                    step[9 * h + j] = T.Tanh(step[8 * h + j]);
                }
            }
        }
    }

    /// <summary>The four parameter tensors and the products every step needs.</summary>
    private readonly ref struct Weights<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _wIh, _wHh, _bIh, _bHh;
        private readonly int _sequence, _hidden;

        public Weights(ReadOnlySpan<T> wIh, ReadOnlySpan<T> wHh, ReadOnlySpan<T> bIh, ReadOnlySpan<T> bHh, int sequence, int input, int hidden)
        {
            _wIh = wIh;
            _wHh = wHh;
            _bIh = bIh;
            _bHh = bHh;
            _sequence = sequence;
            Input = input;
            _hidden = hidden;
        }

        public int Input { get; }

        public void Check(int xLength, int yLength, int batch, string xName, string yName) =>
            RecurrentShapes.Check(xLength, yLength, _wIh.Length, _wHh.Length, _bIh.Length, _bHh.Length, batch, _sequence, Input, _hidden, 4, xName, yName);

        /// <summary>gates = W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh (h_{−1} empty: the zero state).</summary>
        public void Gates(ReadOnlySpan<T> xt, ReadOnlySpan<T> hPrevious, Span<T> gates)
        {
            Linear(xt, hPrevious, gates);
            for (int k = 0; k < gates.Length; k++) gates[k] += _bIh[k] + _bHh[k];
        }

        /// <summary>W_ih·u + W_hh·v without the biases (v empty: zero).</summary>
        public void Linear(ReadOnlySpan<T> u, ReadOnlySpan<T> v, Span<T> result)
        {
            for (int k = 0; k < result.Length; k++)
            {
                T sum = TensorPrimitives.Dot(_wIh.Slice(k * Input, Input), u);
                if (!v.IsEmpty) sum += TensorPrimitives.Dot(_wHh.Slice(k * _hidden, _hidden), v);
                result[k] = sum;
            }
        }

        /// <summary>
        /// From the gate gradients: dx_t += W_ihᵀ·dGates, dhPrevious = W_hhᵀ·dGates (overwritten), and the parameter
        /// gradients (any may be empty).
        /// </summary>
        public void Accumulate(ReadOnlySpan<T> dGates, ReadOnlySpan<T> xt, ReadOnlySpan<T> hPrevious, Span<T> dxt, Span<T> dhPrevious,
            Span<T> dWIh, Span<T> dWHh, Span<T> dBIh, Span<T> dBHh)
        {
            dhPrevious.Clear();
            for (int k = 0; k < dGates.Length; k++)
            {
                T d = dGates[k];
                if (!dxt.IsEmpty) TensorPrimitives.MultiplyAdd(_wIh.Slice(k * Input, Input), d, dxt, dxt);
                if (!hPrevious.IsEmpty) TensorPrimitives.MultiplyAdd(_wHh.Slice(k * _hidden, _hidden), d, dhPrevious, dhPrevious);
                if (!dWIh.IsEmpty) TensorPrimitives.MultiplyAdd(xt, d, dWIh.Slice(k * Input, Input), dWIh.Slice(k * Input, Input));
                if (!dWHh.IsEmpty && !hPrevious.IsEmpty) TensorPrimitives.MultiplyAdd(hPrevious, d, dWHh.Slice(k * _hidden, _hidden), dWHh.Slice(k * _hidden, _hidden));
                if (!dBIh.IsEmpty) dBIh[k] += d;
                if (!dBHh.IsEmpty) dBHh[k] += d;
            }
        }
    }
}
