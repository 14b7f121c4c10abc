// Axon from ONNX: a network exported from PyTorch (tiny_mlp.onnx, Linear(6, 8) → ReLU → Linear(8, 3)) becomes a
// compiled, differentiable C# model at build time; here it runs forward and explains class 1 with Integrated Gradients.
using Axon;
using Axon.Attribution;
using Axon.Samples.OnnxImport;

var model = new TinyMlp();
Console.WriteLine($"{nameof(TinyMlp)} from tiny_mlp.onnx: {model.Layers.Count} nodes, {TinyMlp.ParameterCount} parameters");
foreach (var tensor in model.ParameterTensors) Console.WriteLine($"  {tensor.Name} [{string.Join(", ", tensor.Shape)}]");

var input = new double[] { 0.5, -1.0, 0.25, 0.75, -0.5, 1.0 };
var output = new double[TinyMlp.OutputSize];
model.Forward(model.CreateWorkspace(1), input, 1, output);
Console.WriteLine("output: " + string.Join(", ", output.Select(v => v.ToString("F6"))));

var zero = new double[TinyMlp.OutputSize];
model.Forward(model.CreateWorkspace(1), new double[TinyMlp.InputSize], 1, zero);
var ig = new double[TinyMlp.InputSize];
var errors = new double[1];
new Attributor<double>(model).IntegratedGradients(input, 1, Baseline<double>.Zero, ig, new IntegrationOptions { Steps = 64 }, errors);
Console.WriteLine("integrated gradients for class 1: " + string.Join(", ", ig.Select(v => v.ToString("F6"))));
double gap = ig.Sum() - (output[1] - zero[1]);
Console.WriteLine($"completeness: sum {ig.Sum():F6}, F(x) - F(0) {output[1] - zero[1]:F6}, gap {gap:E2} -> {(Math.Abs(gap) < 1e-3 ? "ok" : "FAILED")}");
return Math.Abs(gap) < 1e-3 ? 0 : 1;

namespace Axon.Samples.OnnxImport
{
    /// <summary>The network of tiny_mlp.onnx: layers, shapes and weights all come from the file.</summary>
    [Differentiable(ElementType = ElementType.Double, Onnx = "tiny_mlp.onnx")]
    public partial class TinyMlp;
}
