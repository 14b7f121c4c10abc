using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// Multi-head self-attention over samples of [length, embed] (PyTorch <c>nn.MultiheadAttention</c> with
/// <c>batch_first=True</c> and query = key = value): [q | k | v] = x·W_inᵀ + b_in with W_in [3E, E], heads split
/// along the width (head h owns columns h·d … h·d + d − 1, d = E / heads), P = softmax(q_h k_hᵀ / √d) over the
/// allowed keys, o_h = P v_h, y = o·W_outᵀ + b_out. A key is allowed unless the causal mask hides it (key after
/// query) or its token id equals the pad id (key padding mask). A query with no allowed key attends to nothing
/// (o = 0) where PyTorch would produce NaN. Each sample is processed in the scratch (<see cref="ScratchLength"/>);
/// backward and tangent recompute q, k, v and P from x instead of storing them.
/// </summary>
public static class MultiHeadAttentionKernel
{
    /// <summary>Scratch for one sample, reused for every sample: [q|k|v], P, o, their gradients and one row.</summary>
    public static long ScratchLength(int length, int embed, int heads) => 8L * length * embed + (long)heads * length * length + length;

    /// <summary>Overwrites y. <paramref name="ids"/> is empty (no padding mask) or holds batch × length token ids.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> ids, int padTokenId, bool causal, ReadOnlySpan<T> inWeight, ReadOnlySpan<T> inBias,
        ReadOnlySpan<T> outWeight, ReadOnlySpan<T> outBias, Span<T> y, Span<T> scratch, int batch, int length, int embed, int heads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new AttentionShape(batch, length, embed, heads);
        shape.Validate(x.Length, y.Length, ids.Length, inWeight.Length, outWeight.Length, scratch.Length, nameof(x), nameof(y));
        KernelGuard.OptionalLength(inBias.Length, 3L * embed, nameof(inBias));
        KernelGuard.OptionalLength(outBias.Length, embed, nameof(outBias));
        int n = length * embed;
        for (int b = 0; b < batch; b++)
        {
            var mask = new AttentionMask<T>(ids.IsEmpty ? default : ids.Slice(b * length, length), padTokenId, causal);
            var work = new AttentionScratch<T>(scratch, shape);
            Attend(x.Slice(b * n, n), inWeight, inBias, mask, work, shape);
            DenseKernel.Forward(work.Output, outWeight, outBias, y.Slice(b * n, n), length, embed, embed);
        }
    }

    /// <summary>dx += ∂/∂x, dInWeight, dInBias, dOutWeight, dOutBias += their gradients; empty spans are skipped.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> ids, int padTokenId, bool causal, ReadOnlySpan<T> inWeight, ReadOnlySpan<T> inBias,
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
        int n = length * embed;
        for (int b = 0; b < batch; b++)
        {
            var mask = new AttentionMask<T>(ids.IsEmpty ? default : ids.Slice(b * length, length), padTokenId, causal);
            var work = new AttentionScratch<T>(scratch, shape);
            Attend(x.Slice(b * n, n), inWeight, inBias, mask, work, shape);
            ReadOnlySpan<T> g = dy.Slice(b * n, n);
            work.OutputGradient.Clear();
            DenseKernel.Backward(work.Output, outWeight, g, throughAttention ? work.OutputGradient : default, dOutWeight, dOutBias, length, embed, embed);
            if (!throughAttention) continue;
            work.ProjectionGradient.Clear();
            AttendBackward(mask, work, shape);
            DenseKernel.Backward(x.Slice(b * n, n), inWeight, work.ProjectionGradient, dx.IsEmpty ? default : dx.Slice(b * n, n), dInWeight, dInBias, length, embed, 3 * embed);
        }
    }

    /// <summary>ty = the directional derivative along tx. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> ids, int padTokenId, bool causal, ReadOnlySpan<T> inWeight, ReadOnlySpan<T> inBias,
        ReadOnlySpan<T> outWeight, ReadOnlySpan<T> tx, Span<T> ty, Span<T> scratch, int batch, int length, int embed, int heads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new AttentionShape(batch, length, embed, heads);
        shape.Validate(x.Length, tx.Length, ids.Length, inWeight.Length, outWeight.Length, scratch.Length, nameof(x), nameof(tx));
        KernelGuard.OptionalLength(inBias.Length, 3L * embed, nameof(inBias));
        KernelGuard.Length(ty.Length, x.Length, nameof(ty));
        int n = length * embed;
        for (int b = 0; b < batch; b++)
        {
            var mask = new AttentionMask<T>(ids.IsEmpty ? default : ids.Slice(b * length, length), padTokenId, causal);
            var work = new AttentionScratch<T>(scratch, shape);
            Attend(x.Slice(b * n, n), inWeight, inBias, mask, work, shape);
            // The projection's tangent goes where its gradient would: the backward buffers are free here.
            DenseKernel.Tangent(tx.Slice(b * n, n), inWeight, work.ProjectionGradient, length, embed, 3 * embed);
            work.OutputGradient.Clear();
            AttendTangent(mask, work, shape);
            DenseKernel.Tangent(work.OutputGradient, outWeight, ty.Slice(b * n, n), length, embed, embed);
        }
    }

    /// <summary>One sample: [q|k|v] into work.Projection, the attention weights into work.Weights, o into work.Output.</summary>
    private static void Attend<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> inWeight, ReadOnlySpan<T> inBias, AttentionMask<T> mask, AttentionScratch<T> work, AttentionShape s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        DenseKernel.Forward(x, inWeight, inBias, work.Projection, s.Length, s.Embed, 3 * s.Embed);
        T scale = T.One / T.Sqrt(T.CreateTruncating(s.HeadWidth));
        work.Output.Clear();
        for (int h = 0; h < s.Heads; h++)
        {
            for (int i = 0; i < s.Length; i++)
            {
                Span<T> p = work.Weights.Slice((h * s.Length + i) * s.Length, s.Length);
                ReadOnlySpan<T> q = work.Query(i, h);
                T top = T.NegativeInfinity;
                for (int j = 0; j < s.Length; j++)
                {
                    if (!mask.Allows(i, j)) continue;
                    p[j] = TensorPrimitives.Dot(q, work.Key(j, h)) * scale;
                    top = T.Max(top, p[j]);
                }

                T sum = T.Zero;
                for (int j = 0; j < s.Length; j++)
                {
                    p[j] = mask.Allows(i, j) ? T.Exp(p[j] - top) : T.Zero;
                    sum += p[j];
                }

                if (sum == T.Zero) continue; // no allowed key: the row of weights stays zero
                TensorPrimitives.Divide(p, sum, p);
                Span<T> o = work.OutputRow(i, h);
                for (int j = 0; j < s.Length; j++)
                {
                    if (p[j] != T.Zero) TensorPrimitives.MultiplyAdd(work.Value(j, h), p[j], o, o);
                }
            }
        }
    }

    /// <summary>From dO (work.OutputGradient) to d[q|k|v] (work.ProjectionGradient), through the softmax.</summary>
    private static void AttendBackward<T>(AttentionMask<T> mask, AttentionScratch<T> work, AttentionShape s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = T.One / T.Sqrt(T.CreateTruncating(s.HeadWidth));
        Span<T> g = work.Row;
        for (int h = 0; h < s.Heads; h++)
        {
            for (int i = 0; i < s.Length; i++)
            {
                ReadOnlySpan<T> p = work.Weights.Slice((h * s.Length + i) * s.Length, s.Length);
                ReadOnlySpan<T> dO = work.OutputGradientRow(i, h);
                T dot = T.Zero;
                for (int j = 0; j < s.Length; j++)
                {
                    g[j] = mask.Allows(i, j) ? TensorPrimitives.Dot(dO, work.Value(j, h)) : T.Zero;
                    dot += p[j] * g[j];
                }

                Span<T> dq = work.QueryGradient(i, h);
                for (int j = 0; j < s.Length; j++)
                {
                    if (!mask.Allows(i, j) || p[j] == T.Zero) continue;
                    Span<T> dv = work.ValueGradient(j, h), dk = work.KeyGradient(j, h);
                    TensorPrimitives.MultiplyAdd(dO, p[j], dv, dv);
                    T ds = p[j] * (g[j] - dot) * scale;
                    TensorPrimitives.MultiplyAdd(work.Key(j, h), ds, dq, dq);
                    TensorPrimitives.MultiplyAdd(work.Query(i, h), ds, dk, dk);
                }
            }
        }
    }

    /// <summary>From t[q|k|v] (in work.ProjectionGradient) to tO (into work.OutputGradient, cleared by the caller).</summary>
    private static void AttendTangent<T>(AttentionMask<T> mask, AttentionScratch<T> work, AttentionShape s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = T.One / T.Sqrt(T.CreateTruncating(s.HeadWidth));
        Span<T> ts = work.Row;
        for (int h = 0; h < s.Heads; h++)
        {
            for (int i = 0; i < s.Length; i++)
            {
                ReadOnlySpan<T> p = work.Weights.Slice((h * s.Length + i) * s.Length, s.Length);
                ReadOnlySpan<T> tq = work.QueryGradient(i, h);
                T dot = T.Zero;
                for (int j = 0; j < s.Length; j++)
                {
                    ts[j] = mask.Allows(i, j)
                        ? (TensorPrimitives.Dot(tq, work.Key(j, h)) + TensorPrimitives.Dot(work.Query(i, h), work.KeyGradient(j, h))) * scale
                        : T.Zero;
                    dot += p[j] * ts[j];
                }

                Span<T> to = work.OutputGradientRow(i, h);
                for (int j = 0; j < s.Length; j++)
                {
                    if (!mask.Allows(i, j) || p[j] == T.Zero) continue;
                    TensorPrimitives.MultiplyAdd(work.Value(j, h), p[j] * (ts[j] - dot), to, to);
                    TensorPrimitives.MultiplyAdd(work.ValueGradient(j, h), p[j], to, to);
                }
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
        KernelGuard.AtLeast(scratchLength, MultiHeadAttentionKernel.ScratchLength(Length, Embed, Heads), "scratch");
    }
}

/// <summary>
/// One sample's views of the scratch: [q|k|v] [L, 3E], the weights [heads, L, L], o [L, E], then the gradients
/// (or tangents) d[q|k|v] [L, 3E] and dO [L, E], and one row of L.
/// </summary>
internal readonly ref struct AttentionScratch<T>
{
    private readonly int _embed, _headWidth;

    public AttentionScratch(Span<T> scratch, AttentionShape s)
    {
        int n = s.Length * s.Embed;
        int weights = s.Heads * s.Length * s.Length;
        _embed = s.Embed;
        _headWidth = s.HeadWidth;
        Projection = scratch.Slice(0, 3 * n);
        Weights = scratch.Slice(3 * n, weights);
        Output = scratch.Slice(3 * n + weights, n);
        ProjectionGradient = scratch.Slice(4 * n + weights, 3 * n);
        OutputGradient = scratch.Slice(7 * n + weights, n);
        Row = scratch.Slice(8 * n + weights, s.Length);
    }

    public Span<T> Projection { get; }
    public Span<T> Weights { get; }
    public Span<T> Output { get; }
    public Span<T> ProjectionGradient { get; }
    public Span<T> OutputGradient { get; }
    public Span<T> Row { get; }

    public ReadOnlySpan<T> Query(int position, int head) => Projection.Slice(position * 3 * _embed + head * _headWidth, _headWidth);
    public ReadOnlySpan<T> Key(int position, int head) => Projection.Slice(position * 3 * _embed + _embed + head * _headWidth, _headWidth);
    public ReadOnlySpan<T> Value(int position, int head) => Projection.Slice(position * 3 * _embed + 2 * _embed + head * _headWidth, _headWidth);
    public Span<T> QueryGradient(int position, int head) => ProjectionGradient.Slice(position * 3 * _embed + head * _headWidth, _headWidth);
    public Span<T> KeyGradient(int position, int head) => ProjectionGradient.Slice(position * 3 * _embed + _embed + head * _headWidth, _headWidth);
    public Span<T> ValueGradient(int position, int head) => ProjectionGradient.Slice(position * 3 * _embed + 2 * _embed + head * _headWidth, _headWidth);
    public Span<T> OutputRow(int position, int head) => Output.Slice(position * _embed + head * _headWidth, _headWidth);
    public Span<T> OutputGradientRow(int position, int head) => OutputGradient.Slice(position * _embed + head * _headWidth, _headWidth);
}
