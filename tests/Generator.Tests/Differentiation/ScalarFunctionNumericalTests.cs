using System.Text;
using Axon.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Axon.Generator.Tests.Differentiation;

/// <summary>
/// The generated derivatives against finite differences. Every case is compiled together with its derivative,
/// loaded, and compared at 161 points of [-4, 4] (kept 0.02 away from the case's kinks) with a fourth-order
/// central difference of the double-precision function, step h = 2e-4·max(1, |x|), whose own error is about
/// 1e-11 here:
/// <list type="bullet">
/// <item>double functions: |f'(x) − FD(x)| ≤ 1e-7 · max(1, |FD(x)|);</item>
/// <item>float functions, against the same function written in double: ≤ 5e-5 · max(1, |FD(x)|): float
/// rounding over the derivative's terms, which cancel in places (NestedLocals reaches 1.4e-5 at x ≈ ±4).</item>
/// </list>
/// </summary>
public sealed class ScalarFunctionNumericalTests : IClassFixture<ScalarFunctionNumericalTests.Fixture>
{
    public const double DoubleTolerance = 1e-7;
    public const double FloatTolerance = 5e-5;
    private const double KinkMargin = 0.02;

    private readonly Fixture _fixture;
    private readonly ITestOutputHelper _output;

    public ScalarFunctionNumericalTests(Fixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    /// <summary>A function written in double (and, when <see cref="Float"/> is set, also in float).</summary>
    public sealed record Case(string Name, string Double, string? Float = null, params double[] Kinks);

    private const double Pi = Math.PI;

    public static readonly Case[] Cases =
    [
        new("Swish", "=> x / (1 + Math.Exp(-x));", "=> x / (1 + MathF.Exp(-x));"),
        new("Mish", "{ var sp = Math.Log(1 + Math.Exp(x)); return x * Math.Tanh(sp); }", "{ var sp = MathF.Log(1 + MathF.Exp(x)); return x * MathF.Tanh(sp); }"),
        new("Softsign", "=> x / (1 + Math.Abs(x));", "=> x / (1 + MathF.Abs(x));", 0),
        new("GeluTanh",
            "{ const double c = 0.7978845608028654; var u = c * (x + 0.044715 * x * x * x); return 0.5 * x * (1 + Math.Tanh(u)); }",
            "=> 0.5f * x * (1 + MathF.Tanh(MathF.Sqrt(2 / MathF.PI) * (x + 0.044715f * x * x * x)));"),
        new("Sigmoid", "{ var e = Math.Exp(-x); return 1 / (1 + e); }", "=> 1 / (1 + MathF.Exp(-x));"),
        new("HardTanh", "=> x > 1 ? 1 : x < -1 ? -1 : x;", "=> x > 1 ? 1 : x < -1 ? -1 : x;", -1, 1),
        new("Elu", "=> x > 0 ? x : Alpha * (Math.Exp(x) - 1);", "=> x > 0 ? x : AlphaF * (MathF.Exp(x) - 1);", 0),
        new("Piecewise", "=> x > 0 && x < 3 || x > 3.5 ? x * x : 0.1 * x - 0.2 * x * x;", "=> x > 0 && x < 3 || x > 3.5f ? x * x : 0.1f * x - 0.2f * x * x;", 0, 3, 3.5),
        new("BranchOnExpressions", "=> Math.Sin(x) > Math.Cos(x) ? Math.Sin(x) * x : Math.Cos(x) / (1 + x * x);", null, -3 * Pi / 4, Pi / 4),
        new("PowConstant", "=> Math.Pow(x * x + 1, 1.5) + Math.Pow(1 + x * x, -0.5) + Math.Pow(x, 3);", "=> MathF.Pow(x * x + 1, 1.5f) + MathF.Pow(1 + x * x, -0.5f) + MathF.Pow(x, 3);"),
        new("PowIndependentExponent", "{ var k = Math.Sqrt(2.0) + Math.Cos(1.0); var b = 1 + x * x; return Math.Pow(b, k) - Math.Pow(b, k / 3); }"),
        new("NestedLocals",
            "{ var a = x * x; var b = Math.Sin(a) + Math.Cos(x); var c = Math.Exp(-b); var d = a * c; return d + Math.Log(1 + b * b) - d / (2 + c); }",
            "{ var a = x * x; var b = MathF.Sin(a) + MathF.Cos(x); var c = MathF.Exp(-b); var d = a * c; return d + MathF.Log(1 + b * b) - d / (2 + c); }"),
        new("MaxMin", "=> Math.Max(x, 0.5 * x) + Math.Min(Math.Sin(x), Math.Cos(x)) - Math.Max(1.0, x * x);",
            "=> MathF.Max(x, 0.5f * x) + MathF.Min(MathF.Sin(x), MathF.Cos(x)) - MathF.Max(1f, x * x);", 0, -1, 1, -3 * Pi / 4, Pi / 4),
        new("Abs", "=> Math.Abs(x * x - 2) * Math.Sqrt(Math.Abs(x) + 1);", "=> MathF.Abs(x * x - 2) * MathF.Sqrt(MathF.Abs(x) + 1);", 0, -Math.Sqrt(2), Math.Sqrt(2)),
        new("Elementary",
            "=> Math.Atan(x) + Math.Sinh(x / 3) - Math.Cosh(x / 4) + Math.Tan(x / 4) + Math.Cbrt(x * x + 1) + Math.Log2(2 + x * x) + Math.Log10(3 + x * x) + Math.Log(5 + x * x, 3);",
            "=> MathF.Atan(x) + MathF.Sinh(x / 3) - MathF.Cosh(x / 4) + MathF.Tan(x / 4) + MathF.Cbrt(x * x + 1) + MathF.Log2(2 + x * x) + MathF.Log10(3 + x * x) + MathF.Log(5 + x * x, 3);"),
        new("GenericMath", "=> double.Exp(-x * x) * double.Sin(x) + double.Max(x, 0) * double.Sqrt(5 + x);", "=> float.Exp(-x * x) * float.Sin(x) + float.Max(x, 0) * float.Sqrt(5 + x);", 0),
        new("Quotients", "=> (x * x + 1) / (x - 5) - 3 / (x * x + 2) + (x - 1) / 7;", "=> (x * x + 1) / (x - 5) - 3 / (x * x + 2) + (x - 1) / 7;"),
        new("Constant", "=> 3.5 * Alpha;", "=> 3.5f;"),
        new("Softplus", "=> Math.Log(1 + Math.Exp(x));"),
        new("MishViaSoftplus", "=> x * Math.Tanh(SoftplusD(x));", "=> x * MathF.Tanh(SoftplusMixedF(x));"),
    ];

    /// <summary>A float function computing in double internally (casts both ways); its reference is <c>SoftplusD</c>.</summary>
    private const string MixedPrecision = """
        [Differentiable] public static float SoftplusMixedF(float x) => (float)Math.Log(1 + Math.Exp((double)x));
        """;

    public static TheoryData<string> DoubleCases() => new(Cases.Select(c => c.Name));

    public static TheoryData<string> FloatCases() => new(Cases.Where(c => c.Float is not null).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(DoubleCases))]
    public void DoubleDerivativeMatchesFiniteDifferences(string name)
    {
        var c = Cases.Single(x => x.Name == name);
        var f = _fixture.Double(name);
        var derivative = _fixture.DoubleDerivative(name);
        double worst = Compare(c, f, x => derivative(x), DoubleTolerance);
        _output.WriteLine($"{name} (double): max |f' − FD| / max(1, |FD|) = {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(FloatCases))]
    public void FloatDerivativeMatchesFiniteDifferences(string name)
    {
        var c = Cases.Single(x => x.Name == name);
        var reference = _fixture.Double(name);
        var derivative = _fixture.FloatDerivative(name);
        double worst = Compare(c, reference, x => derivative((float)x), FloatTolerance);
        _output.WriteLine($"{name} (float): max |f' − FD| / max(1, |FD|) = {worst:E2}");
    }

    [Fact]
    public void MixedPrecisionFloatFunctionMatchesFiniteDifferences()
    {
        var reference = _fixture.Double("Softplus");
        var derivative = _fixture.Assembly.CreateDelegate<Func<float, float>>(Fixture.TypeName, "SoftplusMixedFDerivative");
        double worst = Compare(new Case("SoftplusMixed", ""), reference, x => derivative((float)x), FloatTolerance);
        _output.WriteLine($"SoftplusMixed (float via double): max |f' − FD| / max(1, |FD|) = {worst:E2}");
    }

    [Fact]
    public void FloatFunctionsEvaluateInFloat()
    {
        // The derivative of a float function is itself float arithmetic: the same as the double one to float precision.
        var single = _fixture.FloatDerivative("Swish");
        var dbl = _fixture.DoubleDerivative("Swish");
        Assert.Equal(dbl(0.75), single(0.75f), 1e-6);
    }

    /// <summary>The worst relative error over the sample points; asserts each point within <paramref name="tolerance"/>.</summary>
    private static double Compare(Case c, Func<double, double> f, Func<double, double> derivative, double tolerance)
    {
        double worst = 0;
        var failures = new StringBuilder();
        foreach (double x in SamplePoints(c))
        {
            double fd = FiniteDifference(f, x);
            double actual = derivative(x);
            double error = Math.Abs(actual - fd) / Math.Max(1, Math.Abs(fd));
            if (!(error <= tolerance)) failures.AppendLine($"x = {x:R}: derivative {actual:R}, finite difference {fd:R}, relative error {error:E2}");
            if (double.IsNaN(error) || error > worst) worst = double.IsNaN(error) ? double.PositiveInfinity : error;
        }

        Assert.True(failures.Length == 0, $"{c.Name}: derivative differs from finite differences beyond {tolerance:E0}:\n{failures}");
        return worst;
    }

    private static IEnumerable<double> SamplePoints(Case c)
    {
        for (int i = 0; i <= 160; i++)
        {
            // Float-representable, so that a float derivative and the double reference see the same point.
            double x = (float)(-4 + 0.05 * i + 0.00731);
            if (c.Kinks.All(k => Math.Abs(x - k) > KinkMargin)) yield return x;
        }
    }

    /// <summary>Fourth-order central difference: error O(h⁴) from truncation plus O(ε/h) from rounding.</summary>
    private static double FiniteDifference(Func<double, double> f, double x)
    {
        double h = 2e-4 * Math.Max(1, Math.Abs(x));
        return (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h);
    }

    /// <summary>Compiles every case once (with its generated derivatives) and loads the assembly.</summary>
    public sealed class Fixture : IDisposable
    {
        public const string TypeName = "Numerics.Functions";

        public Fixture()
        {
            var source = new StringBuilder();
            source.AppendLine("using System;");
            source.AppendLine("using Axon;");
            source.AppendLine("namespace Numerics;");
            source.AppendLine("public static partial class Functions");
            source.AppendLine("{");
            source.AppendLine("    private const double Alpha = 1.5;");
            source.AppendLine("    private const float AlphaF = 1.5f;");
            foreach (var c in Cases)
            {
                source.AppendLine($"    [Differentiable] public static double {c.Name}D(double x) {c.Double}");
                if (c.Float is not null) source.AppendLine($"    [Differentiable] public static float {c.Name}F(float x) {c.Float}");
            }

            source.AppendLine("    " + MixedPrecision);
            source.AppendLine("}");

            Run = GeneratorHarness.Run(source.ToString());
            Assert.Null(Run.Exception);
            Assert.Empty(Run.GeneratorDiagnostics);
            Assert.Empty(Run.CompilationDiagnostics);
            Assembly = Run.Load();
        }

        public GeneratorRun Run { get; }

        public LoadedAssembly Assembly { get; }

        public Func<double, double> Double(string name) => Assembly.CreateDelegate<Func<double, double>>(TypeName, name + "D");

        public Func<double, double> DoubleDerivative(string name) => Assembly.CreateDelegate<Func<double, double>>(TypeName, name + "DDerivative");

        public Func<float, float> FloatDerivative(string name) => Assembly.CreateDelegate<Func<float, float>>(TypeName, name + "FDerivative");

        public void Dispose() => Assembly.Dispose();
    }
}
