using Axon.Model;

namespace Axon.Training;

/// <summary>The ranges of a flat parameter vector that an optimizer may change (not running statistics).</summary>
internal sealed class TrainableMask
{
    public TrainableMask(IReadOnlyList<ParameterInfo> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var ranges = new List<(int, int)>();
        foreach (var tensor in tensors)
        {
            Length = Math.Max(Length, tensor.Offset + tensor.Length);
            if (tensor.Trainable) ranges.Add((tensor.Offset, tensor.Length));
        }

        Ranges = ranges.ToArray();
    }

    public int Length { get; }

    public (int Offset, int Length)[] Ranges { get; }

    public void Check(int parameters, int gradient)
    {
        if (parameters != Length) throw new ArgumentException($"The optimizer was made for {Length} parameters; got {parameters}.", nameof(parameters));
        if (gradient != Length) throw new ArgumentException($"The gradient has {gradient} values; the model has {Length} parameters.", nameof(gradient));
    }
}
