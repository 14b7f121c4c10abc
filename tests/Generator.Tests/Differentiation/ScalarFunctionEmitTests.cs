using System.Diagnostics;
using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Tests.Differentiation;

/// <summary>
/// Where and how the derivative is emitted: into the function's own partial type(s), whatever the namespace
/// style, nesting, type kind, accessibility and names; the result compiles without a single warning (all
/// warning waves, documentation comments checked) and computes the right value.
/// </summary>
public sealed class ScalarFunctionEmitTests
{
    /// <summary>A declaration, the (reflection) type holding F, and F'(X) computed by hand.</summary>
    public sealed record Shape(string Source, string TypeName, double X, double Expected, string Method = "FDerivative", bool IsFloat = true);

    public static TheoryData<string, Shape> Shapes() => new()
    {
        { "block namespace", new("namespace N { public static partial class C { [Differentiable] public static float F(float x) => x * x; } }", "N.C", 3, 6) },
        { "file-scoped namespace", new("namespace N.M;\npublic static partial class C { [Differentiable] public static float F(float x) => x * x; }", "N.M.C", 3, 6) },
        { "global namespace", new("public static partial class C { [Differentiable] public static float F(float x) => x * x; }", "C", 3, 6) },
        { "nested types and accessibility", new("namespace N; internal partial class Outer { private partial class Middle { protected internal static partial class Inner { [Differentiable] private static double F(double x) => x * x * x; } } }", "N.Outer+Middle+Inner", 2, 12, IsFloat: false) },
        { "generic containing type", new("namespace N; public partial class Box<T> where T : struct { public partial class Slot<U> { [Differentiable] public static float F(float x) => 3 * x; } }", "N.Box`1+Slot`1[System.Int32,System.Int32]", 1, 3) },
        { "interface with variance", new("namespace N; public partial interface IScale<out T> { [Differentiable] public static float F(float x) => x * x / 2; }", "N.IScale`1[System.Object]", 5, 5) },
        { "struct", new("public partial struct S { public int Value; [Differentiable] public static float F(float x) => MathF.Sin(x); }", "S", 0, 1) },
        { "readonly struct", new("public readonly partial struct S { public readonly int Value; [Differentiable] internal static float F(float x) => MathF.Exp(x); }", "S", 0, 1) },
        { "ref struct", new("public ref partial struct S { [Differentiable] public static float F(float x) => MathF.Exp(2 * x); }" + RefStructProbe, "Probe", 0, 2, "Call") },
        { "readonly ref struct", new("public readonly ref partial struct S { [Differentiable] public static float F(float x) => -x; }" + RefStructProbe, "Probe", 0, -1, "Call") },
        { "record", new("public partial record R(int A) { [Differentiable] public static double F(double x) => Math.Log(x); }", "R", 4, 0.25, IsFloat: false) },
        { "record struct", new("public readonly partial record struct R(int A) { [Differentiable] public static double F(double x) => Math.Sqrt(x); }", "R", 4, 0.25, IsFloat: false) },
        { "sealed class with instance members", new("public sealed partial class C { public int M() => 1; [Differentiable] public static float F(float x) => 1 / x; }", "C", 2, -0.25) },
        { "keyword names", new("public static partial class C { [Differentiable] public static double @double(double @float) { var @int = 2 * @float; return @int * @int; } }", "C", 1, 8, "doubleDerivative", IsFloat: false) },
        {
            "user names that look like the generator's",
            new("public static partial class C { [Differentiable] public static double F(double x) { var t0 = Math.Exp(x); var t1 = 1 + t0; var dT0 = x * t0; var dT1 = dT0 / t1; return dT1 + Math.Exp(x) * Math.Exp(x) / t1; } }", "C", 0.5, DerivativeOfNamesCase(0.5), IsFloat: false)
        },
        { "hides an inherited member", new("public class Base { public static float FDerivative(float x) => 0; } public partial class Derived : Base { [Differentiable] public static float F(float x) => x * x; }", "Derived", 2, 4) },
        { "overloads", new("public static partial class C { [Differentiable] public static float F(float x) => x * x; [Differentiable] public static double F(double x) => x * x * x; }", "C", 2, 12, IsFloat: false) },
        { "partial method", new("public static partial class C { [Differentiable] public static partial float F(float x); public static partial float F(float y) => y * y; }", "C", 5, 10) },
        { "partial method, attribute on the implementation", new("public static partial class C { public static partial float F(float x); [Differentiable] public static partial float F(float y) => y * y * y; }", "C", 2, 12) },
        { "extension method", new("public static partial class C { [Differentiable] public static float F(this float x) => x * x; }", "C", 1.5, 3) },
        { "using static and an alias", new("using static System.MathF; using M = System.Math; public static partial class C { [Differentiable] public static float F(float x) => Tanh(x) + (float)M.Exp((double)x); }", "C", 0, 2) },
        { "user type named Math", new("namespace N { public static class Math { } public static partial class C { [Differentiable] public static double F(double x) => System.Math.Exp(x); } }", "N.C", 0, 1, IsFloat: false) },
        { "call of a function in another type", new("namespace A { public static partial class G { [Differentiable] public static float Sq(float x) => x * x; } } namespace B { public static partial class C { [Differentiable] public static float F(float x) => A.G.Sq(x + 1); } }", "B.C", 2, 6) },
        { "constant body", new("public static partial class C { [Differentiable] public static float F(float x) => 2.5f; }", "C", 7, 0) },
        { "const field and local", new("public static partial class C { public const float K = 3; [Differentiable] public static float F(float x) { const float J = 2; return K * J * x; } }", "C", 1, 6) },
    };

    /// <summary>Reflection cannot invoke a ref struct's methods: call the derivative through an ordinary class.</summary>
    private const string RefStructProbe = " public static class Probe { public static float Call(float x) => S.FDerivative(x); }";

    private static double DerivativeOfNamesCase(double x)
    {
        // f = dT1 + e^2x / (1 + e^x), dT1 = x e^x / (1 + e^x).
        double e = Math.Exp(x), s = 1 + e;
        double dDt1 = ((e + x * e) * s - x * e * e) / (s * s);
        double dRest = (2 * e * e * s - e * e * e) / (s * s);
        return dDt1 + dRest;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DerivativeIsEmittedBesideTheFunctionAndCompilesWithoutWarnings(string shape, Shape c)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(
            new[] { GeneratorHarness.Parse("using System;\nusing Axon;\n" + c.Source) },
            GeneratorHarness.StrictCompilationOptions));

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.NotEmpty(run.GeneratedSources);
        Assert.True(run.GeneratedCodeDiagnostics.IsEmpty, $"{shape}: {string.Join("\n", run.GeneratedCodeDiagnostics)}");
        // The user code's own: undocumented members (CS1591), and the partial-method cases name the parameter differently on purpose (CS8826).
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Id is not ("CS1591" or "CS8826")));
        foreach (var source in run.GeneratedSources)
        {
            Assert.StartsWith("// <auto-generated/>\n#nullable enable\n", source.SourceText.ToString());
        }

        using var assembly = run.Load();
        var type = assembly.GetType(c.TypeName.Split('[')[0]);
        if (c.TypeName.Contains('['))
        {
            int arity = c.TypeName.Split('[')[1].Split(',').Length;
            type = type.MakeGenericType(Enumerable.Repeat(typeof(int), type.GetGenericArguments().Length).Select(t => typeof(int) == t && c.TypeName.Contains("System.Object") ? typeof(object) : t).ToArray());
            Assert.Equal(arity, type.GetGenericArguments().Length);
        }

        var parameter = c.IsFloat ? typeof(float) : typeof(double);
        var method = type.GetMethod(c.Method, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static, new[] { parameter });
        Assert.NotNull(method);
        object argument = c.IsFloat ? (object)(float)c.X : c.X;
        double actual = Convert.ToDouble(method!.Invoke(null, new[] { argument }));
        Assert.Equal(c.Expected, actual, c.IsFloat ? 1e-5 : 1e-12);
    }

    [Fact]
    public void DerivativeKeepsTheFunctionsAccessibility()
    {
        var run = GeneratorHarness.Run("""
            using Axon;
            public static partial class C
            {
                [Differentiable] internal static float A(float x) => x;
                [Differentiable] private static float B(float x) => x;
                [Differentiable] public static float D(float x) => x;
            }
            """);

        Assert.Contains("internal static float ADerivative(float x)", run.Source("C.A.Derivative.g.cs"));
        Assert.Contains("private static float BDerivative(float x)", run.Source("C.B.Derivative.g.cs"));
        Assert.Contains("public static float DDerivative(float x)", run.Source("C.D.Derivative.g.cs"));
    }

    [Fact]
    public void OverloadsGetDistinctFiles()
    {
        var run = GeneratorHarness.Run("""
            using Axon;
            namespace N;
            public static partial class C
            {
                [Differentiable] public static float F(float x) => x * x;
                [Differentiable] public static double F(double x) => x * x;
            }
            """);

        Assert.Equal(new[] { "N.C.F.Double.Derivative.g.cs", "N.C.F.Float.Derivative.g.cs" }, run.GeneratedSources.Select(s => s.HintName).Order());
    }

    [Fact]
    public void HintNamesAreUniqueForNestedAndGenericTypes()
    {
        // Box<T> and Box_1, a nested C.D and a namespace-level type D: legal together, and each needs its own file.
        var run = GeneratorHarness.Run("""
            using Axon;
            namespace N
            {
                public partial class Box<T> { public static partial class Inner<U, V> { [Differentiable] public static float F(float x) => x; } }
                public static partial class Box_1 { public static partial class Inner_2 { [Differentiable] public static float F(float x) => x; } }
                public static partial class C { public static partial class D { [Differentiable] public static float F(float x) => x; } }
            }
            namespace N.C2
            {
                public static partial class D { [Differentiable] public static float F(float x) => x; }
            }
            """);

        Assert.Null(run.Exception);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Equal(
            new[] { "N.Box_1+Inner_2.F.Derivative.g.cs", "N.Box`1+Inner`2.F.Derivative.g.cs", "N.C+D.F.Derivative.g.cs", "N.C2.D.F.Derivative.g.cs" },
            run.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FunctionFromAReferencedAssemblyCanBeComposed()
    {
        // The library is compiled (with its generated derivative) and referenced as metadata, like a package.
        var library = GeneratorHarness.Run("""
            using Axon;
            namespace Lib;
            public static partial class Activations { [Differentiable] public static double Square(double x) => x * x; }
            """);
        var consumer = GeneratorHarness.CreateCompilation(new[]
        {
            GeneratorHarness.Parse("""
                using Axon;
                namespace App;
                public static partial class Model { [Differentiable] public static double F(double x) => 3 * Lib.Activations.Square(x + 1); }
                """),
        }).AddReferences(library.ToMetadataReference());

        var run = GeneratorHarness.Run(consumer);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("global::Lib.Activations.SquareDerivative(", run.Source("App.Model.F.Derivative.g.cs"));
    }

    [Fact]
    public void FunctionFromAReferencedAssemblyWithoutADerivativeIsNotDifferentiable()
    {
        // Axon.Attributes is referenced, but this library was compiled without the generator: no SquareDerivative.
        var library = GeneratorHarness.CreateCompilation(new[]
        {
            GeneratorHarness.Parse("using Axon; namespace Lib; public static partial class Activations { [Differentiable] public static double Square(double x) => x * x; }"),
        });
        using var image = new MemoryStream();
        Assert.True(library.Emit(image).Success);
        var consumer = GeneratorHarness.CreateCompilation(new[]
        {
            GeneratorHarness.Parse("using Axon; namespace App; public static partial class Model { [Differentiable] public static double F(double x) => Lib.Activations.Square(x); }"),
        }).AddReferences(MetadataReference.CreateFromImage(image.ToArray()));

        var run = GeneratorHarness.Run(consumer);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AXN005", diagnostic.Id);
        Assert.Equal("Lib.Activations.Square(x)", run.LocationText(diagnostic));
    }

    [Fact]
    public void LargeFunctionIsDifferentiatedInLinearTime()
    {
        // 400 terms in 16 locals: about a second here, most of it Roslyn's semantic queries. A tree-based
        // optimiser took minutes for this (it compared and rewrote whole trees per shared subexpression).
        var locals = Enumerable.Range(0, 16).Select(g => $"var s{g} = " + string.Join(" + ", Enumerable.Range(g * 25 + 1, 25)
            .Select(i => $"Math.Exp(x * {i * 0.001}) * Math.Sin(x + {i}) / (1 + x * x * {i})")) + ";");
        string source = "using System; using Axon; public static partial class C { [Differentiable] public static double F(double x) { "
            + string.Join(" ", locals) + " return " + string.Join(" + ", Enumerable.Range(0, 16).Select(g => $"s{g}")) + "; } }";
        var compilation = GeneratorHarness.CreateCompilation(source);

        var stopwatch = Stopwatch.StartNew();
        var run = GeneratorHarness.Run(compilation);
        stopwatch.Stop();

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"took {stopwatch.Elapsed}");
    }
}
