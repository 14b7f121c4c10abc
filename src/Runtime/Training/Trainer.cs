using Axon.Model;

namespace Axon.Training;

/// <summary>Progress of a training run, reported after every mini-batch.</summary>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int BatchesPerEpoch, double Loss);

/// <summary>Options of <see cref="Trainer{T}"/>.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set (at least 1; default 3).</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Samples per mini-batch (at least 1; default 64); the last batch of an epoch may be smaller. Also the workspace's capacity.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seeds the shuffling of the training set every epoch.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>
/// Mini-batch training of a generated model — a classifier with softmax cross-entropy over its logits (byte or int
/// labels), or a regression with the mean squared error — using the generated
/// parameter gradients. Buffers are made once, so the steady state allocates nothing per batch.
/// </summary>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IDifferentiableModel<T> _model;
    private readonly IOptimizer<T> _optimizer;
    private readonly TrainingOptions _options;
    private readonly ModelWorkspace<T> _workspace;
    private readonly T[] _batchInput;
    private readonly T[] _logits;
    private readonly T[] _logitGradient;
    private readonly T[] _parameterGradient;
    private readonly int[] _batchLabels;
    private readonly T[] _batchTargets;

    /// <summary>A trainer that updates <paramref name="model"/>'s parameters in place through <paramref name="optimizer"/>; allocates its workspace and batch buffers now.</summary>
    /// <param name="model">The generated model to train.</param>
    /// <param name="optimizer">The update rule, made for this model's parameter tensors (e.g. <see cref="Adam{T}"/>).</param>
    /// <param name="options">Epochs, batch size and shuffling seed; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">The options ask for fewer than one epoch or a batch size below 1.</exception>
    public Trainer(IDifferentiableModel<T> model, IOptimizer<T> optimizer, TrainingOptions? options = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _options = options ?? new TrainingOptions();
        if (_options.Epochs < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.Epochs, "Train for at least one epoch.");
        if (_options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.BatchSize, "The batch size must be positive.");
        _workspace = model.CreateWorkspace(_options.BatchSize);
        _batchInput = new T[_options.BatchSize * model.InputSize];
        _logits = new T[_options.BatchSize * model.OutputSize];
        _logitGradient = new T[_logits.Length];
        _parameterGradient = new T[model.Parameters.Length];
        _batchLabels = new int[_options.BatchSize];
        _batchTargets = new T[_options.BatchSize * model.OutputSize];
    }

    /// <summary>Trains on <paramref name="inputs"/> (count × InputSize) with class <paramref name="labels"/>; returns the last epoch's mean loss.</summary>
    public double Fit(ReadOnlySpan<T> inputs, ReadOnlySpan<byte> labels, IProgress<TrainingProgress>? progress = null)
    {
        int count = CheckData(inputs, labels.Length);
        for (int i = 0; i < count; i++) CheckLabel(i, labels[i]);
        return FitCore(inputs, labels, default, default, count, progress);
    }

    /// <summary>Trains a classifier with <see cref="int"/> class labels (softmax cross-entropy over the logits).</summary>
    public double Fit(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, IProgress<TrainingProgress>? progress = null)
    {
        int count = CheckData(inputs, labels.Length);
        for (int i = 0; i < count; i++) CheckLabel(i, labels[i]);
        return FitCore(inputs, default, labels, default, count, progress);
    }

    /// <summary>
    /// Trains a regression model on <paramref name="targets"/> (count × OutputSize) with the mean squared error over
    /// every output value (PyTorch's <c>MSELoss</c> with mean reduction); returns the last epoch's mean loss.
    /// </summary>
    public double FitRegression(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, IProgress<TrainingProgress>? progress = null)
    {
        int outputs = _model.OutputSize;
        if (targets.Length % outputs != 0)
            throw new ArgumentException($"'targets' has {targets.Length} values, not a whole number of rows of {outputs} outputs.", nameof(targets));
        int count = CheckData(inputs, targets.Length / outputs);
        for (int i = 0; i < targets.Length; i++)
        {
            if (!T.IsFinite(targets[i])) throw new ArgumentException($"Target {i / outputs}, output {i % outputs} is {targets[i]}; targets must be finite.", nameof(targets));
        }

        return FitCore(inputs, default, default, targets, count, progress);
    }

    /// <summary>The epochs: shuffle, gather each batch's inputs and labels (or targets), step, report.</summary>
    private double FitCore(ReadOnlySpan<T> inputs, ReadOnlySpan<byte> byteLabels, ReadOnlySpan<int> intLabels, ReadOnlySpan<T> targets, int count, IProgress<TrainingProgress>? progress)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var random = new Random(_options.Seed);
        int size = _model.InputSize, outputs = _model.OutputSize;
        bool regression = !targets.IsEmpty;
        int batches = (count + _options.BatchSize - 1) / _options.BatchSize;
        double epochLoss = 0;
        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            random.Shuffle(order);
            epochLoss = 0;
            for (int batchIndex = 0; batchIndex < batches; batchIndex++)
            {
                int start = batchIndex * _options.BatchSize;
                int batch = Math.Min(_options.BatchSize, count - start);
                for (int b = 0; b < batch; b++)
                {
                    int sample = order[start + b];
                    inputs.Slice(sample * size, size).CopyTo(_batchInput.AsSpan(b * size, size));
                    if (regression) targets.Slice(sample * outputs, outputs).CopyTo(_batchTargets.AsSpan(b * outputs, outputs));
                    else _batchLabels[b] = byteLabels.IsEmpty ? intLabels[sample] : byteLabels[sample];
                }

                double loss = Step(batch, regression);
                epochLoss += loss * batch;
                progress?.Report(new TrainingProgress(epoch + 1, _options.Epochs, batchIndex + 1, batches, loss));
            }

            epochLoss /= count;
        }

        return epochLoss;
    }

    /// <summary>Fraction of <paramref name="inputs"/> whose largest logit is the label.</summary>
    public double Accuracy(ReadOnlySpan<T> inputs, ReadOnlySpan<byte> labels)
    {
        int count = CheckData(inputs, labels.Length);
        for (int i = 0; i < count; i++) CheckLabel(i, labels[i]);
        int size = _model.InputSize, classes = _model.OutputSize, correct = 0;
        for (int start = 0; start < count; start += _options.BatchSize)
        {
            int batch = Math.Min(_options.BatchSize, count - start);
            var logits = _logits.AsSpan(0, batch * classes);
            _model.Forward(_workspace, inputs.Slice(start * size, batch * size), batch, logits);
            for (int b = 0; b < batch; b++)
            {
                if (SoftmaxCrossEntropy.ArgMax<T>(logits.Slice(b * classes, classes)) == labels[start + b]) correct++;
            }
        }

        return (double)correct / count;
    }

    private double Step(int batch, bool regression)
    {
        int outputs = _model.OutputSize;
        var logits = _logits.AsSpan(0, batch * outputs);
        var gradient = _logitGradient.AsSpan(0, batch * outputs);
        _model.Forward(_workspace, _batchInput.AsSpan(0, batch * _model.InputSize), batch, logits);
        double loss = regression
            ? MeanSquaredError.LossAndGradient<T>(logits, _batchTargets.AsSpan(0, batch * outputs), gradient)
            : SoftmaxCrossEntropy.LossAndGradient<T>(logits, _batchLabels.AsSpan(0, batch), outputs, gradient);
        Array.Clear(_parameterGradient);
        _model.Backward(_workspace, gradient, batch, 0, _parameterGradient);
        _optimizer.Step(_model.Parameters, _parameterGradient);
        return loss;
    }

    private int CheckData(ReadOnlySpan<T> inputs, int count)
    {
        if (count == 0) throw new ArgumentException("The data set is empty.", "labels");
        if (inputs.Length != (long)count * _model.InputSize)
            throw new ArgumentException($"{count} labels need {count} × {_model.InputSize} input values; got {inputs.Length}.", nameof(inputs));
        return count;
    }

    private void CheckLabel(int index, int label)
    {
        if ((uint)label >= (uint)_model.OutputSize)
            throw new ArgumentOutOfRangeException("labels", label, $"Label {index} is {label}, but the model has {_model.OutputSize} classes.");
    }
}
