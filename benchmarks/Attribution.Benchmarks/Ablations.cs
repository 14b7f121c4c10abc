using Axon.Samples.Fashion;
using System.Diagnostics;
using Axon.Attribution;
using Axon.Data;
using Axon.Evaluation;
using Axon.Training;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// The papers' evaluations on Fashion-MNIST: trains the CNN briefly (Adam, one epoch on part of the training set),
/// then on test images measures ablation agreement (Dhamdhere et al.) per filter of conv1 and conv2, and ablation
/// error (Shrikumar et al.) on relu2 with the runtime of each method. The target is the predicted class; the
/// baseline the black image.
/// </summary>
internal static class Ablations
{
    public static void Run(int trainThousands)
    {
        if (!FashionMnist.IsInstalled())
        {
            Console.WriteLine($"Fashion-MNIST is not installed under {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist).");
            return;
        }

        int trainCount = Math.Clamp(trainThousands, 1, 60) * 1000;
        var train = FashionMnist.LoadTrain(limit: trainCount);
        var test = FashionMnist.LoadTest(limit: 200);
        var model = new FashionCnn();
        model.ResetParameters(1);
        var trainer = new Trainer<float>(model, new Adam<float>(model.ParameterTensors, 1e-3), new TrainingOptions { Epochs = 1, BatchSize = 64 });
        var stopwatch = Stopwatch.StartNew();
        double loss = trainer.Fit(train.PixelsAs<float>(), train.Labels);
        var inputs = test.PixelsAs<float>();
        Console.WriteLine($"Trained on {trainCount} images in {stopwatch.Elapsed.TotalSeconds:0.0} s: loss {loss:0.000}, test accuracy {trainer.Accuracy(inputs, test.Labels):P1} on {test.Count} images");

        // Target: the predicted class of each test image.
        var ws = model.CreateWorkspace(test.Count);
        var logits = new float[test.Count * 10];
        model.Forward(ws, inputs, test.Count, logits);
        var predicted = new int[test.Count];
        for (int b = 0; b < test.Count; b++)
            for (int c = 1; c < 10; c++) if (logits[b * 10 + c] > logits[b * 10 + predicted[b]]) predicted[b] = c;

        var evaluator = new AblationEvaluator<float>(model);
        var options = new IntegrationOptions { Steps = 50 };
        Console.WriteLine();
        Console.WriteLine($"Ablation agreement (Pearson r of per-filter scores vs per-filter ablation drops of the target logit; {test.Count} test images, n = 50):");
        Console.WriteLine($"  {"layer",-6} {"method",-24} {"mean r per image",17} {"pooled r",9}");
        foreach (var (layer, name) in new[] { (FashionCnn.LayerIndex.conv1, "conv1"), (FashionCnn.LayerIndex.conv2, "conv2") })
        {
            foreach (var a in evaluator.MeasureAgreement(layer, inputs, predicted, Baseline<float>.Zero, options))
                Console.WriteLine($"  {name,-6} {a.Method,-24} {a.MeanPearson,17:0.000} {a.PooledPearson,9:0.000}");
        }

        Console.WriteLine();
        Console.WriteLine("Ablation error (10% of relu2's neurons that moved most, replaced by their reference activation):");
        Console.WriteLine($"  {"method",-24} {"mean |error|",13} {"mean |change|",14} {"ms/input",9}");
        foreach (var rule in new[] { IntegrationRule.GaussLegendre, IntegrationRule.RiemannRight })
        {
            foreach (var e in evaluator.MeasureAblationError(FashionCnn.LayerIndex.relu2, inputs, predicted, Baseline<float>.Zero, 0.1, rule))
            {
                if (rule != IntegrationRule.GaussLegendre && e.Steps == 0) continue;
                string method = e.Steps > 0 ? $"{e.Method} {(rule == IntegrationRule.GaussLegendre ? "GL" : "right")}" : e.Method;
                Console.WriteLine($"  {method,-24} {e.MeanError,13:0.00000} {e.MeanAbsoluteChange,14:0.0000} {e.MillisecondsPerInput,9:0.000}");
            }
        }
    }
}
