using System.Diagnostics;
using Axon.Data;
using Axon.Model;
using Axon.Training;
using Spectre.Console;

namespace Axon.Samples.FashionTrain;

/// <summary>What one epoch achieved.</summary>
internal sealed record EpochResult(int Epoch, double TrainLoss, double TestAccuracy, TimeSpan TrainTime, TimeSpan EvaluationTime, double LearningRate);

/// <summary>
/// Receives the trainer's per-batch progress (synchronously, on the training thread): moves the progress bar,
/// anneals the learning rate, and at the end of every epoch measures the test accuracy and prints a line. The
/// time spent evaluating is kept out of the training time.
/// </summary>
internal sealed class EpochMonitor : IProgress<TrainingProgress>
{
    private readonly ProgressContext _context;
    private readonly IDifferentiableModel<float> _model;
    private readonly ModelWorkspace<float> _evaluationWorkspace;
    private readonly LabeledImages _test;
    private readonly Action<double> _setLearningRate;
    private readonly double _learningRate;
    private readonly Schedule _schedule;
    private readonly int _trainCount;
    private readonly int _batchSize;
    private readonly Stopwatch _epochClock = new();
    private ProgressTask? _task;
    private double _lossSum;
    private int _samples;
    private double _currentRate;

    public EpochMonitor(ProgressContext context, IDifferentiableModel<float> model, LabeledImages test, int trainCount, int batchSize,
        double learningRate, Schedule schedule, Action<double> setLearningRate)
    {
        _context = context;
        _model = model;
        _test = test;
        _trainCount = trainCount;
        _batchSize = batchSize;
        _learningRate = learningRate;
        _schedule = schedule;
        _setLearningRate = setLearningRate;
        _evaluationWorkspace = model.CreateWorkspace(Math.Min(128, test.Count));
        _currentRate = learningRate;
        setLearningRate(learningRate);
    }

    public List<EpochResult> Epochs { get; } = [];

    /// <summary>Training time of all epochs so far, without the evaluations.</summary>
    public TimeSpan TrainTime => Epochs.Aggregate(TimeSpan.Zero, (sum, e) => sum + e.TrainTime);

    /// <summary>Call just before <see cref="Trainer{T}.Fit"/>, so the first epoch's clock starts with it.</summary>
    public void Start(int epochs, int batchesPerEpoch)
    {
        BeginEpoch(1, epochs, batchesPerEpoch);
    }

    public void Report(TrainingProgress value)
    {
        int batch = Math.Min(_batchSize, _trainCount - (value.Batch - 1) * _batchSize);
        _lossSum += value.Loss * batch;
        _samples += batch;
        _task!.Value = value.Batch;
        if (value.Batch % 20 == 0 || value.Batch == value.BatchesPerEpoch)
            _task.Description = $"Epoch {value.Epoch}/{value.Epochs}  loss {_lossSum / _samples:F4}";

        // The rate for the next step: cosine annealing over every step of the run.
        if (_schedule == Schedule.Cosine)
        {
            long done = (long)(value.Epoch - 1) * value.BatchesPerEpoch + value.Batch;
            long total = (long)value.Epochs * value.BatchesPerEpoch;
            _currentRate = _learningRate * 0.5 * (1 + Math.Cos(Math.PI * done / total));
            _setLearningRate(_currentRate);
        }

        if (value.Batch < value.BatchesPerEpoch) return;
        _epochClock.Stop();
        var trainTime = _epochClock.Elapsed;
        long evaluationStart = Stopwatch.GetTimestamp();
        var evaluation = Evaluation.Run(_model, _evaluationWorkspace, _test);
        var evaluationTime = Stopwatch.GetElapsedTime(evaluationStart);
        double loss = _lossSum / _samples;
        Epochs.Add(new EpochResult(value.Epoch, loss, evaluation.Accuracy, trainTime, evaluationTime, _currentRate));
        _task.Description = $"Epoch {value.Epoch}/{value.Epochs}  loss {loss:F4}  test {evaluation.Accuracy:P2}";
        _task.StopTask();
        AnsiConsole.MarkupLineInterpolated(
            $"Epoch [bold]{value.Epoch}[/]/{value.Epochs}: train loss [yellow]{loss:F4}[/], test accuracy [green]{evaluation.Accuracy:P2}[/], {trainTime.TotalSeconds:F1} s training ({trainTime.TotalMilliseconds / value.BatchesPerEpoch:F1} ms per batch), {evaluationTime.TotalSeconds:F1} s evaluating");
        if (value.Epoch < value.Epochs) BeginEpoch(value.Epoch + 1, value.Epochs, value.BatchesPerEpoch);
    }

    private void BeginEpoch(int epoch, int epochs, int batchesPerEpoch)
    {
        _lossSum = 0;
        _samples = 0;
        _task = _context.AddTask($"Epoch {epoch}/{epochs}", maxValue: batchesPerEpoch);
        _epochClock.Restart();
    }
}
