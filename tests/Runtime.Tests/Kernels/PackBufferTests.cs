using System.Numerics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// A thread's packing buffer is made once, at full size: after its first matrix product, no product of any depth
/// allocates on that thread. When it was sized to the product's depth, a thread that met a shallow product first
/// (a one-channel 3×3 convolution: k = 9) grew it — allocated — on the first deeper product, and since the compute
/// pool hands items to whichever thread is free, that could happen in any later call on a busy machine.
/// </summary>
public sealed class PackBufferTests
{
    [Fact]
    public void After_a_threads_first_product_deeper_products_allocate_nothing_on_it()
    {
        long allocated = -1;
        Exception? failure = null;

        // A fresh thread: its packing buffer does not exist yet, whatever ran before in this process.
        var thread = new Thread(() =>
        {
            try
            {
                allocated = ShallowThenDeep<float>() + ShallowThenDeep<double>();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();

        Assert.Null(failure);
        Assert.Equal(0, allocated);
    }

    /// <summary>Bytes allocated by deeper products after a shallow one, on the calling thread.</summary>
    private static long ShallowThenDeep<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Small enough to stay on the calling thread (below the pool's threshold), and not A·Bᵀ (dot products).
        const int M = 8, N = 16;
        var c = new T[M * N];
        Gemm.Multiply<T>(false, false, M, N, 9, new T[M * 9], new T[9 * N], c, false);

        var a = new T[M * 300];
        var b = new T[300 * N];
        var a2 = new T[M * 64];
        var b2 = new T[64 * N];
        long before = GC.GetAllocatedBytesForCurrentThread();
        Gemm.Multiply<T>(false, false, M, N, 300, a, b, c, false);
        Gemm.Multiply<T>(true, false, M, N, 64, a2, b2, c, true);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
