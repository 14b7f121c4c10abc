using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// One engine used by two callers at once is rejected, not silently corrupted. Deterministic: the second call is made
/// from inside the first one (the model calls back into the engine during its forward pass), so the first call is
/// certainly still running — no racing threads.
/// </summary>
public class ConcurrentUseTests
{
    /// <summary>A model that runs <see cref="OnForward"/> at the start of every forward pass, then delegates.</summary>
    private sealed class CallbackModel(IDifferentiableModel<double> inner) : IDifferentiableModel<double>
    {
        public Action? OnForward { get; set; }
        public string Name => inner.Name;
        public int InputSize => inner.InputSize;
        public int OutputSize => inner.OutputSize;
        public IReadOnlyList<LayerInfo> Layers => inner.Layers;
        public IReadOnlyList<ParameterInfo> ParameterTensors => inner.ParameterTensors;
        public Span<double> Parameters => inner.Parameters;
        public ModelWorkspace<double> CreateWorkspace(int maxBatch) => inner.CreateWorkspace(maxBatch);

        public void Forward(ModelWorkspace<double> workspace, ReadOnlySpan<double> input, int batch, Span<double> output)
        {
            OnForward?.Invoke();
            inner.Forward(workspace, input, batch, output);
        }

        public void ForwardFrom(ModelWorkspace<double> workspace, int layer, ReadOnlySpan<double> activation, int batch, Span<double> output)
        {
            OnForward?.Invoke();
            inner.ForwardFrom(workspace, layer, activation, batch, output);
        }

        public void Backward(ModelWorkspace<double> workspace, ReadOnlySpan<double> outputGradient, int batch, int stopAtLayer = 0, Span<double> parameterGradient = default) =>
            inner.Backward(workspace, outputGradient, batch, stopAtLayer, parameterGradient);

        public void BackwardFrom(ModelWorkspace<double> workspace, int layer, ReadOnlySpan<double> layerGradient, int batch, int stopAtLayer = 0, Span<double> parameterGradient = default) =>
            inner.BackwardFrom(workspace, layer, layerGradient, batch, stopAtLayer, parameterGradient);

        public void Tangent(ModelWorkspace<double> workspace, ReadOnlySpan<double> inputTangent, int batch, int stopAtLayer = -1) =>
            inner.Tangent(workspace, inputTangent, batch, stopAtLayer);

        public void TangentFrom(ModelWorkspace<double> workspace, int layer, ReadOnlySpan<double> layerTangent, int batch, int stopAtLayer = -1) =>
            inner.TangentFrom(workspace, layer, layerTangent, batch, stopAtLayer);
    }

    [Fact]
    public void ASecondCallWhileOneIsRunningIsRejectedAndTheFirstIsUnharmed()
    {
        var inner = new HandModel<double>(4, 5, 3, HandModel<double>.Act.Tanh);
        var model = new CallbackModel(inner);
        var engine = new Attributor<double>(model, stepBatch: 4);
        var x = BruteForce.RandomVector(8, 1, 1);
        var expected = new double[8];
        new Attributor<double>(inner, stepBatch: 4).IntegratedGradients(x, 1, Baseline<double>.Zero, expected);

        var inside = new List<Exception>();
        var intruder = new double[8];
        int fired = 0;
        model.OnForward = () =>
        {
            // Once: the call's input lanes run forward passes on two threads at once.
            if (Interlocked.Exchange(ref fired, 1) != 0) return;
            model.OnForward = null;
            Call(() => engine.IntegratedGradients(x, 1, Baseline<double>.Zero, intruder), inside);
            Call(() => engine.LayerConductance(1, x, 1, Baseline<double>.Zero, new double[10]), inside);
            Call(() => engine.DeepLift(2, x, 1, Baseline<double>.Zero, new double[10]), inside);
            Call(() => engine.LayerActivation(1, x, new double[10]), inside);
        };

        var result = new double[8];
        engine.IntegratedGradients(x, 1, Baseline<double>.Zero, result);

        Assert.Equal(4, inside.Count);
        Assert.All(inside, e => Assert.Contains("already running a call", Assert.IsType<InvalidOperationException>(e).Message));
        Assert.All(intruder, v => Assert.Equal(0.0, v));
        Assert.Equal(expected, result);

        // The guard is released after the call, and after a call that failed.
        Assert.Throws<ArgumentException>(() => engine.IntegratedGradients(x, 1, Baseline<double>.Zero, new double[7]));
        var again = new double[8];
        engine.IntegratedGradients(x, 1, Baseline<double>.Zero, again);
        Assert.Equal(expected, again);
    }

    private static void Call(Action call, List<Exception> errors)
    {
        try
        {
            call();
        }
        catch (Exception e)
        {
            errors.Add(e);
        }
    }
}
