// Trains the Fashion-MNIST CNN of samples/FashionModel on the CPU with the backward pass that Axon's generator
// wrote for it, reports per-epoch loss, test accuracy and time, and saves the weights as safetensors.
using System.Diagnostics;
using System.Globalization;
using Axon.IO;
using Axon.Samples.Fashion;
using Axon.Samples.FashionTrain;
using Axon.Training;
using Spectre.Console;

return TrainCommand.Run(args, Run, Console.Error);

static int Run(TrainSettings options)
{
    if (!FashionMnist.IsInstalled(options.DataDirectory))
    {
        AnsiConsole.MarkupLineInterpolated($"[red]Fashion-MNIST is not installed in '{options.DataDirectory}'.[/]");
        AnsiConsole.MarkupLine(
            $"Install it with [bold]sudo apt-get update && sudo apt-get install dataset-fashion-mnist[/] (it puts the IDX files in {FashionMnist.DefaultDirectory}), or pass [bold]--data DIR[/] with the four *-idx*-ubyte(.gz) files.");
        return 3;
    }

    try
    {
        return options.ExportPath is not null ? Export(options) : Train(options);
    }
    catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
    {
        AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
        return 1;
    }
}

static int Export(TrainSettings options)
{
    var test = FashionMnist.LoadTest(options.DataDirectory, options.Limit);
    int[] indices = SampleExport.Write(test, options.ExportCount, options.ExportPath!);
    var table = new Table().AddColumns("#", "test index", "label", "class");
    for (int k = 0; k < indices.Length; k++)
        table.AddRow(k.ToString(CultureInfo.InvariantCulture), indices[k].ToString(CultureInfo.InvariantCulture), test.Labels[indices[k]].ToString(CultureInfo.InvariantCulture), Markup.Escape(test.ClassName(indices[k])));
    AnsiConsole.Write(table);
    AnsiConsole.MarkupLineInterpolated($"Wrote {indices.Length} test images to [bold]{options.ExportPath}[/] ({new FileInfo(options.ExportPath!).Length:N0} bytes).");
    return 0;
}

static int Train(TrainSettings options)
{
    long loadStart = Stopwatch.GetTimestamp();
    var data = FashionMnist.Load(options.DataDirectory, options.Limit);
    AnsiConsole.MarkupLineInterpolated(
        $"Loaded {data.Train.Count:N0} training and {data.Test.Count:N0} test images from {options.DataDirectory} in {Stopwatch.GetElapsedTime(loadStart).TotalSeconds:F1} s.");

    var model = new FashionCnn();
    model.ResetParameters(options.Seed);
    double learningRate = options.EffectiveLearningRate;
    Action<double> setLearningRate;
    IOptimizer<float> optimizer;
    if (options.Optimizer == OptimizerKind.Adam)
    {
        var adam = new Adam<float>(model.ParameterTensors, learningRate);
        optimizer = adam;
        setLearningRate = rate => adam.LearningRate = rate;
    }
    else
    {
        var sgd = new SgdMomentum<float>(model.ParameterTensors, learningRate, momentum: 0.9);
        optimizer = sgd;
        setLearningRate = rate => sgd.LearningRate = rate;
    }

    var trainingOptions = new TrainingOptions { Epochs = options.Epochs, BatchSize = options.BatchSize, Seed = options.Seed };
    var trainer = new Trainer<float>(model, optimizer, trainingOptions);
    int batchesPerEpoch = (data.Train.Count + options.BatchSize - 1) / options.BatchSize;
    AnsiConsole.MarkupLineInterpolated(
        $"Training FashionCnn ({FashionCnn.ParameterCount:N0} parameters): {options.Epochs} epochs of {batchesPerEpoch} batches of {options.BatchSize}, {options.Optimizer.ToString().ToLowerInvariant()} lr {learningRate.ToString(CultureInfo.InvariantCulture)} ({options.Schedule.ToString().ToLowerInvariant()}), seed {options.Seed}, {Environment.ProcessorCount} cores.");

    EpochMonitor? monitor = null;
    AnsiConsole.Progress()
        .AutoClear(false)
        .HideCompleted(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
        .Start(context =>
        {
            monitor = new EpochMonitor(context, model, data.Test, data.Train.Count, options.BatchSize, learningRate, options.Schedule, setLearningRate);
            monitor.Start(options.Epochs, batchesPerEpoch);
            trainer.Fit(data.Train.Pixels, data.Train.Labels, monitor);
        });

    var epochs = monitor!.Epochs;
    var summary = new Table().Title("Training").AddColumns("epoch", "train loss", "test accuracy", "train time", "ms / batch");
    foreach (var e in epochs)
    {
        summary.AddRow(
            e.Epoch.ToString(CultureInfo.InvariantCulture), e.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
            e.TestAccuracy.ToString("P2", CultureInfo.InvariantCulture), $"{e.TrainTime.TotalSeconds:F1} s",
            (e.TrainTime.TotalMilliseconds / batchesPerEpoch).ToString("F1", CultureInfo.InvariantCulture));
    }

    AnsiConsole.Write(summary);

    var workspace = model.CreateWorkspace(Math.Min(128, data.Test.Count));
    var final = Evaluation.Run(model, workspace, data.Test);
    var perClass = new Table().Title("Test accuracy per class").AddColumns("label", "class", "accuracy");
    for (int c = 0; c < data.Test.ClassNames.Count; c++)
        perClass.AddRow(c.ToString(CultureInfo.InvariantCulture), Markup.Escape(data.Test.ClassNames[c]), final.ClassAccuracy(c).ToString("P1", CultureInfo.InvariantCulture));
    AnsiConsole.Write(perClass);

    double trainSeconds = monitor.TrainTime.TotalSeconds;
    var metadata = new Dictionary<string, string>
    {
        ["model"] = "Axon.Samples.Fashion.FashionCnn",
        ["dataset"] = "Fashion-MNIST",
        ["input"] = "[1, 28, 28] pixels / 255 in [0, 1], no normalisation",
        ["test_accuracy"] = final.Accuracy.ToString("F4", CultureInfo.InvariantCulture),
        ["test_images"] = final.Count.ToString(CultureInfo.InvariantCulture),
        ["train_images"] = data.Train.Count.ToString(CultureInfo.InvariantCulture),
        ["epochs"] = options.Epochs.ToString(CultureInfo.InvariantCulture),
        ["batch_size"] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["optimizer"] = options.Optimizer.ToString().ToLowerInvariant(),
        ["learning_rate"] = learningRate.ToString(CultureInfo.InvariantCulture),
        ["schedule"] = options.Schedule.ToString().ToLowerInvariant(),
        ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
        ["train_seconds"] = trainSeconds.ToString("F1", CultureInfo.InvariantCulture),
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
    string? directory = Path.GetDirectoryName(Path.GetFullPath(options.Output));
    if (directory is not null) Directory.CreateDirectory(directory);
    ModelWeights.Save(model, options.Output, metadata);

    AnsiConsole.MarkupLineInterpolated(
        $"Test accuracy [bold green]{final.Accuracy:P2}[/] ({final.Correct:N0} of {final.Count:N0}) after {trainSeconds:F1} s of training ({monitor.TrainTime.TotalMilliseconds / (batchesPerEpoch * (double)options.Epochs):F1} ms per batch of {options.BatchSize}).");
    AnsiConsole.MarkupLineInterpolated($"Saved the weights to [bold]{options.Output}[/] ({new FileInfo(options.Output).Length:N0} bytes).");
    return 0;
}
