namespace Axon.Training;

/// <summary>Updates a flat parameter vector from its gradient (both laid out as the model's Parameters).</summary>
public interface IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>One update step; only trainable tensors change (running statistics stay).</summary>
    void Step(Span<T> parameters, ReadOnlySpan<T> gradient);
}
