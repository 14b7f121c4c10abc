namespace Axon.Attribution.Tests;

/// <summary>Every bad argument fails with an exception that names the problem, before any result or state changes.</summary>
public class BadInputTests
{
    private readonly HandModel<double> _model = new(4, 5, 3, HandModel<double>.Act.Tanh);
    private readonly double[] _x = BruteForce.RandomVector(8, 1, 1);

    private static void Throws<TException>(Action call, string fragment) where TException : Exception
    {
        var e = Assert.ThrowsAny<TException>(call);
        Assert.Contains(fragment, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void BadArgumentsThrowAndLeaveResultsAndTheEngineUnchanged()
    {
        var engine = new Attributor<double>(_model, stepBatch: 4);
        var reference = new double[8];
        engine.IntegratedGradients(_x, 1, Baseline<double>.Zero, reference);

        var result = Enumerable.Repeat(42.0, 8).ToArray();
        var layerResult = Enumerable.Repeat(42.0, 10).ToArray();
        var deltas = new[] { 42.0, 42.0 };
        var x = _x;
        var nan = (double[])_x.Clone();
        nan[5] = double.NaN;
        var infinite = new double[4];
        infinite[2] = double.PositiveInfinity;

        // Baselines.
        Throws<ArgumentException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Shared(new double[3]), result, null, deltas), "shared baseline has 3 values");
        Throws<ArgumentException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.PerInput(new double[4]), result, null, deltas), "per-input baselines have 4 values");
        Throws<ArgumentException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Distribution([]), result, null, deltas), "baseline set is empty");
        Throws<ArgumentException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Distribution(new double[6]), result, null, deltas), "not a whole number");
        Throws<ArgumentException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Shared(infinite), result, null, deltas), "baselines must be finite");
        Throws<ArgumentException>(() => engine.LayerConductance(1, x, 1, Baseline<double>.Distribution(new double[4], samples: -1), layerResult), "draw");

        // Targets.
        Throws<ArgumentOutOfRangeException>(() => engine.IntegratedGradients(x, 3, Baseline<double>.Zero, result, null, deltas), "outputs 0..2");
        Throws<ArgumentOutOfRangeException>(() => engine.IntegratedGradients(x, -1, Baseline<double>.Zero, result, null, deltas), "outputs 0..2");
        Throws<ArgumentOutOfRangeException>(() => engine.IntegratedGradients(x, new[] { 0, 7 }, Baseline<double>.Zero, result, null, deltas), "target class of input 1 is 7");
        Throws<ArgumentException>(() => engine.IntegratedGradients(x, new[] { 0 }, Baseline<double>.Zero, result, null, deltas), "1 class indices; there are 2 inputs");
        Throws<ArgumentException>(() => engine.IntegratedGradients(x, AttributionTarget<double>.Weights(new double[4]), Baseline<double>.Zero, result, null, deltas), "target weights have 4 values");
        Throws<ArgumentException>(() => engine.IntegratedGradients(x, AttributionTarget<double>.Weights([1, double.NaN, 0]), Baseline<double>.Zero, result, null, deltas), "weights must be finite");
        Throws<ArgumentException>(() => engine.IntegratedGradients(x, default, Baseline<double>.Zero, result, null, deltas), "No target");

        // Steps and options.
        Throws<ArgumentOutOfRangeException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Zero, result, new IntegrationOptions { Steps = 0 }, deltas), "at least 1 step");
        Throws<ArgumentOutOfRangeException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Zero, result, new IntegrationOptions { Steps = -5, Rule = IntegrationRule.RiemannLeft }, deltas), "at least 1 step");
        Throws<ArgumentOutOfRangeException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Zero, result, new IntegrationOptions { Steps = 1, Rule = IntegrationRule.RiemannTrapezoid }, deltas), "at least 2 step");
        Throws<ArgumentOutOfRangeException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Zero, result, new IntegrationOptions { Tolerance = double.NaN }, deltas), "tolerance");
        Throws<ArgumentOutOfRangeException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Zero, result, new IntegrationOptions { Tolerance = 1e-3, MaxSteps = 10 }, deltas), "MaxSteps");
        Throws<ArgumentException>(() => engine.LayerConductance(1, x, 1, Baseline<double>.Zero, layerResult, new IntegrationOptions { PathForm = LayerPathForm.Difference }), "grid rule");

        // NaN and shapes of inputs and results.
        Throws<ArgumentException>(() => engine.IntegratedGradients(nan, 1, Baseline<double>.Zero, result, null, deltas), "NaN at index 5 (sample 1, element 1)");
        Throws<ArgumentException>(() => engine.IntegratedGradients(x.AsSpan(0, 7), 1, Baseline<double>.Zero, result, null, deltas), "not a whole number of inputs");
        Throws<ArgumentException>(() => engine.IntegratedGradients([], 1, Baseline<double>.Zero, result, null, deltas), "No inputs");
        Throws<ArgumentException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Zero, result.AsSpan(0, 7), null, deltas), "'attributions' has 7 values");
        Throws<ArgumentException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Zero, result, null, deltas.AsSpan(0, 1)), "'quadratureErrors' has 1 value");

        // Layers, neurons, regions.
        Throws<ArgumentOutOfRangeException>(() => engine.LayerConductance(4, x, 1, Baseline<double>.Zero, layerResult, null, deltas), "layers 0..3");
        Throws<ArgumentOutOfRangeException>(() => engine.LayerConductance(-1, x, 1, Baseline<double>.Zero, layerResult, null, deltas), "layers 0..3");
        Throws<ArgumentOutOfRangeException>(() => engine.LayerConductance([1, 9], x, 1, Baseline<double>.Zero, layerResult, null, deltas), "layers 0..3");
        Throws<ArgumentException>(() => engine.LayerConductance(2, x, 1, Baseline<double>.Zero, result, null, deltas), "'attributions' has 8 values");
        Throws<ArgumentOutOfRangeException>(() => engine.NeuronConductance(9, 0, x, 1, Baseline<double>.Zero, result, null, deltas), "layers 0..3");
        Throws<ArgumentOutOfRangeException>(() => engine.NeuronConductance(2, 5, x, 1, Baseline<double>.Zero, result, null, deltas), "neurons 0..4");
        Throws<ArgumentException>(() => engine.NeuronConductance(2, [], x, 1, Baseline<double>.Zero, result, null, deltas), "at least one neuron");
        Throws<ArgumentOutOfRangeException>(() => engine.PatchIntegratedGradients(2, [InputRegion.Range(3, 2)], x, 1, Baseline<double>.Zero, layerResult, null, deltas), "not inside");
        Throws<ArgumentException>(() => engine.PatchIntegratedGradients(2, [InputRegion.Rectangle(0, 0, 1, 1)], x, 1, Baseline<double>.Zero, layerResult, null, deltas), "fewer than two axes");
        Throws<ArgumentException>(() => engine.PatchIntegratedGradients(2, [InputRegion.FromMask(new bool[3])], x, 1, Baseline<double>.Zero, layerResult, null, deltas), "3 flags");
        Throws<ArgumentException>(() => engine.PatchIntegratedGradients(2, [default], x, 1, Baseline<double>.Zero, layerResult, null, deltas), "empty");
        Throws<ArgumentOutOfRangeException>(() => engine.InternalInfluence(7, x, 1, Baseline<double>.Zero, layerResult, null, deltas), "layers 0..3");
        Throws<ArgumentOutOfRangeException>(() => engine.DeepLift(7, x, 1, Baseline<double>.Zero, layerResult, deltas), "layers 0..3");
        Throws<ArgumentException>(() => engine.DeepLift(2, x, 1, Baseline<double>.Shared([1, 2]), layerResult, deltas), "shared baseline has 2 values");
        Throws<ArgumentException>(() => engine.LayerActivation(2, nan, layerResult), "NaN");
        Throws<ArgumentOutOfRangeException>(() => engine.LayerGradientTimesActivation(2, x, 5, layerResult), "outputs 0..2");
        Throws<ArgumentOutOfRangeException>(() => new Attributor<double>(_model, stepBatch: -1), "step batch");

        Assert.All(result, v => Assert.Equal(42.0, v));
        Assert.All(layerResult, v => Assert.Equal(42.0, v));
        Assert.All(deltas, v => Assert.Equal(42.0, v));

        // The engine is unharmed: the same call gives the same answer.
        var after = new double[8];
        engine.IntegratedGradients(_x, 1, Baseline<double>.Zero, after);
        Assert.Equal(reference, after);
    }
}
