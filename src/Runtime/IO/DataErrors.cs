namespace Axon.IO;

/// <summary>
/// Builds the <see cref="InvalidDataException"/>s the readers throw. The BCL type is sealed, so the file and the
/// tensor at fault travel, besides the message, in <see cref="Exception.Data"/> under <see cref="FileNameKey"/>
/// and <see cref="TensorNameKey"/>.
/// </summary>
public static class DataErrors
{
    /// <summary><see cref="Exception.Data"/> key of the path (or in-memory name) of the file at fault.</summary>
    public const string FileNameKey = "Axon.FileName";

    /// <summary><see cref="Exception.Data"/> key of the name of the tensor at fault, where one is.</summary>
    public const string TensorNameKey = "Axon.TensorName";

    /// <summary>The file named in <paramref name="exception"/>'s data, if any.</summary>
    public static string? GetFileName(Exception exception) => exception.Data[FileNameKey] as string;

    /// <summary>The tensor named in <paramref name="exception"/>'s data, if any.</summary>
    public static string? GetTensorName(Exception exception) => exception.Data[TensorNameKey] as string;

    internal static InvalidDataException SafeTensors(string fileName, string? tensorName, string problem, Exception? inner = null)
    {
        string message = tensorName is null
            ? $"Invalid safetensors file '{fileName}': {problem}"
            : $"Invalid safetensors file '{fileName}': tensor '{tensorName}': {problem}";
        return Create(message, fileName, tensorName, inner);
    }

    internal static InvalidDataException Create(string message, string fileName, string? tensorName = null, Exception? inner = null)
    {
        var exception = new InvalidDataException(message, inner);
        exception.Data[FileNameKey] = fileName;
        if (tensorName is not null) exception.Data[TensorNameKey] = tensorName;
        return exception;
    }
}
