namespace Axon.Gpu;

/// <summary>
/// The model-independent kernels of the GPU path backend: filling rows from resident inputs and baselines, masking
/// directions, and the per-input reductions. Rows of one input are contiguous (the attributor orders rows path by
/// path), so a reduction runs one thread per (segment of same-input rows, value) and needs no atomics.
/// </summary>
internal static class RowKernels<T> where T : unmanaged, INumber<T>
{
    /// <summary>point = x′ + α(x − x′) into the input node, direction = x − x′; thread per (row, value).</summary>
    public static void Fill(Index1D index, ArrayView<T> points, ArrayView<T> directions, ArrayView<T> inputs, ArrayView<T> baselines, ArrayView<int> rowInput, ArrayView<int> rowBaseline, ArrayView<T> rowAlpha, int width)
    {
        int r = index / width, j = index - r * width;
        T x = inputs[rowInput[r] * width + j];
        int baseline = rowBaseline[r];
        T reference = baseline >= 0 ? baselines[baseline * width + j] : T.Zero;
        T d = x - reference;
        directions[index] = d;
        points[index] = reference + rowAlpha[r] * d;
    }

    /// <summary>target = source ⊙ mask, with the mask repeating every <paramref name="width"/> values.</summary>
    public static void Mask(Index1D index, ArrayView<T> source, ArrayView<T> mask, ArrayView<T> target, int width) =>
        target[index] = source[index] * mask[index - (index / width) * width];

    /// <summary>result[input][offset + j] += Σ_{r ∈ segment} a_r[j]·b_r[j]; thread per (segment, j).</summary>
    public static void Product(Index1D index, ArrayView<T> a, ArrayView<T> b, ArrayView<int> segments, ArrayView<T> result, ProductShape shape)
    {
        int s = index / shape.Width, j = index - s * shape.Width;
        int first = segments[3 * s], end = segments[3 * s + 1], input = segments[3 * s + 2];
        T sum = T.Zero;
        for (int r = first; r < end; r++)
        {
            T left = shape.AIsOne != 0 ? T.One : a[r * shape.Width + j];
            sum += left * b[r * shape.Width + j];
        }

        result[input * shape.ResultSize + shape.Offset + j] += sum;
    }

    /// <summary>rowValue[r] = (weighted ? w_r : 1)·Σⱼ a_r[j]·b_r[j]; thread per row.</summary>
    public static void RowDot(Index1D r, ArrayView<T> a, ArrayView<T> b, ArrayView<T> rowWeight, ArrayView<T> rowValue, int width, int weighted)
    {
        T sum = T.Zero;
        for (int j = 0; j < width; j++) sum += a[r * width + j] * b[r * width + j];
        rowValue[r] = weighted != 0 ? rowWeight[r] * sum : sum;
    }

    /// <summary>pathSums[input] += Σ_{r ∈ segment} rowValue[r]; thread per segment.</summary>
    public static void SegmentSum(Index1D s, ArrayView<T> rowValue, ArrayView<int> segments, ArrayView<T> pathSums)
    {
        T sum = T.Zero;
        for (int r = segments[3 * s]; r < segments[3 * s + 1]; r++) sum += rowValue[r];
        pathSums[segments[3 * s + 2]] += sum;
    }

    /// <summary>
    /// Shrikumar's difference form: result[input][offset + j] += Σ_r slope_r[j]·(y_r[j] − y_{r−1}[j]) over the
    /// segment's rows with step &gt; 0; row −1 is the carry of the previous chunk. Thread per (segment, j).
    /// </summary>
    public static void Differences(Index1D index, ArrayView<T> y, ArrayView<T> g, ArrayView<T> carry, ArrayView<int> segments, ArrayView<int> rowStep, ArrayView<T> result, DifferenceShape shape)
    {
        int w = shape.Width;
        int s = index / w, j = index - s * w;
        int first = segments[3 * s], end = segments[3 * s + 1], input = segments[3 * s + 2];
        T sum = T.Zero;
        T two = T.One + T.One;
        for (int r = first; r < end; r++)
        {
            if (rowStep[r] == 0) continue;
            T previousY = r > 0 ? y[(r - 1) * w + j] : carry[j];
            T previousG = r > 0 ? g[(r - 1) * w + j] : carry[w + j];
            T current = g[r * w + j];
            T slope = shape.Rule == 0 ? previousG : shape.Rule == 1 ? current : (previousG + current) / two;
            sum += slope * (y[r * w + j] - previousY);
        }

        result[input * shape.ResultSize + shape.Offset + j] += sum;
    }

    /// <summary>carry = (y, g) of the chunk's last row.</summary>
    public static void Carry(Index1D j, ArrayView<T> y, ArrayView<T> g, ArrayView<T> carry, int lastRow, int width)
    {
        carry[j] = y[lastRow * width + j];
        carry[width + j] = g[lastRow * width + j];
    }
}

/// <summary>Sizes of a <see cref="RowKernels{T}.Product"/> launch.</summary>
internal struct ProductShape
{
    public int Width;
    public int ResultSize;
    public int Offset;
    public int AIsOne; // 1: the left factor is 1 (kernel arguments must be blittable: no bool)
}

/// <summary>Sizes of a <see cref="RowKernels{T}.Differences"/> launch; Rule 0 left, 1 right, 2 trapezoid.</summary>
internal struct DifferenceShape
{
    public int Width;
    public int ResultSize;
    public int Offset;
    public int Rule;
}
