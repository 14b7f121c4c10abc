// A fresh project that takes Axon from the packed Axon.Runtime package: the attributes come from the package's
// lib folder, the generated forward / backward code from the package's analyzer, the attribution engine from the
// runtime. It checks the gradient against central differences and the completeness of Integrated Gradients, and
// exits with 1 when either is off.
using Axon;
using Axon.Attribution;
using Axon.Layers;

var model = new TinyNet();
model.ResetParameters(seed: 7);
var ws = model.CreateWorkspace(1);
float[] x = [0.5f, -1.0f, 0.25f, 2.0f];
var y = new float[TinyNet.OutputSize];
model.Forward(ws, x, 1, y);
Console.WriteLine($"generated: {nameof(TinyNet)}, {model.Layers.Count} nodes, {TinyNet.ParameterCount} parameters; F(x) = [{string.Join(", ", y.Select(v => v.ToString("F4")))}]");

// Reverse mode: dF_0/dx, checked against central differences.
var seed = new float[TinyNet.OutputSize];
seed[0] = 1;
model.Backward(ws, seed, 1);
var gradient = ws.Gradient(0).ToArray();
double worst = 0;
for (int i = 0; i < x.Length; i++)
{
    const float h = 1e-2f;
    var plus = (float[])x.Clone();
    var minus = (float[])x.Clone();
    plus[i] += h;
    minus[i] -= h;
    worst = Math.Max(worst, Math.Abs(gradient[i] - (Score(plus) - Score(minus)) / (2 * h)));
}

Console.WriteLine($"backward: dF0/dx = [{string.Join(", ", gradient.Select(v => v.ToString("F4")))}], max error vs central differences {worst:E1}");

// Integrated Gradients against a zero baseline: the attributions must add up to F(x) - F(0).
var attributor = new Attributor<float>(model);
var ig = new float[x.Length];
var delta = new float[1];
attributor.IntegratedGradients(x, 0, Baseline<float>.Zero, ig, new IntegrationOptions { Steps = 32 }, delta);
double sum = ig.Sum(v => (double)v), change = Score(x) - Score(new float[x.Length]);
Console.WriteLine($"IG: [{string.Join(", ", ig.Select(v => v.ToString("F4")))}]");
bool complete = Math.Abs(sum - change) <= 1e-3 * Math.Max(1, Math.Abs(change));
bool gradientOk = worst < 1e-2;
Console.WriteLine($"completeness: sum of IG {sum:F6}, F(x) - F(0) {change:F6}, delta {delta[0]:E2} -> {(complete ? "ok" : "FAILED")}");
Console.WriteLine(complete && gradientOk ? "package consumer: ok" : "package consumer: FAILED");
return complete && gradientOk ? 0 : 1;

double Score(float[] input)
{
    var w = model.CreateWorkspace(1);
    var o = new float[TinyNet.OutputSize];
    model.Forward(w, input, 1, o);
    return o[0];
}

/// <summary>Dense → Tanh → Dense: the generator in the package writes its forward, backward and tangent code.</summary>
[Differentiable, InputShape(4)]
public partial class TinyNet
{
    [Layer] private readonly Dense fc1 = new(4, 8);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Dense fc2 = new(8, 3);
}
