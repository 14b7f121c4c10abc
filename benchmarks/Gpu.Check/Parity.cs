using Axon.Attribution;
using Axon.Model;

namespace Axon.Gpu.Check;

/// <summary>GPU backend against the generated CPU code; each comparison prints one line and counts as a failure when out of tolerance.</summary>
internal static class Parity
{
    /// <summary>Every node's activation, gradient (from a random output seed) and tangent (along a random direction), and the parameter gradient.</summary>
    public static int Nodes<T>(string name, IDifferentiableModel<T> model, GpuNetwork<T> network, T[] inputs, int batch, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(5);
        var seed = Values<T>(random, batch * model.OutputSize);
        var direction = Values<T>(random, batch * model.InputSize);
        var cpu = model.CreateWorkspace(batch);
        var parameterGradient = new T[model.Parameters.Length];
        model.Forward(cpu, inputs, batch, new T[batch * model.OutputSize]);
        model.Backward(cpu, seed, batch, 0, parameterGradient);
        model.Tangent(cpu, direction, batch);

        int last = model.Layers.Count - 1;
        using var ws = network.CreateWorkspace(batch);
        ws.Activation(0, batch).CopyFromCPU(new ReadOnlySpan<T>(inputs));
        network.Forward(ws, batch);
        ws.Gradient(last, batch).CopyFromCPU(new ReadOnlySpan<T>(seed));
        network.ClearParameterGradients();
        network.Backward(ws, last, batch, 0, parameterGradients: true);
        ws.Tangent(0, batch).CopyFromCPU(new ReadOnlySpan<T>(direction));
        network.Tangent(ws, batch);
        network.Synchronize();

        double worst = 0;
        for (int layer = 0; layer <= last; layer++)
        {
            worst = Math.Max(worst, Error<T>(cpu.Activation(layer), Read(ws.Activation(layer, batch))));
            worst = Math.Max(worst, Error<T>(cpu.Gradient(layer), Read(ws.Gradient(layer, batch))));
            worst = Math.Max(worst, Error<T>(cpu.Tangent(layer), Read(ws.Tangent(layer, batch))));
        }

        var gpuParameterGradient = new T[parameterGradient.Length];
        network.ReadParameterGradients(gpuParameterGradient);
        foreach (var tensor in model.ParameterTensors)
        {
            if (tensor.Trainable) worst = Math.Max(worst, Error<T>(parameterGradient.AsSpan(tensor.Offset, tensor.Length), gpuParameterGradient.AsSpan(tensor.Offset, tensor.Length)));
        }

        return Report($"{name}: nodes (activations, gradients, tangents, parameter gradients)", worst, tolerance);
    }

    /// <summary>Every path method on the GPU backend against the CPU backend, with deltas, and the adaptive mode's steps.</summary>
    public static int Methods<T>(string name, IDifferentiableModel<T> model, GpuNetwork<T> network, T[] inputs, int layer, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = inputs.Length / model.InputSize, size = model.Layers[layer].Size;
        using var backend = new GpuPathBackend<T>(network, network.Device.IsCuda ? 1024 : 48);
        var gpu = new Attributor<T>(backend);
        var cpu = new Attributor<T>(model);
        var options = new IntegrationOptions { Steps = 16 };
        InputRegion[] regions = [InputRegion.Rectangle(0, 0, 14, 14), InputRegion.Rectangle(10, 6, 12, 16)];
        int failures = 0;
        failures += Compare($"{name}: integrated gradients", count, model.InputSize, tolerance, (e, r, d) => e.IntegratedGradients(inputs, 1, Baseline<T>.Zero, r, options, d), cpu, gpu);
        failures += Compare($"{name}: layer conductance", count, size, tolerance, (e, r, d) => e.LayerConductance(layer, inputs, 2, Baseline<T>.Zero, r, options, d), cpu, gpu);
        failures += Compare($"{name}: neuron conductance", count, model.InputSize, tolerance, (e, r, d) => e.NeuronConductance(layer, [5, 300, 1000], inputs, 2, Baseline<T>.Zero, r, options, d), cpu, gpu);
        failures += Compare($"{name}: patch IG", count, regions.Length * size, tolerance, (e, r, d) => e.PatchIntegratedGradients(layer, regions, inputs, 3, Baseline<T>.Zero, r, options, d), cpu, gpu);
        failures += Compare($"{name}: internal influence", count, size, tolerance, (e, r, d) => e.InternalInfluence(layer, inputs, 3, Baseline<T>.Zero, r, options, d), cpu, gpu);
        var adaptive = options with { Steps = 4, Tolerance = 1e-3, MaxSteps = 256 };
        failures += Compare($"{name}: adaptive IG", count, model.InputSize, tolerance, (e, r, d) => e.IntegratedGradients(inputs, 1, Baseline<T>.Zero, r, adaptive, d), cpu, gpu);
        return failures;
    }

    private delegate AttributionReport Method<T>(Attributor<T> engine, Span<T> result, Span<T> deltas) where T : unmanaged, IFloatingPointIeee754<T>;

    private static int Compare<T>(string what, int count, int perInput, double tolerance, Method<T> method, Attributor<T> cpu, Attributor<T> gpu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var expected = new T[count * perInput];
        var actual = new T[count * perInput];
        var expectedDeltas = new T[count];
        var actualDeltas = new T[count];
        var cpuReport = method(cpu, expected, expectedDeltas);
        var gpuReport = method(gpu, actual, actualDeltas);
        double worst = Math.Max(Error<T>(expected, actual), Error<T>(expectedDeltas, actualDeltas, Scale<T>(expected)));
        if (cpuReport.Steps != gpuReport.Steps)
        {
            Console.WriteLine($"  MISMATCH {what}: the CPU took n = {cpuReport.Steps}, the GPU n = {gpuReport.Steps}");
            return 1;
        }

        return Report($"{what} (n = {gpuReport.Steps})", worst, tolerance);
    }

    private static int Report(string what, double worst, double tolerance)
    {
        bool ok = worst <= tolerance;
        Console.WriteLine($"  {(ok ? "ok" : "MISMATCH")} {what}: largest error {worst:G3} of the largest value (allowed {tolerance:G1})");
        return ok ? 0 : 1;
    }

    /// <summary>max |expected − actual| relative to max |expected| (or to <paramref name="scale"/> when given).</summary>
    private static double Error<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double scale = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (expected.Length != actual.Length) return double.PositiveInfinity;
        scale = Math.Max(scale, Math.Max(Scale(expected), 1e-30));
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(double.CreateChecked(expected[i]) - double.CreateChecked(actual[i])) / scale);
        return double.IsNaN(worst) ? double.PositiveInfinity : worst;
    }

    private static double Scale<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double scale = 0;
        foreach (var value in values) scale = Math.Max(scale, Math.Abs(double.CreateChecked(value)));
        return scale;
    }

    private static T[] Values<T>(Random random, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++) values[i] = T.CreateChecked(2 * random.NextDouble() - 1);
        return values;
    }

    private static T[] Read<T>(ArrayView<T> view) where T : unmanaged
    {
        var values = new T[view.Length];
        view.CopyToCPU(new Span<T>(values));
        return values;
    }
}
