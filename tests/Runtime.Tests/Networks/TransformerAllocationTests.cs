using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>The transformer layers allocate nothing per call in steady state (attention works in the workspace's scratch).</summary>
[Collection(GeneratedModelAllocationCollection.Name)]
public sealed class TransformerAllocationTests
{
    [Fact]
    public void Attention_and_normalisation_models_allocate_nothing_per_call()
    {
        Assert.Equal(0, SteadyStateAllocation(new AttentionNetFloat()));
        Assert.Equal(0, SteadyStateAllocation(new NormNetFloat()));
    }

    private static long SteadyStateAllocation(IDifferentiableModel<float> model)
    {
        const int batch = 8;
        var ws = model.CreateWorkspace(batch);
        var random = new Random(3);
        var input = Enumerable.Range(0, batch * model.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
        var output = new float[batch * model.OutputSize];
        var seed = new float[batch * model.OutputSize];
        seed[1] = 1;
        var parameterGradient = new float[model.Parameters.Length];
        void Run()
        {
            model.Forward(ws, input, batch, output);
            model.Backward(ws, seed, batch, 0, parameterGradient);
            model.Tangent(ws, input, batch);
        }

        for (int i = 0; i < 3; i++) Run();

        // Process-wide count: the quietest of several windows (see GeneratedModelAllocationTests).
        long allocated = long.MaxValue;
        for (int window = 0; window < 10 && allocated != 0; window++)
        {
            if (window > 0) Thread.Sleep(50);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 5; i++) Run();
            allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        return allocated;
    }
}
