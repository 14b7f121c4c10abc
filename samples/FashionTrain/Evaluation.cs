using Axon.Data;
using Axon.Model;
using Axon.Training;

namespace Axon.Samples.FashionTrain;

/// <summary>Test-set accuracy and confusion counts of a classifier.</summary>
internal sealed class Evaluation
{
    private Evaluation(int[,] confusion, int count)
    {
        Confusion = confusion;
        Count = count;
        for (int c = 0; c < confusion.GetLength(0); c++) Correct += confusion[c, c];
    }

    /// <summary>[true class, predicted class] counts.</summary>
    public int[,] Confusion { get; }

    public int Count { get; }

    public int Correct { get; }

    public double Accuracy => (double)Correct / Count;

    /// <summary>Fraction of class <paramref name="label"/>'s images that were classified as it.</summary>
    public double ClassAccuracy(int label)
    {
        int total = 0;
        for (int p = 0; p < Confusion.GetLength(1); p++) total += Confusion[label, p];
        return total == 0 ? double.NaN : (double)Confusion[label, label] / total;
    }

    /// <summary>Runs <paramref name="model"/> over every image of <paramref name="data"/> in chunks that fit <paramref name="workspace"/>.</summary>
    public static Evaluation Run(IDifferentiableModel<float> model, ModelWorkspace<float> workspace, LabeledImages data)
    {
        int classes = model.OutputSize, size = model.InputSize;
        if (data.PixelsPerImage != size) throw new ArgumentException($"The model takes {size} values per image; the data has {data.PixelsPerImage}.", nameof(data));
        var confusion = new int[classes, classes];
        var logits = new float[workspace.MaxBatch * classes];
        for (int start = 0; start < data.Count; start += workspace.MaxBatch)
        {
            int batch = Math.Min(workspace.MaxBatch, data.Count - start);
            var output = logits.AsSpan(0, batch * classes);
            model.Forward(workspace, data.Pixels.AsSpan(start * size, batch * size), batch, output);
            for (int b = 0; b < batch; b++)
            {
                int predicted = SoftmaxCrossEntropy.ArgMax<float>(output.Slice(b * classes, classes));
                confusion[data.Labels[start + b], predicted]++;
            }
        }

        return new Evaluation(confusion, data.Count);
    }
}
