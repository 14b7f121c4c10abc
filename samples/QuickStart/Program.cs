// Axon quick start: declare a network, let the generator compile it, then run forward, reverse mode and
// forward mode and check both against finite differences.
using Axon;
using Axon.Layers;
using Axon.Samples.QuickStart;

var model = new TinyCnn();
model.ResetParameters(seed: 1);
const int batch = 4;
var ws = model.CreateWorkspace(batch);
var random = new Random(7);
var input = Enumerable.Range(0, batch * TinyCnn.InputSize).Select(_ => random.NextDouble()).ToArray();
var output = new double[batch * TinyCnn.OutputSize];

Console.WriteLine($"Model {nameof(TinyCnn)}: {model.Layers.Count} nodes, {TinyCnn.ParameterCount} parameters");
foreach (var layer in model.Layers) Console.WriteLine($"  {layer}");

model.Forward(ws, input, batch, output);

// Reverse mode: the gradient of class 2's score for every sample with respect to the input.
var seed = new double[output.Length];
for (int b = 0; b < batch; b++) seed[b * TinyCnn.OutputSize + 2] = 1;
model.Backward(ws, seed, batch);
var gradient = ws.Gradient(0).ToArray();

// Forward mode: the tangent of the output along a random direction v.
var v = Enumerable.Range(0, input.Length).Select(_ => random.NextDouble() - 0.5).ToArray();
model.Tangent(ws, v, batch);
var tangent = ws.Tangent(model.Layers.Count - 1).ToArray();

double Score(double[] x)
{
    var w = model.CreateWorkspace(batch);
    var o = new double[output.Length];
    model.Forward(w, x, batch, o);
    return o.Zip(seed, (a, s) => a * s).Sum();
}

const double h = 1e-5;
double worstGradient = 0;
for (int i = 0; i < input.Length; i += 13)
{
    var plus = input.ToArray(); plus[i] += h;
    var minus = input.ToArray(); minus[i] -= h;
    worstGradient = Math.Max(worstGradient, Math.Abs(gradient[i] - (Score(plus) - Score(minus)) / (2 * h)));
}

var outPlus = new double[output.Length];
var outMinus = new double[output.Length];
model.Forward(model.CreateWorkspace(batch), input.Zip(v, (a, d) => a + h * d).ToArray(), batch, outPlus);
model.Forward(model.CreateWorkspace(batch), input.Zip(v, (a, d) => a - h * d).ToArray(), batch, outMinus);
double worstTangent = tangent.Select((t, i) => Math.Abs(t - (outPlus[i] - outMinus[i]) / (2 * h))).Max();

Console.WriteLine($"class-2 scores: {string.Join(", ", Enumerable.Range(0, batch).Select(b => output[b * TinyCnn.OutputSize + 2].ToString("F4")))}");
Console.WriteLine($"gradient check (reverse mode vs central differences): max abs error {worstGradient:E2}");
Console.WriteLine($"tangent check  (forward mode vs central differences): max abs error {worstTangent:E2}");
return worstGradient < 1e-6 && worstTangent < 1e-6 ? 0 : 1;

namespace Axon.Samples.QuickStart
{
    [Differentiable(ElementType = ElementType.Double), InputShape(1, 12, 12)]
    public partial class TinyCnn
    {
        [Layer] private readonly Conv2d conv = new(1, 4, kernel: 3, padding: 1);
        [Layer] private readonly Tanh tanh = new();
        [Layer] private readonly MaxPool2d pool = new(2);
        [Layer] private readonly Flatten flatten = new();
        [Layer] private readonly Dense fc = new(144, 3);
    }
}
