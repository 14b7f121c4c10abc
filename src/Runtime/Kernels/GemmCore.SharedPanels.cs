namespace Axon.Kernels;

// A product split over the pool cuts one side (rows or columns) into pieces; every piece needs all of the other
// operand, and packing it once per piece repeated the work: a 167-row step of the MLP's 256 → 128 layer, cut into
// four row pieces, packed the transposed weight four times; the 784 → 256 layer at a batch of 64, cut by columns,
// transposed its 64 × 784 input four times. With the tall tile the calling thread packs that whole operand once, into
// its own buffer, before the pieces start, and the pieces read the panels from there.
internal static unsafe partial class GemmCore<T>
{
    /// <summary>Largest operand, in elements, packed once for all pieces (1 MB of floats); larger ones are packed per piece.</summary>
    private const int SharedCapacity = 1 << 18;

    /// <summary>
    /// An operand packed once for every piece of a split product, in the tall tile's panel layout, depth block by depth
    /// block: block pc holds the panels of all lanes, <see cref="AWidth"/> (or <see cref="BWidth"/>) lanes wide, each
    /// kCur deep, at offset pc·width; lane l's panel starts l·kCur further. Null pointers: not shared.
    /// </summary>
    internal readonly struct SharedPanels(T* a, int aWidth, T* b, int bWidth)
    {
        public T* A { get; } = a;
        public int AWidth { get; } = aWidth;
        public T* B { get; } = b;
        public int BWidth { get; } = bWidth;
    }

    /// <summary>
    /// Packs the operand that every piece needs (all of A when the columns are split, all of B when the rows are) into
    /// the calling thread's shared buffer, when the tall tile runs and it fits; otherwise returns none.
    /// </summary>
    private static SharedPanels PackShared<TA, TB>(TA a, TB b, int m, int n, int k, bool splitColumns)
        where TA : struct, IPanelSource<T>
        where TB : struct, IPanelSource<T>
    {
        if (!UseTall) return default;
        int lanes = splitColumns ? m : n;
        int unit = splitColumns ? TallMR : TallNR;
        int width = (lanes + unit - 1) / unit * unit;
        if ((long)width * k > SharedCapacity) return default;

        T* buffer = SharedBuffer<T>.Get(SharedCapacity);
        for (int pc = 0; pc < k; pc += KC)
        {
            int kCur = Math.Min(KC, k - pc);
            T* block = buffer + (long)pc * width;
            for (int l = 0; l < lanes; l += unit)
            {
                if (splitColumns) a.Pack(block + (long)l * kCur, l, Math.Min(unit, lanes - l), pc, kCur, unit);
                else b.Pack(block + (long)l * kCur, l, Math.Min(unit, lanes - l), pc, kCur, unit);
            }
        }

        return splitColumns ? new SharedPanels(buffer, width, null, 0) : new SharedPanels(null, 0, buffer, width);
    }
}

/// <summary>
/// The calling thread's buffer for operands packed once for all pieces of a split product (see
/// <c>GemmCore.SharedPanels.cs</c>): pinned, 64-byte aligned, made at full size on the thread's first split product,
/// then reused, so no later product allocates. Separate from <see cref="PackBuffer{T}"/>, which the same thread uses
/// for its own piece while the other pieces read this one.
/// </summary>
internal static unsafe class SharedBuffer<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? t_array;
    [ThreadStatic] private static nint t_aligned;

    public static T* Get(int elements)
    {
        const int Align = 64;
        T[]? array = t_array;
        if (array is null || array.Length < elements + Align / sizeof(T))
        {
            array = GC.AllocateUninitializedArray<T>(elements + Align / sizeof(T), pinned: true);
            t_array = array;
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            t_aligned = (address + Align - 1) & ~(nint)(Align - 1);
        }

        return (T*)t_aligned;
    }
}
