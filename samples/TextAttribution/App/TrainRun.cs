using System.Diagnostics;
using Axon.IO;
using Axon.Training;

namespace Axon.Samples.Text;

/// <summary><c>--train</c>: reproduces the shipped weights from their seeds and saves them.</summary>
internal static class TrainRun
{
    public static int Run(TextCommand options, TextWriter output)
    {
        var training = SyntheticReviews.Generate(TextTraining.TrainingSize, SyntheticReviews.TrainingSeed);
        var heldOut = SyntheticReviews.Generate(options.HeldOut, SyntheticReviews.HeldOutSeed);
        var model = new TextClassifier();
        output.WriteLine($"training {model.Parameters.Length:N0} parameters on {training.Count} sequences, {options.Epochs} epochs, batch {TextTraining.BatchSize}");
        var clock = Stopwatch.StartNew();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Batch == p.BatchesPerEpoch - 1)
                output.WriteLine($"  epoch {p.Epoch}/{p.Epochs}: last batch loss {p.Loss:F4} ({clock.Elapsed.TotalSeconds:F0} s)");
        });
        double loss = TextTraining.Train(model, training, options.Epochs, seed: 1, progress);
        output.WriteLine($"final epoch mean loss {loss:F4}; held-out accuracy {TextTraining.Accuracy(model, heldOut):P1} ({heldOut.Count} sequences)");
        string? directory = Path.GetDirectoryName(Path.GetFullPath(options.WeightsPath));
        if (directory is not null) Directory.CreateDirectory(directory);
        ModelWeights.Save(model, options.WeightsPath, new Dictionary<string, string> { ["recipe"] = $"TextTraining seed 1, {options.Epochs} epochs" });
        output.WriteLine($"saved {options.WeightsPath}; rebuild the sample so that it embeds them");
        return 0;
    }

    /// <summary>Reports on the training thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
