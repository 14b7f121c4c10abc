using Axon.Attribution.Backends;
using Axon.Kernels;

namespace Axon.Attribution;

// Input lanes. A path method's inputs do not interact: each input's attributions, quadrature error and completeness gap
// come from its own rows alone. The kernels of one model pass split their work over the cores, but a step batch is small
// (20 rows of the Fashion CNN: tens of µs per layer), and waking the other core for every layer costs about what it
// saves — measured on the CNN at 20 rows, ForwardFrom + Backward took 13.1 µs per row on two cores and 14.8 on one.
// So a call with several inputs gives each core whole inputs instead: every lane is a child engine with its own backend,
// workspace and buffers, and runs groups of inputs from start to end (endpoints, passes, adaptive re-runs, the exact
// rule's segments) with the kernels on its own thread — the compute pool runs a nested job inline. Each input's rows,
// their order and every sum are the same as in one lane, so on ReLU networks the results are the same bit for bit
// (InputLaneTests); where a function's vector and scalar forms differ in the last bit (GELU, tanh), a row can round
// differently depending on where a pass's vector tail falls, as it already does in one lane between calls with different
// inputs, and the exact rule, which refills its rows with segments as paths finish, can sum an input's segments in
// another order (the segments themselves are the same). Groups after each lane's first are handed out as lanes come free
// (ComputePool.ForLanes), so a lane whose core is taken by another process does less of the call.
public sealed partial class Attributor<T>
{
    /// <summary>Groups handed out per lane: enough for a lane that falls behind to do less of the call.</summary>
    private const int GroupsPerLane = 4;

    private Attributor<T>[] _laneEngines = [];
    private AttributionReport[] _groupReports = [];

    /// <summary>
    /// How many lanes a path method with several inputs runs in: 0 (the default) one per core; 1 runs every pass of
    /// the call on one thread with the kernels split over the cores instead. Each lane is a child engine with its own
    /// buffers, made on first use; the results do not depend on this setting. The GPU backend always runs one lane.
    /// </summary>
    public int InputLanes
    {
        get => _inputLanes;
        set => _inputLanes = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Input lanes must be ≥ 1, or 0 for one per core.");
    }

    private int _inputLanes;

    /// <summary>The lanes the last path call ran in (1 when it ran in one): for tests.</summary>
    internal int LastInputLanes { get; private set; } = 1;

    /// <summary>The lanes this call runs in: 1 unless it has several inputs on the CPU backend and the pool is free.</summary>
    private int LanesFor(ref PathCall call)
    {
        int lanes = _inputLanes == 0 ? ComputePool.Concurrency : _inputLanes;
        lanes = Math.Min(lanes, call.Count);
        if (lanes < 2 || _host is null || !ReferenceEquals(_host, _backend) || ComputePool.IsBusy) lanes = 1;
        LastInputLanes = lanes;
        return lanes;
    }

    /// <summary>
    /// Runs the call's inputs in groups over <paramref name="lanes"/> child engines and merges their reports: the most
    /// steps and the worst errors, the evaluations summed, converged only if every group converged.
    /// </summary>
    private AttributionReport IntegrateInLanes(ref PathCall call, IntegrationOptions options, int lanes)
    {
        if (options.Rule == IntegrationRule.Exact)
        {
            // The lanes write their groups' segment counts here, at their paths' places.
            long paths = (long)call.Count * call.PathsPerInput;
            Grow(ref _exactSegments, paths);
            _lastSegmentCount = (int)paths;
        }

        if (_laneEngines.Length < lanes) Array.Resize(ref _laneEngines, lanes);
        for (int i = 0; i < lanes; i++) _laneEngines[i] ??= new Attributor<T>(_host!.LaneCopy());

        int group = (call.Count + lanes * GroupsPerLane - 1) / (lanes * GroupsPerLane);
        int groups = (call.Count + group - 1) / group;
        var reports = Grow(ref _groupReports, groups);
        var work = new LaneWork(this, call, options, group, reports);
        ComputePool.ForLanes(lanes, groups, ref work);

        var merged = reports[0];
        for (int g = 1; g < groups; g++)
        {
            var r = reports[g];
            merged = merged with
            {
                Steps = Math.Max(merged.Steps, r.Steps),
                Evaluations = merged.Evaluations + r.Evaluations,
                MaxRelativeQuadratureError = Math.Max(merged.MaxRelativeQuadratureError, r.MaxRelativeQuadratureError),
                Converged = merged.Converged && r.Converged,
                MaxRelativeCompletenessGap = Math.Max(merged.MaxRelativeCompletenessGap, r.MaxRelativeCompletenessGap),
            };
        }

        return merged;
    }

    /// <summary>
    /// A call's groups of inputs on the lanes: each group runs through its lane's child engine into the group's slice of
    /// the call's staged results. Each lane's first group is its own, so every lane engine runs a whole group on every
    /// call and its buffers stop growing after the first (steady-state calls allocate nothing).
    /// </summary>
    private ref struct LaneWork(Attributor<T> parent, PathCall call, IntegrationOptions options, int group, Span<AttributionReport> reports) : ILaneWork
    {
        private readonly PathCall _call = call;
        private readonly Span<AttributionReport> _reports = reports;

        public readonly void Run(int lane, int g)
        {
            int first = g * group;
            var part = _call.Part(first, Math.Min(group, _call.Count - first), parent._outputSize, parent._inputSize);
            _reports[g] = parent._laneEngines[lane].IntegratePart(ref part, options, parent, first);
        }
    }

    /// <summary>
    /// A lane engine's run of one group: the parent's per-call state (layer list, neuron selection, regions, drawn
    /// baselines, switches) copied in, then the usual integration, its result left in the group's slice (and, with the
    /// exact rule, its segment counts in the parent's).
    /// </summary>
    private AttributionReport IntegratePart(ref PathCall part, IntegrationOptions options, Attributor<T> parent, int first)
    {
        UseAffinePrefix = parent.UseAffinePrefix;
        UsePatternTracking = parent.UsePatternTracking;
        PublishFromBackend = parent.PublishFromBackend;
        _host!.CopySettings(parent._host!);
        if (part.LayerCount > 0) SetLayers(parent._layerList.AsSpan(0, part.LayerCount));
        if (part.Method == PathMethod.Neuron) parent._selectionWeights.AsSpan(0, _sizes[part.Layer]).CopyTo(Grow(ref _selectionWeights, _sizes[part.Layer]));
        if (part.Method == PathMethod.Patch) parent._regionIndicators.AsSpan(0, part.RegionCount * _inputSize).CopyTo(Grow(ref _regionIndicators, part.RegionCount * _inputSize));
        if (part.Baseline.IsSampled)
        {
            int m = part.PathsPerInput;
            parent._draws.AsSpan(first * m, part.Count * m).CopyTo(Grow(ref _draws, (long)part.Count * m));
        }

        // The parent checked the call and drew its baselines: the group goes straight to the integration.
        var slice = part.Result;
        var report = IntegrateDrawn(ref part, options);
        // A one-pass call leaves its result in this engine's backend (see Integrate): copy it to the group's slice.
        if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(part.Result), ref MemoryMarshal.GetReference(slice))) part.Result.CopyTo(slice);
        if (options.Rule == IntegrationRule.Exact) LastSegmentCounts.CopyTo(parent._exactSegments.AsSpan(first * part.PathsPerInput));
        return report;
    }
}
