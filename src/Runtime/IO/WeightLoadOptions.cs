namespace Axon.IO;

/// <summary>
/// How <see cref="ModelWeights.Load{T}(Model.IDifferentiableModel{T}, SafeTensorsFile, WeightLoadOptions)"/> matches a
/// file's tensors to the model's parameters: a rename for checkpoints whose names differ (a DataParallel
/// <c>module.</c> prefix, a wrapper's <c>model.</c>), and a strict mode that rejects tensors the model does not have.
/// </summary>
public sealed record WeightLoadOptions
{
    /// <summary>Load by name as stored; extra tensors are ignored.</summary>
    public static WeightLoadOptions Default { get; } = new();

    /// <summary>
    /// Maps a tensor name in the file to the model's parameter name; null drops the tensor (e.g. an optimizer state
    /// or a head the model does not have). Null: names are used as stored.
    /// </summary>
    public Func<string, string?>? Rename { get; init; }

    /// <summary>Reject the file when it holds a tensor (after <see cref="Rename"/>) that is no parameter of the model.</summary>
    public bool Strict { get; init; }

    /// <summary>A rename that removes <paramref name="prefix"/> where a name starts with it (e.g. "module." of DataParallel).</summary>
    public static Func<string, string?> StripPrefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return name => name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }
}
