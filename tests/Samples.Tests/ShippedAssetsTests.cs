using System.Runtime.CompilerServices;
using Axon.Data;
using Axon.IO;
using Axon.Model;
using Axon.Samples.Fashion;
using Axon.Training;
using Xunit.Abstractions;

namespace Axon.Samples.Tests;

/// <summary>
/// The trained Fashion-MNIST model and the sample images that ship in samples/Assets (made by samples/FashionTrain;
/// see samples/Assets/README.md) load into the generated model and still classify well.
/// </summary>
public sealed class ShippedAssetsTests(ITestOutputHelper output)
{
    private const string WeightsFile = "fashion-cnn.safetensors";
    private const string SamplesFile = "fashion-samples.safetensors";
    private const int SampleCount = 12;

    [Fact]
    public void Shipped_weights_hold_every_parameter_tensor_of_the_model_with_its_shape()
    {
        var model = new FashionCnn();
        var file = SafeTensorsFile.Read(Asset(WeightsFile));
        foreach (var parameter in model.ParameterTensors)
        {
            Assert.True(file.TryGetTensor(parameter.Name, out var tensor), $"'{parameter.Name}' is missing from {WeightsFile}.");
            Assert.Equal(SafeTensorsDType.F32, tensor.DType);
            Assert.Equal(parameter.Shape, tensor.Shape);
        }

        Assert.Equal(model.ParameterTensors.Count, file.Tensors.Count);
        Assert.True(double.Parse(file.Metadata["test_accuracy"], System.Globalization.CultureInfo.InvariantCulture) >= 0.88, $"recorded accuracy {file.Metadata["test_accuracy"]}");
        output.WriteLine(string.Join(", ", file.Metadata.Select(p => $"{p.Key}={p.Value}")));
    }

    [Fact]
    public void Shipped_weights_load_into_a_fresh_model()
    {
        var model = new FashionCnn();
        float[] initial = model.Parameters.ToArray();
        ModelWeights.Load(model, Asset(WeightsFile));
        var file = SafeTensorsFile.Read(Asset(WeightsFile));
        foreach (var parameter in model.ParameterTensors)
        {
            var loaded = model.Parameters.Slice(parameter.Offset, parameter.Length);
            Assert.Equal(file[parameter.Name].ToFloatArray(), loaded.ToArray());
            Assert.True(loaded.ToArray().All(float.IsFinite), $"'{parameter.Name}' holds a non-finite value.");
            Assert.False(loaded.SequenceEqual(initial.AsSpan(parameter.Offset, parameter.Length)), $"'{parameter.Name}' still has its initial values.");
        }
    }

    [Fact]
    public void Shipped_sample_images_cover_every_class_and_are_classified_correctly()
    {
        var (images, labels) = ReadSamples();
        Assert.Equal(Enumerable.Range(0, 10), labels.Distinct().Order());
        Assert.All(images, p => Assert.InRange(p, 0f, 1f));

        var model = LoadedModel();
        int[] predicted = Predict(model, images, labels.Length);
        int correct = predicted.Zip(labels, (p, l) => p == l ? 1 : 0).Sum();
        for (int i = 0; i < labels.Length; i++)
            output.WriteLine($"sample {i}: label {FashionMnist.ClassNames[labels[i]]}, predicted {FashionMnist.ClassNames[predicted[i]]}");
        Assert.True(correct >= 9, $"only {correct} of {labels.Length} shipped samples are classified as labelled");
    }

    [Fact]
    public void Shipped_model_is_accurate_on_the_first_2000_test_images()
    {
        if (!FashionMnist.IsInstalled())
        {
            output.WriteLine($"Skipped: Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist).");
            return;
        }

        var test = FashionMnist.LoadTest(limit: 2000);
        var model = LoadedModel();
        int[] predicted = Predict(model, test.Pixels, test.Count);
        double accuracy = predicted.Where((p, i) => p == test.Labels[i]).Count() / (double)test.Count;
        output.WriteLine($"accuracy on the first {test.Count} test images: {accuracy:P2}");
        Assert.True(accuracy >= 0.86, $"accuracy {accuracy:P2} on the first {test.Count} test images");
    }

    [Fact]
    public void Shipped_sample_images_are_the_test_images_their_indices_name()
    {
        if (!FashionMnist.IsInstalled())
        {
            output.WriteLine($"Skipped: Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist).");
            return;
        }

        var file = SafeTensorsFile.Read(Asset(SamplesFile));
        long[] indices = file["indices"].ToArray<long>();
        var (images, labels) = ReadSamples();
        var test = FashionMnist.LoadTest(limit: (int)indices.Max() + 1);
        for (int k = 0; k < indices.Length; k++)
        {
            Assert.Equal(test.Labels[indices[k]], labels[k]);
            Assert.Equal(test.Image((int)indices[k]).ToArray(), images.AsSpan(k * 784, 784).ToArray());
        }
    }

    private static FashionCnn LoadedModel()
    {
        var model = new FashionCnn();
        ModelWeights.Load(model, Asset(WeightsFile));
        return model;
    }

    private static (float[] Images, int[] Labels) ReadSamples()
    {
        var file = SafeTensorsFile.Read(Asset(SamplesFile));
        var images = file["images"];
        var labels = file["labels"];
        Assert.Equal(SafeTensorsDType.F32, images.DType);
        Assert.Equal([SampleCount, 1, 28, 28], images.Shape);
        Assert.Equal(SafeTensorsDType.I64, labels.DType);
        Assert.Equal([SampleCount], labels.Shape);
        int[] values = labels.ToArray<long>().Select(l => checked((int)l)).ToArray();
        Assert.All(values, l => Assert.InRange(l, 0, 9));
        return (images.ToFloatArray(), values);
    }

    private static int[] Predict(IDifferentiableModel<float> model, ReadOnlySpan<float> images, int count)
    {
        const int chunk = 100;
        var workspace = model.CreateWorkspace(Math.Min(chunk, count));
        var logits = new float[workspace.MaxBatch * model.OutputSize];
        var predicted = new int[count];
        for (int start = 0; start < count; start += chunk)
        {
            int batch = Math.Min(chunk, count - start);
            var outputSpan = logits.AsSpan(0, batch * model.OutputSize);
            model.Forward(workspace, images.Slice(start * model.InputSize, batch * model.InputSize), batch, outputSpan);
            for (int b = 0; b < batch; b++) predicted[start + b] = SoftmaxCrossEntropy.ArgMax<float>(outputSpan.Slice(b * model.OutputSize, model.OutputSize));
        }

        return predicted;
    }

    /// <summary>
    /// The path of a file in samples/Assets: found from this source file's location (the repository root is two
    /// folders up), or, when the tests run from a copy built elsewhere, by walking up from the test assembly.
    /// </summary>
    private static string Asset(string name, [CallerFilePath] string sourceFile = "")
    {
        string fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile) ?? ".", "..", "..", "samples", "Assets", name));
        if (File.Exists(fromSource)) return fromSource;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "samples", "Assets", name);
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException($"The shipped asset '{name}' was found neither at {fromSource} nor above {AppContext.BaseDirectory}.", fromSource);
    }
}
