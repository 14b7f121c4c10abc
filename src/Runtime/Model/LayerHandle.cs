namespace Axon.Model;

/// <summary>
/// A layer of one model: what the generated <c>Model.LayerIndex.name</c> members are. The attribution methods take
/// handles and check that the layer belongs to the model they explain, so <c>TextCnn.LayerIndex.relu</c> passed to an
/// engine over another model fails with a message naming both instead of silently attributing that model's layer of the
/// same number.
/// </summary>
/// <remarks>
/// A plain <see cref="int"/> converts to an unowned handle (no model to check: the index is taken as given, for loops over
/// <see cref="IDifferentiableModel{T}.Layers"/>), and a handle converts to its index wherever an <see cref="int"/> is
/// expected (model passes, <c>Layers[handle]</c>, arrays), so the generated members read as indices everywhere.
/// Comparisons such as <c>layer == Net.LayerIndex.fc</c> compare indices. The handle is a plain value: making one
/// allocates nothing.
/// </remarks>
public readonly struct LayerHandle
{
    /// <summary>A handle to layer <paramref name="index"/> of the generated model <paramref name="model"/>, named <paramref name="name"/>.</summary>
    public LayerHandle(Type model, int index, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Model = model;
        Index = index;
        Name = name;
    }

    private LayerHandle(int index)
    {
        Index = index;
    }

    /// <summary>The layer's node index in <see cref="IDifferentiableModel{T}.Layers"/> (0 = the input).</summary>
    public int Index { get; }

    /// <summary>The generated model the layer belongs to; null for a handle made from a plain index (nothing to check).</summary>
    public Type? Model { get; }

    /// <summary>The layer's name in the model (the field or node name); null for a handle made from a plain index.</summary>
    public string? Name { get; }

    /// <summary>An unowned handle: the index is taken as given.</summary>
    public static implicit operator LayerHandle(int index) => new(index);

    /// <summary>The layer's index, for the model passes and tables that take one.</summary>
    public static implicit operator int(LayerHandle layer) => layer.Index;

    /// <summary>
    /// Checks that the handle may be used on <paramref name="model"/> and that its index exists there; returns the index.
    /// </summary>
    /// <exception cref="ArgumentException">The handle belongs to another model.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The index is not a layer of <paramref name="model"/>.</exception>
    public int Resolve<T>(IDifferentiableModel<T> model, string parameterName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Model is not null && !Model.IsInstanceOfType(model))
        {
            throw new ArgumentException(
                $"Layer '{Name}' (layer {Index}) is {Model.Name}.LayerIndex.{Name}, a layer of model '{Model.Name}', but this call explains model '{model.Name}'. " +
                $"Use the model's own handles ({model.Name}.LayerIndex.…).", parameterName);
        }

        int count = model.Layers.Count;
        if ((uint)Index >= (uint)count)
            throw new ArgumentOutOfRangeException(parameterName, Index, $"The model '{model.Name}' has layers 0..{count - 1}.");
        return Index;
    }

    /// <summary>"Model.name (layer i)", or "layer i" for a plain index.</summary>
    public override string ToString() => Model is null ? $"layer {Index}" : $"{Model.Name}.{Name} (layer {Index})";
}
