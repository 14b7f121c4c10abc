using System.Diagnostics;
using Axon.IO;

namespace Axon.Benchmarks.Peer;

/// <summary>
/// The encoder block's forward + backward (input gradient and every parameter gradient, as one training step needs)
/// at batch 64, on Axon, timed as the attribution works are (warm-up of at least 2 calls and the given seconds, median of reps).
/// With the libtorch program's dump it runs on the same weights, input and seed and compares the output and the
/// input gradient with libtorch's.
/// </summary>
internal static class EncoderBenchmark
{
    public const int Batch = 64;

    /// <summary>
    /// Median and fastest ms per batch, the process's CPU time per call over the timed calls (all threads: on a
    /// shared machine it says how much of the wall time was this process's work), and (with a dump) the agreement
    /// of y and dx with libtorch's.
    /// </summary>
    public static (double Ms, double MinMs, double CpuMs, string Agreement) Run(string? dumpDir, int reps, double warmSeconds)
    {
        var model = new EncoderBlock();
        int size = EncoderBlock.InputSize;
        float[] x, seed;
        if (dumpDir is not null)
        {
            ModelWeights.Load(model, Path.Combine(dumpDir, "encoder.safetensors"));
            x = Floats.Read(Path.Combine(dumpDir, "encoder-x.f32"), Batch * size);
            seed = Floats.Read(Path.Combine(dumpDir, "encoder-seed.f32"), Batch * size);
        }
        else
        {
            model.ResetParameters(0);
            var random = new Random(4321);
            x = new float[Batch * size];
            seed = new float[Batch * size];
            for (int i = 0; i < x.Length; i++) (x[i], seed[i]) = (2 * random.NextSingle() - 1, 2 * random.NextSingle() - 1);
        }

        var workspace = model.CreateWorkspace(Batch);
        var y = new float[Batch * size];
        var parameterGradient = new float[model.Parameters.Length];
        void Step()
        {
            Array.Clear(parameterGradient);
            model.Forward(workspace, x, Batch, y);
            model.Backward(workspace, seed, Batch, 0, parameterGradient);
        }

        var warm = Stopwatch.StartNew();
        int calls = 0;
        do { Step(); calls++; } while (calls < 2 || warm.Elapsed.TotalSeconds < warmSeconds);
        var times = new double[reps];
        var stopwatch = new Stopwatch();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < reps; i++)
        {
            stopwatch.Restart();
            Step();
            times[i] = stopwatch.Elapsed.TotalMilliseconds;
        }

        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / reps;
        Array.Sort(times);
        string agreement = "—";
        if (dumpDir is not null)
        {
            Step();
            var (yDiff, yOff) = Floats.Compare(y, Floats.Read(Path.Combine(dumpDir, "encoder-y.f32"), y.Length));
            var dx = workspace.Gradient(0).ToArray();
            var (dxDiff, dxOff) = Floats.Compare(dx, Floats.Read(Path.Combine(dumpDir, "encoder-dx.f32"), dx.Length));
            agreement = $"y {yDiff:0.0E+0} ({yOff} of {y.Length}), dx {dxDiff:0.0E+0} ({dxOff} of {dx.Length})";
        }

        return (times[reps / 2], times[0], cpuMs, agreement);
    }
}
