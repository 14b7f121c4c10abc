using System.Diagnostics;
using Axon.Attribution;
using Axon.Data;
using Axon.Model;
using Axon.Samples.Fashion;
using ILGPU.Runtime.Cuda;

namespace Axon.Gpu.Check;

/// <summary>
/// Layer conductance at relu2 and Integrated Gradients over the test set on the GPU backend (black baseline, the true
/// class, Gauss–Legendre n steps), then the three passes alone on a full chunk: images per second, achieved FP32
/// GFLOP/s (counting the multiply-adds of the dense and convolution products, 2 FLOP each) and the share of peak.
/// </summary>
internal static class Benchmark
{
    public static void Run(FashionCnnGpu network, LabeledImages images, CheckSettings settings, GpuDevice device)
    {
        var model = network.Model;
        int rows = settings.Rows > 0 ? settings.Rows : device.IsCuda ? 16384 : 256;
        int count = images.Count, layer = FashionCnn.LayerIndex.relu2, size = model.Layers[layer].Size, last = model.Layers.Count - 1;
        var pixels = images.Pixels.AsSpan(0, count * FashionCnn.InputSize).ToArray();
        int[] targets = Array.ConvertAll(images.Labels, label => (int)label);
        var options = new IntegrationOptions { Steps = settings.Steps };
        using var backend = new GpuPathBackend<float>(network, rows);
        var attributor = new Attributor<float>(backend);
        double peak = PeakGflops(device);
        Console.WriteLine($"speed: {count} test images, n = {settings.Steps} (Gauss-Legendre), black baseline, {rows} rows per chunk" +
            (peak > 0 ? $"; FP32 peak {peak:N0} GFLOP/s ({PeakBasis(device)})" : ""));

        // Warm-up: compiles every kernel the timed calls use.
        int warm = Math.Min(2, count);
        attributor.LayerConductance(layer, pixels.AsSpan(0, warm * FashionCnn.InputSize), targets.AsSpan(0, warm), Baseline<float>.Zero, new float[warm * size], options);
        attributor.IntegratedGradients(pixels.AsSpan(0, warm * FashionCnn.InputSize), targets.AsSpan(0, warm), Baseline<float>.Zero, new float[warm * FashionCnn.InputSize], options);

        double forward = Flops(model, 1, last), toRelu2 = Flops(model, layer + 1, last), fromRelu2 = Flops(model, 1, layer), toInput = forward;
        var conductance = new float[count * size];
        double seconds = Time(() => attributor.LayerConductance(layer, pixels, targets, Baseline<float>.Zero, conductance, options));
        Line("layer conductance (relu2)", count, seconds, (double)count * settings.Steps * (forward + toRelu2 + fromRelu2), peak);
        var ig = new float[count * FashionCnn.InputSize];
        seconds = Time(() => attributor.IntegratedGradients(pixels, targets, Baseline<float>.Zero, ig, options));
        Line("integrated gradients", count, seconds, (double)count * settings.Steps * (forward + toInput), peak);

        // The passes alone, on one full chunk.
        using var ws = network.CreateWorkspace(rows);
        var input = new float[rows * FashionCnn.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = pixels[i % pixels.Length];
        ws.Activation(0, rows).CopyFromCPU(new ReadOnlySpan<float>(input));
        ws.Tangent(0, rows).CopyFromCPU(new ReadOnlySpan<float>(input));
        ws.Gradient(last, rows).MemSetToZero();
        network.Forward(ws, rows);
        network.Backward(ws, last, rows);
        network.Tangent(ws, rows, layer);
        network.Synchronize();
        PassLine("forward", rows, Time(() => { network.Forward(ws, rows); network.Synchronize(); }, 5), forward, peak);
        PassLine("backward to the input", rows, Time(() => { network.Backward(ws, last, rows); network.Synchronize(); }, 5), toInput, peak);
        PassLine("tangent to relu2", rows, Time(() => { network.Tangent(ws, rows, layer); network.Synchronize(); }, 5), fromRelu2, peak);
    }

    /// <summary>FLOPs per row of nodes <paramref name="from"/>..<paramref name="to"/>: 2 per multiply-add of the dense and convolution products.</summary>
    private static double Flops(IDifferentiableModel<float> model, int from, int to)
    {
        double flops = 0;
        for (int i = from; i <= to; i++)
        {
            var node = model.Layers[i];
            var weight = model.ParameterTensors.FirstOrDefault(p => p.Layer == i && p.Name.EndsWith(".weight", StringComparison.Ordinal));
            if (weight is null) continue;
            if (node.Kind == LayerKind.Dense) flops += 2.0 * weight.Length;
            else if (node.Kind is LayerKind.Conv2d or LayerKind.Conv1d) flops += 2.0 * weight.Length * (node.Size / node.Shape[0]);
        }

        return flops;
    }

    private static double Time(Action action, int repetitions = 1)
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < repetitions; i++) action();
        return watch.Elapsed.TotalSeconds / repetitions;
    }

    private static void Line(string method, int images, double seconds, double flops, double peak)
    {
        double gflops = flops / seconds / 1e9;
        Console.WriteLine($"  {method}: {seconds:F3} s, {images / seconds:N0} images/s, {gflops:N0} GFLOP/s" + (peak > 0 ? $" ({gflops / peak:P1} of FP32 peak)" : ""));
    }

    private static void PassLine(string pass, int rows, double seconds, double flopsPerRow, double peak)
    {
        double gflops = rows * flopsPerRow / seconds / 1e9;
        Console.WriteLine($"  pass {pass}: {seconds * 1e3:F2} ms for {rows} rows, {gflops:N0} GFLOP/s" + (peak > 0 ? $" ({gflops / peak:P1} of FP32 peak)" : ""));
    }

    /// <summary>SMs × FP32 lanes per SM × 2 × clock; 0 when not a CUDA device.</summary>
    private static double PeakGflops(GpuDevice device)
    {
        if (device.Accelerator is not CudaAccelerator cuda) return 0;
        return cuda.NumMultiprocessors * LanesPerMultiprocessor(cuda) * 2.0 * cuda.ClockRate / 1e6;
    }

    private static string PeakBasis(GpuDevice device) => device.Accelerator is CudaAccelerator cuda
        ? $"{cuda.NumMultiprocessors} SMs × {LanesPerMultiprocessor(cuda)} FP32 lanes × 2 × {cuda.ClockRate / 1e3:N0} MHz"
        : "";

    /// <summary>FP32 lanes per SM: 128 from Ampere consumer parts and Hopper on (sm_86, sm_89, sm_90), 64 for sm_80 and Volta/Turing.</summary>
    private static int LanesPerMultiprocessor(CudaAccelerator cuda)
    {
        var architecture = cuda.Architecture;
        int major = architecture.Major, minor = architecture.Minor;
        return major >= 9 || (major == 8 && minor >= 6) ? 128 : 64;
    }
}
