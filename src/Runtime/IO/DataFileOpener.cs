namespace Axon.IO;

/// <summary>
/// Opens a data file for reading with the two exceptions the readers document: <see cref="FileNotFoundException"/>
/// when no file can be found at the path, <see cref="InvalidDataException"/> when something is there but cannot be
/// read as a file. Without this, a missing folder, a path that is too long or a folder given as the file escape as
/// <see cref="DirectoryNotFoundException"/>, <see cref="PathTooLongException"/> or
/// <see cref="UnauthorizedAccessException"/>, which callers catching the documented types do not expect. The original
/// exception is kept as the inner exception.
/// </summary>
internal static class DataFileOpener
{
    public static FileStream OpenRead(string path, int bufferSize, FileOptions options)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, options);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new FileNotFoundException($"Cannot open '{path}': a folder on the path does not exist.", path, e);
        }
        catch (PathTooLongException e)
        {
            throw new FileNotFoundException($"Cannot open '{path}': the path is longer than the system allows.", path, e);
        }
        catch (UnauthorizedAccessException e)
        {
            string why = Directory.Exists(path) ? "it is a folder, not a file" : "access is denied";
            throw DataErrors.Create($"Cannot read '{path}': {why}.", path, inner: e);
        }
    }
}
