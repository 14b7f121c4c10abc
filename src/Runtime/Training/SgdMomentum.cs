using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Training;

/// <summary>
/// Stochastic gradient descent with (heavy-ball) momentum and optional weight decay, as torch.optim.SGD:
/// v ← μ·v + (g + λ·θ); θ ← θ − η·v.
/// </summary>
public sealed class SgdMomentum<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _velocity;
    private readonly TrainableMask _trainable;

    public SgdMomentum(IReadOnlyList<ParameterInfo> tensors, double learningRate, double momentum = 0.9, double weightDecay = 0)
    {
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive.");
        if (momentum < 0 || momentum >= 1) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        if (weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must not be negative.");
        _trainable = new TrainableMask(tensors);
        _velocity = new T[_trainable.Length];
        LearningRate = learningRate;
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    public double LearningRate { get; set; }

    public double Momentum { get; }

    public double WeightDecay { get; }

    public void Step(Span<T> parameters, ReadOnlySpan<T> gradient)
    {
        _trainable.Check(parameters.Length, gradient.Length);
        T mu = T.CreateChecked(Momentum), decay = T.CreateChecked(WeightDecay), rate = T.CreateChecked(-LearningRate);
        foreach (var (offset, length) in _trainable.Ranges)
        {
            var theta = parameters.Slice(offset, length);
            var g = gradient.Slice(offset, length);
            var v = _velocity.AsSpan(offset, length);
            TensorPrimitives.Multiply(v, mu, v);
            TensorPrimitives.Add(v, g, v);
            if (WeightDecay != 0) TensorPrimitives.MultiplyAdd(theta, decay, v, v);
            TensorPrimitives.MultiplyAdd(v, rate, theta, theta);
        }
    }
}
