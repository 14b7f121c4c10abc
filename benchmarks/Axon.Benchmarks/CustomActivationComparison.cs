using System.Diagnostics;
using System.Reflection;
using Axon.Kernels;
using Axon.Layers;

namespace Axon.Benchmarks;

/// <summary>Custom activations as a user writes them; the generator derives their derivatives and vector forms.</summary>
public static partial class BenchmarkActivations
{
    [Differentiable] public static float Swish(float x) => x / (1f + MathF.Exp(-x));

    [Differentiable] public static float Softplus(float x) => MathF.Log(1f + MathF.Exp(x));

    [Differentiable] public static float Mish(float x) => x * MathF.Tanh(MathF.Log(1f + MathF.Exp(x)));
}

/// <summary>A model that only exists so that the generator writes the activations' structs (scalar and vector forms).</summary>
[Differentiable, InputShape(4)]
public partial class CustomActivationModel
{
    [Layer] private readonly Activation swish = new(nameof(BenchmarkActivations.Swish));
    [Layer] private readonly Activation softplus = new(nameof(BenchmarkActivations.Softplus));
    [Layer] private readonly Activation mish = new(nameof(BenchmarkActivations.Mish));
}

/// <summary>
/// <c>--custom-activation</c>: the same generated activation struct through the scalar kernel (one scalar call per
/// element, as before issue 11) and through the vector kernel, forward and backward over 1 M and 4 M floats, the two
/// variants alternating in one process; prints wall and process CPU time per call and the ratio.
/// </summary>
internal static class CustomActivationComparison
{
    private delegate void Forward(ReadOnlySpan<float> x, Span<float> y);

    private delegate void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx);

    private const int Rounds = 5;

    public static int Run(TextWriter log)
    {
        log.WriteLine($"custom activations, float, {Environment.ProcessorCount} logical CPUs; {Rounds} alternating rounds, best round per variant");
        log.WriteLine($"{"function",-9} {"op",-9} {"elements",9} {"scalar ms",10} {"(cpu)",8} {"vector ms",10} {"(cpu)",8} {"speed-up",9}");
        var holder = typeof(CustomActivationModel).GetNestedType("ScalarActivations", BindingFlags.NonPublic)!;
        foreach (string name in new[] { "Swish", "Softplus", "Mish" })
        {
            // The generated struct itself: it implements both interfaces, so each kernel runs exactly the generator's code.
            var op = holder.GetNestedType(name)!;
            var scalarForward = Kernel<Forward>(typeof(ScalarActivationKernel), "Forward", op);
            var vectorForward = Kernel<Forward>(typeof(VectorActivationKernel), "Forward", op);
            var scalarBackward = Kernel<Backward>(typeof(ScalarActivationKernel), "Backward", op);
            var vectorBackward = Kernel<Backward>(typeof(VectorActivationKernel), "Backward", op);
            foreach (int n in new[] { 1 << 20, 1 << 22 })
            {
                var random = new Random(n);
                float[] x = [.. Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 16 - 8))];
                float[] dy = [.. Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1))];
                float[] y = new float[n], dx = new float[n];
                Report(log, name, "forward", n,
                    () => scalarForward(x, y),
                    () => vectorForward(x, y));
                Report(log, name, "backward", n,
                    () => scalarBackward(x, dy, dx),
                    () => vectorBackward(x, dy, dx));
            }
        }

        return 0;
    }

    private static TDelegate Kernel<TDelegate>(Type kernel, string method, Type op) where TDelegate : Delegate
        => kernel.GetMethod(method)!.MakeGenericMethod(typeof(float), op).CreateDelegate<TDelegate>();

    /// <summary>Alternates the two variants (scalar first, then vector, per round) and reports the best round of each.</summary>
    private static void Report(TextWriter log, string name, string operation, int n, Action scalar, Action vector)
    {
        // Warm-up past tiered compilation.
        for (int i = 0; i < 3; i++) { scalar(); vector(); }
        var best = new[] { (Wall: double.MaxValue, Cpu: double.MaxValue), (Wall: double.MaxValue, Cpu: double.MaxValue) };
        for (int round = 0; round < Rounds; round++)
        {
            for (int variant = 0; variant < 2; variant++)
            {
                var call = variant == 0 ? scalar : vector;
                int calls = 0;
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                do { call(); calls++; } while (clock.ElapsedMilliseconds < 200);
                double wall = clock.Elapsed.TotalMilliseconds / calls;
                double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / calls;
                if (wall < best[variant].Wall) best[variant] = (wall, cpu);
            }
        }

        log.WriteLine($"{name,-9} {operation,-9} {n,9} {best[0].Wall,10:F3} {best[0].Cpu,8:F3} {best[1].Wall,10:F3} {best[1].Cpu,8:F3} {best[0].Wall / best[1].Wall,8:F1}×");
    }
}
