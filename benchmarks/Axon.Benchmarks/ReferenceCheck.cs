using Axon.Attribution;
using Axon.Benchmarks.Reference;

namespace Axon.Benchmarks;

/// <summary>
/// Checks that each hand-written reference computes what the generated code computes (outputs, input and parameter
/// gradients, tangents, IG), so that the benchmark ratios compare equal work.
/// </summary>
internal static class ReferenceCheck
{
    private const int Batch = 8;
    private const double Tolerance = 1e-4;

    public static bool Run(TextWriter log)
    {
        bool ok = true;
        foreach (NetworkBenchmarks benchmarks in new NetworkBenchmarks[] { new MlpBenchmarks(), new CnnBenchmarks() })
        {
            var model = benchmarks.CreateModel();
            var reference = benchmarks.CreateReference(Math.Max(Batch, NetworkBenchmarks.Steps));
            reference.CopyParametersFrom(model);
            int n = model.InputSize, m = model.OutputSize;
            var random = new Random(3);
            float[] input = [.. Enumerable.Range(0, Batch * n).Select(_ => random.NextSingle())];
            float[] direction = [.. Enumerable.Range(0, Batch * n).Select(_ => random.NextSingle() - 0.5f)];
            var seed = new float[Batch * m];
            for (int b = 0; b < Batch; b++) seed[b * m + b % m] = 1;

            var ws = model.CreateWorkspace(Batch);
            var output = new float[Batch * m];
            var expectedOutput = new float[Batch * m];
            model.Forward(ws, input, Batch, output);
            reference.Forward(input, Batch, expectedOutput);
            ok &= Compare(log, benchmarks.Network, "forward", output, expectedOutput);

            var parameterGradient = new float[model.Parameters.Length];
            model.Backward(ws, seed, Batch, 0, parameterGradient);
            var inputGradient = new float[Batch * n];
            reference.ClearParameterGradients();
            reference.Backward(seed, Batch, parameterGradients: true, inputGradient);
            ok &= Compare(log, benchmarks.Network, "input gradient", ws.Gradient(0)[..(Batch * n)], inputGradient);
            foreach (var (name, gradient) in reference.ParameterGradients())
            {
                var info = model.ParameterTensors.First(p => p.Name == name);
                ok &= Compare(log, benchmarks.Network, $"gradient of {name}", parameterGradient.AsSpan(info.Offset, info.Length), gradient);
            }

            model.Tangent(ws, direction, Batch);
            var tangent = new float[Batch * m];
            reference.Tangent(direction, Batch, tangent);
            ok &= Compare(log, benchmarks.Network, "tangent (JVP)", ws.Tangent(model.Layers.Count - 1)[..(Batch * m)], tangent);

            var attributor = new Attributor<float>(model);
            var ig = new float[Batch * n];
            attributor.IntegratedGradients(input, 0, Baseline<float>.Zero, ig, new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = NetworkBenchmarks.Steps });
            var expectedIg = new float[Batch * n];
            new ReferenceIntegratedGradients(reference, NetworkBenchmarks.Steps).Compute(input, 0, expectedIg);
            // 50 points × 8 inputs cross many ReLU and max-pool decisions: where a pre-activation or two pooled values
            // are within rounding of each other, the two codes may take different sides, which moves a few
            // neighbouring pixels by up to ~1e-3 of the largest value. Hence the looser tolerance here.
            ok &= Compare(log, benchmarks.Network, "integrated gradients", ig, expectedIg, tolerance: 2e-3);
        }

        log.WriteLine(ok ? "reference check: the hand-written networks match the generated code" : "reference check: MISMATCH");
        return ok;
    }

    private static bool Compare(TextWriter log, string network, string what, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance = Tolerance)
    {
        double scale = 0, error = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
            error = Math.Max(error, Math.Abs(actual[i] - expected[i]));
        }

        bool ok = actual.Length == expected.Length && error <= tolerance * Math.Max(scale, 1e-6);
        log.WriteLine($"  {network,-20} {what,-28} max |difference| {error:E2} (largest value {scale:E2}) {(ok ? "ok" : "MISMATCH")}");
        return ok;
    }
}
