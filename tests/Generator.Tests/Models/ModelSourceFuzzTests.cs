using System.Diagnostics;
using System.Globalization;
using System.Text;
using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;

namespace Axon.Generator.Tests.Models;

/// <summary>
/// Runs the generator over a few hundred mutated model sources (fixed seed, so every run sees the same ones):
/// plausible networks whose names, hyper-parameters, shapes, class declarations, members and Forward methods are
/// bent toward what broke the generator before. The generator must never throw, and whenever it reports no
/// AXN error its output must compile without adding a compiler error.
/// </summary>
public sealed class ModelSourceFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261130;
    private const int SourceCount = 300;

    [Fact]
    public void Mutated_model_sources_never_crash_the_generator_and_compile_when_accepted()
    {
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var random = new Random(Seed);
        var sources = Enumerable.Range(0, SourceCount).Select(i => ModelSourceMutator.Generate(random, i)).ToArray();

        // One compilation for all: each source declares its own namespaces and types (suffixed with its index), so
        // they cannot meet, and compiling once instead of three hundred times keeps the test to seconds.
        // Only errors matter here, so the cheaper settings: no documentation-comment parsing, no nullable analysis.
        var parseOptions = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.None);
        var trees = sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, $"Source{i}.cs"));
        var compilation = GeneratorHarness.CreateCompilation(trees, GeneratorHarness.CompilationOptions.WithNullableContextOptions(NullableContextOptions.Disable));
        var run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(parseOptions), compilation);
        Assert.True(run.Exception is null, $"The generator threw {run.Exception}");
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "AXN015" or "CS8785");

        var rejected = run.GeneratorDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("AXN", StringComparison.Ordinal))
            .Select(d => SourceIndex(d.Location.GetLineSpan().Path))
            .ToHashSet();
        var models = run.GeneratedSources.Count(s => s.HintName.EndsWith(".Axon.g.cs", StringComparison.Ordinal));
        Assert.Equal(SourceCount - rejected.Count, models);

        var generated = clock.Elapsed;
        // Every error the generated code adds (in generated or user files) breaks an accepted model.
        var added = AddedErrors(run);
        Assert.True(added.Count == 0, "Accepted models whose output does not compile:\n" + string.Join("\n\n", added.Take(5).Select(e => e + "\n" + SourceOf(e, sources))));

        var ids = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).GroupBy(d => d.Id).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        output.WriteLine($"{SourceCount} sources: {rejected.Count} rejected with an AXN error, {models} generated and compiled, in {clock.Elapsed.TotalSeconds:F1} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU; generator {generated.TotalSeconds:F1} s); errors: {string.Join(", ", ids)}");
        // Both halves of the property must be exercised, or the mutator has drifted.
        Assert.InRange(rejected.Count, SourceCount / 5, SourceCount * 4 / 5);
    }

    private static int SourceIndex(string path)
        => path.StartsWith("Source", StringComparison.Ordinal) ? int.Parse(path.AsSpan(6, path.Length - 9), CultureInfo.InvariantCulture) : -1;

    /// <summary>Errors of the output compilation that the input alone does not have (a mutated source may not compile by itself).</summary>
    /// <remarks>
    /// The generated files are bound in full; the user files only to their declarations, where a clash with a
    /// generated member shows (CS0102, CS0111). Binding every user method body twice would double the run time.
    /// </remarks>
    private static List<Diagnostic> AddedErrors(GeneratorRun run)
    {
        var output = run.OutputCompilation;
        var errors = new List<Diagnostic>();
        foreach (var generated in run.GeneratedSources)
        {
            errors.AddRange(output.GetSemanticModel(generated.SyntaxTree).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        var inputErrors = run.InputCompilation.GetDeclarationDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(Key).ToHashSet();
        errors.AddRange(output.GetDeclarationDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !inputErrors.Contains(Key(d))));
        return errors;
    }

    private static string Key(Diagnostic d) => d.Id + "@" + d.Location.GetLineSpan();

    /// <summary>The model source an error belongs to: the generated file names the model's namespace, Fuzz{index}.</summary>
    private static string SourceOf(Diagnostic error, string[] sources)
    {
        string path = error.Location.GetLineSpan().Path;
        int index = SourceIndex(path);
        if (index < 0)
        {
            var match = System.Text.RegularExpressions.Regex.Match(path, @"Fuzz(\d+)");
            if (match.Success) index = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return index >= 0 ? sources[index] : "(source unknown: " + path + ")";
    }
}

/// <summary>Writes one plausible model source, then bends its parts at random.</summary>
internal static class ModelSourceMutator
{
    private static readonly string[] Keywords = { "class", "int", "event", "struct", "return", "new" };
    private static readonly string[] Reserved = { "Parameters", "Forward", "LayerIndex", "_parameters", "RunForward", "Layers", "InputSize", "Backward" };
    private static readonly string[] NodeLike = { "input", "add1", "concat1", "swish1", "flatten1", "reshape1", "a_2", "l0_2" };
    private static readonly string[] HugeInts = { "int.MaxValue", "0", "-1", "-4", "65536", "2147483646", "46341" };
    private static readonly string[] OddReals = { "double.NaN", "double.PositiveInfinity", "1e39", "1e-50", "-0.0", "float.MaxValue", "3.4028235e38", "1e300", "0.0", "-1e39", "0.2" };

    public static string Generate(Random random, int index)
    {
        var model = new ModelDraft(random, index);
        switch (random.Next(3))
        {
            case 0:
                model.Vector();
                break;
            case 1:
                model.Image();
                break;
            default:
                model.Sequence();
                break;
        }

        return model.Write();
    }

    private sealed class ModelDraft(Random random, int index)
    {
        private readonly List<string> _shape = new();
        private readonly List<(string Name, string Declaration)> _layers = new();
        private readonly List<string> _extraMembers = new();
        private string? _forward;
        private readonly bool _double = random.Next(4) == 0;

        /// <summary>The [Differentiable] function of the model's element type.</summary>
        private string Swish => _double ? "SwishD" : "Swish";

        private bool Chance(double p) => random.NextDouble() < p;

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        /// <summary>An int hyper-parameter, sometimes replaced by an extreme.</summary>
        private string Int(int value) => Chance(0.03) ? Pick(HugeInts) : value.ToString(CultureInfo.InvariantCulture);

        private string Real(string value) => Chance(0.3) ? Pick(OddReals) : value;

        /// <summary>A layer name: usually plain, sometimes a keyword, a reserved member, a generated node name or a repeat.</summary>
        private string Name(string plain)
        {
            double roll = random.NextDouble();
            if (roll < 0.05) return Pick(Keywords);
            if (roll < 0.065) return Pick(Reserved);
            if (roll < 0.15) return Pick(NodeLike);
            if (roll < 0.16 && _layers.Count > 0) return _layers[random.Next(_layers.Count)].Name;
            return plain;
        }

        private string Add(string plain, string declaration)
        {
            string name = Name(plain);
            _layers.Add((name, declaration));
            return name;
        }

        private static string Id(string name) => Keywords.Contains(name) ? "@" + name : name;

        public void Vector()
        {
            int n = Pick(new[] { 4, 8, 16 });
            _shape.Add(Int(n));
            if (Chance(0.5))
            {
                // A Forward method with residuals, concatenation, reshape and a function application.
                string a = Add("a", $"Dense {{0}} = new({Int(n)}, {Int(n)});");
                string act = Add("act", Pick(new[] { "ReLU {0} = new();", $"LeakyReLU {{0}} = new({Real("0.1")});", "Tanh {0} = new();", $"Activation {{0}} = new(nameof(Acts{index}.{Swish}));" }));
                string head = Add("head", $"Dense {{0}} = new({Int(2 * n)}, {Int(3)});");
                string reshape = Chance(0.5) ? $"{Int(2)}, {Int(n / 2)}" : Pick(new[] { "-1, -" + n, "0, " + n, n.ToString(CultureInfo.InvariantCulture) });
                _forward = random.Next(5) switch
                {
                    0 => $"Tensor Forward(Tensor x) => {Id(head)}.Apply(Tensor.Concat({Id(act)}.Apply({Id(a)}.Apply(x)), x));",
                    1 => $"Tensor Forward(Tensor x)\n    {{\n        var h = {Id(act)}.Apply({Id(a)}.Apply(x)) + x;\n        h = {Id(a)}.Apply(h);\n        return {Id(head)}.Apply(Tensor.Concat(h, x.Apply(Acts{index}.{Swish})));\n    }}",
                    2 => $"Tensor Forward(Tensor x) => {Id(head)}.Apply(Tensor.Concat(x.Reshape({reshape}).Flatten(), {Id(a)}.Apply(x)));",
                    3 => $"Tensor Forward(Tensor x)\n    {{\n        var h = x;\n        for (int i = 0; i < 2; i++) h = {Id(a)}.Apply(h);\n        return {Id(head)}.Apply(Tensor.Concat(h, x));\n    }}",
                    _ => $"Tensor Forward(Tensor x) => {Id(head)}.Apply(Tensor.Concat({Id(a)}.Apply({Id(a)}.Apply(x)), {Id(act)}.Apply(x)));",
                };
                return;
            }

            int width = n;
            for (int i = 0; i < random.Next(1, 5); i++)
            {
                int next = Pick(new[] { 2, 4, 8 });
                string kind = Pick(new[] { "Dense", "Dense", "ReLU", "LeakyReLU", "BatchNorm", "Softmax", "Gelu", "Activation" });
                string name = "l" + i;
                switch (kind)
                {
                    case "Dense":
                        Add(name, $"Dense {{0}} = new({Int(width)}, {Int(next)}{(Chance(0.3) ? ", bias: false" : "")});");
                        width = next;
                        break;
                    case "LeakyReLU":
                        Add(name, $"LeakyReLU {{0}} = new({Real("0.01")});");
                        break;
                    case "BatchNorm":
                        Add(name, $"BatchNorm {{0}} = new({Int(width)}, {Real("1e-5")});");
                        break;
                    case "Activation":
                        Add(name, $"Activation {{0}} = new(nameof(Acts{index}.{Swish}));");
                        break;
                    default:
                        Add(name, kind + " {0} = new();");
                        break;
                }
            }
        }

        public void Image()
        {
            int c = Pick(new[] { 1, 3 }), h = Pick(new[] { 8, 12 });
            _shape.AddRange(new[] { Int(c), Int(h), Int(h) });
            int k = Pick(new[] { 4, 8 });
            Add("conv", $"Conv2d {{0}} = new({Int(c)}, {Int(k)}, kernel: {Int(3)}, stride: {Int(1)}, padding: {Int(1)});");
            Add("bn", $"BatchNorm {{0}} = new({Int(k)}, {Real("1e-5")});");
            Add("relu", "ReLU {0} = new();");
            Add("pool", Pick(new[] { $"MaxPool2d {{0}} = new({Int(2)});", $"AvgPool2d {{0}} = new({Int(2)}, {Int(2)});" }));
            if (Chance(0.5))
            {
                Add("gap", "GlobalAvgPool {0} = new();");
                Add("fc", $"Dense {{0}} = new({Int(k)}, {Int(10)});");
            }
            else
            {
                Add("flat", "Flatten {0} = new();");
                Add("fc", $"Dense {{0}} = new({Int(k * (h / 2) * (h / 2))}, {Int(10)});");
            }
        }

        public void Sequence()
        {
            int length = Pick(new[] { 6, 12 });
            _shape.Add(Int(length));
            int dim = Pick(new[] { 4, 8 });
            Add("embed", $"Embedding {{0}} = new({Int(50)}, {Int(dim)});");
            Add("conv", $"Conv1d {{0}} = new({Int(dim)}, {Int(6)}, kernel: {Int(3)});");
            Add("pool", "MaxOverTime {0} = new();");
            Add("fc", $"Dense {{0}} = new({Int(6)}, {Int(2)});");
        }

        public string Write()
        {
            MutateMembers();
            var s = new StringBuilder();
            s.AppendLine("using System;\nusing Axon;\nusing Axon.Layers;");
            s.AppendLine($"public static partial class Acts{index}");
            s.AppendLine("{");
            s.AppendLine("    [Differentiable] public static float Swish(float x) => x / (1 + MathF.Exp(-x));");
            s.AppendLine("    [Differentiable] public static double SwishD(double x) => x / (1 + Math.Exp(-x));");
            s.AppendLine("}");

            string ns = random.Next(3) switch { 0 => $"Fuzz{index}", 1 => $"Fuzz{index}.Inner", _ => $"Fuzz{index}.@event" };
            s.AppendLine($"namespace {ns} {{");

            // Containers, sometimes ones a model cannot live in.
            var containers = new List<string>();
            if (Chance(0.3))
            {
                containers.Add(Pick(new[] { "public partial class Outer", "public partial class Outer", "public partial class Outer", "public partial struct Outer", "public partial record Outer", "public class Outer", "public partial interface IOuter", "public partial class Outer<T>" }));
            }

            foreach (string container in containers) s.AppendLine(container + " {");

            string element = _double ? "(ElementType = ElementType.Double)" : "";
            string shape = _shape.Count > 0 ? $", InputShape({string.Join(", ", _shape)})" : "";
            string className = Chance(0.05) ? Pick(new[] { "Parameters", "Layers", "@class" }) : "Net" + index;
            string declaration = random.Next(24) switch
            {
                0 => "public static partial class",
                1 => "public class",
                2 => "public sealed partial record",
                3 => "public abstract partial class",
                4 => "internal sealed partial class",
                _ => "public partial class",
            };
            string generic = Chance(0.04) ? "<T>" : "";
            s.AppendLine($"[Differentiable{element}{shape}]");
            s.AppendLine($"{declaration} {className}{generic}");
            s.AppendLine("{");
            foreach (var (name, layer) in _layers)
            {
                string modifier = Chance(0.1) ? "static " : Chance(0.5) ? "private readonly " : "";
                s.AppendLine($"    [Layer] {modifier}{string.Format(CultureInfo.InvariantCulture, layer, Id(name))}");
            }

            foreach (string member in _extraMembers) s.AppendLine("    " + member);
            if (_forward is not null) s.AppendLine("    " + _forward);
            s.AppendLine("}");
            foreach (string _ in containers) s.AppendLine("}");
            s.AppendLine("}");
            return s.ToString();
        }

        private void MutateMembers()
        {
            string t = _double ? "double" : "float";
            if (Chance(0.05)) _extraMembers.Add("public int Parameters => 0;");
            if (Chance(0.05)) _extraMembers.Add($"public void Forward(Axon.Model.ModelWorkspace<{t}> w, ReadOnlySpan<{t}> i, int b, Span<{t}> o) {{ }}");
            if (Chance(0.04)) _extraMembers.Add("[Layer] object boxed = new Dense(4, 2);");
            if (Chance(0.04)) _extraMembers.Add("private float[] _parameters = new float[0];");
            if (Chance(0.04) && _layers.Count > 0) _layers.Add(_layers[0]);
            if (Chance(0.03)) _layers.Clear();
            if (Chance(0.03)) _shape.Clear();
        }
    }
}
