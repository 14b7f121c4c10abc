using Axon.Model;

namespace Axon.IO;

/// <summary>
/// Loads and saves a model's parameters as safetensors, by the PyTorch names in
/// <see cref="IDifferentiableModel{T}.ParameterTensors"/> ("conv1.weight"), so weights exported from PyTorch load
/// directly and Axon's files open in PyTorch.
/// </summary>
public static class ModelWeights
{
    private const int ProblemsListed = 10;

    /// <summary>
    /// Loads every parameter tensor of <paramref name="model"/> from the safetensors file at <paramref name="path"/>.
    /// Each is found by name, must have the model's shape and a floating-point dtype (F64, F32, F16, BF16, F8;
    /// converted to <typeparamref name="T"/>) and finite values only; tensors the model does not have are ignored. All
    /// or nothing: when anything is wrong the parameters are left as they were.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors (or is a folder, or may not be read),
    /// or a tensor is missing, has another shape or an integer dtype, or holds NaN or infinity (also after conversion
    /// to <typeparamref name="T"/>); the message names every such tensor.</exception>
    /// <exception cref="FileNotFoundException">There is no such file (or folder on its path).</exception>
    public static void Load<T>(IDifferentiableModel<T> model, string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        Load(model, SafeTensorsFile.Read(path));
    }

    /// <summary>Loads from safetensors content in memory; see <see cref="Load{T}(IDifferentiableModel{T}, string)"/>.</summary>
    /// <param name="model">The model whose parameters are replaced (all or nothing).</param>
    /// <param name="content">The bytes of a safetensors file.</param>
    /// <param name="fileName">A name for the content in messages.</param>
    public static void Load<T>(IDifferentiableModel<T> model, ReadOnlyMemory<byte> content, string? fileName = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        Load(model, SafeTensorsFile.Parse(content, fileName));
    }

    /// <summary>Loads from an already parsed file; see <see cref="Load{T}(IDifferentiableModel{T}, string)"/>.</summary>
    public static void Load<T>(IDifferentiableModel<T> model, SafeTensorsFile file) where T : unmanaged, IFloatingPointIeee754<T> =>
        Load(model, file, WeightLoadOptions.Default);

    /// <summary>
    /// Loads from the file at <paramref name="path"/>, matching names through <paramref name="options"/> (a rename such
    /// as <see cref="WeightLoadOptions.StripPrefix"/>, and strict mode); otherwise as
    /// <see cref="Load{T}(IDifferentiableModel{T}, string)"/>.
    /// </summary>
    public static void Load<T>(IDifferentiableModel<T> model, string path, WeightLoadOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        Load(model, SafeTensorsFile.Read(path), options);
    }

    /// <summary>Loads from an already parsed file, matching names through <paramref name="options"/>.</summary>
    /// <exception cref="InvalidDataException">As for the other overloads, and also when two tensors rename to one
    /// parameter, or (strict) when a tensor is no parameter of the model; nothing changes then either.</exception>
    public static void Load<T>(IDifferentiableModel<T> model, SafeTensorsFile file, WeightLoadOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        var parameters = model.ParameterTensors;
        CheckLayout(model, parameters);
        var (byName, mappingProblems, mappingFailed) = MatchNames(file, parameters, options);

        // Decode into a copy; the model sees nothing until every tensor has passed.
        T[] staged = model.Parameters.ToArray();
        var problems = new List<string>(mappingProblems);
        var failed = new List<string>(mappingFailed);
        bool anyMissing = false;
        foreach (var parameter in parameters)
        {
            string? problem;
            if (!byName.TryGetValue(parameter.Name, out var tensor))
            {
                anyMissing = true;
                problem = $"tensor '{parameter.Name}' {FormatShape(parameter.Shape)} is missing{Suggest(file, parameter.Name)}";
            }
            else if (!tensor.DType.IsFloatingPoint())
            {
                problem = $"tensor '{parameter.Name}' is stored as {tensor.DType.ToHeaderName()}, an integer dtype; parameters need a floating-point dtype (F32, F64, F16, BF16)";
            }
            else if (!tensor.Shape.SequenceEqual(parameter.Shape))
            {
                problem = $"tensor '{parameter.Name}' has shape {FormatShape(tensor.Shape)}; the model expects {FormatShape(parameter.Shape)}";
            }
            else
            {
                var values = staged.AsSpan(parameter.Offset, parameter.Length);
                tensor.CopyTo(values);

                // A NaN or infinite weight would not fail here but turn every later output and attribution into NaN.
                problem = NonFiniteValue(parameter.Name, values);
                if (problem is null) continue;
            }

            problems.Add(problem);
            failed.Add(parameter.Name);
        }

        if (problems.Count > 0)
        {
            var message = new System.Text.StringBuilder();
            message.Append($"Cannot load weights from '{file.FileName}' into model '{model.Name}': ");
            if (problems.Count == 1)
            {
                message.Append(problems[0]).Append('.');
            }
            else
            {
                message.Append($"{problems.Count} of its {parameters.Count} parameter tensors do not fit.");
                foreach (string problem in problems.Take(ProblemsListed)) message.Append("\n  - ").Append(problem).Append('.');
                if (problems.Count > ProblemsListed) message.Append($"\n  - and {problems.Count - ProblemsListed} more.");
            }

            if (anyMissing) message.Append(' ').Append(SafeTensorsFile.DescribeNames(file.Tensors.Select(t => t.Name), 8));
            message.Append(" The model's parameters are unchanged.");
            var exception = DataErrors.Create(message.ToString(), file.FileName, failed[0]);
            exception.Data[FailedTensorsKey] = string.Join("\n", failed);
            throw exception;
        }

        staged.CopyTo(model.Parameters);
    }

    /// <summary>
    /// The file's tensors by the model's names (after the rename), and the problems of the matching itself: two
    /// tensors with one name, and in strict mode tensors the model does not have.
    /// </summary>
    private static (Dictionary<string, SafeTensor> ByName, List<string> Problems, List<string> Failed) MatchNames(SafeTensorsFile file, IReadOnlyList<ParameterInfo> parameters, WeightLoadOptions options)
    {
        var byName = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        var from = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        var failed = new List<string>();
        var known = new HashSet<string>(parameters.Select(p => p.Name), StringComparer.Ordinal);
        foreach (var tensor in file.Tensors)
        {
            string? name = options.Rename is null ? tensor.Name : options.Rename(tensor.Name);
            if (name is null) continue;
            if (from.TryGetValue(name, out var earlier))
            {
                problems.Add($"tensors '{earlier}' and '{tensor.Name}' both map to '{name}'");
                failed.Add(tensor.Name);
                continue;
            }

            from[name] = tensor.Name;
            byName[name] = tensor;
            if (options.Strict && !known.Contains(name))
            {
                problems.Add(name == tensor.Name
                    ? $"tensor '{name}' is no parameter of the model (strict mode)"
                    : $"tensor '{tensor.Name}' (renamed '{name}') is no parameter of the model (strict mode)");
                failed.Add(tensor.Name);
            }
        }

        return (byName, problems, failed);
    }

    /// <summary>The problem with the first NaN or infinity in a decoded tensor, or null when all are finite.</summary>
    /// <remarks>Checked after conversion: an F64 value beyond float's range becomes infinity in a float model.</remarks>
    private static string? NonFiniteValue<T>(string name, ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
                return $"tensor '{name}' holds {values[i]} at index {i} (as {typeof(T).Name}); parameters must be finite";
        }

        return null;
    }

    /// <summary>
    /// <see cref="Exception.Data"/> key, on a failed <see cref="Load{T}(IDifferentiableModel{T}, string)"/>, of the
    /// names of every parameter tensor that could not be loaded, one per line.
    /// </summary>
    public const string FailedTensorsKey = "Axon.FailedTensors";

    /// <summary>
    /// Writes every parameter tensor of <paramref name="model"/>, with its name and shape, to a safetensors file at
    /// <paramref name="path"/> in <typeparamref name="T"/>'s dtype (F32 for float, F64 for double, F16 for Half).
    /// The file is replaced only once it has been written completely.
    /// </summary>
    public static void Save<T>(IDifferentiableModel<T> model, string path, IReadOnlyDictionary<string, string>? metadata = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        SafeTensorsWriter.Write(path, Entries(model), metadata);
    }

    /// <summary>Writes the parameters as safetensors to <paramref name="stream"/>.</summary>
    public static void Save<T>(IDifferentiableModel<T> model, Stream stream, IReadOnlyDictionary<string, string>? metadata = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        SafeTensorsWriter.Write(stream, Entries(model), metadata);
    }

    /// <summary>The parameters as the bytes of a safetensors file.</summary>
    public static byte[] ToBytes<T>(IDifferentiableModel<T> model, IReadOnlyDictionary<string, string>? metadata = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        return SafeTensorsWriter.ToArray(Entries(model), metadata);
    }

    private static List<SafeTensorsEntry> Entries<T>(IDifferentiableModel<T> model) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!SafeTensorsDTypes.TryGetDType<T>(out var dtype))
            throw new NotSupportedException($"safetensors has no dtype for {typeof(T).Name}; save a float, double or Half model.");
        var parameters = model.ParameterTensors;
        CheckLayout(model, parameters);

        // A snapshot, so the file is consistent even if the model changes while it is written.
        T[] values = model.Parameters.ToArray();
        byte[] bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        int size = dtype.SizeOf();
        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < bytes.Length; i += size) bytes.AsSpan(i, size).Reverse();
        }

        var entries = new List<SafeTensorsEntry>(parameters.Count);
        foreach (var parameter in parameters)
        {
            var data = new ReadOnlyMemory<byte>(bytes, parameter.Offset * size, parameter.Length * size);
            entries.Add(SafeTensorsEntry.FromBytes(parameter.Name, dtype, parameter.Shape, data));
        }

        return entries;
    }

    private static void CheckLayout<T>(IDifferentiableModel<T> model, IReadOnlyList<ParameterInfo> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int total = model.Parameters.Length;
        foreach (var parameter in parameters)
        {
            long elements = 1;
            foreach (int d in parameter.Shape) elements *= d;
            if (parameter.Offset < 0 || parameter.Length < 0 || (long)parameter.Offset + parameter.Length > total || elements != parameter.Length)
            {
                throw new InvalidOperationException(
                    $"Model '{model.Name}' describes parameter '{parameter.Name}' {FormatShape(parameter.Shape)} at offset {parameter.Offset}, length {parameter.Length}, " +
                    $"which does not fit its {total} parameters.");
            }
        }
    }

    private static string Suggest(SafeTensorsFile file, string name)
    {
        // The usual culprits: a prefix added by a wrapper ("module.", "model.") or a different module path.
        var similar = file.Tensors.Select(t => t.Name)
            .Where(n => n.EndsWith("." + name, StringComparison.Ordinal) || name.EndsWith("." + n, StringComparison.Ordinal))
            .Take(3)
            .ToList();
        return similar.Count == 0 ? "" : $" (did you mean {string.Join(" or ", similar.Select(n => $"'{n}'"))}?)";
    }

    private static string FormatShape(IReadOnlyList<int> shape) => $"[{string.Join(", ", shape)}]";
}
