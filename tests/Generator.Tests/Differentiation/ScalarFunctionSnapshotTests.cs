using Axon.Generator.Tests.Infrastructure;

namespace Axon.Generator.Tests.Differentiation;

/// <summary>
/// The generated source of a few functions, compared exactly with the files under Expected/ScalarFunctions.
/// A missing or different file fails; run with AXON_UPDATE_SNAPSHOTS=1 to (re)write them on purpose, then
/// review the diff and commit it.
/// </summary>
public sealed class ScalarFunctionSnapshotTests
{
    [Fact]
    public void SwishFloatExpressionBodyInFileScopedNamespace()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using Axon;

            namespace Axon.Snapshots;

            public static partial class Activations
            {
                [Differentiable]
                public static float Swish(float x) => x / (1 + MathF.Exp(-x));
            }
            """);

        AssertMatchesSnapshot(run, "Axon.Snapshots.Activations.Swish.Derivative.g.cs", "Swish.cs");
    }

    [Fact]
    public void MishDoubleWithLocalsInNestedTypes()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using Axon;

            namespace Axon.Snapshots
            {
                internal partial class Outer
                {
                    private static partial class NestedActivations
                    {
                        [Differentiable]
                        internal static double Mish(double x)
                        {
                            var sp = Math.Log(1 + Math.Exp(x));
                            return x * Math.Tanh(sp);
                        }
                    }
                }
            }
            """);

        AssertMatchesSnapshot(run, "Axon.Snapshots.Outer+NestedActivations.Mish.Derivative.g.cs", "Mish.cs");
    }

    [Fact]
    public void HardTanhConditionalAndGeluInGlobalNamespace()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using Axon;

            public partial struct SnapshotActivations
            {
                private const float Limit = 1f;

                [Differentiable]
                public static float HardTanh(float x) => x > Limit ? Limit : x < -Limit ? -Limit : x;

                [Differentiable]
                public static double GeluTanh(double x)
                    => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * Math.Pow(x, 3))));
            }
            """);

        AssertMatchesSnapshot(run, "SnapshotActivations.HardTanh.Derivative.g.cs", "HardTanh.cs");
        AssertMatchesSnapshot(run, "SnapshotActivations.GeluTanh.Derivative.g.cs", "GeluTanh.cs");
    }

    private static void AssertMatchesSnapshot(GeneratorRun run, string hintName, string snapshotFile)
    {
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains(run.GeneratedSources, s => s.HintName == hintName);
        SnapshotFiles.AssertMatches(run.Source(hintName), "ScalarFunctions", snapshotFile);
    }
}
