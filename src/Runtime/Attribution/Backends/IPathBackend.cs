using Axon.Model;

namespace Axon.Attribution.Backends;

/// <summary>
/// Where the rows of a path method live and run: a resident batch of up to <see cref="Capacity"/> rows — each an
/// evaluation point γ(α) = x′ + α(x − x′) of one input's path — with its buffers, the model passes over it, and
/// the per-input reductions of the results. <see cref="Attributor{T}"/> keeps what to integrate (validation,
/// quadrature, the adaptive loop, the method recipes) and drives a backend; the CPU backend runs the generated
/// model's SIMD code, the GPU backend (Axon.Gpu) the kernels the generator writes for the network.
/// </summary>
/// <remarks>
/// A call begins with <see cref="BeginCall"/> (inputs, baselines and result sizes); then chunk after chunk the
/// attributor fills rows, runs passes and accumulates; at the end it reads the results back. Every row belongs to
/// one input (<see cref="PathRow{T}.Input"/>), and accumulations go to that input's result and path sum.
/// </remarks>
public interface IPathBackend<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The model whose network runs.</summary>
    IDifferentiableModel<T> Model { get; }

    /// <summary>Rows per chunk.</summary>
    int Capacity { get; }

    /// <summary>Whether the attributor may run the affine prefix of the network once per path (CPU only today).</summary>
    bool SupportsAffinePrefix { get; }

    /// <summary>
    /// Starts a call: keeps <paramref name="inputs"/> (count × InputSize) and the baseline rows
    /// (<paramref name="baselines"/>: rows × InputSize; empty for the zero baseline) resident, and clears the result
    /// (count × <paramref name="resultSize"/>) and the per-input path sums.
    /// </summary>
    void BeginCall(ReadOnlySpan<T> inputs, int count, ReadOnlySpan<T> baselines, int resultSize);

    /// <summary>Clears the result and the path sums (a new pass of the adaptive loop).</summary>
    void ClearAccumulators();

    /// <summary>The neuron selection weights (the layer's size) that <see cref="BackwardFromSelection"/> applies.</summary>
    void SetSelection(ReadOnlySpan<T> weights);

    /// <summary>The 0/1 indicators of the input regions (regions × InputSize) that a region tangent masks with.</summary>
    void SetRegions(ReadOnlySpan<T> indicators, int regionCount);

    /// <summary>
    /// Fills rows 0..rows.Length−1: point x′ + α(x − x′), direction x − x′ and the output seed (<paramref name="seeds"/>:
    /// rows × OutputSize, the target's weighting times the quadrature weight).
    /// </summary>
    void FillRows(ReadOnlySpan<PathRow<T>> rows, ReadOnlySpan<T> seeds);

    /// <summary>Runs the network on the rows' points (recording the tape).</summary>
    void Forward(int rows);

    /// <summary>Copies the rows' outputs (rows × OutputSize) to <paramref name="outputs"/>.</summary>
    void ReadOutputs(int rows, Span<T> outputs);

    /// <summary>Reverse mode seeded with the rows' seeds at the output, down to <paramref name="stopAtLayer"/>.</summary>
    void Backward(int rows, int stopAtLayer);

    /// <summary>
    /// Reverse mode seeded at <paramref name="layer"/> with its current gradient ⊙ the selection, down to the input:
    /// J_yᵀ(g ⊙ 1_S), only through the nodes below the layer.
    /// </summary>
    void BackwardFromSelection(int layer, int rows);

    /// <summary>
    /// Forward mode along the rows' directions (masked by region <paramref name="region"/>'s indicator unless it is
    /// −1) through nodes 1..<paramref name="stopAtLayer"/> (−1: all).
    /// </summary>
    void Tangent(int rows, int stopAtLayer, int region = -1);

    /// <summary>
    /// Patch IG's term of every region at <paramref name="layer"/>: result[input of r][q·size + j] += g_r[j]·t_{r,q}[j]
    /// for regions q = 0..<paramref name="regionCount"/>−1, with g the layer's gradient and t_{r,q} the layer's tangent
    /// along direction r masked by region q (<see cref="SetRegions"/>). This default runs one <see cref="Tangent"/> per
    /// region; a backend may compute each region's tangent only where it can be nonzero.
    /// </summary>
    void AccumulateRegions(int layer, int regionCount, int rows)
    {
        int size = Model.Layers[layer].Size;
        for (int q = 0; q < regionCount; q++)
        {
            Tangent(rows, layer, q);
            AccumulateProduct(RowTerm.Gradient, RowTerm.Tangent, layer, rows, q * size);
        }
    }

    /// <summary>
    /// result[input of r][offset + j] += a_r[j]·b_r[j] for j below the width of <paramref name="b"/> (the layer's size, or the
    /// input size for <see cref="RowTerm.Direction"/>), over every row.
    /// </summary>
    void AccumulateProduct(RowTerm a, RowTerm b, int layer, int rows, int offset);

    /// <summary>
    /// pathSum[input of r] += (weighted ? deltaWeight_r : 1)·Σⱼ a_r[j]·b_r[j], over every row — the deltas' Q[dF/dα].
    /// </summary>
    void AccumulateDot(RowTerm a, RowTerm b, int layer, int rows, bool weighted);

    /// <summary>
    /// Shrikumar's difference form at <paramref name="layer"/>: result[input][offset + j] += s_j·(y_r[j] − y_{r−1}[j])
    /// for every row with step &gt; 0, where s is the previous row's gradient (left), this row's (right) or their mean
    /// (trapezoid); the last row of a chunk is carried to the next one in the carry at <paramref name="carryOffset"/> (2 × the layer's size values; the caller keeps the layers' carries apart).
    /// </summary>
    void AccumulateDifferences(int layer, int rows, int offset, IntegrationRule rule, int carryOffset);

    /// <summary>Copies the result (count × resultSize) to <paramref name="result"/>.</summary>
    void ReadResult(Span<T> result);

    /// <summary>Adds the per-input path sums to <paramref name="sums"/> (count values).</summary>
    void ReadPathSums(Span<T> sums);
}

/// <summary>What a row-wise accumulation multiplies.</summary>
public enum RowTerm : byte
{
    /// <summary>x − x′ (input size).</summary>
    Direction,

    /// <summary>The gradient of the given layer.</summary>
    Gradient,

    /// <summary>The tangent of the given layer.</summary>
    Tangent,

    /// <summary>The activation of the given layer.</summary>
    Activation,

    /// <summary>The output seed (output size).</summary>
    Seed,

    /// <summary>1 everywhere (the layer's size).</summary>
    One,
}

/// <summary>One row of a chunk: which input's path, which baseline row (−1: zero), the node α, the step index and the delta weight.</summary>
public readonly record struct PathRow<T>(int Input, int Baseline, T Alpha, int Step, T DeltaWeight) where T : unmanaged;
