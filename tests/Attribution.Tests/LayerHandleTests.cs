using Axon.Attribution.Tests.Generated;
using Axon.Evaluation;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// The generated <c>LayerIndex</c> members are handles of their model: an engine over another model refuses them with a
/// message naming both models, before anything runs or is written; plain indices and the model's own handles work.
/// </summary>
public class LayerHandleTests
{
    [Fact]
    public void AnotherModelsLayerIsRefusedNamingBothModels()
    {
        var model = new SmoothMlp();
        model.ResetParameters(1);
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(SmoothMlp.InputSize, 2);
        int size = model.Layers[Residual.LayerIndex.t].Size;
        var result = Enumerable.Repeat(42.0, size).ToArray();

        var error = Assert.Throws<ArgumentException>(() => engine.LayerConductance(Residual.LayerIndex.t, x, 0, Baseline<double>.Zero, result));
        Assert.Contains("Residual", error.Message);
        Assert.Contains("SmoothMlp", error.Message);
        Assert.Equal("layer", error.ParamName);
        Assert.All(result, value => Assert.Equal(42.0, value));
        Assert.Throws<ArgumentException>(() => engine.InternalInfluence(Residual.LayerIndex.t, x, 0, Baseline<double>.Zero, result));
        Assert.Throws<ArgumentException>(() => engine.DeepLift(Residual.LayerIndex.t, x, 0, Baseline<double>.Zero, result));
        Assert.Throws<ArgumentException>(() => engine.LayerActivation(Residual.LayerIndex.t, x, result));
        Assert.Throws<ArgumentException>(() => engine.LayerConductance([SmoothMlp.LayerIndex.fc1, Residual.LayerIndex.t], x, 0, Baseline<double>.Zero, result));
        Assert.Throws<ArgumentException>(() => new AblationEvaluator<double>(engine).FilterCount(Residual.LayerIndex.t));

        // The model's own handle and the same layer as a plain index give the same result.
        int own = SmoothMlp.LayerIndex.tanh1;
        var byHandle = new double[model.Layers[own].Size];
        var byIndex = new double[byHandle.Length];
        engine.LayerConductance(SmoothMlp.LayerIndex.tanh1, x, 0, Baseline<double>.Zero, byHandle);
        engine.LayerConductance(own, x, 0, Baseline<double>.Zero, byIndex);
        Assert.Equal(byIndex, byHandle);
        Assert.Equal("SmoothMlp.tanh1 (layer " + own + ")", SmoothMlp.LayerIndex.tanh1.ToString());
    }

    [Fact]
    public void AnIndexOutsideTheModelIsOutOfRange()
    {
        var model = new SmoothMlp();
        var engine = new Attributor<double>(model);
        var x = new double[SmoothMlp.InputSize];
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.LayerConductance(model.Layers.Count, x, 0, Baseline<double>.Zero, new double[1]));
    }
}
