using System.Text;

namespace Axon.Samples.Fashion;

/// <summary>
/// The whole-test-set CSV of the exact rule, written in chunks and resumed: a run appends one line per image after each
/// chunk (flushed), so a run stopped at any point loses at most the chunk in flight. Opening for a resume reads the
/// images already there and cuts off a last line left unfinished (a run killed while writing it); a file that is not
/// this CSV is refused rather than appended to.
/// </summary>
internal sealed class ExactTestSetCsv : IDisposable
{
    private readonly StreamWriter _writer;

    private ExactTestSetCsv(StreamWriter writer, IReadOnlyList<ExactImageResult> done)
    {
        _writer = writer;
        Done = done;
    }

    /// <summary>The images the file held when it was opened, in file order.</summary>
    public IReadOnlyList<ExactImageResult> Done { get; }

    /// <summary>
    /// Opens <paramref name="path"/> for appending, creating it with the header when it is missing or empty.
    /// </summary>
    /// <exception cref="JobFailure">The file holds something other than this CSV (exit code <see cref="ExitCodes.InputInvalid"/>).</exception>
    public static ExactTestSetCsv OpenForAppend(string path)
    {
        var (done, keep, withCpuTimes) = File.Exists(path) ? Parse(path, File.ReadAllText(path)) : (new List<ExactImageResult>(), 0L, true);
        if (!withCpuTimes)
            throw new JobFailure(ExitCodes.InputInvalid, $"'{path}' was written before the CPU-time columns (exact_cpu_ms, gl_cpu_ms) and is read-only: run into a new CSV.");
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        stream.SetLength(keep); // drops an unfinished last line
        stream.Position = keep;
        var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
        if (keep == 0)
        {
            writer.WriteLine(ExactImageResult.Header);
            writer.Flush();
        }

        return new ExactTestSetCsv(writer, done);
    }

    /// <summary>Reads every result of a CSV written by <see cref="OpenForAppend"/> (an unfinished last line is left out).</summary>
    /// <exception cref="JobFailure">The file is missing or is not this CSV.</exception>
    public static IReadOnlyList<ExactImageResult> Read(string path)
    {
        if (!File.Exists(path)) throw new JobFailure(ExitCodes.InputMissing, $"cannot summarise '{path}': there is no such file.");
        var (results, complete, _) = Parse(path, File.ReadAllText(path));
        if (complete == 0) throw new JobFailure(ExitCodes.InputInvalid, $"'{path}' is empty, not an exact-rule CSV.");
        return results;
    }

    /// <summary>
    /// The results of the file's complete lines, the byte length of those lines (0: no header yet) and whether the file
    /// has the CPU-time columns (a CSV from before them is read too). The file is ASCII, so characters and bytes count alike.
    /// </summary>
    private static (List<ExactImageResult> Results, long Complete, bool WithCpuTimes) Parse(string path, string text)
    {
        int complete = text.LastIndexOf('\n') + 1; // what follows the last line end is an unfinished line
        var lines = text[..complete].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var results = new List<ExactImageResult>();
        if (lines.Length == 0) return (results, 0, true);
        string header = lines[0].TrimEnd('\r');
        bool withCpuTimes = header == ExactImageResult.Header;
        if (!withCpuTimes && header != ExactImageResult.HeaderWithoutCpuTimes)
            throw new JobFailure(ExitCodes.InputInvalid, $"'{path}' is not an exact-rule CSV: its first line is not '{ExactImageResult.Header}'.");
        for (int i = 1; i < lines.Length; i++)
        {
            if (!ExactImageResult.TryParse(lines[i].TrimEnd('\r'), out var result, withCpuTimes))
                throw new JobFailure(ExitCodes.InputInvalid, $"'{path}' line {i + 1} is not a result line: '{lines[i].TrimEnd('\r')}'.");
            results.Add(result);
        }

        return (results, complete, withCpuTimes);
    }

    /// <summary>Appends the results of one chunk and flushes them to the file.</summary>
    public void Append(IEnumerable<ExactImageResult> results)
    {
        foreach (var result in results) _writer.WriteLine(result.ToCsv());
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();
}
