using Axon.Model;

namespace Axon.Training;

/// <summary>
/// Adam (Kingma and Ba), as torch.optim.Adam: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
/// θ ← θ − η·m̂/(√v̂ + ε) with bias-corrected m̂, v̂.
/// </summary>
public sealed class Adam<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _m;
    private readonly T[] _v;
    private readonly TrainableMask _trainable;
    private int _step;

    /// <summary>An optimizer for the model whose parameter tensors are <paramref name="tensors"/>; its moment estimates start at zero.</summary>
    /// <param name="tensors">The model's <see cref="IDifferentiableModel{T}.ParameterTensors"/>: which ranges of the flat parameter vector are trainable (running statistics are not).</param>
    /// <param name="learningRate">η, the step size (positive; PyTorch's <c>lr</c>, default 1e-3).</param>
    /// <param name="beta1">β₁, the decay of the gradient's running mean, in [0, 1).</param>
    /// <param name="beta2">β₂, the decay of the squared gradient's running mean, in [0, 1).</param>
    /// <param name="epsilon">ε, added to √v̂ in the denominator (positive).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is outside its range.</exception>
    public Adam(IReadOnlyList<ParameterInfo> tensors, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive.");
        if (beta1 < 0 || beta1 >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must be in [0, 1).");
        if (beta2 < 0 || beta2 >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in [0, 1).");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive.");
        _trainable = new TrainableMask(tensors);
        _m = new T[_trainable.Length];
        _v = new T[_trainable.Length];
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>η, the step size; may be changed between steps (a schedule).</summary>
    public double LearningRate { get; set; }

    /// <summary>β₁, the decay of the gradient's running mean m.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay of the squared gradient's running mean v.</summary>
    public double Beta2 { get; }

    /// <summary>ε, added to √v̂ in the denominator.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> or <paramref name="gradient"/> does not have the model's parameter count.</exception>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradient)
    {
        _trainable.Check(parameters.Length, gradient.Length);
        _step++;
        T b1 = T.CreateChecked(Beta1), b2 = T.CreateChecked(Beta2), one = T.One;
        T eps = T.CreateChecked(Epsilon);

        // Fold both bias corrections into the step size and ε (the form PyTorch uses).
        double correction1 = 1 - Math.Pow(Beta1, _step);
        double correction2 = 1 - Math.Pow(Beta2, _step);
        T stepSize = T.CreateChecked(LearningRate / correction1);
        T sqrtCorrection2 = T.CreateChecked(Math.Sqrt(correction2));
        foreach (var (offset, length) in _trainable.Ranges)
        {
            var theta = parameters.Slice(offset, length);
            var g = gradient.Slice(offset, length);
            var m = _m.AsSpan(offset, length);
            var v = _v.AsSpan(offset, length);
            for (int i = 0; i < length; i++)
            {
                m[i] = b1 * m[i] + (one - b1) * g[i];
                v[i] = b2 * v[i] + (one - b2) * g[i] * g[i];
                theta[i] -= stepSize * m[i] / (T.Sqrt(v[i]) / sqrtCorrection2 + eps);
            }
        }
    }
}
