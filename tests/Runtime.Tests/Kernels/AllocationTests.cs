using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    /// <summary>Runs alone: the allocation counter covers every thread in the process.</summary>
    public const string Name = "Allocation-sensitive kernels";
}

/// <summary>Steady-state calls of the big kernels allocate nothing, on any thread (the pool's included).</summary>
[Collection(AllocationCollection.Name)]
public sealed class AllocationTests
{
    /// <summary>
    /// Asserts that steady-state calls allocate nothing. Exact count: the calling thread plus the compute pool's
    /// workers (every thread a kernel runs on), over ten calls after warm-up; a worker that first joins a job
    /// late allocates its packing buffers then, once, so this takes the least of a few such rounds. With
    /// <paramref name="processWide"/>, also <see cref="GC.GetTotalAllocatedBytes"/>: the test host's own threads
    /// allocate now and then (result reporting, timers), so that count takes the least of up to thirty single
    /// calls, which a kernel allocating per call could not bring to zero. Only for calls far shorter than the
    /// host's timers: a slow call (a big element-wise op in a Debug build) meets one in every round.
    /// </summary>
    private static void AssertAllocatesNothing(Action call, bool processWide = true)
    {
        for (int i = 0; i < 5; i++) call(); // warm up: JIT, pool threads, per-thread pack buffers
        using (new PoolHold()) call();      // and the inline path a busy pool makes callers take
        long exact = long.MaxValue;
        for (int round = 0; round < 5 && exact > 0; round++)
        {
            long mine = GC.GetAllocatedBytesForCurrentThread(), workers = ComputePool.WorkerAllocatedBytes;
            for (int i = 0; i < 10; i++) call();
            exact = Math.Min(exact, GC.GetAllocatedBytesForCurrentThread() - mine + ComputePool.WorkerAllocatedBytes - workers);
        }

        Assert.True(exact == 0, $"the calling thread and the pool's workers allocated {exact} bytes in every ten calls");
        if (!processWide) return;

        long least = long.MaxValue;
        for (int round = 0; round < 30 && least > 0; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            call();
            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        Assert.True(least == 0, $"every call saw at least {least} bytes allocated in the process");
    }

    [Fact]
    public void LargeParallelGemmAllocatesNothing()
    {
        const int N = 160;
        float[] a = new float[N * N], b = new float[N * N], c = new float[N * N];
        AssertAllocatesNothing(() => Gemm.Multiply<float>(false, false, N, N, N, a, b, c, false));
        AssertAllocatesNothing(() => Gemm.Multiply<float>(false, true, N, N, N, a, b, c, true));
        double[] ad = new double[N * N], bd = new double[N * N], cd = new double[N * N];
        AssertAllocatesNothing(() => Gemm.Multiply<double>(true, false, N, N, N, ad, bd, cd, false));
    }

    [Fact]
    public void ConvolutionForwardBackwardAndTangentAllocateNothing()
    {
        const int B = 16, C = 8, H = 14, W = 14, K = 16, k = 3;
        float[] x = new float[B * C * H * W], w = new float[K * C * k * k], bias = new float[K], y = new float[B * K * H * W];
        float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[K];
        float[] scratch = new float[Conv2dKernel.ScratchLength(B, C, H, W, K, k, 1, 1)];
        AssertAllocatesNothing(() => Conv2dKernel.Forward<float>(x, w, bias, y, scratch, B, C, H, W, K, k, 1, 1));
        AssertAllocatesNothing(() => Conv2dKernel.Backward<float>(x, w, y, dx, dw, db, scratch, B, C, H, W, K, k, 1, 1));
        AssertAllocatesNothing(() => Conv2dKernel.Tangent<float>(x, w, y, scratch, B, C, H, W, K, k, 1, 1));

        double[] x1 = new double[2 * 3 * 20], w1 = new double[4 * 3 * 5], y1 = new double[2 * 4 * 10];
        double[] s1 = new double[Conv1dKernel.ScratchLength(2, 3, 20, 4, 5, 2, 2)];
        AssertAllocatesNothing(() => Conv1dKernel.Forward<double>(x1, w1, default, y1, s1, 2, 3, 20, 4, 5, 2, 2));
    }

    [Fact]
    public void DenseActivationsAndPoolingAllocateNothing()
    {
        const int B = 64, I = 300, O = 100;
        float[] x = new float[B * I], w = new float[O * I], bias = new float[O], y = new float[B * O], dx = new float[B * I], dw = new float[O * I], db = new float[O];
        AssertAllocatesNothing(() => DenseKernel.Forward<float>(x, w, bias, y, B, I, O));
        AssertAllocatesNothing(() => DenseKernel.Backward<float>(x, w, y, dx, dw, db, B, I, O));
        AssertAllocatesNothing(() => GeluKernel.Backward<float>(x, x, x, dx), processWide: false);
        AssertAllocatesNothing(() => TanhKernel.Forward<float>(x, dx));
        int[] argmax = new int[B * 3 * 5 * 5];
        AssertAllocatesNothing(() => MaxPool2dKernel.Forward<float>(x.AsSpan(0, B * 300), y.AsSpan(0, argmax.Length), argmax, B, 3, 10, 10, 2, 2));
        AssertAllocatesNothing(() => SoftmaxKernel.Forward<float>(x, dx, B, I));

        // Big enough to be split over the compute pool.
        float[] big = new float[24 * 8 * 28 * 28], bigOut = new float[big.Length];
        int[] bigArgmax = new int[big.Length / 4];
        AssertAllocatesNothing(() => TanhKernel.Forward<float>(big, bigOut), processWide: false);
        AssertAllocatesNothing(() => GeluKernel.Backward<float>(big, big, big, bigOut), processWide: false);
        AssertAllocatesNothing(() => MaxPool2dKernel.Forward<float>(big, bigOut.AsSpan(0, bigArgmax.Length), bigArgmax, 24, 8, 28, 28, 2, 2), processWide: false);
        AssertAllocatesNothing(() => ScalarActivationKernel.Forward<float, ScalarActivationKernelTests.Softsign<float>>(big, bigOut), processWide: false);
        AssertAllocatesNothing(() => ScalarActivationKernel.Backward<float, ScalarActivationKernelTests.Softsign<float>>(big, big, bigOut), processWide: false);
    }
}
