using System.Numerics.Tensors;

namespace Axon.Attribution;

// Results are staged: every method computes into the engine's own buffers and copies to the caller's spans only once
// the values are known to be finite. A finite input can still overflow inside the network (float.MaxValue through a
// dense layer), and then the call must fail the way bad arguments do — with the caller's attributions and deltas as
// they were — not after half of them were overwritten.
public sealed partial class Attributor<T>
{
    private T[] _stagedResult = [];
    private T[] _stagedDeltas = [];
    private T[] _stagedGaps = [];

    /// <summary>
    /// Whether a one-pass call on the CPU backend publishes its result from the backend's accumulator (on by default)
    /// rather than through the pass and staged buffers; the values are the same. Off for A/B timing in one process.
    /// </summary>
    internal bool PublishFromBackend { get; set; } = true;

    /// <summary>The engine's buffer for a call's results (inputs × per-input values).</summary>
    private Span<T> StagedResult(int count, int perInput) => Grow(ref _stagedResult, (long)count * perInput);

    /// <summary>The engine's buffer for a call's deltas, or empty when the caller asked for none.</summary>
    private Span<T> StagedDeltas(Span<T> deltas) => deltas.IsEmpty ? default : Grow(ref _stagedDeltas, deltas.Length);

    /// <summary>
    /// Copies staged values to the caller's span after checking that every one is finite; the message names the
    /// first input whose values are not.
    /// </summary>
    private void Publish(ReadOnlySpan<T> staged, Span<T> destination, int perInput, string parameterName)
    {
        if (destination.IsEmpty) return;
        if (!T.IsFinite(TensorPrimitives.SumOfMagnitudes(staged)))
        {
            // The sum of magnitudes can overflow with finite values alone; only an element that is not finite fails.
            for (int i = 0; i < staged.Length; i++)
            {
                if (!T.IsFinite(staged[i])) throw Overflow(i / perInput, parameterName, staged[i]);
            }
        }

        staged.CopyTo(destination);
    }

    private ArgumentException Overflow(int input, string parameterName, T value) => new(
        $"The {parameterName} of input {input} came out {value}: the input (or its baseline) drives model '{_model.Name}' beyond the range of {typeof(T).Name} " +
        "somewhere inside the network. Nothing was written; scale the input down.", "inputs");

    /// <summary>
    /// The error for a model pass that rejected a non-finite intermediate value (an activation or gradient that
    /// overflowed): it is reported as a problem of the inputs, not of an argument the caller never passed.
    /// </summary>
    private static ArgumentException Overflowed(ArgumentException inner, string modelName) => new(
        $"A value inside model '{modelName}' overflowed ({inner.Message}): the inputs or baselines drive the network beyond the range of {typeof(T).Name}. " +
        "Nothing was written; scale the input down.", "inputs", inner);

    /// <summary>
    /// Checks that every parameter is finite before a call runs: a NaN or infinite weight (set through
    /// <see cref="Model.IDifferentiableModel{T}.Parameters"/>) would make every result NaN; the message names the tensor.
    /// </summary>
    private void CheckParameters()
    {
        var parameters = _model.Parameters;
        if (T.IsFinite(TensorPrimitives.SumOfMagnitudes<T>(parameters))) return;
        for (int i = 0; i < parameters.Length; i++)
        {
            if (T.IsFinite(parameters[i])) continue;
            foreach (var tensor in _model.ParameterTensors)
            {
                if (i >= tensor.Offset && i < tensor.Offset + tensor.Length)
                {
                    throw new InvalidOperationException(
                        $"Parameter tensor '{tensor.Name}' of model '{_model.Name}' holds {parameters[i]} at index {i - tensor.Offset}; parameters must be finite.");
                }
            }

            throw new InvalidOperationException($"Parameter {i} of model '{_model.Name}' is {parameters[i]}; parameters must be finite.");
        }
    }
}
