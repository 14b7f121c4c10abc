using Axon.Model;
using Axon.Runtime.Tests.Networks;

namespace Axon.Runtime.Tests.ConvSeq;

/// <summary>
/// The issue-15 layers in steady state: forward, backward (with parameter gradients) and tangent allocate nothing.
/// Runs in the allocation collection: the count is process-wide.
/// </summary>
[Collection(GeneratedModelAllocationCollection.Name)]
public sealed class ConvSeqAllocationTests
{
    public static TheoryData<string> Models => new() { nameof(PaddedPoolNetF), nameof(GroupedConvNetF), nameof(DecoderNetF), nameof(LstmNetF), nameof(GruNetF) };

    [Theory]
    [MemberData(nameof(Models))]
    public void Steady_state_passes_allocate_nothing(string name)
    {
        IDifferentiableModel<float> model = name switch
        {
            nameof(PaddedPoolNetF) => new PaddedPoolNetF(),
            nameof(GroupedConvNetF) => new GroupedConvNetF(),
            nameof(DecoderNetF) => new DecoderNetF(),
            nameof(LstmNetF) => new LstmNetF(),
            _ => new GruNetF(),
        };
        const int batch = 4;
        var ws = model.CreateWorkspace(batch);
        var random = new Random(3);
        var input = Enumerable.Range(0, batch * model.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
        var output = new float[batch * model.OutputSize];
        var seed = new float[output.Length];
        seed[1] = 1;
        var parameterGradient = new float[model.Parameters.Length];
        void Run()
        {
            model.Forward(ws, input, batch, output);
            model.Backward(ws, seed, batch, 0, parameterGradient);
            model.Tangent(ws, input, batch);
        }

        for (int i = 0; i < 3; i++) Run();
        long allocated = long.MaxValue;
        for (int window = 0; window < 10 && allocated != 0; window++)
        {
            if (window > 0) Thread.Sleep(50);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 3; i++) Run();
            allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        Assert.Equal(0, allocated);
    }
}
