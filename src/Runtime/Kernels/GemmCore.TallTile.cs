using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>Switches of the matrix product, for side-by-side timing in one process.</summary>
internal static class GemmSwitch
{
    /// <summary>
    /// On (the default): with AVX-512 the packed product uses the 12 × 2-vector tile of
    /// <see cref="GemmCore{T}"/>; off, the 4 × 3-vector tile that every other vector width uses.
    /// </summary>
    public static bool Tall = true;
}

// The packed product's AVX-512 form: a 12 × 2-vector register tile (12 × 32 floats, 12 × 16 doubles). With 32 vector
// registers it keeps 24 accumulators, and per step of depth does 2 loads of B, 12 broadcasts of A and 24 FMAs, where
// the 4 × 3 tile does 3 loads and 4 broadcasts per 12 FMAs. Its width, 2 vectors, divides the widths of the layers it
// serves (128, 256 and 384 columns, the 32 of an attention head), so no tile runs half empty; a column remainder of
// one vector has a 12 × 1 kernel, a row remainder a 4 × 2-vector kernel, anything else goes through the scratch tile. A panels of 12 rows pack as an 8 × 8
// and a 4 × 8 register transpose per 8 depth steps (PanelSources.cs).
internal static unsafe partial class GemmCore<T>
{
    /// <summary>Rows of the AVX-512 register tile.</summary>
    private const int TallMR = 12;

    /// <summary>Vectors per row of the AVX-512 register tile.</summary>
    private const int TallNV = 2;

    /// <summary>Rows of A packed at once with the tall tile: a multiple of its 12 rows, about 144 KB of floats at KC.</summary>
    private const int TallMC = 12 * TallMR;

    /// <summary>Whether the packed product uses the tall AVX-512 tile for this element type.</summary>
    private static bool UseTall => GemmSwitch.Tall && Vector512.IsHardwareAccelerated && Simd.IsVectorizable<T>();

    /// <summary>Rows of the register tile in use: the unit in which the product's rows are split over threads.</summary>
    private static int TileRows => UseTall ? TallMR : MR;

    /// <summary>Columns of the register tile in use.</summary>
    private static int TileColumns => UseTall ? TallNR : NR;

    /// <summary>Columns of the tall tile: 2 vectors of 512 bits (for an element type with no vector form, where it never runs, 2).</summary>
    private static int TallNR => TallNV * (Simd.IsVectorizable<T>() ? Vector512<T>.Count : 1);

    private static int TallNC => Math.Max(TallNR, PackedBBytes / (KC * sizeof(T)) / TallNR * TallNR);

    /// <summary>
    /// Elements of the per-thread packing buffer, the same for both tiles (B block, A block, scratch tile), so that
    /// switching tiles never grows the buffer, which would allocate.
    /// </summary>
    private static int PackElements => Math.Max(KC * NC + KC * MC + MR * NR, KC * TallNC + KC * TallMC + TallMR * TallNR);

    /// <summary>The packed algorithm with the 12 × 2-vector tile on rows [i0, i1) and columns [j0, j1) of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BlockedTall<TA, TB>(TA a, TB b, int i0, int i1, int j0, int j1, int k, T* c, int ldc, bool accumulate, SharedPanels shared)
        where TA : struct, IPanelSource<T>
        where TB : struct, IPanelSource<T>
    {
        int w = Vector512<T>.Count;
        int nr = TallNV * w;
        int nc = TallNC;
        int kc = Math.Min(KC, k);
        T* packedB = PackBuffer<T>.Get(PackElements, out T* packedA, kc * nc, out T* tile, kc * nc + kc * TallMC);
        for (int jc = j0; jc < j1; jc += nc)
        {
            int nCur = Math.Min(nc, j1 - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kCur = Math.Min(KC, k - pc);
                bool load = accumulate || pc > 0;
                T* blockB = packedB;
                if (shared.B != null) blockB = shared.B + (long)pc * shared.BWidth + (long)jc * kCur;
                else
                {
                    for (int jr = 0; jr < nCur; jr += nr)
                        b.Pack(blockB + (long)jr * kCur, jc + jr, Math.Min(nr, nCur - jr), pc, kCur, nr);
                }

                for (int ic = i0; ic < i1; ic += TallMC)
                {
                    int mCur = Math.Min(TallMC, i1 - ic);
                    T* blockA = packedA;
                    if (shared.A != null) blockA = shared.A + (long)pc * shared.AWidth + (long)ic * kCur;
                    else
                    {
                        for (int ir = 0; ir < mCur; ir += TallMR)
                            a.Pack(blockA + (long)ir * kCur, ic + ir, Math.Min(TallMR, mCur - ir), pc, kCur, TallMR);
                    }

                    for (int ir = 0; ir < mCur; ir += TallMR)
                    {
                        int rows = Math.Min(TallMR, mCur - ir);
                        T* aPanel = blockA + (long)ir * kCur;
                        T* cRow = c + (long)(ic + ir) * ldc + jc;
                        for (int jr = 0; jr < nCur; jr += nr)
                        {
                            int cols = Math.Min(nr, nCur - jr);
                            T* bPanel = blockB + (long)jr * kCur;
                            if (rows == TallMR && cols == nr) Tall2(aPanel, bPanel, kCur, cRow + jr, ldc, load);
                            else if (rows == TallMR && cols == w) Tall1(aPanel, bPanel, kCur, nr, cRow + jr, ldc, load);
                            else if (cols == nr)
                            {
                                // The last rows of a product (4 of a batch of 64): 4 rows at a time, straight into C,
                                // rather than a whole tile through the scratch tile.
                                for (int r0 = 0; r0 < rows; r0 += 4)
                                    Part2(aPanel + r0, bPanel, kCur, Math.Min(4, rows - r0), cRow + jr + (long)r0 * ldc, ldc, load);
                            }
                            else
                            {
                                // A part tile: whole vectors into the scratch tile, then the rows and columns that exist.
                                if (cols <= w) Tall1(aPanel, bPanel, kCur, nr, tile, nr, false);
                                else Tall2(aPanel, bPanel, kCur, tile, nr, false);
                                AddTile(tile, nr, cRow + jr, ldc, rows, cols, load);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// C[12 × 2W] (+)= Apanel[k × 12]ᵀ · Bpanel[k × 2W]: 24 vector accumulators, two loads of B and twelve
    /// broadcasts of A per step of k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tall2(T* a, T* b, int k, T* c, int ldc, bool load)
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<T> c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (int p = 0; p < k; p++)
        {
            Vector512<T> b0 = Vector512.Load(b), b1 = Vector512.Load(b + w);
            Vector512<T> av = Vector512.Create(a[0]);
            c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Fma(av, b0, c60); c61 = Fma(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Fma(av, b0, c70); c71 = Fma(av, b1, c71);
            av = Vector512.Create(a[8]);
            c80 = Fma(av, b0, c80); c81 = Fma(av, b1, c81);
            av = Vector512.Create(a[9]);
            c90 = Fma(av, b0, c90); c91 = Fma(av, b1, c91);
            av = Vector512.Create(a[10]);
            ca0 = Fma(av, b0, ca0); ca1 = Fma(av, b1, ca1);
            av = Vector512.Create(a[11]);
            cb0 = Fma(av, b0, cb0); cb1 = Fma(av, b1, cb1);
            a += TallMR;
            b += 2 * w;
        }

        Store2(c, w, load, c00, c01);
        Store2(c + ldc, w, load, c10, c11);
        Store2(c + 2L * ldc, w, load, c20, c21);
        Store2(c + 3L * ldc, w, load, c30, c31);
        Store2(c + 4L * ldc, w, load, c40, c41);
        Store2(c + 5L * ldc, w, load, c50, c51);
        Store2(c + 6L * ldc, w, load, c60, c61);
        Store2(c + 7L * ldc, w, load, c70, c71);
        Store2(c + 8L * ldc, w, load, c80, c81);
        Store2(c + 9L * ldc, w, load, c90, c91);
        Store2(c + 10L * ldc, w, load, ca0, ca1);
        Store2(c + 11L * ldc, w, load, cb0, cb1);
    }

    /// <summary>
    /// C[rows × 2W] (+)= rows ≤ 4 consecutive lanes of a 12-lane A panel (from <paramref name="a"/>, 12 apart per step
    /// of k) times a B panel: 8 accumulators; the lanes past <paramref name="rows"/> are computed and dropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Part2(T* a, T* b, int k, int rows, T* c, int ldc, bool load)
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<T> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < k; p++)
        {
            Vector512<T> b0 = Vector512.Load(b), b1 = Vector512.Load(b + w);
            Vector512<T> av = Vector512.Create(a[0]);
            c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31);
            a += TallMR;
            b += 2 * w;
        }

        Store2(c, w, load, c00, c01);
        if (rows > 1) Store2(c + ldc, w, load, c10, c11);
        if (rows > 2) Store2(c + 2L * ldc, w, load, c20, c21);
        if (rows > 3) Store2(c + 3L * ldc, w, load, c30, c31);
    }

    /// <summary>C[12 × W] (+)= Apanel[k × 12]ᵀ · the first vector of each row of a B panel <paramref name="bStride"/> wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tall1(T* a, T* b, int k, int bStride, T* c, int ldc, bool load)
    {
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<T> c6 = default, c7 = default, c8 = default, c9 = default, ca = default, cb = default;
        for (int p = 0; p < k; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            c0 = Fma(Vector512.Create(a[0]), b0, c0);
            c1 = Fma(Vector512.Create(a[1]), b0, c1);
            c2 = Fma(Vector512.Create(a[2]), b0, c2);
            c3 = Fma(Vector512.Create(a[3]), b0, c3);
            c4 = Fma(Vector512.Create(a[4]), b0, c4);
            c5 = Fma(Vector512.Create(a[5]), b0, c5);
            c6 = Fma(Vector512.Create(a[6]), b0, c6);
            c7 = Fma(Vector512.Create(a[7]), b0, c7);
            c8 = Fma(Vector512.Create(a[8]), b0, c8);
            c9 = Fma(Vector512.Create(a[9]), b0, c9);
            ca = Fma(Vector512.Create(a[10]), b0, ca);
            cb = Fma(Vector512.Create(a[11]), b0, cb);
            a += TallMR;
            b += bStride;
        }

        Store1(c, load, c0);
        Store1(c + ldc, load, c1);
        Store1(c + 2L * ldc, load, c2);
        Store1(c + 3L * ldc, load, c3);
        Store1(c + 4L * ldc, load, c4);
        Store1(c + 5L * ldc, load, c5);
        Store1(c + 6L * ldc, load, c6);
        Store1(c + 7L * ldc, load, c7);
        Store1(c + 8L * ldc, load, c8);
        Store1(c + 9L * ldc, load, c9);
        Store1(c + 10L * ldc, load, ca);
        Store1(c + 11L * ldc, load, cb);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c) => Simd512<T>.MultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(T* c, int w, bool load, Vector512<T> v0, Vector512<T> v1)
    {
        if (load)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + w);
        }

        v0.Store(c);
        v1.Store(c + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store1(T* c, bool load, Vector512<T> v)
    {
        if (load) v += Vector512.Load(c);
        v.Store(c);
    }
}
