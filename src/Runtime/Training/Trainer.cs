using Axon.Model;

namespace Axon.Training;

/// <summary>Progress of a training run, reported after every mini-batch.</summary>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int BatchesPerEpoch, double Loss);

/// <summary>Options of <see cref="Trainer{T}"/>.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 3;

    public int BatchSize { get; init; } = 64;

    /// <summary>Seeds the shuffling of the training set every epoch.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>
/// Mini-batch training of a generated classifier with softmax cross-entropy over its logits, using the generated
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
    }

    /// <summary>Trains on <paramref name="inputs"/> (count × InputSize) with class <paramref name="labels"/>; returns the last epoch's mean loss.</summary>
    public double Fit(ReadOnlySpan<T> inputs, ReadOnlySpan<byte> labels, IProgress<TrainingProgress>? progress = null)
    {
        int count = CheckData(inputs, labels);
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var random = new Random(_options.Seed);
        int size = _model.InputSize;
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
                    _batchLabels[b] = labels[sample];
                }

                double loss = Step(batch);
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
        int count = CheckData(inputs, labels);
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

    private double Step(int batch)
    {
        int classes = _model.OutputSize;
        var logits = _logits.AsSpan(0, batch * classes);
        var gradient = _logitGradient.AsSpan(0, batch * classes);
        _model.Forward(_workspace, _batchInput.AsSpan(0, batch * _model.InputSize), batch, logits);
        double loss = SoftmaxCrossEntropy.LossAndGradient<T>(logits, _batchLabels.AsSpan(0, batch), classes, gradient);
        Array.Clear(_parameterGradient);
        _model.Backward(_workspace, gradient, batch, 0, _parameterGradient);
        _optimizer.Step(_model.Parameters, _parameterGradient);
        return loss;
    }

    private int CheckData(ReadOnlySpan<T> inputs, ReadOnlySpan<byte> labels)
    {
        int count = labels.Length;
        if (count == 0) throw new ArgumentException("The data set is empty.", nameof(labels));
        if (inputs.Length != (long)count * _model.InputSize)
            throw new ArgumentException($"{count} labels need {count} × {_model.InputSize} input values; got {inputs.Length}.", nameof(inputs));
        for (int i = 0; i < count; i++)
        {
            if (labels[i] >= _model.OutputSize) throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {i} is {labels[i]}, but the model has {_model.OutputSize} classes.");
        }

        return count;
    }
}
