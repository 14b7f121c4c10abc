using System.Globalization;

namespace Axon.Benchmarks.Peer;

/// <summary>One work as the libtorch program timed it: ms per input (median and fastest of the reps) and the model rows (batch rows of a forward and a backward) it ran per input.</summary>
public sealed record PeerWork(string Work, double MedianMs, double MinMs, int RowsPerInput);

/// <summary>
/// What the libtorch program (benchmarks/Peer.Libtorch, <c>--compare</c>) printed: its works, its conv
/// input-gradient self-check (OK, WRONG, or MISSING when no line said) and its first line (versions).
/// </summary>
public sealed record PeerReport(IReadOnlyDictionary<string, PeerWork> Works, string Check, string CheckDetail, string Versions)
{
    /// <summary>True when the self-check passed: libtorch's convolution input gradients are right, so its CNN IG is valid.</summary>
    public bool CheckPassed => Check == "OK";
}

/// <summary>Reads the libtorch program's output: its tab-separated <c>PEER</c> and <c>PEERCHECK</c> lines; other lines are for people and are skipped.</summary>
public static class PeerOutput
{
    /// <summary>The works of the comparison, in table order.</summary>
    public static IReadOnlyList<string> Works { get; } = ["cnn-ig", "cnn-lc-conv1", "cnn-lc-conv2", "mlp-ig", "mlp-lc-fc1"];

    /// <summary>
    /// Parses the program's whole output. <c>PEER &lt;work&gt; &lt;median ms/input&gt; &lt;min ms/input&gt; &lt;rows per input&gt;</c>
    /// gives a work, <c>PEERCHECK &lt;status&gt; &lt;detail&gt;</c> the self-check; numbers are invariant-culture.
    /// </summary>
    /// <exception cref="FormatException">A PEER or PEERCHECK line is malformed, a work appears twice, or a number is not finite and positive.</exception>
    public static PeerReport Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var works = new Dictionary<string, PeerWork>(StringComparer.Ordinal);
        string check = "MISSING", detail = "", versions = "";
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (versions.Length == 0 && line.StartsWith("TorchSharp ", StringComparison.Ordinal)) versions = line;
            string[] fields = line.Split('\t');
            switch (fields[0])
            {
                case "PEER":
                    {
                        if (fields.Length != 5) throw Bad(i, line, "expected PEER, work, median, min, rows");
                        double median = Number(fields[2], i, line), min = Number(fields[3], i, line);
                        if (!int.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out int rows) || rows <= 0)
                            throw Bad(i, line, $"'{fields[4]}' is not a positive row count");
                        if (fields[1].Length == 0) throw Bad(i, line, "the work has no name");
                        if (!works.TryAdd(fields[1], new PeerWork(fields[1], median, min, rows))) throw Bad(i, line, $"work '{fields[1]}' appears twice");
                        break;
                    }

                case "PEERCHECK":
                    if (fields.Length != 3 || fields[1].Length == 0) throw Bad(i, line, "expected PEERCHECK, status, detail");
                    check = fields[1];
                    detail = fields[2];
                    break;
            }
        }

        return new PeerReport(works, check, detail, versions);
    }

    private static double Number(string field, int line, string text)
    {
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value <= 0)
            throw Bad(line, text, $"'{field}' is not a finite positive number");
        return value;
    }

    private static FormatException Bad(int line, string text, string why) =>
        new($"Peer output line {line + 1} ('{text}'): {why}.");
}
