namespace Axon.Benchmarks;

/// <summary>
/// Steady-state allocations of every benchmark, measured exactly: after warm-up calls, the bytes that the calling
/// thread allocates over further calls (GC.GetAllocatedBytesForCurrentThread), and the process-wide count
/// (GC.GetTotalAllocatedBytes, which also sees the compute pool's workers and anything else the runtime does at
/// that moment: take the smallest of several attempts). BenchmarkDotNet's Allocated column is the process-wide
/// count over its own measurement, so it can show a few stray bytes that belong to the runtime, not the benchmark.
/// </summary>
internal static class AllocationCheck
{
    private const int WarmupCalls = 40; // past tiered compilation's call-count threshold (30)
    private const int MeasuredCalls = 5;
    private const int Attempts = 5;

    public static bool Run(TextWriter log)
    {
        bool ok = true;
        log.WriteLine($"{"network",-20} {"operation",-30} {"batch",5} {"thread B/call",14} {"process B/call",15}");
        foreach (NetworkBenchmarks benchmarks in new NetworkBenchmarks[] { new MlpBenchmarks(), new CnnBenchmarks() })
        {
            foreach (int batch in new[] { 1, NetworkBenchmarks.MaxBatch })
            {
                benchmarks.Batch = batch;
                benchmarks.Setup();
                var cases = new (string Name, Action Call)[]
                {
                    ("Forward", benchmarks.Forward),
                    ("Forward+Backward", benchmarks.ForwardBackward),
                    ("JVP", benchmarks.Jvp),
                    ("IG", () => benchmarks.IntegratedGradients()),
                    ("LayerCond", () => benchmarks.LayerConductance()),
                    ("NeuronCond", () => benchmarks.NeuronConductance()),
                    ("PatchIG", () => benchmarks.PatchIntegratedGradients()),
                    ("Reference Forward", benchmarks.ReferenceForward),
                    ("Reference Forward+Backward", benchmarks.ReferenceForwardBackward),
                    ("Reference JVP", benchmarks.ReferenceJvp),
                    ("Reference IG", benchmarks.ReferenceIntegratedGradients),
                };
                foreach (var (name, call) in cases)
                {
                    // Slow calls (batch-64 attributions, the reference's IG) get fewer warm-up calls; the engine
                    // has grown its buffers after the first.
                    int warmup = batch == 1 && !name.StartsWith("Reference IG", StringComparison.Ordinal) ? WarmupCalls : 3;
                    for (int i = 0; i < warmup; i++) call();
                    long thread = long.MaxValue, process = long.MaxValue;
                    for (int attempt = 0; attempt < Attempts && (thread > 0 || process > 0); attempt++)
                    {
                        long t0 = GC.GetAllocatedBytesForCurrentThread(), p0 = GC.GetTotalAllocatedBytes(precise: true);
                        for (int i = 0; i < MeasuredCalls; i++) call();
                        long t1 = GC.GetAllocatedBytesForCurrentThread(), p1 = GC.GetTotalAllocatedBytes(precise: true);
                        thread = Math.Min(thread, t1 - t0);
                        process = Math.Min(process, p1 - p0);
                    }

                    ok &= thread == 0;
                    log.WriteLine($"{benchmarks.Network,-20} {name,-30} {batch,5} {thread / (double)MeasuredCalls,14:F1} {process / (double)MeasuredCalls,15:F1}");
                }
            }
        }

        log.WriteLine(ok ? "allocation check: no benchmark allocates on its own thread in steady state" : "allocation check: ALLOCATIONS FOUND");
        return ok;
    }
}
