// Axon's BenchmarkDotNet suite: generated forward / backward / tangent code and the attribution engine on a dense
// and a convolutional network, beside a plain hand-written reference (the baseline of each category).
//   dotnet run -c Release --project benchmarks/Axon.Benchmarks -- --filter '*'              (default job, in-process)
//   dotnet run -c Release --project benchmarks/Axon.Benchmarks -- --filter '*' --job short  (quick)
//   dotnet run -c Release --project benchmarks/Axon.Benchmarks -- --verify                   (reference == generated?)
//   dotnet run -c Release --project benchmarks/Axon.Benchmarks -- --allocations              (exact steady-state bytes)
using Axon.Benchmarks;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

if (args.Contains("--verify")) return ReferenceCheck.Run(Console.Out) ? 0 : 1;
if (args.Contains("--allocations")) return AllocationCheck.Run(Console.Out) ? 0 : 1;

// The default job (used when no --job is given): in-process (no generated project to build), 3 warm-up and 10
// measured iterations of at least 250 ms. --job short|medium|long|dry etc. replace it and run out of process.
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(10)
    .WithIterationTime(TimeInterval.FromMilliseconds(250))
    .WithId("InProcess")
    .AsDefault();

var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(job)
    .AddColumn(new GflopsColumn())
    .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend))
    .WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared, BenchmarkDotNet.Order.MethodOrderPolicy.Declared))
    .WithOptions(ConfigOptions.JoinSummary);

BenchmarkSwitcher.FromAssembly(typeof(NetworkBenchmarks).Assembly).Run(args, config);
return 0;
