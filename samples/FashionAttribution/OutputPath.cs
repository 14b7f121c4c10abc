namespace Axon.Samples.Fashion;

/// <summary>
/// Checks, before any work starts, that a file the job will write at the end can be written: a run over the test
/// set takes minutes, and finding out only then that the report's folder is a file wastes them.
/// </summary>
internal static class OutputPath
{
    /// <summary>
    /// Creates the file's folder if it is missing and opens the file for writing (without truncating a file that is
    /// there; a file created only for the check is deleted again).
    /// </summary>
    /// <exception cref="JobFailure">The path is a directory, its folder cannot be created, or the file cannot be opened for writing.</exception>
    public static void EnsureWritable(string path, string what)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Unwritable(path, what, $"not a valid path ({e.Message})");
        }

        if (Directory.Exists(full)) throw Unwritable(path, what, "it is a directory");
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unwritable(path, what, $"its folder '{folder}' cannot be created ({e.Message.TrimEnd('.')})");
            }
        }

        bool existed = File.Exists(full);
        try
        {
            using (new FileStream(full, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
            }

            if (!existed) File.Delete(full);
        }
        catch (UnauthorizedAccessException)
        {
            throw Unwritable(path, what, "permission denied");
        }
        catch (IOException e)
        {
            throw Unwritable(path, what, e.Message.TrimEnd('.'));
        }
    }

    private static JobFailure Unwritable(string path, string what, string problem) =>
        new(ExitCodes.OutputUnwritable, $"cannot write the {what} to '{path}': {problem}.");
}
