// Axon's BenchmarkDotNet suite: generated forward / backward / tangent code and the attribution engine on a dense
// and a convolutional network, beside a plain hand-written reference (the baseline of each category).
//   dotnet run -c Release --project benchmarks/Axon.Benchmarks -- --filter '*'              (default job)
//   dotnet run -c Release --project benchmarks/Axon.Benchmarks -- --filter '*' --quick      (a few minutes)
//   dotnet run -c Release --project benchmarks/Axon.Benchmarks -- --filter '*' --job short  (BenchmarkDotNet's short job)
//   dotnet run -c Release --project benchmarks/Axon.Benchmarks -- --verify                   (reference == generated?)
//   dotnet run -c Release --project benchmarks/Axon.Benchmarks -- --allocations              (exact steady-state bytes)
//   dotnet run -c Release --project benchmarks/Axon.Benchmarks -- --custom-activation        (custom activations: scalar vs vector kernel)
using Axon.Benchmarks;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

if (args.Contains("--verify")) return ReferenceCheck.Run(Console.Out) ? 0 : 1;
if (args.Contains("--allocations")) return AllocationCheck.Run(Console.Out) ? 0 : 1;
if (args.Contains("--custom-activation")) return CustomActivationComparison.Run(Console.Out);

// The default job, used when no --job is given: one launch (BenchmarkDotNet's own child process, so that the
// Allocated column sees only the benchmark), 3 warm-up and 10 measured iterations of at least 250 ms — about
// 8 minutes for the 44 benchmarks on 2 cores. A --job from the command line (short: 3 iterations; medium; long;
// dry) replaces it. Run from the repository root: the child process is built from this project.
bool jobGiven = args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal) || a.StartsWith("--job:", StringComparison.Ordinal));
var job = Job.Default
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(10)
    .WithIterationTime(TimeInterval.FromMilliseconds(250))
    .WithId("Suite");

// --quick: in this process (no child to build), 1 warm-up and 3 measured iterations of at least 100 ms: a few
// minutes for everything, for a first look or a check that a change did not slow something down.
if (args.Contains("--quick"))
{
    args = [.. args.Where(a => a != "--quick")];
    jobGiven = false;
    job = Job.Default
        .WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(1)
        .WithIterationCount(3)
        .WithIterationTime(TimeInterval.FromMilliseconds(100))
        .WithId("Quick");
}

var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddColumn(new GflopsColumn())
    .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend))
    .WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared, BenchmarkDotNet.Order.MethodOrderPolicy.Declared))
    .WithOptions(ConfigOptions.JoinSummary);
if (!jobGiven) config.AddJob(job);

BenchmarkSwitcher.FromAssembly(typeof(NetworkBenchmarks).Assembly).Run(args, config);
return 0;
