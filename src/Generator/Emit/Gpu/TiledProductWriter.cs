namespace Axon.Generator.Emit.Gpu
{
    /// <summary>
    /// Writes a tiled matrix product C[rows × columns] = A[rows × depth] · B[depth × columns] as an explicitly grouped
    /// ILGPU kernel: each group of t × t threads computes one t × t tile of C, staging t × t tiles of A and B in shared
    /// memory so that every value read from device memory is used t times. Two sizes are written: 16 for GPUs, and 4
    /// for ILGPU's CPU accelerator, whose groups are OS threads (16 at most there, so that tests stay fast). A and B are never materialised:
    /// the caller gives the statements that load one element (a weight, an activation, or an im2col gather for a
    /// convolution), and the statement that stores one result.
    /// </summary>
    internal static class TiledProductWriter
    {
        /// <summary>The tile of GPUs (groups of 256 threads).</summary>
        public const int LargeTile = 16;

        /// <summary>The tile of ILGPU's CPU accelerator (groups of 16 threads); its kernels' names end in <see cref="SmallSuffix"/>.</summary>
        public const int SmallTile = 4;

        public const string SmallSuffix = "Small";

        /// <param name="loadA">Statements setting <c>a</c> to A[ar, ak] (ar &lt; rows and ak &lt; depth hold).</param>
        /// <param name="loadB">Statements setting <c>b</c> to B[bk, bc] (bk &lt; depth and bc &lt; columns hold).</param>
        /// <param name="store">Statements storing <c>acc</c> at C[row, col].</param>
        public static string Write(string name, string t, string rows, string columns, string depth, string loadA, string loadB, string store) =>
            Write(name, LargeTile, t, rows, columns, depth, loadA, loadB, store) + "\n" +
            Write(name + SmallSuffix, SmallTile, t, rows, columns, depth, loadA, loadB, store);

        private static string Write(string name, int tile, string t, string rows, string columns, string depth, string loadA, string loadB, string store)
        {
            var w = new SourceWriter();
            using (w.Block($"private static void {name}(global::Axon.Gpu.GpuPass<{t}> v)"))
            {
                w.Line($"var ta = global::ILGPU.SharedMemory.Allocate<{t}>({tile * tile});");
                w.Line($"var tb = global::ILGPU.SharedMemory.Allocate<{t}>({tile * tile});");
                w.Line("int tx = global::ILGPU.Group.IdxX, ty = global::ILGPU.Group.IdxY;");
                w.Line($"int row = global::ILGPU.Grid.IdxY * {tile} + ty, col = global::ILGPU.Grid.IdxX * {tile} + tx;");
                w.Line($"int rows = {rows}, columns = {columns}, depth = {depth};");
                w.Line($"{t} acc = 0;");
                using (w.Block($"for (int k0 = 0; k0 < depth; k0 += {tile})"))
                {
                    w.Line($"{t} a = 0;");
                    w.Line("int ar = row, ak = k0 + tx;");
                    using (w.Block("if (ar < rows && ak < depth)")) Lines(w, loadA);
                    w.Line($"ta[ty * {tile} + tx] = a;");
                    w.Line($"{t} b = 0;");
                    w.Line("int bk = k0 + ty, bc = col;");
                    using (w.Block("if (bk < depth && bc < columns)")) Lines(w, loadB);
                    w.Line($"tb[ty * {tile} + tx] = b;");
                    w.Line("global::ILGPU.Group.Barrier();");
                    w.Line($"for (int q = 0; q < {tile}; q++) acc += ta[ty * {tile} + q] * tb[q * {tile} + tx];");
                    w.Line("global::ILGPU.Group.Barrier();");
                }

                using (w.Block("if (row < rows && col < columns)")) Lines(w, store);
            }

            return w.ToString();
        }

        internal static void Lines(SourceWriter w, string statements)
        {
            foreach (var line in statements.Split('\n'))
            {
                if (line.Trim().Length > 0) w.Line(line.Trim());
            }
        }
    }
}
