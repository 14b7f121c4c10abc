using Axon.Kernels;

namespace Axon.Attribution.Tests;

/// <summary>
/// Holds the compute pool busy (a job whose items wait for <see cref="Dispose"/>) so that, meanwhile, every other
/// thread's parallel work runs inline — the path kernels take on a busy machine. Allocation tests warm up under a
/// hold as well as without one, so that whatever either path creates lazily on the calling thread exists before
/// they measure, however the machine's load splits the work later.
/// </summary>
internal sealed class PoolHold : IDisposable
{
    private readonly int[] _state = new int[2]; // [0]: items started, [1]: released
    private readonly Thread _holder;

    private struct Blocker : IParallelWork
    {
        public int[] State;

        public readonly void Invoke(int index)
        {
            Interlocked.Increment(ref State[0]);
            var spinner = new SpinWait();
            while (Volatile.Read(ref State[1]) == 0) spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    public PoolHold()
    {
        _holder = new Thread(() =>
        {
            var blocker = new Blocker { State = _state };
            ComputePool.For(2, ref blocker);
        }) { IsBackground = true };
        _holder.Start();

        // The pool is held once the holder's first item runs (it takes the pool before running any item).
        var spinner = new SpinWait();
        while (Volatile.Read(ref _state[0]) == 0) spinner.SpinOnce(sleep1Threshold: -1);
    }

    public void Dispose()
    {
        Volatile.Write(ref _state[1], 1);
        _holder.Join();
    }
}
