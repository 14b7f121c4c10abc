using System.Globalization;
using Axon.Model;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Axon.Benchmarks;

/// <summary>
/// Nominal floating-point work of one network, counted from its layer shapes: the multiply-adds of the dense and
/// convolution layers, 2 FLOPs each (activations, pooling and biases are not counted). F is one forward pass of
/// one sample; F_≤L and F_&gt;L its parts up to and above the attributed layer L. Per sample:
/// forward F; forward + backward 3F (forward, input gradient, parameter gradient); JVP 2F (forward, tangent);
/// IG n·2F; layer conductance n·(F + F_&gt;L + F_≤L) = n·2F (forward, backward to L, tangent to L); neuron
/// conductance n·2F (forward, backward to L, backward from L to the input); patch IG n·(F + F_&gt;L + R·F_≤L) with
/// R regions. The attribution engine does less than this where it can (it runs an affine prefix once per path
/// instead of once per step), so its GFLOP/s are the effective rate of the algorithm as written.
/// </summary>
public sealed class NetworkCost
{
    public NetworkCost(IDifferentiableModel<float> model, int layer, int regions, int steps)
    {
        long below = 0, above = 0;
        foreach (var parameter in model.ParameterTensors)
        {
            if (!parameter.Name.EndsWith(".weight", StringComparison.Ordinal) || parameter.Shape.Count < 2) continue;
            // output elements × (weights per output channel): Dense out × in, Conv2d C_out·H·W × C_in·k·k.
            long macs = (long)model.Layers[parameter.Layer].Size * (parameter.Length / parameter.Shape[0]);
            if (parameter.Layer <= layer) below += macs;
            else above += macs;
        }

        ForwardBelow = 2 * below;
        ForwardAbove = 2 * above;
        Regions = regions;
        Steps = steps;
    }

    /// <summary>FLOPs of one forward pass of one sample.</summary>
    public long Forward => ForwardBelow + ForwardAbove;

    public long ForwardBelow { get; }

    public long ForwardAbove { get; }

    public int Regions { get; }

    public int Steps { get; }

    /// <summary>Nominal FLOPs of one call of <paramref name="operation"/> on <paramref name="batch"/> samples.</summary>
    public double Flops(string operation, int batch) => batch * (double)(operation switch
    {
        Operation.Forward => Forward,
        Operation.ForwardBackward => 3 * Forward,
        Operation.Jvp => 2 * Forward,
        Operation.IntegratedGradients => Steps * 2 * Forward,
        Operation.LayerConductance => Steps * (Forward + ForwardAbove + ForwardBelow),
        Operation.NeuronConductance => Steps * (Forward + ForwardAbove + ForwardBelow),
        Operation.PatchIntegratedGradients => Steps * (Forward + ForwardAbove + Regions * ForwardBelow),
        _ => throw new ArgumentException($"Unknown operation '{operation}'.", nameof(operation)),
    });
}

/// <summary>
/// GFLOP/s of a benchmark: its <see cref="NetworkCost"/> (from the benchmark's network, category and batch)
/// over the mean time per call.
/// </summary>
public sealed class GflopsColumn : IColumn
{
    private readonly Dictionary<Type, NetworkCost> _costs = [];

    public string Id => nameof(GflopsColumn);

    public string ColumnName => "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Nominal FLOPs per call (2 per multiply-add of the dense and convolution layers; see NetworkCost) / mean time";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? gflops = Gflops(summary, benchmarkCase);
        return gflops is null ? "-" : gflops.Value.ToString("F2", CultureInfo.InvariantCulture);
    }

    /// <summary>The GFLOP/s of one case, or null when it has no result.</summary>
    public double? Gflops(Summary summary, BenchmarkCase benchmarkCase)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null || statistics.Mean <= 0) return null;
        return Flops(benchmarkCase) / statistics.Mean; // FLOPs per nanosecond = GFLOP/s
    }

    /// <summary>Nominal FLOPs of one call of the case.</summary>
    public double Flops(BenchmarkCase benchmarkCase)
    {
        var type = benchmarkCase.Descriptor.Type;
        if (!_costs.TryGetValue(type, out var cost))
        {
            var instance = (NetworkBenchmarks)Activator.CreateInstance(type)!;
            _costs[type] = cost = instance.Cost();
        }

        string operation = benchmarkCase.Descriptor.Categories[0];
        int batch = (int)benchmarkCase.Parameters[nameof(NetworkBenchmarks.Batch)];
        return cost.Flops(operation, batch);
    }

    public override string ToString() => ColumnName;
}
