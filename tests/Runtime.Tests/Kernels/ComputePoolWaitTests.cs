using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// A caller that has to wait for a slow worker allocates nothing on its thread, even a thread that never waited
/// before. The caller used to block on a semaphore, and a blocking wait can allocate wait state lazily (the first
/// blocking wait on a SemaphoreSlim allocates); on a busy machine, where a worker is often descheduled mid-item,
/// the caller's first real block could come in a steady-state call. It now spins (yielding) for the one item per
/// worker still running. Deterministic: the item that lands on a worker sleeps, so the caller certainly waits.
/// </summary>
[Collection(AllocationCollection.Name)] // the pool must not be busy with another test's job, or everything runs inline
public sealed class ComputePoolWaitTests
{
    private struct SlowOnAWorker : IParallelWork
    {
        public int CallerThread;
        public int[] Started; // items a worker has begun
        public int[] RanOnWorker;

        public readonly void Invoke(int index)
        {
            if (Environment.CurrentManagedThreadId == CallerThread)
            {
                // Hold the caller's item until a worker has taken the other one (2 s at most: a busy pool runs
                // everything inline, and the test then says it proved nothing).
                long deadline = Environment.TickCount64 + 2000;
                var spinner = new SpinWait();
                while (Volatile.Read(ref Started[0]) == 0 && Environment.TickCount64 < deadline) spinner.SpinOnce(sleep1Threshold: -1);
                return;
            }

            Interlocked.Increment(ref Started[0]);
            Thread.Sleep(50); // the caller finishes its item long before this one
            Interlocked.Increment(ref RanOnWorker[0]);
        }
    }

    [Fact]
    public void Waiting_for_a_slow_worker_allocates_nothing_on_the_calling_thread()
    {
        if (ComputePool.Concurrency == 1) return; // one core: no workers, nothing to wait for

        long allocated = -1;
        int ranOnWorker = 0;
        var warm = new SlowOnAWorker { CallerThread = -1, Started = new int[1], RanOnWorker = new int[1] };
        ComputePool.For(2, ref warm); // the workers exist before the fresh thread's measurement

        // A fresh thread has never waited on anything.
        var thread = new Thread(() =>
        {
            var work = new SlowOnAWorker { CallerThread = Environment.CurrentManagedThreadId, Started = new int[1], RanOnWorker = new int[1] };
            long before = GC.GetAllocatedBytesForCurrentThread();
            ComputePool.For(2, ref work);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            ranOnWorker = work.RanOnWorker[0];
        });
        thread.Start();
        thread.Join();

        Assert.True(ranOnWorker > 0, "no item ran on a worker, so the caller never waited: the test proves nothing");
        Assert.Equal(0, allocated);
    }
}
