using System.Numerics;
using Axon.IO;
using Axon.Model;

namespace Axon.Runtime.Tests.IO;

/// <summary>
/// A two-tensor stand-in for a generated model: "fc.weight" [2, 3] and "fc.bias" [2] in one flat vector. Only the
/// members weight I/O uses are implemented.
/// </summary>
internal sealed class FakeModel<T> : IDifferentiableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _parameters = new T[8];

    public FakeModel(int seed = 0)
    {
        for (int i = 0; i < _parameters.Length; i++) _parameters[i] = T.CreateTruncating(seed * 10 + i + 0.25);
    }

    public string Name => "FakeNet";

    public int InputSize => 3;

    public int OutputSize => 2;

    public IReadOnlyList<LayerInfo> Layers => throw new InvalidOperationException("Not used by weight I/O.");

    public IReadOnlyList<ParameterInfo> ParameterTensors { get; } =
    [
        new ParameterInfo("fc.weight", 1, [2, 3], 0, 6, true),
        new ParameterInfo("fc.bias", 1, [2], 6, 2, true),
    ];

    public Span<T> Parameters => _parameters;

    public ModelWorkspace<T> CreateWorkspace(int maxBatch) => throw new InvalidOperationException("Not used by weight I/O.");

    public void Forward(ModelWorkspace<T> workspace, ReadOnlySpan<T> input, int batch, Span<T> output) =>
        throw new InvalidOperationException("Not used by weight I/O.");

    public void ForwardFrom(ModelWorkspace<T> workspace, int layer, ReadOnlySpan<T> activation, int batch, Span<T> output) =>
        throw new InvalidOperationException("Not used by weight I/O.");

    public void Backward(ModelWorkspace<T> workspace, ReadOnlySpan<T> outputGradient, int batch, int stopAtLayer = 0, Span<T> parameterGradient = default) =>
        throw new InvalidOperationException("Not used by weight I/O.");

    public void BackwardFrom(ModelWorkspace<T> workspace, int layer, ReadOnlySpan<T> layerGradient, int batch, int stopAtLayer = 0, Span<T> parameterGradient = default) =>
        throw new InvalidOperationException("Not used by weight I/O.");

    public void Tangent(ModelWorkspace<T> workspace, ReadOnlySpan<T> inputTangent, int batch, int stopAtLayer = -1) =>
        throw new InvalidOperationException("Not used by weight I/O.");

    public void TangentFrom(ModelWorkspace<T> workspace, int layer, ReadOnlySpan<T> layerTangent, int batch, int stopAtLayer = -1) =>
        throw new InvalidOperationException("Not used by weight I/O.");
}

public class ModelWeightsTests
{
    private static readonly float[] Weight = [1f, 2f, 3f, 4f, 5f, 6f];
    private static readonly float[] Bias = [-1f, -2f];

    [Fact]
    public void SaveThenLoadRestoresEveryParameter()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        var source = new FakeModel<float>(seed: 3);
        ModelWeights.Save(source, path, new Dictionary<string, string> { ["format"] = "pt" });

        var file = SafeTensorsFile.Read(path);
        Assert.Equal(["fc.weight", "fc.bias"], file.Tensors.Select(t => t.Name));
        Assert.Equal([2, 3], file["fc.weight"].Shape);
        Assert.Equal([2], file["fc.bias"].Shape);
        Assert.All(file.Tensors, t => Assert.Equal(SafeTensorsDType.F32, t.DType));
        Assert.Equal("pt", file.Metadata["format"]);

        var target = new FakeModel<float>(seed: 0);
        ModelWeights.Load(target, path);
        Assert.Equal(source.Parameters.ToArray(), target.Parameters.ToArray());
    }

    [Fact]
    public void DoubleModelsSaveF64AndLoadFromAnyFloatDType()
    {
        var source = new FakeModel<double>(seed: 5);
        byte[] bytes = ModelWeights.ToBytes(source);
        Assert.All(SafeTensorsFile.Parse(bytes).Tensors, t => Assert.Equal(SafeTensorsDType.F64, t.DType));
        var target = new FakeModel<double>();
        ModelWeights.Load(target, bytes);
        Assert.Equal(source.Parameters.ToArray(), target.Parameters.ToArray());

        // F32 file into a double model; F16 and BF16 into a float model.
        var floats = new FakeModel<double>();
        ModelWeights.Load(floats, File([new SafeTensorsEntry("fc.weight", [2, 3], Weight), new SafeTensorsEntry("fc.bias", [2], Bias)]));
        Assert.Equal(Weight.Concat(Bias).Select(v => (double)v), floats.Parameters.ToArray());

        byte[] half = [0x00, 0x3C, 0x00, 0x40, 0x00, 0x42, 0x00, 0x44, 0x00, 0x45, 0x00, 0x46]; // 1..6
        byte[] bf16 = [0x80, 0xBF, 0x00, 0xC0]; // -1, -2
        var small = new FakeModel<float>();
        ModelWeights.Load(small, File(
        [
            SafeTensorsEntry.FromBytes("fc.weight", SafeTensorsDType.F16, [2, 3], half),
            SafeTensorsEntry.FromBytes("fc.bias", SafeTensorsDType.BF16, [2], bf16),
        ]));
        Assert.Equal(Weight.Concat(Bias), small.Parameters.ToArray());
    }

    [Fact]
    public void ExtraTensorsAreIgnored()
    {
        var model = new FakeModel<float>();
        ModelWeights.Load(model, File(
        [
            new SafeTensorsEntry("fc.bias", [2], Bias),
            new SafeTensorsEntry("other.weight", [7], new float[7]),
            SafeTensorsEntry.FromBytes("step", SafeTensorsDType.I64, [], new byte[8]),
            new SafeTensorsEntry("fc.weight", [2, 3], Weight),
        ]));
        Assert.Equal(Weight.Concat(Bias), model.Parameters.ToArray());
    }

    [Fact]
    public void MissingTensorIsNamedAndNothingChanges()
    {
        var model = new FakeModel<float>(seed: 1);
        float[] before = model.Parameters.ToArray();
        byte[] file = File([new SafeTensorsEntry("fc.weight", [2, 3], Weight), new SafeTensorsEntry("head.bias", [2], Bias)]);

        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, file, "partial.safetensors"));
        Assert.Contains("'fc.bias'", ex.Message);
        Assert.Contains("missing", ex.Message);
        Assert.Contains("'head.bias'", ex.Message); // the names the file does have
        Assert.Contains("'partial.safetensors'", ex.Message);
        Assert.Contains("FakeNet", ex.Message);
        Assert.Equal("fc.bias", DataErrors.GetTensorName(ex));
        Assert.Equal(before, model.Parameters.ToArray()); // fc.weight, which was fine, was not loaded either
    }

    [Fact]
    public void WrongShapeIsNamedWithBothShapesAndNothingChanges()
    {
        var model = new FakeModel<float>(seed: 2);
        float[] before = model.Parameters.ToArray();
        byte[] file = File([new SafeTensorsEntry("fc.weight", [3, 2], Weight), new SafeTensorsEntry("fc.bias", [2], Bias)]);

        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, file, "t.safetensors"));
        Assert.Contains("'fc.weight'", ex.Message);
        Assert.Contains("[3, 2]", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.DoesNotContain("fc.bias", ex.Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void IntegerDTypeIsNamedAndNothingChanges()
    {
        var model = new FakeModel<float>(seed: 4);
        float[] before = model.Parameters.ToArray();
        byte[] file = File(
        [
            new SafeTensorsEntry("fc.weight", [2, 3], Weight),
            SafeTensorsEntry.FromBytes("fc.bias", SafeTensorsDType.I32, [2], new byte[8]),
        ]);

        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, file));
        Assert.Contains("'fc.bias'", ex.Message);
        Assert.Contains("I32", ex.Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void EveryProblemIsListed()
    {
        var model = new FakeModel<float>();
        byte[] file = File([SafeTensorsEntry.FromBytes("fc.weight", SafeTensorsDType.U8, [2, 3], new byte[6])]);
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, file));
        Assert.Contains("2 of its 2 parameter tensors", ex.Message);
        Assert.Contains("U8", ex.Message);
        Assert.Contains("'fc.bias'", ex.Message);
        Assert.Equal("fc.weight\nfc.bias", ex.Data[ModelWeights.FailedTensorsKey]);
    }

    [Fact]
    public void APrefixedNameIsSuggested()
    {
        var model = new FakeModel<float>();
        byte[] file = File([new SafeTensorsEntry("module.fc.weight", [2, 3], Weight), new SafeTensorsEntry("module.fc.bias", [2], Bias)]);
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, file));
        Assert.Contains("did you mean 'module.fc.weight'", ex.Message);
    }

    [Fact]
    public void CorruptFilesAreRejectedAndNothingChanges()
    {
        var model = new FakeModel<float>(seed: 6);
        float[] before = model.Parameters.ToArray();
        byte[] valid = ModelWeights.ToBytes(new FakeModel<float>(seed: 9));
        for (int length = 0; length < valid.Length; length += 3)
        {
            var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, valid.AsMemory(0, length), "cut.safetensors"));
            Assert.Contains("cut.safetensors", ex.Message);
        }

        Assert.Equal(before, model.Parameters.ToArray());
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => ModelWeights.Load(model, dir.File("absent.safetensors")));
    }

    [Fact]
    public void SavingReplacesTheFileAndLeavesNoTemporaryFiles()
    {
        using var dir = new TempDirectory();
        string path = dir.File("w.safetensors");
        System.IO.File.WriteAllText(path, "old content");
        ModelWeights.Save(new FakeModel<float>(seed: 7), path);
        var model = new FakeModel<float>();
        ModelWeights.Load(model, path);
        Assert.Equal(new FakeModel<float>(seed: 7).Parameters.ToArray(), model.Parameters.ToArray());
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void NonFiniteWeightsAreNamedAndNothingChanges()
    {
        var model = new FakeModel<float>(seed: 3);
        float[] before = model.Parameters.ToArray();
        byte[] nan = File([new SafeTensorsEntry("fc.weight", [2, 3], Weight), new SafeTensorsEntry("fc.bias", [2], new[] { -1f, float.NaN })]);
        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, nan, "nan.safetensors"));
        Assert.Contains("'fc.bias' holds NaN at index 1", ex.Message);
        Assert.Contains("finite", ex.Message);
        Assert.Equal("fc.bias", DataErrors.GetTensorName(ex));
        Assert.Equal(before, model.Parameters.ToArray());

        byte[] infinite = File([new SafeTensorsEntry("fc.weight", [2, 3], new[] { 1f, 2f, float.NegativeInfinity, 4f, 5f, 6f }), new SafeTensorsEntry("fc.bias", [2], Bias)]);
        ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, infinite));
        Assert.Contains("'fc.weight' holds", ex.Message);
        Assert.Contains("at index 2", ex.Message);
        Assert.Equal(before, model.Parameters.ToArray());

        // Finite in the file, infinite once converted: 1e300 does not fit a float.
        byte[] huge = File([new SafeTensorsEntry("fc.weight", [2, 3], new[] { 1.0, 2, 3, 4, 5, 1e300 }), new SafeTensorsEntry("fc.bias", [2], new[] { 0.0, 0 })]);
        ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, huge));
        Assert.Contains("'fc.weight' holds", ex.Message);
        Assert.Contains("at index 5 (as Single)", ex.Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void PathsThatAreNoReadableFileThrowTheDocumentedExceptions()
    {
        var model = new FakeModel<float>(seed: 5);
        float[] before = model.Parameters.ToArray();
        using var dir = new TempDirectory();

        var missingFolder = Assert.Throws<FileNotFoundException>(() => ModelWeights.Load(model, dir.File(Path.Combine("no-such-folder", "w.safetensors"))));
        Assert.IsType<DirectoryNotFoundException>(missingFolder.InnerException);
        Assert.Contains("no-such-folder", missingFolder.Message);

        var tooLong = Assert.Throws<FileNotFoundException>(() => ModelWeights.Load(model, dir.File(new string('w', 300) + ".safetensors")));
        Assert.IsType<PathTooLongException>(tooLong.InnerException);

        var folder = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, dir.Path));
        Assert.IsType<UnauthorizedAccessException>(folder.InnerException);
        Assert.Contains("folder", folder.Message);
        Assert.Equal(dir.Path, DataErrors.GetFileName(folder));

        Assert.Equal(before, model.Parameters.ToArray());
    }

    private static byte[] File(SafeTensorsEntry[] tensors) => SafeTensorsWriter.ToArray(tensors);
}
