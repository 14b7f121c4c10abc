using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// Multi-head self-attention over samples of [length, embed] (PyTorch <c>nn.MultiheadAttention</c> with
/// <c>batch_first=True</c> and query = key = value): [q | k | v] = x·W_inᵀ + b_in with W_in [3E, E], heads split
/// along the width (head h owns columns h·d … h·d + d − 1, d = E / heads), P = softmax(q_h k_hᵀ / √d) over the
/// allowed keys, o_h = P v_h, y = o·W_outᵀ + b_out. A key is allowed unless the causal mask hides it (key after
/// query) or its token id equals the pad id (key padding mask). A query with no allowed key attends to nothing
/// (o = 0) where PyTorch would produce NaN. Each sample is processed in a slot of the scratch
/// (<see cref="ScratchLength"/>); backward and tangent recompute q, k, v and P from x instead of storing them.
/// </summary>
/// <remarks>
/// Samples run in parallel on the <see cref="ComputePool"/>, one per scratch slot, in waves of as many samples as
/// there are slots; the projections are matrix products (<see cref="DenseKernel"/>). Each sample's parameter
/// gradients are computed in parallel into its slot, then added to the caller's after each wave on the calling
/// thread, sample by sample in order, so every result is the same whatever the number of threads.
/// </remarks>
public static class MultiHeadAttentionKernel
{
    /// <summary>Slots at most (samples in flight): bounds the scratch on machines with many cores.</summary>
    private const int MaxSlots = 16;

    /// <summary>
    /// Scratch for as many samples in flight as the compute pool has threads (at most 16), each slot holding one
    /// sample's [q|k|v], P, o, their gradients and one head's score gradients. One slot is enough (the samples then run one after another).
    /// </summary>
    public static long ScratchLength(int length, int embed, int heads) => Math.Min(ComputePool.Concurrency, MaxSlots) * SampleScratchLength(length, embed, heads);

    /// <summary>One sample's scratch: [q|k|v], P, o, d[q|k|v], dO, one head's score gradients and the sample's parameter gradients.</summary>
    internal static long SampleScratchLength(int length, int embed, int heads) =>
        8L * length * embed + (long)(heads + 1) * length * length + AttentionScratch<float>.ParameterGradientLength(embed);

    /// <summary>Overwrites y. <paramref name="ids"/> is empty (no padding mask) or holds batch × length token ids.</summary>
    public static unsafe void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> ids, int padTokenId, bool causal, ReadOnlySpan<T> inWeight, ReadOnlySpan<T> inBias,
        ReadOnlySpan<T> outWeight, ReadOnlySpan<T> outBias, Span<T> y, Span<T> scratch, int batch, int length, int embed, int heads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new AttentionShape(batch, length, embed, heads);
        shape.Validate(x.Length, y.Length, ids.Length, inWeight.Length, outWeight.Length, scratch.Length, nameof(x), nameof(y));
        KernelGuard.OptionalLength(inBias.Length, 3L * embed, nameof(inBias));
        KernelGuard.OptionalLength(outBias.Length, embed, nameof(outBias));
        fixed (T* px = x, pids = ids, pinW = inWeight, pinB = inBias, poutW = outWeight, poutB = outBias, py = y, pscratch = scratch)
        {
            var work = new SampleWork<T>(SampleMode.Forward, shape, scratch.Length, padTokenId, causal)
            {
                X = px, Ids = pids, HasIds = !ids.IsEmpty, InWeight = pinW, InBias = pinB, InBiasLength = inBias.Length,
                OutWeight = poutW, OutBias = poutB, OutBiasLength = outBias.Length, Target = py, Scratch = pscratch,
            };
            for (int first = 0; first < batch; first += work.Slots)
            {
                work.First = first;
                ComputePool.For(Math.Min(work.Slots, batch - first), ref work);
            }
        }
    }

    /// <summary>dx += ∂/∂x, dInWeight, dInBias, dOutWeight, dOutBias += their gradients; empty spans are skipped.</summary>
    public static unsafe void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> ids, int padTokenId, bool causal, ReadOnlySpan<T> inWeight, ReadOnlySpan<T> inBias,
        ReadOnlySpan<T> outWeight, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dInWeight, Span<T> dInBias, Span<T> dOutWeight, Span<T> dOutBias,
        Span<T> scratch, int batch, int length, int embed, int heads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new AttentionShape(batch, length, embed, heads);
        shape.Validate(x.Length, dy.Length, ids.Length, inWeight.Length, outWeight.Length, scratch.Length, nameof(x), nameof(dy));
        KernelGuard.OptionalLength(inBias.Length, 3L * embed, nameof(inBias));
        KernelGuard.OptionalLength(dx.Length, x.Length, nameof(dx));
        KernelGuard.OptionalLength(dInWeight.Length, 3L * embed * embed, nameof(dInWeight));
        KernelGuard.OptionalLength(dInBias.Length, 3L * embed, nameof(dInBias));
        KernelGuard.OptionalLength(dOutWeight.Length, (long)embed * embed, nameof(dOutWeight));
        KernelGuard.OptionalLength(dOutBias.Length, embed, nameof(dOutBias));
        bool throughAttention = !dx.IsEmpty || !dInWeight.IsEmpty || !dInBias.IsEmpty;
        fixed (T* px = x, pids = ids, pinW = inWeight, pinB = inBias, poutW = outWeight, pdy = dy, pdx = dx, pscratch = scratch)
        {
            var work = new SampleWork<T>(throughAttention ? SampleMode.Backward : SampleMode.Attend, shape, scratch.Length, padTokenId, causal)
            {
                X = px, Ids = pids, HasIds = !ids.IsEmpty, InWeight = pinW, InBias = pinB, InBiasLength = inBias.Length,
                OutWeight = poutW, Source = pdy, Target = pdx, HasTarget = !dx.IsEmpty, Scratch = pscratch,
                Wanted = new WantedGradients(!dInWeight.IsEmpty, !dInBias.IsEmpty, !dOutWeight.IsEmpty, !dOutBias.IsEmpty),
            };
            for (int first = 0; first < batch; first += work.Slots)
            {
                int count = Math.Min(work.Slots, batch - first);
                work.First = first;
                ComputePool.For(count, ref work);

                // Each sample's parameter gradients (computed in parallel, in its slot) added in sample order: the same
                // sums as on one thread.
                for (int slot = 0; slot < count; slot++)
                {
                    var sample = new AttentionScratch<T>(work.Slot(slot), shape);
                    if (!dOutWeight.IsEmpty) TensorPrimitives.Add(dOutWeight, sample.OutWeightGradient, dOutWeight);
                    if (!dOutBias.IsEmpty) TensorPrimitives.Add(dOutBias, sample.OutBiasGradient, dOutBias);
                    if (!dInWeight.IsEmpty) TensorPrimitives.Add(dInWeight, sample.InWeightGradient, dInWeight);
                    if (!dInBias.IsEmpty) TensorPrimitives.Add(dInBias, sample.InBiasGradient, dInBias);
                }
            }
        }
    }

    /// <summary>ty = the directional derivative along tx. Overwrites ty.</summary>
    public static unsafe void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> ids, int padTokenId, bool causal, ReadOnlySpan<T> inWeight, ReadOnlySpan<T> inBias,
        ReadOnlySpan<T> outWeight, ReadOnlySpan<T> tx, Span<T> ty, Span<T> scratch, int batch, int length, int embed, int heads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new AttentionShape(batch, length, embed, heads);
        shape.Validate(x.Length, tx.Length, ids.Length, inWeight.Length, outWeight.Length, scratch.Length, nameof(x), nameof(tx));
        KernelGuard.OptionalLength(inBias.Length, 3L * embed, nameof(inBias));
        KernelGuard.Length(ty.Length, x.Length, nameof(ty));
        fixed (T* px = x, pids = ids, pinW = inWeight, pinB = inBias, poutW = outWeight, ptx = tx, pty = ty, pscratch = scratch)
        {
            var work = new SampleWork<T>(SampleMode.Tangent, shape, scratch.Length, padTokenId, causal)
            {
                X = px, Ids = pids, HasIds = !ids.IsEmpty, InWeight = pinW, InBias = pinB, InBiasLength = inBias.Length,
                OutWeight = poutW, Source = ptx, Target = pty, HasTarget = true, Scratch = pscratch,
            };
            for (int first = 0; first < batch; first += work.Slots)
            {
                work.First = first;
                ComputePool.For(Math.Min(work.Slots, batch - first), ref work);
            }
        }
    }

    /// <summary>What one sample's work computes.</summary>
    private enum SampleMode
    {
        /// <summary>y = attention(x) into Target.</summary>
        Forward,

        /// <summary>Only o (the out projection's gradient needs nothing else).</summary>
        Attend,

        /// <summary>o, dO, d[q|k|v] in the slot, and dx += into Target when there is one.</summary>
        Backward,

        /// <summary>ty = the tangent along Source, into Target.</summary>
        Tangent,
    }

    /// <summary>
    /// One wave of samples on the compute pool: item i is sample First + i in scratch slot i. The spans are held as
    /// pointers (the caller has them fixed) so that the work is a plain struct the pool can share.
    /// </summary>
    private unsafe struct SampleWork<T> : IParallelWork where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* X, Ids, InWeight, InBias, OutWeight, OutBias, Source, Target, Scratch;
        public int InBiasLength, OutBiasLength, First;
        public bool HasIds, HasTarget;
        public WantedGradients Wanted;
        private readonly SampleMode _mode;
        private readonly AttentionShape _shape;
        private readonly int _padTokenId;
        private readonly bool _causal;
        private readonly long _slotLength;

        public SampleWork(SampleMode mode, AttentionShape shape, int scratchLength, int padTokenId, bool causal)
        {
            _mode = mode;
            _shape = shape;
            _padTokenId = padTokenId;
            _causal = causal;
            _slotLength = SampleScratchLength(shape.Length, shape.Embed, shape.Heads);
            Slots = (int)Math.Min(Math.Min(shape.Batch, ComputePool.Concurrency), scratchLength / _slotLength);
        }

        /// <summary>Samples in flight: one per slot of the scratch, no more than the pool has threads.</summary>
        public int Slots { get; }

        public readonly Span<T> Slot(int slot) => new(Scratch + slot * _slotLength, (int)_slotLength);

        public readonly void Invoke(int index)
        {
            var s = _shape;
            int b = First + index, n = s.Length * s.Embed, e = s.Embed;
            var x = new ReadOnlySpan<T>(X + (long)b * n, n);
            var inWeight = new ReadOnlySpan<T>(InWeight, 3 * e * e);
            var outWeight = new ReadOnlySpan<T>(OutWeight, e * e);
            var mask = new AttentionMask<T>(HasIds ? new ReadOnlySpan<T>(Ids + (long)b * s.Length, s.Length) : default, _padTokenId, _causal);
            var work = new AttentionScratch<T>(Slot(index), s);
            Attend(x, inWeight, new ReadOnlySpan<T>(InBias, InBiasLength), mask, work, s);
            var target = HasTarget || _mode == SampleMode.Forward ? new Span<T>(Target + (long)b * n, n) : default;
            switch (_mode)
            {
                case SampleMode.Forward:
                    DenseKernel.Forward(work.Output, outWeight, new ReadOnlySpan<T>(OutBias, OutBiasLength), target, s.Length, e, e);
                    return;
                case SampleMode.Backward:
                    work.OutputGradient.Clear();
                    DenseKernel.Backward(work.Output, outWeight, new ReadOnlySpan<T>(Source + (long)b * n, n), work.OutputGradient, default, default, s.Length, e, e);
                    work.ProjectionGradient.Clear();
                    AttendBackward(mask, work, s);
                    if (HasTarget) DenseKernel.Backward(x, inWeight, work.ProjectionGradient, target, default, default, s.Length, e, 3 * e);
                    SampleParameterGradients(x, inWeight, outWeight, new ReadOnlySpan<T>(Source + (long)b * n, n), work, s, throughAttention: true);
                    return;
                case SampleMode.Attend:
                    SampleParameterGradients(x, inWeight, outWeight, new ReadOnlySpan<T>(Source + (long)b * n, n), work, s, throughAttention: false);
                    return;
                case SampleMode.Tangent:
                    // The projection's tangent goes where its gradient would: the backward buffers are free here.
                    DenseKernel.Tangent(new ReadOnlySpan<T>(Source + (long)b * n, n), inWeight, work.ProjectionGradient, s.Length, e, 3 * e);
                    work.OutputGradient.Clear();
                    AttendTangent(mask, work, s);
                    DenseKernel.Tangent(work.OutputGradient, outWeight, target, s.Length, e, e);
                    return;
                default:
                    return;
            }
        }

        /// <summary>This sample's share of the parameter gradients that are wanted, into its slot (overwritten).</summary>
        private readonly void SampleParameterGradients(ReadOnlySpan<T> x, ReadOnlySpan<T> inWeight, ReadOnlySpan<T> outWeight, ReadOnlySpan<T> dy, AttentionScratch<T> work, AttentionShape s, bool throughAttention)
        {
            int e = s.Embed;
            var w = Wanted;
            if (w.OutWeight || w.OutBias)
            {
                Span<T> dWeight = w.OutWeight ? work.OutWeightGradient : default, dBias = w.OutBias ? work.OutBiasGradient : default;
                dWeight.Clear();
                dBias.Clear();
                DenseKernel.Backward(work.Output, outWeight, dy, default, dWeight, dBias, s.Length, e, e);
            }

            if (throughAttention && (w.InWeight || w.InBias))
            {
                Span<T> dWeight = w.InWeight ? work.InWeightGradient : default, dBias = w.InBias ? work.InBiasGradient : default;
                dWeight.Clear();
                dBias.Clear();
                DenseKernel.Backward(x, inWeight, work.ProjectionGradient, default, dWeight, dBias, s.Length, e, 3 * e);
            }
        }
    }

    /// <summary>Which parameter gradients the caller asked for (non-empty spans).</summary>
    private readonly record struct WantedGradients(bool InWeight, bool InBias, bool OutWeight, bool OutBias);

    /// <summary>One sample: [q|k|v] into work.Projection, the attention weights into work.Weights, o into work.Output.</summary>
    private static unsafe void Attend<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> inWeight, ReadOnlySpan<T> inBias, AttentionMask<T> mask, AttentionScratch<T> work, AttentionShape s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        DenseKernel.Forward(x, inWeight, inBias, work.Projection, s.Length, s.Embed, 3 * s.Embed);
        T scale = T.One / T.Sqrt(T.CreateTruncating(s.HeadWidth));
        int l = s.Length, d = s.HeadWidth, e = s.Embed, e3 = 3 * e;
        fixed (T* projection = work.Projection, weights = work.Weights, output = work.Output)
        {
            for (int h = 0; h < s.Heads; h++)
            {
                // Scores q_h·k_hᵀ [L, L] (one product per head), then each row's softmax over the allowed keys.
                T* p = weights + (long)h * l * l, q = projection + h * d, k = projection + e + h * d, v = projection + 2 * e + h * d;
                GemmCore<T>.Run(new StridedSource<T>(q, e3, 1), new StridedSource<T>(k, e3, 1), l, l, d, p, l, accumulate: false, parallel: false);
                for (int i = 0; i < l; i++) AttentionSoftmax.Forward(new Span<T>(p + (long)i * l, l), mask, i, scale);

                // o_h = P_h·v_h, into o's columns of the head.
                GemmCore<T>.Run(new StridedSource<T>(p, l, 1), new StridedSource<T>(v, 1, e3), l, d, l, output + h * d, e, accumulate: false, parallel: false);
            }
        }
    }

    /// <summary>From dO (work.OutputGradient) to d[q|k|v] (work.ProjectionGradient, cleared by the caller), through the softmax.</summary>
    private static unsafe void AttendBackward<T>(AttentionMask<T> mask, AttentionScratch<T> work, AttentionShape s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = T.One / T.Sqrt(T.CreateTruncating(s.HeadWidth));
        int l = s.Length, d = s.HeadWidth, e = s.Embed, e3 = 3 * e;
        fixed (T* projection = work.Projection, weights = work.Weights, dProjection = work.ProjectionGradient, dOutput = work.OutputGradient, dScores = work.Scores)
        {
            for (int h = 0; h < s.Heads; h++)
            {
                T* p = weights + (long)h * l * l, q = projection + h * d, k = projection + e + h * d, v = projection + 2 * e + h * d, dO = dOutput + h * d;
                // G = dO_h·v_hᵀ, then dS = P ⊙ (G·scale − rowsum(P ⊙ G·scale)) in place (zero where P is: the masked keys).
                GemmCore<T>.Run(new StridedSource<T>(dO, e, 1), new StridedSource<T>(v, e3, 1), l, l, d, dScores, l, accumulate: false, parallel: false);
                for (int i = 0; i < l; i++) AttentionSoftmax.Jacobian(new ReadOnlySpan<T>(p + (long)i * l, l), new Span<T>(dScores + (long)i * l, l), scale);

                // dq_h += dS·k_h, dk_h += dSᵀ·q_h, dv_h += Pᵀ·dO_h.
                GemmCore<T>.Run(new StridedSource<T>(dScores, l, 1), new StridedSource<T>(k, 1, e3), l, d, l, dProjection + h * d, e3, accumulate: true, parallel: false);
                GemmCore<T>.Run(new StridedSource<T>(dScores, 1, l), new StridedSource<T>(q, 1, e3), l, d, l, dProjection + e + h * d, e3, accumulate: true, parallel: false);
                GemmCore<T>.Run(new StridedSource<T>(p, 1, l), new StridedSource<T>(dO, 1, e), l, d, l, dProjection + 2 * e + h * d, e3, accumulate: true, parallel: false);
            }
        }
    }

    /// <summary>From t[q|k|v] (in work.ProjectionGradient) to tO (into work.OutputGradient).</summary>
    private static unsafe void AttendTangent<T>(AttentionMask<T> mask, AttentionScratch<T> work, AttentionShape s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = T.One / T.Sqrt(T.CreateTruncating(s.HeadWidth));
        int l = s.Length, d = s.HeadWidth, e = s.Embed, e3 = 3 * e;
        fixed (T* projection = work.Projection, weights = work.Weights, tProjection = work.ProjectionGradient, tOutput = work.OutputGradient, tScores = work.Scores)
        {
            for (int h = 0; h < s.Heads; h++)
            {
                T* p = weights + (long)h * l * l;
                T* q = projection + h * d, k = projection + e + h * d, v = projection + 2 * e + h * d;
                T* tq = tProjection + h * d, tk = tProjection + e + h * d, tv = tProjection + 2 * e + h * d;
                // tS = tq·kᵀ + q·tkᵀ, then tP = P ⊙ (tS·scale − rowsum(P ⊙ tS·scale)) in place (zero where P is).
                GemmCore<T>.Run(new StridedSource<T>(tq, e3, 1), new StridedSource<T>(k, e3, 1), l, l, d, tScores, l, accumulate: false, parallel: false);
                GemmCore<T>.Run(new StridedSource<T>(q, e3, 1), new StridedSource<T>(tk, e3, 1), l, l, d, tScores, l, accumulate: true, parallel: false);
                for (int i = 0; i < l; i++) AttentionSoftmax.Jacobian(new ReadOnlySpan<T>(p + (long)i * l, l), new Span<T>(tScores + (long)i * l, l), scale);

                // tO_h = tP·v_h + P·tv_h.
                GemmCore<T>.Run(new StridedSource<T>(tScores, l, 1), new StridedSource<T>(v, 1, e3), l, d, l, tOutput + h * d, e, accumulate: false, parallel: false);
                GemmCore<T>.Run(new StridedSource<T>(p, l, 1), new StridedSource<T>(tv, 1, e3), l, d, l, tOutput + h * d, e, accumulate: true, parallel: false);
            }
        }
    }
}

/// <summary>Which keys a query may attend to: not later ones under the causal mask, not padding tokens.</summary>
internal readonly ref struct AttentionMask<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _ids;
    private readonly T _pad;
    private readonly bool _causal;

    public AttentionMask(ReadOnlySpan<T> ids, int padTokenId, bool causal)
    {
        _ids = ids;
        _pad = T.CreateTruncating(padTokenId);
        _causal = causal;
    }

    public bool Allows(int query, int key) => (!_causal || key <= query) && (_ids.IsEmpty || _ids[key] != _pad);

    /// <summary>
    /// How many keys the query may attend to when they are the first ones of the row (no mask: all; causal only: keys
    /// 0..query), or −1 under a padding mask, which can hide any key.
    /// </summary>
    public int AllowedPrefix(int query, int length) => !_ids.IsEmpty ? -1 : _causal ? Math.Min(query + 1, length) : length;
}

/// <summary>The sizes of one attention call, checked once.</summary>
internal readonly struct AttentionShape(int batch, int length, int embed, int heads)
{
    public int Batch { get; } = batch;
    public int Length { get; } = length;
    public int Embed { get; } = embed;
    public int Heads { get; } = heads;
    public int HeadWidth => Embed / Heads;

    public void Validate(int inputLength, int otherLength, int idsLength, int inWeightLength, int outWeightLength, int scratchLength, string inputName, string otherName)
    {
        KernelGuard.Positive(Batch, "batch");
        KernelGuard.Positive(Length, "length");
        KernelGuard.Positive(Embed, "embed");
        KernelGuard.Positive(Heads, "heads");
        if (Embed % Heads != 0) throw new ArgumentException($"embed ({Embed}) must be a multiple of heads ({Heads}).", "heads");
        KernelGuard.Length(inputLength, (long)Batch * Length * Embed, inputName);
        KernelGuard.Length(otherLength, (long)Batch * Length * Embed, otherName);
        KernelGuard.OptionalLength(idsLength, (long)Batch * Length, "ids");
        KernelGuard.Length(inWeightLength, 3L * Embed * Embed, "inWeight");
        KernelGuard.Length(outWeightLength, (long)Embed * Embed, "outWeight");
        KernelGuard.AtLeast(scratchLength, MultiHeadAttentionKernel.SampleScratchLength(Length, Embed, Heads), "scratch");
    }
}

/// <summary>
/// One sample's views of the scratch: [q|k|v] [L, 3E], the weights [heads, L, L], o [L, E], then the gradients
/// (or tangents) d[q|k|v] [L, 3E] and dO [L, E], the score gradients (or tangents) of one head [L, L], and the
/// sample's parameter gradients: the out projection's weight [E, E] and bias [E], the in projection's [3E, E] and [3E].
/// </summary>
internal readonly ref struct AttentionScratch<T>
{
    public AttentionScratch(Span<T> scratch, AttentionShape s)
    {
        int n = s.Length * s.Embed;
        int weights = s.Heads * s.Length * s.Length;
        Projection = scratch.Slice(0, 3 * n);
        Weights = scratch.Slice(3 * n, weights);
        Output = scratch.Slice(3 * n + weights, n);
        ProjectionGradient = scratch.Slice(4 * n + weights, 3 * n);
        OutputGradient = scratch.Slice(7 * n + weights, n);
        Scores = scratch.Slice(8 * n + weights, s.Length * s.Length);
        int e = s.Embed, parameters = 8 * n + weights + s.Length * s.Length;
        OutWeightGradient = scratch.Slice(parameters, e * e);
        OutBiasGradient = scratch.Slice(parameters + e * e, e);
        InWeightGradient = scratch.Slice(parameters + e * e + e, 3 * e * e);
        InBiasGradient = scratch.Slice(parameters + 4 * e * e + e, 3 * e);
    }

    /// <summary>The parameter gradients' share of a slot: 4E² + 4E.</summary>
    public static long ParameterGradientLength(int embed) => 4L * embed * embed + 4L * embed;

    public Span<T> Projection { get; }
    public Span<T> Weights { get; }
    public Span<T> Output { get; }
    public Span<T> ProjectionGradient { get; }
    public Span<T> OutputGradient { get; }
    public Span<T> Scores { get; }
    public Span<T> OutWeightGradient { get; }
    public Span<T> OutBiasGradient { get; }
    public Span<T> InWeightGradient { get; }
    public Span<T> InBiasGradient { get; }
}
