using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

/// <summary>
/// A convolution or dense layer seen one input element at a time, for the pattern-tracking path
/// (<see cref="PatternPlan{T}"/>): what one input element adds to every output (its column of the layer's matrix), and
/// the transpose's value at one input element. Both touch only the outputs whose receptive field holds the element: 144
/// products for a 3×3 convolution with 16 output channels instead of the layer's whole map.
/// </summary>
internal sealed class LinearColumns<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly bool _dense;
    private readonly int _inputHeight, _inputWidth, _outputChannels, _outputHeight, _outputWidth, _kernel, _stride, _padding;
    private readonly ParameterInfo _weight;
    private readonly ParameterInfo? _biasTensor;

    /// <summary>The weights per input element: [in channel][ky][kx][out channel] (convolution), [in][out] (dense).</summary>
    private readonly T[] _columns;

    /// <summary>The weights as the layer holds them (for the batched transpose).</summary>
    private readonly T[] _weights;

    /// <summary>The bias per output channel (zeros without one).</summary>
    private readonly T[] _bias;

    /// <summary>
    /// Float convolutions with stride 1, kernels of at most 4 and outputs at least 4 wide: per in channel, kernel row,
    /// shift and out channel, the 4 weights an input element puts on the 4 outputs of its segment of an output row
    /// (<see cref="SegmentStart"/>), zero where its kernel does not reach. Null for other layers.
    /// </summary>
    private readonly float[]? _segments;

    /// <summary>Distinct shifts (x − segment start) over the input's columns.</summary>
    private readonly int _shifts;

    private LinearColumns(bool dense, int inputHeight, int inputWidth, int outputChannels, int outputHeight, int outputWidth, int kernel, int stride, int padding, ParameterInfo weight, ParameterInfo? bias)
    {
        _dense = dense;
        _inputHeight = inputHeight;
        _inputWidth = inputWidth;
        _outputChannels = outputChannels;
        _outputHeight = outputHeight;
        _outputWidth = outputWidth;
        _kernel = kernel;
        _stride = stride;
        _padding = padding;
        _weight = weight;
        _biasTensor = bias;
        _columns = new T[weight.Length];
        _weights = new T[weight.Length];
        _bias = new T[outputChannels];
        if (!dense && typeof(T) == typeof(float) && stride == 1 && kernel <= SegmentWidth && outputWidth >= SegmentWidth && Vector128.IsHardwareAccelerated)
        {
            for (int x = 0; x < inputWidth; x++) _shifts = Math.Max(_shifts, x - SegmentStart(x) + 1);
            _segments = new float[weight.Shape[1] * kernel * _shifts * outputChannels * SegmentWidth];
        }
    }

    /// <summary>Outputs per row segment: one 128-bit float vector.</summary>
    private const int SegmentWidth = 4;

    /// <summary>
    /// Whether <see cref="Scatter(int, T, T, Span{T}, Span{T})"/>, <see cref="Scatter(int, T, Span{T})"/> and
    /// <see cref="Gather"/> work on row segments (4 outputs of a row per vector product) where the layer allows it; on by
    /// default, off for tests that compare with the tap-by-tap form.
    /// </summary>
    internal bool UseRowSegments { get; set; } = true;

    private bool RowSegments => _segments is not null && UseRowSegments;

    /// <summary>
    /// The first output column of the segment that holds every output input column <paramref name="x"/> reaches
    /// (x + padding − k + 1 … x + padding), kept inside the row: no segment touches another row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SegmentStart(int x) => Math.Clamp(x + _padding - _kernel + 1, 0, _outputWidth - SegmentWidth);

    /// <summary>Output elements (the layer's size).</summary>
    public int OutputSize => _outputChannels * _outputHeight * _outputWidth;

    /// <summary>The columns of a Conv2d (one group, any stride and zero padding) or Dense node, or null for other layers.</summary>
    public static LinearColumns<T>? TryCreate(LayerInfo layer, LayerInfo input, IReadOnlyList<ParameterInfo> parameters)
    {
        ParameterInfo? weight = null, bias = null;
        foreach (var p in parameters)
        {
            if (p.Layer != layer.Index) continue;
            if (p.Shape.Count == 1) bias = p;
            else weight = p;
        }

        if (weight is null) return null;
        var h = layer.Hyper ?? [];
        if (layer.Kind == LayerKind.Dense)
        {
            if (layer.Shape.Count != 1 || weight.Shape.Count != 2 || weight.Shape[0] != layer.Shape[0] || weight.Shape[1] != input.Size) return null;
            if (bias is not null && bias.Length != layer.Shape[0]) return null;
            return new LinearColumns<T>(true, 1, input.Size, layer.Shape[0], 1, 1, 1, 1, 0, weight, bias);
        }

        if (layer.Kind != LayerKind.Conv2d || h.Count < 5 || (h.Count > 6 && h[6] != 1)) return null;
        int inChannels = h[0], outChannels = h[1], kernel = h[2], stride = h[3], padding = h[4];
        if (input.Shape.Count != 3 || input.Shape[0] != inChannels || layer.Shape.Count != 3 || layer.Shape[0] != outChannels) return null;
        if (weight.Shape.Count != 4 || weight.Shape[0] != outChannels || weight.Shape[1] != inChannels || weight.Shape[2] != kernel || weight.Shape[3] != kernel) return null;
        if (bias is not null && bias.Length != outChannels) return null;
        return new LinearColumns<T>(false, input.Shape[1], input.Shape[2], outChannels, layer.Shape[1], layer.Shape[2], kernel, stride, padding, weight, bias);
    }

    /// <summary>Reads the layer's current weights (they may change between calls, e.g. in training).</summary>
    public void Refresh(ReadOnlySpan<T> parameters)
    {
        var w = parameters.Slice(_weight.Offset, _weight.Length);
        w.CopyTo(_weights);
        int outs = _outputChannels, taps = _weight.Length / outs;
        for (int o = 0; o < outs; o++)
        {
            for (int t = 0; t < taps; t++) _columns[t * outs + o] = w[o * taps + t];
        }

        if (_biasTensor is null) _bias.AsSpan().Clear();
        else parameters.Slice(_biasTensor.Offset, _biasTensor.Length).CopyTo(_bias);
        if (_segments is not null) FillSegments();
    }

    /// <summary>
    /// The row segments' weights: at shift s (the input column minus its segment's start) lane l is output column
    /// start + l, which the input reaches at kernel column kx = s + padding − l.
    /// </summary>
    private void FillSegments()
    {
        var segments = _segments!;
        int outs = _outputChannels, k = _kernel, inChannels = InputChannels;
        var columns = MemoryMarshal.Cast<T, float>(_columns.AsSpan());
        int at = 0;
        for (int c = 0; c < inChannels; c++)
        {
            for (int ky = 0; ky < k; ky++)
            {
                for (int shift = 0; shift < _shifts; shift++)
                {
                    for (int o = 0; o < outs; o++)
                    {
                        for (int lane = 0; lane < SegmentWidth; lane++)
                        {
                            int kx = shift + _padding - lane;
                            segments[at++] = kx >= 0 && kx < k ? columns[((c * k + ky) * k + kx) * outs + o] : 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds input element <paramref name="j"/>'s column times <paramref name="du"/> to <paramref name="u"/> and times <paramref name="dv"/> to <paramref name="v"/>.</summary>
    // Scatter and Gather run a few times per step for millions of steps: compiled fully optimized on first use (as
    // PatternPlan.Evaluate), their index helpers inlined.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void Scatter(int j, T du, T dv, Span<T> u, Span<T> v)
    {
        int outs = _outputChannels;
        if (_dense)
        {
            var column = _columns.AsSpan(j * outs, outs);
            if (du != T.Zero) TensorPrimitives.FusedMultiplyAdd(column, du, u, u);
            if (dv != T.Zero) TensorPrimitives.FusedMultiplyAdd(column, dv, v, v);
            return;
        }

        if (u.Length < OutputSize || v.Length < OutputSize) throw new ArgumentException($"U and V need {OutputSize} elements each.");
        if (RowSegments && float.IsFinite(float.CreateTruncating(du)) && float.IsFinite(float.CreateTruncating(dv)))
        {
            fixed (T* pu = u)
            fixed (T* pv = v)
            {
                ScatterSegments(j, float.CreateTruncating(du), float.CreateTruncating(dv), (float*)pu, (float*)pv);
            }

            return;
        }

        // Channel by channel, each channel's taps (a 3×3 neighbourhood: a few cache lines) before the next channel's.
        Span<int> taps = stackalloc int[_kernel * _kernel];
        Span<int> positions = stackalloc int[_kernel * _kernel];
        int count = Taps(j, taps, positions), plane = _outputHeight * _outputWidth;
        fixed (T* pu = u)
        fixed (T* pv = v)
        fixed (T* pc = _columns)
        fixed (int* pt = taps)
        fixed (int* pp = positions)
        {
            for (int o = 0; o < outs; o++)
            {
                T* planeU = pu + o * plane, planeV = pv + o * plane, column = pc + o;
                for (int t = 0; t < count; t++)
                {
                    T w = column[pt[t]];
                    int at = pp[t];
                    planeU[at] = T.FusedMultiplyAdd(w, du, planeU[at]);
                    planeV[at] = T.FusedMultiplyAdd(w, dv, planeV[at]);
                }
            }
        }
    }

    /// <summary>Adds input element <paramref name="j"/>'s column times <paramref name="du"/> to <paramref name="u"/> (one map: a region's tangent).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void Scatter(int j, T du, Span<T> u)
    {
        int outs = _outputChannels;
        if (_dense)
        {
            TensorPrimitives.FusedMultiplyAdd(_columns.AsSpan(j * outs, outs), du, u, u);
            return;
        }

        if (u.Length < OutputSize) throw new ArgumentException($"U needs {OutputSize} elements.");
        if (RowSegments && float.IsFinite(float.CreateTruncating(du)))
        {
            fixed (T* pu = u)
            {
                ScatterSegments(j, float.CreateTruncating(du), (float*)pu);
            }

            return;
        }

        Span<int> taps = stackalloc int[_kernel * _kernel];
        Span<int> positions = stackalloc int[_kernel * _kernel];
        int count = Taps(j, taps, positions), plane = _outputHeight * _outputWidth;
        fixed (T* pu = u)
        fixed (T* pc = _columns)
        fixed (int* pt = taps)
        fixed (int* pp = positions)
        {
            for (int o = 0; o < outs; o++)
            {
                T* planeU = pu + o * plane, column = pc + o;
                for (int t = 0; t < count; t++) planeU[pp[t]] = T.FusedMultiplyAdd(column[pt[t]], du, planeU[pp[t]]);
            }
        }
    }

    /// <summary>Input element <paramref name="j"/>'s taps inside the output: each one's column offset and output position; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Taps(int j, Span<int> taps, Span<int> positions)
    {
        var (c, y, x) = Decode(j);
        int count = 0;
        for (int ky = 0; ky < _kernel; ky++)
        {
            int oy = OutputIndex(y, ky, _outputHeight);
            if (oy < 0) continue;
            for (int kx = 0; kx < _kernel; kx++)
            {
                int ox = OutputIndex(x, kx, _outputWidth);
                if (ox < 0) continue;
                taps[count] = ((c * _kernel + ky) * _kernel + kx) * _outputChannels;
                positions[count++] = oy * _outputWidth + ox;
            }
        }

        return count;
    }

    /// <summary>(Wᵀ·s) at input element <paramref name="j"/>: the layer's input gradient there for output gradient <paramref name="s"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public T Gather(int j, ReadOnlySpan<T> s)
    {
        int outs = _outputChannels;
        if (_dense) return TensorPrimitives.Dot<T>(_columns.AsSpan(j * outs, outs), s);

        if (RowSegments)
        {
            // A weight of zero times a neighbour's infinity or NaN would spoil the sum: such sums are taken tap by tap.
            float value = GatherSegments(j, s);
            if (float.IsFinite(value)) return T.CreateTruncating(value);
        }
        else if (typeof(T) == typeof(float) && outs == 16 && Avx2.IsSupported) return GatherSixteen(j, s);

        Span<int> taps = stackalloc int[_kernel * _kernel];
        Span<int> positions = stackalloc int[_kernel * _kernel];
        int count = Taps(j, taps, positions), plane = _outputHeight * _outputWidth;
        T sum = T.Zero;
        for (int t = 0; t < count; t++)
        {
            var column = _columns.AsSpan(taps[t], outs);
            int at = positions[t];
            for (int o = 0; o < outs; o++, at += plane) sum = T.FusedMultiplyAdd(column[o], s[at], sum);
        }

        return sum;
    }

    /// <summary>
    /// y = W·x (+ the bias when <paramref name="withBias"/>) for <paramref name="batch"/> samples, by the layer's own forward
    /// kernel (overwrites <paramref name="y"/>); <paramref name="scratch"/> is a workspace's scratch for at least that batch.
    /// </summary>
    public void Apply(ReadOnlySpan<T> x, Span<T> y, int batch, bool withBias, Span<T> scratch)
    {
        var bias = withBias ? _bias : default;
        if (_dense)
        {
            Kernels.DenseKernel.Forward<T>(x, _weights, bias, y, batch, _inputWidth, _outputChannels);
            return;
        }

        Kernels.Conv2dKernel.Forward<T>(x, _weights, bias, y, scratch, batch, InputChannels, _inputHeight, _inputWidth, _outputChannels, _kernel, _stride, _padding);
    }

    private int InputChannels => _weights.Length / (_outputChannels * _kernel * _kernel);

    /// <summary>
    /// dx = Wᵀ·dy for <paramref name="batch"/> rows at once (overwrites <paramref name="dx"/>), by the layer's own backward
    /// kernel; <paramref name="scratch"/> is a workspace's scratch for at least that batch.
    /// </summary>
    public void Transpose(ReadOnlySpan<T> dy, Span<T> dx, int batch, Span<T> scratch)
    {
        dx.Clear(); // the kernels add into dx
        // The kernels read their input x only for the weight gradient, which is not asked for: dx stands in for it.
        if (_dense)
        {
            Kernels.DenseKernel.Backward<T>(dx, _weights, dy, dx, default, default, batch, _inputWidth, _outputChannels);
            return;
        }

        Kernels.Conv2dKernel.Backward<T>(dx, _weights, dy, dx, default, default, scratch, batch, InputChannels, _inputHeight, _inputWidth, _outputChannels, _kernel, _stride, _padding);
    }

    /// <summary>
    /// <see cref="Gather"/> for 16 float output channels (FashionCnn's conv2): per tap two 8-lane gathers of the channels'
    /// values (a plane apart) and two fused multiply-adds with the tap's column, instead of 16 scalar products. It walks
    /// the taps itself rather than through <see cref="Taps"/>: it runs a few times per step, and the list costs a sixth.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe T GatherSixteen(int j, ReadOnlySpan<T> s)
    {
        int plane = _outputHeight * _outputWidth;
        var (c, y, x) = Decode(j);
        var offsets = Vector256.CreateSequence(0, plane);
        var low = Vector256<float>.Zero;
        var high = Vector256<float>.Zero;
        fixed (T* ps = s)
        fixed (T* pc = _columns)
        {
            float* values = (float*)ps, columns = (float*)pc;
            for (int ky = 0; ky < _kernel; ky++)
            {
                int oy = OutputIndex(y, ky, _outputHeight);
                if (oy < 0) continue;
                for (int kx = 0; kx < _kernel; kx++)
                {
                    int ox = OutputIndex(x, kx, _outputWidth);
                    if (ox < 0) continue;
                    float* column = columns + ((c * _kernel + ky) * _kernel + kx) * 16;
                    float* at = values + oy * _outputWidth + ox;
                    low = Vector256.FusedMultiplyAdd(Vector256.Load(column), Avx2.GatherVector256(at, offsets, 4), low);
                    high = Vector256.FusedMultiplyAdd(Vector256.Load(column + 8), Avx2.GatherVector256(at + 8 * plane, offsets, 4), high);
                }
            }
        }

        return T.CreateTruncating(Vector256.Sum(low + high));
    }

    /// <summary>
    /// <see cref="Scatter(int, T, T, Span{T}, Span{T})"/> on row segments: per kernel row and out channel one 4-lane
    /// multiply-add into each map, the lanes the kernel does not reach adding zero (du and dv are finite), instead of a
    /// scalar product per tap. Each output the kernel reaches gets the same fused multiply-add as tap by tap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void ScatterSegments(int j, float du, float dv, float* u, float* v)
    {
        var (c, y, x) = Decode(j);
        int outs = _outputChannels, plane = _outputHeight * _outputWidth;
        var a = Vector128.Create(du);
        var b = Vector128.Create(dv);
        fixed (float* segments = _segments)
        {
            for (int ky = 0; ky < _kernel; ky++)
            {
                if (!SegmentRow(c, y, x, ky, out int group, out int output)) continue;
                float* w = segments + group;
                float* pu = u + output, pv = v + output;
                for (int o = 0; o < outs; o++, w += SegmentWidth, pu += plane, pv += plane)
                {
                    var weights = Vector128.Load(w);
                    Vector128.FusedMultiplyAdd(weights, a, Vector128.Load(pu)).Store(pu);
                    Vector128.FusedMultiplyAdd(weights, b, Vector128.Load(pv)).Store(pv);
                }
            }
        }
    }

    /// <summary><see cref="ScatterSegments(int, float, float, float*, float*)"/> into one map.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void ScatterSegments(int j, float du, float* u)
    {
        var (c, y, x) = Decode(j);
        int outs = _outputChannels, plane = _outputHeight * _outputWidth;
        var a = Vector128.Create(du);
        fixed (float* segments = _segments)
        {
            for (int ky = 0; ky < _kernel; ky++)
            {
                if (!SegmentRow(c, y, x, ky, out int group, out int output)) continue;
                float* w = segments + group;
                float* pu = u + output;
                for (int o = 0; o < outs; o++, w += SegmentWidth, pu += plane)
                {
                    Vector128.FusedMultiplyAdd(Vector128.Load(w), a, Vector128.Load(pu)).Store(pu);
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Gather"/> on row segments: the products of each kernel row and out channel's 4 weights with its
    /// segment of s, summed in four lanes. Not finite when s is not finite somewhere in a segment, even off the taps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe float GatherSegments(int j, ReadOnlySpan<T> s)
    {
        var (c, y, x) = Decode(j);
        int outs = _outputChannels, plane = _outputHeight * _outputWidth;
        var sum = Vector128<float>.Zero;
        fixed (T* ps = s)
        fixed (float* segments = _segments)
        {
            for (int ky = 0; ky < _kernel; ky++)
            {
                if (!SegmentRow(c, y, x, ky, out int group, out int output)) continue;
                float* w = segments + group;
                float* at = (float*)ps + output;
                for (int o = 0; o < outs; o++, w += SegmentWidth, at += plane)
                {
                    sum = Vector128.FusedMultiplyAdd(Vector128.Load(w), Vector128.Load(at), sum);
                }
            }
        }

        return Vector128.Sum(sum);
    }

    /// <summary>
    /// Kernel row <paramref name="ky"/> of input element (c, y, x) on row segments: where its 4-weight groups start in
    /// the segment table (one per out channel, in <see cref="FillSegments"/>'s order) and where its segment starts in an
    /// output plane; false when the row falls outside the output.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool SegmentRow(int c, int y, int x, int ky, out int weights, out int output)
    {
        int oy = OutputIndex(y, ky, _outputHeight), start = SegmentStart(x);
        weights = ((c * _kernel + ky) * _shifts + x - start) * _outputChannels * SegmentWidth;
        output = oy * _outputWidth + start;
        return oy >= 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (int C, int Y, int X) Decode(int j)
    {
        int plane = _inputHeight * _inputWidth;
        int c = j / plane, rest = j - c * plane;
        int y = rest / _inputWidth;
        return (c, y, rest - y * _inputWidth);
    }

    /// <summary>The output row (or column) that reads input row <paramref name="position"/> at kernel tap <paramref name="tap"/>, or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int OutputIndex(int position, int tap, int outputs)
    {
        int scaled = position + _padding - tap;
        if (scaled < 0) return -1;
        if (_stride != 1)
        {
            if (scaled % _stride != 0) return -1;
            scaled /= _stride;
        }

        return scaled < outputs ? scaled : -1;
    }
}
