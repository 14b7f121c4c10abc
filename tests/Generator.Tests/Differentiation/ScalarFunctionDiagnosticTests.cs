using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Tests.Differentiation;

/// <summary>
/// Each diagnostic the scalar pipeline reports, with its ID and the exact source text it points at. A function
/// with a diagnostic gets no derivative, and the generator never throws.
/// </summary>
public sealed class ScalarFunctionDiagnosticTests
{
    private const string NonDifferentiable = "AXN005";
    private const string InvalidFunction = "AXN010";

    /// <summary>A static partial class around one [Differentiable] float function F with the given body.</summary>
    private static string Function(string body) => $$"""
        using System;
        using Axon;

        namespace Diagnostics;

        public static partial class Functions
        {
            public static readonly float Scale = 2f;
            public static float Helper(float v) => v;
            public static float Property => 3f;

            [Differentiable]
            public static float F(float x) {{body}}
        }
        """;

    [Theory]
    [InlineData("=> x % 2f;", "x % 2f")]
    [InlineData("=> x * Scale;", "Scale")]
    [InlineData("=> x * Property;", "Property")]
    [InlineData("=> MathF.Round(x);", "MathF.Round(x)")]
    [InlineData("=> Helper(x) + 1;", "Helper(x)")]
    [InlineData("=> MathF.Pow(2f, x);", "MathF.Pow(2f, x)")]
    [InlineData("{ var k = 1 + MathF.Sin(x); return MathF.Pow(3f, k); }", "MathF.Pow(3f, k)")]
    [InlineData("=> MathF.Log(2f, x);", "MathF.Log(2f, x)")]
    [InlineData("{ float y = x; for (int i = 0; i < 3; i++) { y = y * x; } return y; }", "for (int i = 0; i < 3; i++) { y = y * x; }")]
    [InlineData("{ var y = x; while (y > 1) { } return y; }", "while (y > 1) { }")]
    [InlineData("{ var y = x; y = y * 2; return y; }", "y = y * 2;")]
    [InlineData("{ if (x > 0) return x; return 0f; }", "if (x > 0) return x;")]
    [InlineData("=> x > 0 ? x : (x = 1);", "x = 1")]
    [InlineData("=> x++ * 2;", "x++")]
    [InlineData("=> float.IsNaN(x) ? 0f : x;", "float.IsNaN(x)")]
    [InlineData("{ int n = (int)MathF.Floor(x); return x * n; }", "n = (int)MathF.Floor(x)")]
    [InlineData("=> (int)x * 1f;", "(int)x")]
    [InlineData("=> x switch { > 0 => x, _ => 0f };", "x switch { > 0 => x, _ => 0f }")]
    [InlineData("=> x is > 0 ? x : 0f;", "x is > 0")]
    [InlineData("=> MathF.Sign(x) * x;", "MathF.Sign(x)")]
    [InlineData("=> new Func<float, float>(v => v)(x);", "new Func<float, float>(v => v)(x)")]
    public void NonDifferentiableConstructIsReportedAtItsNode(string body, string span)
    {
        var run = GeneratorHarness.Run(Function(body));

        var diagnostic = AssertSingle(run, NonDifferentiable);
        Assert.Equal(span, run.LocationText(diagnostic));
        Assert.Contains($"'{span.Replace("  ", " ")}' cannot be differentiated", diagnostic.GetMessage());
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.Contains(".F.", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryNonDifferentiableConstructOfABodyIsReported()
    {
        var run = GeneratorHarness.Run(Function("{ var a = x % 3f; var b = Helper(a) + Scale; return MathF.Pow(b, x); }"));

        Assert.Null(run.Exception);
        var spans = run.GeneratorDiagnostics.Where(d => d.Id == NonDifferentiable).Select(run.LocationText).ToArray();
        Assert.Equal(new[] { "x % 3f", "Helper(a)", "Scale" }, spans);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void ExponentDependingOnTheParameterThroughLocalsIsReported()
    {
        // Data flow through two locals: k depends on x via a.
        var run = GeneratorHarness.Run(Function("{ var a = x * x; var k = a + 1; var c = 2f; return MathF.Pow(x, c) + MathF.Pow(1 + x * x, k); }"));

        var diagnostic = AssertSingle(run, NonDifferentiable);
        Assert.Equal("MathF.Pow(1 + x * x, k)", run.LocationText(diagnostic));
    }

    [Fact]
    public void ExponentIndependentOfTheParameterThroughLocalsIsAccepted()
    {
        var run = GeneratorHarness.Run(Function("{ var a = MathF.Sqrt(2f); var k = a + 1; return MathF.Pow(1 + x * x, k); }"));

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("FDerivative", run.Source("Diagnostics.Functions.F.Derivative.g.cs"));
    }

    public static TheoryData<string, string, string> FormProblems() => new()
    {
        {
            "not static",
            "public partial class C { [Differentiable] public float F(float x) => x; }",
            "F"
        },
        {
            "two parameters",
            "public static partial class C { [Differentiable] public static float F(float x, float y) => x * y; }",
            "(float x, float y)"
        },
        {
            "no parameter",
            "public static partial class C { [Differentiable] public static float F() => 1f; }",
            "()"
        },
        {
            "integer parameter",
            "public static partial class C { [Differentiable] public static float F(int x) => x; }",
            "int"
        },
        {
            "parameter by reference",
            "public static partial class C { [Differentiable] public static float F(ref float x) => x; }",
            "ref float x"
        },
        {
            "return type differs from the parameter's",
            "public static partial class C { [Differentiable] public static double F(float x) => x; }",
            "double"
        },
        {
            "returns by reference",
            "public static partial class C { static float s; [Differentiable] public static ref float F(float x) => ref s; }",
            "ref float"
        },
        {
            "containing type not partial",
            "public static class Plain { [Differentiable] public static float F(float x) => x; }",
            "Plain"
        },
        {
            "outer containing type not partial",
            "public class Outer { public static partial class Inner { [Differentiable] public static float F(float x) => x; } }",
            "Outer"
        },
        {
            "abstract",
            "public partial interface IScalar { [Differentiable] static abstract float F(float x); }",
            "abstract"
        },
        {
            "extern",
            "public static partial class C { [Differentiable] public static extern float F(float x); }",
            "extern"
        },
        {
            "generic",
            "public static partial class C { [Differentiable] public static float F<T>(float x) => x; }",
            "<T>"
        },
        {
            "no body",
            "public static partial class C { [Differentiable] public static partial float F(float x); }",
            "F"
        },
        {
            "no return statement",
            "public static partial class C { [Differentiable] public static float F(float x) { var y = x; } }",
            "var y = x;"
        },
        {
            "explicit interface implementation",
            "public interface IScalar { static abstract float F(float x); } public partial class C : IScalar { [Differentiable] static float IScalar.F(float x) => x; }",
            "F"
        },
        {
            "derivative name taken",
            "public static partial class C { [Differentiable] public static float F(float x) => x * x; public static float FDerivative(float x) => 2 * x; }",
            "F"
        },
        {
            "file-local type",
            "file static partial class Hidden { [Differentiable] public static float F(float x) => x; }",
            "Hidden"
        },
        {
            "local function",
            "public static class C { public static float G(float y) { [Differentiable] static float Local(float v) => v * v; return Local(y); } }",
            "Local"
        },
        {
            "lambda",
            "public static class C { public static Func<float, float> L = [Differentiable] (float v) => v * v; }",
            "Differentiable"
        },
        {
            "constructor",
            "public partial class C { [Differentiable] public C() { } }",
            "C"
        },
        {
            "expression nested too deeply",
            "public static partial class C { [Differentiable] public static float F(float x) => " + new string('(', 300) + "x" + new string(')', 300) + "; }",
            new string('(', 44) + "x" + new string(')', 44)
        },
    };

    [Theory]
    [MemberData(nameof(FormProblems))]
    public void FormProblemIsReportedWithItsLocation(string problem, string declaration, string span)
    {
        var run = GeneratorHarness.Run("using System;\nusing Axon;\n\n" + declaration);

        var diagnostic = AssertSingle(run, InvalidFunction);
        Assert.True(span == run.LocationText(diagnostic), $"{problem}: expected the diagnostic at '{span}', got '{run.LocationText(diagnostic)}' ({diagnostic.GetMessage()})");
        Assert.StartsWith("The [Differentiable] function '", diagnostic.GetMessage());
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void DuplicateDeclarationsAreReportedWithoutGeneratorFailure()
    {
        var run = GeneratorHarness.Run("""
            using Axon;
            public static partial class C
            {
                [Differentiable] public static float F(float x) => x;
                [Differentiable] public static float F(float x) => x * x;
            }
            """);

        Assert.Null(run.Exception);
        var diagnostics = run.GeneratorDiagnostics.Where(d => d.Id == InvalidFunction).ToArray();
        Assert.Equal(2, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.Equal("F", run.LocationText(d)));
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void SeveralFormProblemsAreAllReported()
    {
        var run = GeneratorHarness.Run("""
            using Axon;
            public class C
            {
                [Differentiable] public int F(int x, int y) => x;
            }
            """);

        Assert.Null(run.Exception);
        var spans = run.GeneratorDiagnostics.Where(d => d.Id == InvalidFunction).Select(run.LocationText).ToArray();
        Assert.Equal(new[] { "F", "(int x, int y)", "int", "C" }, spans);
    }

    [Theory]
    [InlineData("[Differentiable] public static float F(float x) => ;")]
    [InlineData("[Differentiable] public static float F(float x) => Missing(x);")]
    [InlineData("[Differentiable] public static float F(float x) => x +;")]
    [InlineData("[Differentiable] public static float F(float x) { return }")]
    [InlineData("[Differentiable] public static Unknown F(Unknown x) => x;")]
    [InlineData("[Differentiable] public static float F(float x) => x > ? 1 : 0;")]
    [InlineData("[Differentiable] public static float F(float x) => MathF.Exp(x, x);")]
    [InlineData("[Differentiable] public static float F(float x) => MathF.Pow(y: x, x: 2f);")]
    [InlineData("[Differentiable] public static float F(float x) => MathF.Max(x: x);")]
    [InlineData("[Differentiable] public static float F(float x) => (x, x).Item1;")]
    [InlineData("[Differentiable] public static float F(float x) => default;")]
    [InlineData("[Differentiable] public static float F(float x) => throw null;")]
    [InlineData("[Differentiable] public static float F(float x) => unchecked(x * 2);")]
    [InlineData("[Differentiable] public static float F(float x) { const float k = 2; return k * x; }")]
    [InlineData("[Differentiable] public static float F(float x) => F(x);")]
    [InlineData("[return: Differentiable] public static float F(float x) => x;")]
    [InlineData("[Differentiable] public static float F(float x) { var (a, b) = (x, x); return a; }")]
    [InlineData("[Differentiable] public static float F(float x) { using var d = (IDisposable?)null; return x; }")]
    [InlineData("[Differentiable] public static float F(float x) { float y; return x; }")]
    [InlineData("[Differentiable] public static float F(float x) { ref float r = ref x; return r; }")]
    [InlineData("[Differentiable] float field;")]
    public void BrokenOrUnusualCodeNeverMakesTheGeneratorThrow(string member)
    {
        var run = GeneratorHarness.Run("using System;\nusing Axon;\npublic static partial class C\n{\n    " + member + "\n}\n");

        Assert.Null(run.Exception);
        // Whatever the generator emits must not add errors of its own.
        Assert.Empty(run.GeneratedCodeDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    private static Diagnostic AssertSingle(GeneratorRun run, string id)
    {
        Assert.Null(run.Exception);
        var diagnostics = run.GeneratorDiagnostics.Where(d => d.Id == id).ToArray();
        Assert.True(diagnostics.Length == 1, $"Expected one {id}, got: {string.Join("; ", run.GeneratorDiagnostics)}");
        Assert.Equal(DiagnosticSeverity.Error, diagnostics[0].Severity);
        return diagnostics[0];
    }
}
