// A fresh project that takes Axon.Gpu from its package: the generator (in Axon.Runtime, which Axon.Gpu brings) writes
// TinyNet's CPU code and, for the [GpuModel] declaration, its ILGPU kernels. Integrated Gradients on the GPU backend
// (ILGPU's CPU accelerator here) must match the CPU backend; exits with 1 when it does not.
using Axon;
using Axon.Attribution;
using Axon.Gpu;
using Axon.Layers;

var model = new TinyNet();
model.ResetParameters(seed: 3);
double[] x = [0.5, -1.0, 0.25, 2.0, 0.75, -0.5, 1.5, 0.0];
using var device = GpuDevice.Create(DeviceChoice.Cpu);
using var network = new TinyNetGpu(model, device);
using var backend = new GpuPathBackend<double>(network, capacity: 16);
var cpu = new double[x.Length];
var gpu = new double[x.Length];
var options = new IntegrationOptions { Steps = 20 };
new Attributor<double>(model).IntegratedGradients(x, 1, Baseline<double>.Zero, cpu, options);
new Attributor<double>(backend).IntegratedGradients(x, 1, Baseline<double>.Zero, gpu, options);
double worst = cpu.Zip(gpu, (a, b) => Math.Abs(a - b)).Max();
Console.WriteLine($"{device.Description}");
Console.WriteLine($"IG on the GPU backend vs the CPU: largest difference {worst:G3} -> {(worst < 1e-12 ? "ok" : "MISMATCH")}");
Console.WriteLine(worst < 1e-12 ? "gpu package consumer: ok" : "gpu package consumer: FAILED");
return worst < 1e-12 ? 0 : 1;

[Differentiable(ElementType = ElementType.Double), InputShape(4)]
public partial class TinyNet
{
    [Layer] readonly Dense fc1 = new(4, 8);
    [Layer] readonly Tanh act = new();
    [Layer] readonly Dense fc2 = new(8, 3);
}

[GpuModel(typeof(TinyNet))]
public partial class TinyNetGpu;
