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

    /// <summary>An optimizer for the model whose parameter tensors are <paramref name="tensors"/>; its velocity starts at zero.</summary>
    /// <param name="tensors">The model's <see cref="IDifferentiableModel{T}.ParameterTensors"/>: which ranges of the flat parameter vector are trainable (running statistics are not).</param>
    /// <param name="learningRate">η, the step size (positive; PyTorch's <c>lr</c>).</param>
    /// <param name="momentum">μ, the velocity's decay, in [0, 1); 0 is plain SGD.</param>
    /// <param name="weightDecay">λ, the L2 penalty added to the gradient as λ·θ (0 or more).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is outside its range.</exception>
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

    /// <summary>η, the step size; may be changed between steps (a schedule).</summary>
    public double LearningRate { get; set; }

    /// <summary>μ, the velocity's decay.</summary>
    public double Momentum { get; }

    /// <summary>λ, the L2 weight decay added to the gradient as λ·θ.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> or <paramref name="gradient"/> does not have the model's parameter count.</exception>
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
