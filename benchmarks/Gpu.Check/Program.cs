// The GPU check (scripts/check-gpu.sh): (1) the GPU backend against the CPU code on whatever accelerator this machine
// has — every node's activation, gradient and tangent and every attribution method, float and double — exiting with 1
// on a mismatch; (2) layer conductance at relu2 and Integrated Gradients, n = 50, over the Fashion-MNIST test set with
// the shipped model: images per second, achieved FP32 GFLOP/s per pass and its share of the device's peak.
// Timings on ILGPU's CPU accelerator mean nothing (it is a simulator); the program says so instead of printing them.
using System.Diagnostics;
using Axon.Attribution;
using Axon.Gpu;
using Axon.Gpu.Check;
using Axon.IO;
using Axon.Samples.Fashion;

var settings = CheckSettings.Parse(args);
if (settings is null) return 2;

using var device = GpuDevice.Create(settings.Device);
Console.WriteLine(device.Description);
int failures = 0;

// (1) Correctness: a mismatch fails the check whatever the speed.
var cnn = new FashionCnn();
ModelWeights.Load(cnn, Path.Combine(AppContext.BaseDirectory, "fashion-cnn.safetensors"));
var images = FashionMnist.IsInstalled(settings.DataDirectory) ? FashionMnist.LoadTest(settings.DataDirectory, settings.Limit) : null;
var probe = images is null ? RandomImages(4, 3) : images.Pixels.AsSpan(0, 4 * FashionCnn.InputSize).ToArray();
using (var network = new FashionCnnGpu(cnn, device)) failures += Parity.Nodes("FashionCnn (float)", cnn, network, probe, 4, 1e-4);
var twin = new FashionCnnDouble();
twin.ResetParameters(11);
var probeDouble = Array.ConvertAll(probe, v => (double)v);
using (var network = new FashionCnnDoubleGpu(twin, device))
{
    failures += Parity.Nodes("FashionCnn (double)", twin, network, probeDouble, 4, 1e-10);
    failures += Parity.Methods("FashionCnn (double)", twin, network, probeDouble.AsSpan(0, 2 * FashionCnn.InputSize).ToArray(), FashionCnn.LayerIndex.relu2, 1e-10);
}

using (var network = new FashionCnnGpu(cnn, device)) failures += Parity.Methods("FashionCnn (float)", cnn, network, probe.AsSpan(0, 2 * FashionCnn.InputSize).ToArray(), FashionCnn.LayerIndex.relu2, 2e-4);
if (failures > 0)
{
    Console.WriteLine($"GPU CHECK FAILED: {failures} comparison(s) out of tolerance");
    return 1;
}

Console.WriteLine("parity: every node, pass and method matches the CPU code");

// (2) Speed, over the test set.
if (images is null)
{
    Console.WriteLine($"speed: skipped, no Fashion-MNIST under {settings.DataDirectory} (pass --data DIR with t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz)");
    return 0;
}

if (!device.IsCuda) Console.WriteLine("speed: measured on ILGPU's CPU accelerator, a simulator: the figures below check the program, not the speed");
using (var network = new FashionCnnGpu(cnn, device)) Benchmark.Run(network, images, settings, device);
return 0;

static float[] RandomImages(int count, int seed)
{
    var random = new Random(seed);
    var pixels = new float[count * FashionCnn.InputSize];
    for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)random.NextDouble();
    return pixels;
}
