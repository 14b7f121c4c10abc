using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

public sealed class ComputePoolTests
{
    private struct Record : IParallelWork
    {
        public int[] Hits;

        public readonly void Invoke(int index) => Interlocked.Increment(ref Hits[index]);
    }

    private struct Nested : IParallelWork
    {
        public int[] Hits;

        public readonly void Invoke(int index)
        {
            // A job that calls the pool again runs its inner items inline instead of waiting on itself.
            var inner = new Record { Hits = Hits };
            ComputePool.For(Hits.Length, ref inner);
        }
    }

    private struct Failing : IParallelWork
    {
        public readonly void Invoke(int index)
        {
            if (index == 3) throw new InvalidOperationException("item 3");
        }
    }

    [Fact]
    public void RunsEveryItemOnce()
    {
        var work = new Record { Hits = new int[1000] };
        ComputePool.For(work.Hits.Length, ref work);
        Assert.All(work.Hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void NestedAndConcurrentUseCompletes()
    {
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int repeat = 0; repeat < 50; repeat++)
            {
                var work = new Nested { Hits = new int[8] };
                ComputePool.For(4, ref work);
                Assert.All(work.Hits, h => Assert.Equal(4, h));
            }
        })).ToArray();
        Assert.True(Task.WaitAll(tasks, TimeSpan.FromSeconds(30)), "the pool deadlocked");
    }

    [Fact]
    public void AnItemsExceptionReachesTheCallerAndThePoolRecovers()
    {
        var failing = new Failing();
        Assert.Throws<InvalidOperationException>(() => ComputePool.For(16, ref failing));
        var work = new Record { Hits = new int[64] };
        ComputePool.For(work.Hits.Length, ref work);
        Assert.All(work.Hits, h => Assert.Equal(1, h));
    }
}
