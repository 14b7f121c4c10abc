using Axon.Generator.Tests.Infrastructure;

namespace Axon.Generator.Tests.Differentiation;

/// <summary>
/// The vector form of custom activations in a model's generated source, compared exactly with
/// Expected/Models/Demo.VectorForms.Axon.cs (update deliberately with AXON_UPDATE_SNAPSHOTS=1) and compiled strictly:
/// a function of vectorisable operations (locals, a conditional of combined comparisons, max, exp, log) gets
/// <c>IVectorActivation</c> and the vector kernel; one calling atan, one mixing float and double and one calling another
/// [Differentiable] function keep the scalar struct and kernel; a local named like the type parameter renames it.
/// </summary>
public sealed class VectorFormSnapshotTests
{
    private const string Source = """
        using System;
        using Axon;
        using Axon.Layers;

        namespace Demo;

        public static partial class Acts
        {
            [Differentiable]
            public static float Gated(float x)
            {
                float s = MathF.Log(1f + MathF.Exp(x));
                return x > 0f && !(x >= 6f) || x < -8f ? MathF.Max(x, s) : s * 0.5f - x / 4f;
            }

            [Differentiable] public static float Arc(float x) => MathF.Atan(x) * x;

            [Differentiable] public static float Mixed(float x) => (float)Math.Exp(-x) * x;

            [Differentiable] public static float Nested(float x) => Gated(x) * x;

            [Differentiable]
            public static float Named(float x)
            {
                float TVec = x * x;
                return TVec / (1f + TVec);
            }
        }

        [Differentiable, InputShape(8)]
        public partial class VectorForms
        {
            [Layer] private readonly Dense fc = new(8, 8);
            [Layer] private readonly Activation gated = new(nameof(Acts.Gated));
            [Layer] private readonly Activation arc = new(nameof(Acts.Arc));
            [Layer] private readonly Activation mixed = new(nameof(Acts.Mixed));
            [Layer] private readonly Activation nested = new(nameof(Acts.Nested));
            [Layer] private readonly Activation named = new(nameof(Acts.Named));
        }
        """;

    [Fact]
    public void Generated_source_matches_the_checked_in_file_and_compiles_cleanly()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(Source, "VectorForms.cs") }, GeneratorHarness.StrictCompilationOptions);
        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedCodeDiagnostics);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        string source = run.Source("Demo.VectorForms.Axon.g.cs");
        SnapshotFiles.AssertMatches(source, "Models", "Demo.VectorForms.Axon.cs");

        // Which functions vectorise, stated here too so that a snapshot update cannot silently change it.
        Assert.Contains("public readonly struct Gated : global::Axon.Kernels.IVectorActivation<float>", source);
        Assert.Contains("public readonly struct Named : global::Axon.Kernels.IVectorActivation<float>", source);
        Assert.Contains("public readonly struct Arc : global::Axon.Kernels.IScalarActivation<float>", source);
        Assert.Contains("public readonly struct Mixed : global::Axon.Kernels.IScalarActivation<float>", source);
        Assert.Contains("public readonly struct Nested : global::Axon.Kernels.IScalarActivation<float>", source);
        Assert.Contains("VectorActivationKernel.Forward<float, ScalarActivations.Gated>", source);
        Assert.Contains("ScalarActivationKernel.Forward<float, ScalarActivations.Arc>", source);
        Assert.Contains("public TVec2 Value<TVec2, TMath>(TVec2 x)", source);
    }
}
