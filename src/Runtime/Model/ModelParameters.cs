namespace Axon.Model;

/// <summary>
/// Parameters by their PyTorch names from code (<c>model.SetParameter("fc1.weight", values)</c>), as safetensors loading
/// does from a file: the name must exist, the values must match the tensor's length (and shape, when given) and be
/// finite; nothing changes when a check fails.
/// </summary>
public static class ModelParameters
{
    /// <summary>The tensor named <paramref name="name"/> ("fc1.weight", "bn1.running_var", …).</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists the model's names.</exception>
    public static ParameterInfo FindParameter<T>(this IDifferentiableModel<T> model, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(name);
        foreach (var tensor in model.ParameterTensors)
        {
            if (tensor.Name == name) return tensor;
        }

        throw new KeyNotFoundException(
            $"Model '{model.Name}' has no parameter '{name}'. Its parameters: {string.Join(", ", model.ParameterTensors.Select(t => t.Name))}.");
    }

    /// <summary>The values of tensor <paramref name="name"/>, in PyTorch's layout (a view of <see cref="IDifferentiableModel{T}.Parameters"/>).</summary>
    public static Span<T> GetParameter<T>(this IDifferentiableModel<T> model, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tensor = model.FindParameter(name);
        return model.Parameters.Slice(tensor.Offset, tensor.Length);
    }

    /// <summary>
    /// Copies <paramref name="values"/> (PyTorch's layout, e.g. [out, in] for a Dense weight) into tensor <paramref name="name"/>.
    /// With <paramref name="shape"/>, the shape must also equal the tensor's (a transposed [in, out] weight is refused even
    /// though its length matches).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    /// <exception cref="ArgumentException">The length or shape differs, or a value is not finite; nothing was written.</exception>
    public static void SetParameter<T>(this IDifferentiableModel<T> model, string name, ReadOnlySpan<T> values, ReadOnlySpan<int> shape = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tensor = model.FindParameter(name);
        if (!shape.IsEmpty && !shape.SequenceEqual(tensor.Shape.ToArray()))
        {
            throw new ArgumentException(
                $"Parameter '{name}' of model '{model.Name}' has shape [{string.Join(", ", tensor.Shape)}]; the values given have shape [{string.Join(", ", shape.ToArray())}].", nameof(shape));
        }

        if (values.Length != tensor.Length)
        {
            throw new ArgumentException(
                $"Parameter '{name}' of model '{model.Name}' has shape [{string.Join(", ", tensor.Shape)}] ({tensor.Length} values); {values.Length} were given.", nameof(values));
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i])) throw new ArgumentException($"Parameter '{name}' would hold {values[i]} at index {i}; parameters must be finite.", nameof(values));
        }

        values.CopyTo(model.Parameters.Slice(tensor.Offset, tensor.Length));
    }
}
