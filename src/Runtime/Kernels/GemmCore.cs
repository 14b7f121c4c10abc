using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>
/// The matrix-product engine behind <see cref="Gemm"/> and the layer kernels: C[m×n] (+)= op(A)·op(B) with
/// row-major C (leading dimension <c>ldc</c>). Two algorithms:
/// <list type="bullet">
/// <item>packed and cache-blocked (BLIS style): blocks of op(B) and op(A) are packed into panels that a
/// register-tiled micro-kernel streams with FMAs: 12 × 2 vectors with AVX-512 (GemmCore.TallTile.cs), 4 × 3
/// vectors otherwise;</item>
/// <item>dot products, for A·Bᵀ with both operands contiguous along a long k and a small m×n (the weight
/// gradient of a convolution): no packing, 4 × 3 rows at a time, vectorised along k.</item>
/// </list>
/// Big products are split over the <see cref="ComputePool"/> by row or column ranges (the longer side) aligned to the
/// register tiles; each thread packs into its own buffers, and every output is summed in the same order however the
/// work is split, so the results do not depend on the number of threads.
/// </summary>
internal static unsafe partial class GemmCore<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows of the register tile.</summary>
    public const int MR = 4;

    /// <summary>Vectors per row of the register tile.</summary>
    public const int NV = 3;

    /// <summary>Depth of one packed block (k).</summary>
    private const int KC = 256;

    /// <summary>Rows of A packed at once.</summary>
    private const int MC = 128;

    /// <summary>Bytes of one packed B block (KC × NC), sized for the L2 cache.</summary>
    private const int PackedBBytes = 384 * 1024;

    /// <summary>Products with fewer multiply-adds than this stay on the calling thread.</summary>
    public const long ParallelThreshold = ComputePool.ParallelThreshold;

    private static int Width => Simd.Width<T>();

    private static int NR => NV * Width;

    private static int NC => Math.Max(NR, PackedBBytes / (KC * sizeof(T)) / NR * NR);

    /// <summary>C (+)= op(A)·op(B) for dense row-major operands (leading dimensions = logical widths).</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, T* a, T* b, T* c, int ldc, bool accumulate, bool parallel)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) ClearRows(c, m, n, ldc);
            return;
        }

        if (!transA && transB && PreferDotProducts(m, n, k))
        {
            DotProducts(a, b, m, n, k, c, ldc, accumulate, parallel);
            return;
        }

        var sourceA = transA ? new StridedSource<T>(a, 1, m) : new StridedSource<T>(a, k, 1);
        var sourceB = transB ? new StridedSource<T>(b, k, 1) : new StridedSource<T>(b, 1, n);
        Run(sourceA, sourceB, m, n, k, c, ldc, accumulate, parallel);
    }

    /// <summary>C (+)= op(A)·op(B) for operands given as panel sources (any storage a source can pack from).</summary>
    public static void Run<TA, TB>(TA a, TB b, int m, int n, int k, T* c, int ldc, bool accumulate, bool parallel)
        where TA : struct, IPanelSource<T>
        where TB : struct, IPanelSource<T>
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) ClearRows(c, m, n, ldc);
            return;
        }

        int tasks = parallel && (long)m * n * k >= ParallelThreshold ? ComputePool.Concurrency : 1;
        if (tasks > 1)
        {
            // Each piece packs all of the operand that is not split, so split the longer side: the packing then
            // copies less (split by rows, a 128 × 384 weight gradient over k = 4096 packs its 4096 × 384 B in each of the
            // four pieces). The pieces are as even as the tiles allow: whole tiles,
            // ⌊i·units / pieces⌋ apart (a 256-wide product cut into chunks of two 48-column tiles gave pieces of 96,
            // 96 and 64 columns to two threads).
            bool splitColumns = n >= m;
            int unit = splitColumns ? TileColumns : TileRows;
            int extent = splitColumns ? n : m;
            int units = (extent + unit - 1) / unit;
            // A couple of pieces per thread so a thread slowed by other load does not hold up the rest.
            int pieces = Math.Min(units, 2 * tasks);
            if (pieces > 1)
            {
                var work = new BlockedWork<TA, TB>
                {
                    A = a, B = b, M = m, N = n, K = k, C = c, Ldc = ldc, Accumulate = accumulate,
                    SplitColumns = splitColumns, Unit = unit, Units = units, Pieces = pieces, Extent = extent,
                    Shared = PackShared(a, b, m, n, k, splitColumns),
                };
                ComputePool.For(pieces, ref work);
                return;
            }
        }

        Blocked(a, b, 0, m, 0, n, k, c, ldc, accumulate);
    }

    private struct BlockedWork<TA, TB> : IParallelWork
        where TA : struct, IPanelSource<T>
        where TB : struct, IPanelSource<T>
    {
        public TA A;
        public TB B;
        public int M, N, K, Ldc, Unit, Units, Pieces, Extent;
        public T* C;
        public SharedPanels Shared;
        public bool Accumulate, SplitColumns;

        /// <summary>Piece <paramref name="index"/>: tiles [index·units / pieces, (index + 1)·units / pieces).</summary>
        public readonly void Invoke(int index)
        {
            int start = (int)((long)index * Units / Pieces) * Unit;
            int end = Math.Min(Extent, (int)((long)(index + 1) * Units / Pieces) * Unit);
            if (SplitColumns) Blocked(A, B, 0, M, start, end, K, C, Ldc, Accumulate, Shared);
            else Blocked(A, B, start, end, 0, N, K, C, Ldc, Accumulate, Shared);
        }
    }

    /// <summary>The packed algorithm on rows [i0, i1) and columns [j0, j1) of C, on the calling thread.</summary>
    private static void Blocked<TA, TB>(TA a, TB b, int i0, int i1, int j0, int j1, int k, T* c, int ldc, bool accumulate, SharedPanels shared = default)
        where TA : struct, IPanelSource<T>
        where TB : struct, IPanelSource<T>
    {
        if (UseTall) { BlockedTall(a, b, i0, i1, j0, j1, k, c, ldc, accumulate, shared); return; }
        if (Simd.IsVectorizable<T>())
        {
            if (Vector512.IsHardwareAccelerated) { Blocked<Vector512<T>, Simd512<T>, TA, TB>(a, b, i0, i1, j0, j1, k, c, ldc, accumulate); return; }
            if (Vector256.IsHardwareAccelerated) { Blocked<Vector256<T>, Simd256<T>, TA, TB>(a, b, i0, i1, j0, j1, k, c, ldc, accumulate); return; }
            if (Vector128.IsHardwareAccelerated) { Blocked<Vector128<T>, Simd128<T>, TA, TB>(a, b, i0, i1, j0, j1, k, c, ldc, accumulate); return; }
        }

        Blocked<T, ScalarSimd<T>, TA, TB>(a, b, i0, i1, j0, j1, k, c, ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked<TVec, TS, TA, TB>(TA a, TB b, int i0, int i1, int j0, int j1, int k, T* c, int ldc, bool accumulate)
        where TVec : struct
        where TS : ISimd<TVec, T>
        where TA : struct, IPanelSource<T>
        where TB : struct, IPanelSource<T>
    {
        int nr = NV * TS.Count;
        int nc = NC;
        int kc = Math.Min(KC, k);

        // The buffer is taken at the size of the deepest block (KC), whatever this product's k and for either tile:
        // sized to k, a thread that first meets a shallow product (a 3×3 convolution on one channel) would grow it,
        // and allocate, the first time a deeper one lands on it — which, with the pool's work split by timing, can be
        // any later call.
        T* packedB = PackBuffer<T>.Get(PackElements, out T* packedA, kc * nc, out T* tile, kc * nc + kc * MC);
        for (int jc = j0; jc < j1; jc += nc)
        {
            int nCur = Math.Min(nc, j1 - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kCur = Math.Min(KC, k - pc);
                bool load = accumulate || pc > 0;
                for (int jr = 0; jr < nCur; jr += nr)
                    b.Pack(packedB + (long)jr * kCur, jc + jr, Math.Min(nr, nCur - jr), pc, kCur, nr);

                for (int ic = i0; ic < i1; ic += MC)
                {
                    int mCur = Math.Min(MC, i1 - ic);
                    for (int ir = 0; ir < mCur; ir += MR)
                        a.Pack(packedA + (long)ir * kCur, ic + ir, Math.Min(MR, mCur - ir), pc, kCur, MR);

                    for (int ir = 0; ir < mCur; ir += MR)
                    {
                        int rows = Math.Min(MR, mCur - ir);
                        T* aPanel = packedA + (long)ir * kCur;
                        T* cRow = c + (long)(ic + ir) * ldc + jc;
                        for (int jr = 0; jr < nCur; jr += nr)
                        {
                            int cols = Math.Min(nr, nCur - jr);
                            T* bPanel = packedB + (long)jr * kCur;
                            if (rows == MR && cols == nr)
                            {
                                MicroKernel<TVec, TS>(aPanel, bPanel, kCur, cRow + jr, ldc, load);
                            }
                            else if (cols <= TS.Count)
                            {
                                // A last sliver of columns: one vector per row instead of a mostly empty full tile.
                                if (rows == MR && cols == TS.Count) NarrowKernel<TVec, TS>(aPanel, bPanel, kCur, nr, cRow + jr, ldc, load);
                                else
                                {
                                    NarrowKernel<TVec, TS>(aPanel, bPanel, kCur, nr, tile, nr, false);
                                    AddTile(tile, nr, cRow + jr, ldc, rows, cols, load);
                                }
                            }
                            else
                            {
                                MicroKernel<TVec, TS>(aPanel, bPanel, kCur, tile, nr, false);
                                AddTile(tile, nr, cRow + jr, ldc, rows, cols, load);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// C[4 × 3W] (+)= Apanel[k × 4]ᵀ · Bpanel[k × 3W]: twelve vector accumulators, one broadcast of A and three
    /// loads of B per step of k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel<TVec, TS>(T* a, T* b, int k, T* c, int ldc, bool load)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int w = TS.Count;
        TVec c00 = TS.Zero, c01 = TS.Zero, c02 = TS.Zero;
        TVec c10 = TS.Zero, c11 = TS.Zero, c12 = TS.Zero;
        TVec c20 = TS.Zero, c21 = TS.Zero, c22 = TS.Zero;
        TVec c30 = TS.Zero, c31 = TS.Zero, c32 = TS.Zero;
        for (int p = 0; p < k; p++)
        {
            TVec b0 = TS.Load(b), b1 = TS.Load(b + w), b2 = TS.Load(b + 2 * w);
            TVec av = TS.Create(a[0]);
            c00 = TS.MultiplyAdd(av, b0, c00); c01 = TS.MultiplyAdd(av, b1, c01); c02 = TS.MultiplyAdd(av, b2, c02);
            av = TS.Create(a[1]);
            c10 = TS.MultiplyAdd(av, b0, c10); c11 = TS.MultiplyAdd(av, b1, c11); c12 = TS.MultiplyAdd(av, b2, c12);
            av = TS.Create(a[2]);
            c20 = TS.MultiplyAdd(av, b0, c20); c21 = TS.MultiplyAdd(av, b1, c21); c22 = TS.MultiplyAdd(av, b2, c22);
            av = TS.Create(a[3]);
            c30 = TS.MultiplyAdd(av, b0, c30); c31 = TS.MultiplyAdd(av, b1, c31); c32 = TS.MultiplyAdd(av, b2, c32);
            a += MR;
            b += NV * w;
        }

        StoreRow<TVec, TS>(c, w, load, c00, c01, c02);
        StoreRow<TVec, TS>(c + ldc, w, load, c10, c11, c12);
        StoreRow<TVec, TS>(c + 2 * (long)ldc, w, load, c20, c21, c22);
        StoreRow<TVec, TS>(c + 3 * (long)ldc, w, load, c30, c31, c32);
    }

    /// <summary>C[4 × W] (+)= Apanel[k × 4]ᵀ · the first vector of each row of a B panel <paramref name="bStride"/> wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowKernel<TVec, TS>(T* a, T* b, int k, int bStride, T* c, int ldc, bool load)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        TVec c0 = TS.Zero, c1 = TS.Zero, c2 = TS.Zero, c3 = TS.Zero;
        for (int p = 0; p < k; p++)
        {
            TVec b0 = TS.Load(b);
            c0 = TS.MultiplyAdd(TS.Create(a[0]), b0, c0);
            c1 = TS.MultiplyAdd(TS.Create(a[1]), b0, c1);
            c2 = TS.MultiplyAdd(TS.Create(a[2]), b0, c2);
            c3 = TS.MultiplyAdd(TS.Create(a[3]), b0, c3);
            a += MR;
            b += bStride;
        }

        if (load)
        {
            c0 = TS.Add(c0, TS.Load(c));
            c1 = TS.Add(c1, TS.Load(c + ldc));
            c2 = TS.Add(c2, TS.Load(c + 2L * ldc));
            c3 = TS.Add(c3, TS.Load(c + 3L * ldc));
        }

        TS.Store(c0, c);
        TS.Store(c1, c + ldc);
        TS.Store(c2, c + 2L * ldc);
        TS.Store(c3, c + 3L * ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TVec, TS>(T* c, int w, bool load, TVec v0, TVec v1, TVec v2)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        if (load)
        {
            v0 = TS.Add(v0, TS.Load(c));
            v1 = TS.Add(v1, TS.Load(c + w));
            v2 = TS.Add(v2, TS.Load(c + 2 * w));
        }

        TS.Store(v0, c);
        TS.Store(v1, c + w);
        TS.Store(v2, c + 2 * w);
    }

    private static void AddTile(T* tile, int tileStride, T* c, int ldc, int rows, int cols, bool load)
    {
        for (int r = 0; r < rows; r++)
        {
            T* from = tile + (long)r * tileStride;
            T* to = c + (long)r * ldc;
            if (load) { for (int j = 0; j < cols; j++) to[j] += from[j]; }
            else { for (int j = 0; j < cols; j++) to[j] = from[j]; }
        }
    }

    private static void ClearRows(T* c, int m, int n, int ldc)
    {
        for (int i = 0; i < m; i++) new Span<T>(c + (long)i * ldc, n).Clear();
    }

    /// <summary>
    /// True when C = A·Bᵀ is better done as m·n dot products along k: both operands are contiguous along k, so
    /// the rows stream straight from memory with no packing, at the price of one horizontal sum per output.
    /// Measured: worth it for long rows (k ≥ 32 vectors: dense layers), or for a few columns that would leave
    /// the packed tiles mostly empty (n &lt; 2 tiles: small convolution weight gradients); the packed product wins
    /// on wide, short products (64×288×196: 75 against 57 GFLOP/s). The tall AVX-512 tile takes long rows too
    /// when there are at least a tile of rows and two of columns (a dense layer's 784 → 256 at a batch of 64).
    /// </summary>
    private static bool PreferDotProducts(int m, int n, int k) =>
        UseTall
            ? k >= 8 * Width && (n < 2 * TileColumns || m < TallMR)
            : k >= 8 * Width && (k >= 32 * Width || n < 2 * NR);

    /// <summary>C[i,j] (+)= Σ_p A[i,p]·B[j,p] with A m×k and B n×k, both row-major.</summary>
    public static void DotProducts(T* a, T* b, int m, int n, int k, T* c, int ldc, bool accumulate, bool parallel) =>
        DotProducts(a, 0, b, 0, 1, m, n, k, c, ldc, accumulate, parallel);

    /// <summary>
    /// C[i,j] (+)= Σ_g Σ_p A_g[i,p]·B_g[j,p] over <paramref name="segments"/> pairs of row-major matrices
    /// A_g = a + g·<paramref name="segmentA"/> (m×k) and B_g = b + g·<paramref name="segmentB"/> (n×k): a sum of
    /// products, such as a weight gradient summed over samples, with one horizontal reduction per output.
    /// Each segment's rows must be followed in memory by the rest of the operand (the next row or segment),
    /// up to its last row: the kernel reads whole vectors past the end of a row and masks the extra lanes.
    /// </summary>
    public static void DotProducts(T* a, long segmentA, T* b, long segmentB, int segments, int m, int n, int k, T* c, int ldc, bool accumulate, bool parallel)
    {
        var work = new DotWork
        {
            A = a, B = b, SegmentA = segmentA, SegmentB = segmentB, Segments = segments,
            M = m, N = n, K = k, C = c, Ldc = ldc, Accumulate = accumulate,
        };
        int tasks = parallel && (long)m * n * k * segments >= ParallelThreshold ? ComputePool.Concurrency : 1;
        work.SplitColumns = n >= m;
        int unit = work.SplitColumns ? 3 : 4;
        int extent = work.SplitColumns ? n : m;
        int units = (extent + unit - 1) / unit;
        int pieces = Math.Clamp(2 * tasks, 1, units);
        work.Chunk = (units + pieces - 1) / pieces * unit;
        ComputePool.For((extent + work.Chunk - 1) / work.Chunk, ref work);
    }

    private struct DotWork : IParallelWork
    {
        public T* A, B, C;
        public long SegmentA, SegmentB;
        public int Segments, M, N, K, Ldc, Chunk;
        public bool Accumulate, SplitColumns;

        public readonly void Invoke(int index)
        {
            int start = index * Chunk;
            int i0 = SplitColumns ? 0 : start, i1 = SplitColumns ? M : Math.Min(M, start + Chunk);
            int j0 = SplitColumns ? start : 0, j1 = SplitColumns ? Math.Min(N, start + Chunk) : N;
            if (Simd.IsVectorizable<T>())
            {
                if (Vector512.IsHardwareAccelerated) { DotProducts<Vector512<T>, Simd512<T>>(this, i0, i1, j0, j1); return; }
                if (Vector256.IsHardwareAccelerated) { DotProducts<Vector256<T>, Simd256<T>>(this, i0, i1, j0, j1); return; }
                if (Vector128.IsHardwareAccelerated) { DotProducts<Vector128<T>, Simd128<T>>(this, i0, i1, j0, j1); return; }
            }

            DotProducts<T, ScalarSimd<T>>(this, i0, i1, j0, j1);
        }
    }

    /// <summary>Rows [i0, m) × columns [j0, n) of the product, in 4 × 3 tiles of vector dot products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotProducts<TVec, TS>(in DotWork d, int i0, int m, int j0, int n)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int w = TS.Count, k = d.K, rowsA = d.M, rowsB = d.N, segments = d.Segments, ldc = d.Ldc;
        int kv = k - k % w;
        long segmentA = d.SegmentA, segmentB = d.SegmentB;
        T* a = d.A, b = d.B, c = d.C;
        bool accumulate = d.Accumulate;
        T* tails = stackalloc T[12];
        TVec tailMask = TS.GreaterThan(TS.Create(T.CreateTruncating(k - kv)), TS.Indices);
        for (int i = i0; i < m; i += 4)
        {
            // Rows past the end repeat the last row; their results are dropped.
            long ra0 = (long)i * k, ra1 = (long)Math.Min(i + 1, rowsA - 1) * k;
            long ra2 = (long)Math.Min(i + 2, rowsA - 1) * k, ra3 = (long)Math.Min(i + 3, rowsA - 1) * k;
            int rows = Math.Min(4, m - i);
            for (int j = j0; j < n; j += 3)
            {
                long rb0 = (long)j * k, rb1 = (long)Math.Min(j + 1, rowsB - 1) * k, rb2 = (long)Math.Min(j + 2, rowsB - 1) * k;
                int cols = Math.Min(3, n - j);
                TVec s00 = TS.Zero, s01 = TS.Zero, s02 = TS.Zero;
                TVec s10 = TS.Zero, s11 = TS.Zero, s12 = TS.Zero;
                TVec s20 = TS.Zero, s21 = TS.Zero, s22 = TS.Zero;
                TVec s30 = TS.Zero, s31 = TS.Zero, s32 = TS.Zero;
                new Span<T>(tails, 12).Clear();
                for (int g = 0; g < segments; g++)
                {
                    T* ag = a + g * segmentA, bg = b + g * segmentB;
                    T* a0 = ag + ra0, a1 = ag + ra1, a2 = ag + ra2, a3 = ag + ra3;
                    T* b0 = bg + rb0, b1 = bg + rb1, b2 = bg + rb2;
                    for (int p = 0; p < kv; p += w)
                    {
                        TVec x0 = TS.Load(b0 + p), x1 = TS.Load(b1 + p), x2 = TS.Load(b2 + p);
                        TVec y = TS.Load(a0 + p);
                        s00 = TS.MultiplyAdd(y, x0, s00); s01 = TS.MultiplyAdd(y, x1, s01); s02 = TS.MultiplyAdd(y, x2, s02);
                        y = TS.Load(a1 + p);
                        s10 = TS.MultiplyAdd(y, x0, s10); s11 = TS.MultiplyAdd(y, x1, s11); s12 = TS.MultiplyAdd(y, x2, s12);
                        y = TS.Load(a2 + p);
                        s20 = TS.MultiplyAdd(y, x0, s20); s21 = TS.MultiplyAdd(y, x1, s21); s22 = TS.MultiplyAdd(y, x2, s22);
                        y = TS.Load(a3 + p);
                        s30 = TS.MultiplyAdd(y, x0, s30); s31 = TS.MultiplyAdd(y, x1, s31); s32 = TS.MultiplyAdd(y, x2, s32);
                    }

                    if (kv == k) continue;
                    if (g < segments - 1 || (i + 4 < rowsA && j + 3 < rowsB))
                    {
                        // The last partial vector: the rows run on in memory (the next row or segment), so read
                        // a whole vector and keep only the lanes inside the row.
                        TVec x0 = TS.Select(tailMask, TS.Load(b0 + kv), TS.Zero);
                        TVec x1 = TS.Select(tailMask, TS.Load(b1 + kv), TS.Zero);
                        TVec x2 = TS.Select(tailMask, TS.Load(b2 + kv), TS.Zero);
                        TVec y = TS.Select(tailMask, TS.Load(a0 + kv), TS.Zero);
                        s00 = TS.MultiplyAdd(y, x0, s00); s01 = TS.MultiplyAdd(y, x1, s01); s02 = TS.MultiplyAdd(y, x2, s02);
                        y = TS.Select(tailMask, TS.Load(a1 + kv), TS.Zero);
                        s10 = TS.MultiplyAdd(y, x0, s10); s11 = TS.MultiplyAdd(y, x1, s11); s12 = TS.MultiplyAdd(y, x2, s12);
                        y = TS.Select(tailMask, TS.Load(a2 + kv), TS.Zero);
                        s20 = TS.MultiplyAdd(y, x0, s20); s21 = TS.MultiplyAdd(y, x1, s21); s22 = TS.MultiplyAdd(y, x2, s22);
                        y = TS.Select(tailMask, TS.Load(a3 + kv), TS.Zero);
                        s30 = TS.MultiplyAdd(y, x0, s30); s31 = TS.MultiplyAdd(y, x1, s31); s32 = TS.MultiplyAdd(y, x2, s32);
                        continue;
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        T* ar = ag + (long)(i + r) * k;
                        for (int q = 0; q < cols; q++)
                        {
                            T* bq = bg + (long)(j + q) * k;
                            T sum = tails[r * 3 + q];
                            for (int p = kv; p < k; p++) sum += ar[p] * bq[p];
                            tails[r * 3 + q] = sum;
                        }
                    }
                }

                T* c0 = c + (long)i * ldc + j;
                Finish(c0, 0, cols, accumulate, tails, TS.Sum(s00), TS.Sum(s01), TS.Sum(s02));
                if (rows > 1) Finish(c0 + ldc, 3, cols, accumulate, tails, TS.Sum(s10), TS.Sum(s11), TS.Sum(s12));
                if (rows > 2) Finish(c0 + 2L * ldc, 6, cols, accumulate, tails, TS.Sum(s20), TS.Sum(s21), TS.Sum(s22));
                if (rows > 3) Finish(c0 + 3L * ldc, 9, cols, accumulate, tails, TS.Sum(s30), TS.Sum(s31), TS.Sum(s32));
            }
        }
    }

    /// <summary>Writes (or adds) one row of a dot-product tile: vector sums plus the scalar tails.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(T* c, int tail, int cols, bool accumulate, T* tails, T v0, T v1, T v2)
    {
        v0 += tails[tail];
        c[0] = accumulate ? c[0] + v0 : v0;
        if (cols < 2) return;
        v1 += tails[tail + 1];
        c[1] = accumulate ? c[1] + v1 : v1;
        if (cols < 3) return;
        v2 += tails[tail + 2];
        c[2] = accumulate ? c[2] + v2 : v2;
    }
}

/// <summary>
/// Per-thread packing memory for <see cref="GemmCore{T}"/>: pinned, 64-byte aligned, made on a thread's first
/// product at the largest size any product needs, then reused, so that no later product allocates on that thread.
/// </summary>
internal static unsafe class PackBuffer<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? t_array;
    [ThreadStatic] private static nint t_aligned;

    /// <summary>Returns <paramref name="elements"/> elements, and two pointers at the given offsets inside them.</summary>
    public static T* Get(int elements, out T* second, int secondOffset, out T* third, int thirdOffset)
    {
        T* start = Get(elements);
        second = start + secondOffset;
        third = start + thirdOffset;
        return start;
    }

    public static T* Get(int elements)
    {
        const int Align = 64;
        T[]? array = t_array;
        if (array is null || array.Length < elements + Align / sizeof(T))
        {
            array = GC.AllocateUninitializedArray<T>(elements + Align / sizeof(T) + 1024, pinned: true);
            t_array = array;
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            t_aligned = (address + Align - 1) & ~(nint)(Align - 1);
        }

        return (T*)t_aligned;
    }
}
