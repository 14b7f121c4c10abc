namespace Axon.Attribution;

// An engine owns one set of workspaces and buffers, so two calls at once would interleave their passes through the
// same tape and silently corrupt each other's results. Every public call therefore takes a flag for its duration: one
// interlocked exchange in and one write out, no allocation. A second call while the flag is held — from another
// thread, or re-entered from a callback on the same thread — fails at once instead of computing garbage.
public sealed partial class Attributor<T>
{
    private int _inUse;

    /// <summary>Takes the engine for one call; throws when another call holds it.</summary>
    private void Enter()
    {
        if (Interlocked.Exchange(ref _inUse, 1) != 0)
        {
            throw new InvalidOperationException(
                "This Attributor is already running a call. An engine owns its buffers and is not thread-safe: use one engine per thread.");
        }

        _lastDrawCount = 0;
        _lastSegmentCount = 0;
    }

    /// <summary>Releases the engine after a call (in a finally block, so a failed call releases it too).</summary>
    private void Exit() => Volatile.Write(ref _inUse, 0);

    private int _lastDrawCount;

    /// <summary>
    /// The baselines the last call drew from a sampled distribution (<see cref="Baseline{T}.Distribution"/> with samples, or
    /// any distribution given to <see cref="GradientShap"/> and LayerGradientShap, whose samples draw from it): for input b
    /// and draw p, the set row at [b × samples + p]. Empty when the last call drew none. Recompute F(x′) of exactly these
    /// rows to check completeness by hand. Valid until the next call.
    /// </summary>
    public ReadOnlySpan<int> LastBaselineDraws => _draws.AsSpan(0, _lastDrawCount);
}
