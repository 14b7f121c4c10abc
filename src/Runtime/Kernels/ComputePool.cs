using System.Runtime.ExceptionServices;

namespace Axon.Kernels;

/// <summary>One piece of parallel work: <see cref="Invoke"/> runs one item (by index) of a job.</summary>
internal interface IParallelWork
{
    void Invoke(int index);
}

/// <summary>Work over a range of indices: <see cref="Run"/> handles [start, start + count). Must not change its own state.</summary>
internal interface IRangeWork
{
    void Run(int start, int count);
}

/// <summary>
/// Items run in lanes (<see cref="ComputePool.ForLanes{TState}"/>): <see cref="Run"/> handles one item on one lane, whose
/// state (a workspace, buffers) no other lane touches meanwhile.
/// </summary>
internal interface ILaneWork
{
    void Run(int lane, int item);
}

/// <summary>
/// A small persistent pool that runs the items of one job at a time on all cores without allocating: the caller
/// passes its work as a struct on its own stack, takes part in the work itself and returns when every item is
/// done. When the pool is already running a job (another thread's, or the job that is calling it) the items run
/// inline on the calling thread, so concurrent and nested use never deadlocks.
/// </summary>
internal static unsafe class ComputePool
{
    /// <summary>Threads that can work on one job: the caller plus the pool's workers.</summary>
    public static int Concurrency { get; } = Math.Clamp(Environment.ProcessorCount, 1, 64);

    /// <summary>
    /// Multiply-adds below which a job stays on the calling thread: waking a worker costs some microseconds,
    /// about what one core does with this much work.
    /// </summary>
    public const long ParallelThreshold = 1L << 21;

    private static readonly SemaphoreSlim s_wake = new(0);
    private static int s_busy;
    private static int s_running;
    private static int s_next;
    private static int s_count;
    private static delegate*<void*, int, void> s_body;
    private static void* s_state;
    private static ExceptionDispatchInfo? s_error;
    private static int s_started;
    private static long s_workerAllocations;

    /// <summary>Bytes the pool's worker threads have allocated while running jobs (a diagnostic for tests).</summary>
    public static long WorkerAllocatedBytes => Interlocked.Read(ref s_workerAllocations);

    /// <summary>
    /// Runs <c>state.Invoke(i)</c> for i in [0, <paramref name="count"/>) on up to <see cref="Concurrency"/>
    /// threads and returns when all are done. <paramref name="state"/> must be a local of the caller (it is read
    /// through its address by the workers); items must be independent of each other.
    /// </summary>
    public static void For<TState>(int count, ref TState state) where TState : struct, IParallelWork, allows ref struct
    {
        if (count <= 0) return;
        if (count == 1 || Concurrency == 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++) state.Invoke(i);
            return;
        }

        try
        {
            EnsureStarted();
            s_body = &Run<TState>;
            s_state = Unsafe.AsPointer(ref state);
            s_count = count;
            s_next = 0;
            s_error = null;
            int helpers = Math.Min(Concurrency - 1, count - 1);
            s_running = helpers;
            s_wake.Release(helpers);
            DrainCatching();

            // Take back the wake-ups that no worker has claimed yet: the items are all done. Then wait for the
            // workers still on an item: at most one each, since the caller has drained the rest. The caller spins
            // (yielding its core) instead of blocking, because a thread's first blocking wait allocates its wait
            // state — on a busy machine that first block can come in any later call, and steady-state calls must
            // allocate nothing on the calling thread.
            while (s_wake.Wait(0)) Interlocked.Decrement(ref s_running);
            var spinner = new SpinWait();
            while (Volatile.Read(ref s_running) != 0) spinner.SpinOnce(sleep1Threshold: -1);
            s_error?.Throw();
        }
        finally
        {
            s_body = null;
            s_state = null;
            s_error = null;
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>
    /// Whether a job is running now: a job started now would run inline on the calling thread (see <see cref="For{TState}"/>).
    /// </summary>
    public static bool IsBusy => Volatile.Read(ref s_busy) != 0;

    /// <summary>
    /// Runs <paramref name="items"/> items over <paramref name="lanes"/> lanes, each a job item with state of its own, so
    /// the kernels a lane calls run inline on its thread. Lane l's first item is item l — every lane runs on every call,
    /// so what it grows on first use stops growing after the first call — and the rest go to whichever lane is free, so
    /// a lane whose core is taken does less. After a failure the lanes start no further items; the first error is thrown.
    /// </summary>
    public static void ForLanes<TState>(int lanes, int items, ref TState state) where TState : struct, ILaneWork, allows ref struct
    {
        var work = new LaneItems<TState>(Unsafe.AsPointer(ref state), Math.Min(lanes, items), items);
        For(work.Lanes, ref work);
    }

    private struct LaneItems<TState>(void* state, int lanes, int items) : IParallelWork where TState : struct, ILaneWork, allows ref struct
    {
        public readonly int Lanes = lanes;
        private int _next;
        private int _failed;

        public void Invoke(int lane)
        {
            ref TState work = ref Unsafe.AsRef<TState>(state);
            try
            {
                for (int item = lane; item < items && Volatile.Read(ref _failed) == 0; item = Lanes + Interlocked.Increment(ref _next) - 1)
                    work.Run(lane, item);
            }
            catch
            {
                Volatile.Write(ref _failed, 1);
                throw;
            }
        }
    }

    /// <summary>
    /// Runs <c>range.Run</c> over [0, <paramref name="count"/>) in pieces of <paramref name="piece"/> indices
    /// on the pool, or in one call when the range is a single piece.
    /// </summary>
    public static void ForRanges<TRange>(int count, int piece, ref TRange range) where TRange : struct, IRangeWork
    {
        if (count <= piece || Concurrency == 1)
        {
            if (count > 0) range.Run(0, count);
            return;
        }

        var work = new RangePieces<TRange> { Range = range, Count = count, Piece = piece };
        For((count + piece - 1) / piece, ref work);
    }

    private struct RangePieces<TRange> : IParallelWork where TRange : struct, IRangeWork
    {
        public TRange Range;
        public int Count, Piece;

        public void Invoke(int index)
        {
            int start = index * Piece;
            Range.Run(start, Math.Min(Piece, Count - start));
        }
    }

    private static void Run<TState>(void* state, int index) where TState : struct, IParallelWork, allows ref struct =>
        Unsafe.AsRef<TState>(state).Invoke(index);

    private static void Drain()
    {
        delegate*<void*, int, void> body = s_body;
        void* state = s_state;
        int count = s_count;
        int i;
        while ((i = Interlocked.Increment(ref s_next) - 1) < count) body(state, i);
    }

    /// <summary>Works on the job; a failure is kept for the caller and stops the items nobody has started.</summary>
    private static void DrainCatching()
    {
        try
        {
            Drain();
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref s_error, ExceptionDispatchInfo.Capture(e), null);
            Interlocked.Exchange(ref s_next, int.MaxValue / 2);
        }
    }

    private static void EnsureStarted()
    {
        if (Volatile.Read(ref s_started) != 0) return;
        s_started = 1;
        for (int i = 1; i < Concurrency; i++)
        {
            // UnsafeStart: the workers must not keep the first caller's execution context (its async locals).
            var thread = new Thread(WorkerLoop) { IsBackground = true, Name = "Axon compute " + i };
            thread.UnsafeStart();
        }
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            s_wake.Wait();
            long before = GC.GetAllocatedBytesForCurrentThread();
            DrainCatching();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated != 0) Interlocked.Add(ref s_workerAllocations, allocated);
            Interlocked.Decrement(ref s_running); // the last access to the job: the caller may start the next one now
        }
    }
}
