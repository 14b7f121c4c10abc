using Axon.IO;

namespace Axon.Runtime.Tests.IO;

/// <summary>Loading PyTorch checkpoints whose names differ from the model's, and strict loading.</summary>
public class WeightLoadOptionsTests
{
    private static readonly float[] Weight = [1f, 2f, 3f, 4f, 5f, 6f];
    private static readonly float[] Bias = [-1f, -2f];

    private static SafeTensorsFile File(params SafeTensorsEntry[] tensors) => SafeTensorsFile.Parse(SafeTensorsWriter.ToArray(tensors), "checkpoint.safetensors");

    [Fact]
    public void ADataParallelPrefixIsStrippedByTheRename()
    {
        var model = new FakeModel<float>(seed: 3);
        var file = File(new SafeTensorsEntry("module.fc.weight", [2, 3], Weight), new SafeTensorsEntry("module.fc.bias", [2], Bias));

        // As stored, the names do not match: the plain load fails and says what the file has.
        var plain = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, file));
        Assert.Contains("module.fc.weight", plain.Message);

        ModelWeights.Load(model, file, new WeightLoadOptions { Rename = WeightLoadOptions.StripPrefix("module.") });
        Assert.Equal([.. Weight, .. Bias], model.Parameters.ToArray());
    }

    [Fact]
    public void StrictModeRejectsExtraTensorsAndChangesNothing()
    {
        var model = new FakeModel<float>(seed: 3);
        var before = model.Parameters.ToArray();
        var file = File(new SafeTensorsEntry("fc.weight", [2, 3], Weight), new SafeTensorsEntry("fc.bias", [2], Bias), new SafeTensorsEntry("head.weight", [1], new[] { 7f }));

        var error = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, file, new WeightLoadOptions { Strict = true }));
        Assert.Contains("'head.weight' is no parameter of the model (strict mode)", error.Message);
        Assert.Equal(before, model.Parameters.ToArray());

        // Not strict: the extra tensor is ignored; a rename to null drops it even in strict mode.
        ModelWeights.Load(model, file);
        ModelWeights.Load(model, file, new WeightLoadOptions { Strict = true, Rename = name => name.StartsWith("head.", StringComparison.Ordinal) ? null : name });
        Assert.Equal([.. Weight, .. Bias], model.Parameters.ToArray());
    }

    [Fact]
    public void TwoTensorsRenamedToOneParameterAreRejected()
    {
        var model = new FakeModel<float>(seed: 3);
        var before = model.Parameters.ToArray();
        var file = File(new SafeTensorsEntry("fc.weight", [2, 3], Weight), new SafeTensorsEntry("module.fc.weight", [2, 3], Weight), new SafeTensorsEntry("fc.bias", [2], Bias));

        var error = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, file, new WeightLoadOptions { Rename = WeightLoadOptions.StripPrefix("module.") }));
        Assert.Contains("both map to 'fc.weight'", error.Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }
}
