using System.Collections.Immutable;
using System.Numerics;
using Axon.Generator.Tests.Infrastructure;
using Axon.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Axon.Generator.Tests.Models;

/// <summary>
/// MultiHeadAttention with separate q/k/v projections (PyTorch's q_proj_weight, k_proj_weight, v_proj_weight): the
/// parameters carry those names and shapes, the function is a brute-force attention written here from them, the
/// packed layer with the same weights gives the same outputs and gradients, and the gradients match finite
/// differences. The GPU backend emits kernels for it (their parity is in Gpu.Tests' SequenceParityTests).
/// </summary>
public sealed class AttentionProjectionTests
{
    private const int Length = 3, Embed = 4, Heads = 2;

    private static string Source(string element, bool bias) => $$"""
        using Axon;
        using Axon.Layers;
        namespace Attention;
        [Differentiable(ElementType = ElementType.{{element}}), InputShape({{Length}}, {{Embed}})]
        public partial class Separate { [Layer] readonly MultiHeadAttention attn = new({{Embed}}, {{Heads}}, bias: {{(bias ? "true" : "false")}}, separateProjections: true); [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense head = new({{Length * Embed}}, 2); }
        [Differentiable(ElementType = ElementType.{{element}}), InputShape({{Length}}, {{Embed}})]
        public partial class Packed { [Layer] readonly MultiHeadAttention attn = new({{Embed}}, {{Heads}}, bias: {{(bias ? "true" : "false")}}); [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense head = new({{Length * Embed}}, 2); }
        """;

    private sealed class Pair<T> : IDisposable
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly LoadedAssembly _assembly;

        public Pair(string element, bool bias)
        {
            var run = GeneratorHarness.Run(Source(element, bias));
            Assert.Null(run.Exception);
            Assert.True(run.GeneratorDiagnostics.IsEmpty, string.Join("\n", run.GeneratorDiagnostics));
            _assembly = run.Load();
            Separate = (IDifferentiableModel<T>)Activator.CreateInstance(_assembly.GetType("Attention.Separate"))!;
            Packed = (IDifferentiableModel<T>)Activator.CreateInstance(_assembly.GetType("Attention.Packed"))!;
            var random = new Random(7);
            var p = Separate.Parameters;
            for (int i = 0; i < p.Length; i++) p[i] = T.CreateChecked(random.NextDouble() - 0.5);

            // The packed layer's in_proj_weight is q, k and v stacked; the other tensors share their names.
            foreach (var target in Packed.ParameterTensors)
            {
                var values = target.Name == "attn.in_proj_weight"
                    ? new[] { "q", "k", "v" }.SelectMany(r => Tensor(Separate, $"attn.{r}_proj_weight")).ToArray()
                    : Tensor(Separate, target.Name);
                values.CopyTo(Packed.Parameters.Slice(target.Offset, target.Length));
            }
        }

        public IDifferentiableModel<T> Separate { get; }

        public IDifferentiableModel<T> Packed { get; }

        public void Dispose() => _assembly.Dispose();
    }

    private static T[] Tensor<T>(IDifferentiableModel<T> model, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = model.ParameterTensors.Single(t => t.Name == name);
        return model.Parameters.Slice(p.Offset, p.Length).ToArray();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Parameters_carry_pytorchs_separate_names_and_shapes(bool bias)
    {
        using var pair = new Pair<double>("Double", bias);
        var expected = new List<(string, int[])>
        {
            ("attn.q_proj_weight", new[] { Embed, Embed }), ("attn.k_proj_weight", new[] { Embed, Embed }), ("attn.v_proj_weight", new[] { Embed, Embed }),
        };
        if (bias) expected.Add(("attn.in_proj_bias", new[] { 3 * Embed }));
        expected.Add(("attn.out_proj.weight", new[] { Embed, Embed }));
        if (bias) expected.Add(("attn.out_proj.bias", new[] { Embed }));
        expected.Add(("head.weight", new[] { 2, Length * Embed }));
        expected.Add(("head.bias", new[] { 2 }));
        Assert.Equal(expected.Select(e => e.Item1), pair.Separate.ParameterTensors.Select(p => p.Name));
        Assert.Equal(expected.Select(e => string.Join("×", e.Item2)), pair.Separate.ParameterTensors.Select(p => string.Join("×", p.Shape.ToArray())));
        Assert.Equal(pair.Packed.Parameters.Length, pair.Separate.Parameters.Length);
    }

    [Fact]
    public void Output_matches_a_brute_force_attention_from_the_separate_weights()
    {
        using var pair = new Pair<double>("Double", bias: true);
        var model = pair.Separate;
        var x = Values(3, Length * Embed);
        var output = new double[2];
        model.Forward(model.CreateWorkspace(1), x, 1, output);

        double[] W(string name) => Tensor(model, name);
        var bias = W("attn.in_proj_bias");
        double[,] Project(double[] weight, int biasOffset)
        {
            var result = new double[Length, Embed];
            for (int t = 0; t < Length; t++)
                for (int o = 0; o < Embed; o++)
                {
                    double s = bias[biasOffset + o];
                    for (int i = 0; i < Embed; i++) s += weight[o * Embed + i] * x[t * Embed + i];
                    result[t, o] = s;
                }

            return result;
        }

        var q = Project(W("attn.q_proj_weight"), 0);
        var k = Project(W("attn.k_proj_weight"), Embed);
        var v = Project(W("attn.v_proj_weight"), 2 * Embed);
        int d = Embed / Heads;
        var context = new double[Length, Embed];
        for (int h = 0; h < Heads; h++)
        {
            for (int t = 0; t < Length; t++)
            {
                var scores = new double[Length];
                for (int u = 0; u < Length; u++)
                {
                    for (int c = 0; c < d; c++) scores[u] += q[t, h * d + c] * k[u, h * d + c];
                    scores[u] /= Math.Sqrt(d);
                }

                double max = scores.Max();
                var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                double sum = weights.Sum();
                for (int u = 0; u < Length; u++)
                    for (int c = 0; c < d; c++) context[t, h * d + c] += weights[u] / sum * v[u, h * d + c];
            }
        }

        var outWeight = W("attn.out_proj.weight");
        var outBias = W("attn.out_proj.bias");
        var attended = new double[Length * Embed];
        for (int t = 0; t < Length; t++)
            for (int o = 0; o < Embed; o++)
            {
                double s = outBias[o];
                for (int i = 0; i < Embed; i++) s += outWeight[o * Embed + i] * context[t, i];
                attended[t * Embed + o] = s;
            }

        var headWeight = W("head.weight");
        var headBias = W("head.bias");
        for (int o = 0; o < 2; o++)
        {
            double s = headBias[o];
            for (int i = 0; i < Length * Embed; i++) s += headWeight[o * Length * Embed + i] * attended[i];
            Assert.Equal(s, output[o], 1e-12);
        }
    }

    [Theory]
    [InlineData("Double", true, 1e-12)]
    [InlineData("Double", false, 1e-12)]
    [InlineData("Float", true, 1e-5)]
    public void Outputs_and_gradients_equal_the_packed_layers_with_the_same_weights(string element, bool bias, double tolerance)
    {
        if (element == "Double") Compare<double>(element, bias, tolerance);
        else Compare<float>(element, bias, tolerance);
    }

    private static void Compare<T>(string element, bool bias, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var pair = new Pair<T>(element, bias);
        const int batch = 2;
        var x = Values(11, batch * Length * Embed).Select(v => T.CreateChecked(v)).ToArray();
        var (separateOut, separateInput, separateParameters) = ForwardBackward(pair.Separate, x, batch);
        var (packedOut, packedInput, packedParameters) = ForwardBackward(pair.Packed, x, batch);
        AssertClose(packedOut, separateOut, tolerance);
        AssertClose(packedInput, separateInput, tolerance);
        // Same layout: q, k, v gradients lie where in_proj_weight's do, and the rest follow in the same order.
        AssertClose(packedParameters, separateParameters, tolerance);
    }

    [Fact]
    public void Input_and_projection_gradients_match_central_finite_differences()
    {
        using var pair = new Pair<double>("Double", bias: true);
        var model = pair.Separate;
        var x = Values(13, Length * Embed);
        var (_, inputGradient, parameterGradient) = ForwardBackward(model, x, 1);
        double F(double[] input) => ForwardBackward(model, input, 1).Output[0];
        const double h = 1e-6;
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (F(plus) - F(minus)) / (2 * h);
            Assert.True(Math.Abs(fd - inputGradient[i]) <= 1e-6 * (1 + Math.Abs(fd)), $"input {i}: finite difference {fd}, gradient {inputGradient[i]}");
        }

        foreach (var name in new[] { "attn.q_proj_weight", "attn.k_proj_weight", "attn.v_proj_weight" })
        {
            var tensor = model.ParameterTensors.Single(p => p.Name == name);
            for (int j = 0; j < tensor.Length; j += 3)
            {
                int index = tensor.Offset + j;
                double saved = model.Parameters[index];
                model.Parameters[index] = saved + h;
                double plus = F(x);
                model.Parameters[index] = saved - h;
                double minus = F(x);
                model.Parameters[index] = saved;
                double fd = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(fd - parameterGradient[index]) <= 1e-6 * (1 + Math.Abs(fd)), $"{name}[{j}]: finite difference {fd}, gradient {parameterGradient[index]}");
            }
        }
    }

    [Fact]
    public void Separate_projections_get_GPU_kernels()
    {
        var references = GeneratorHarness.References.AddRange(new[]
        {
            typeof(Axon.Gpu.GpuModelAttribute).Assembly.Location,
            typeof(ILGPU.Context).Assembly.Location,
            typeof(ILGPU.Algorithms.XMath).Assembly.Location,
        }.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)));
        const string declaration = "namespace Attention; [Axon.Gpu.GpuModel(typeof(Separate))] public partial class SeparateGpu;";
        var compilation = CSharpCompilation.Create("Axon.Gpu.SeparateProjections",
            new[] { GeneratorHarness.Parse(Source("Float", bias: true), "Models.cs"), GeneratorHarness.Parse(declaration, "SeparateGpu.cs") },
            references, GeneratorHarness.CompilationOptions);
        var run = GeneratorHarness.Run(compilation);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains(run.GeneratedSources, s => s.HintName.EndsWith(".AxonGpu.g.cs", StringComparison.Ordinal));
    }

    private static double[] Values(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    private static (T[] Output, T[] InputGradient, T[] ParameterGradient) ForwardBackward<T>(IDifferentiableModel<T> model, T[] input, int batch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var workspace = model.CreateWorkspace(batch);
        var output = new T[batch * model.OutputSize];
        model.Forward(workspace, input, batch, output);
        var seed = new T[output.Length];
        for (int b = 0; b < batch; b++) seed[b * model.OutputSize] = T.One;
        var parameterGradient = new T[model.Parameters.Length];
        model.Backward(workspace, seed, batch, 0, parameterGradient);
        return (output, workspace.Gradient(0).ToArray(), parameterGradient);
    }

    private static void AssertClose<T>(T[] expected, T[] actual, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateChecked(expected[i]);
            double a = double.CreateChecked(actual[i]);
            Assert.True(Math.Abs(e - a) <= tolerance * (1 + Math.Abs(e)), $"element {i}: packed {e}, separate {a}");
        }
    }
}
