using System.Runtime.CompilerServices;

namespace Axon.Generator.Tests.Infrastructure;

/// <summary>
/// Compares generated source with checked-in files under Expected/&lt;folder&gt;. A missing or different file fails;
/// run the tests with AXON_UPDATE_SNAPSHOTS=1 to (re)write them on purpose, then review and commit the diff.
/// </summary>
public static class SnapshotFiles
{
    public static void AssertMatches(string actual, string folder, string file, [CallerFilePath] string callerPath = "")
    {
        actual = Normalize(actual);
        string path = PathOf(folder, file, callerPath);
        if (Environment.GetEnvironmentVariable("AXON_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Snapshot '{path}' is missing: run the tests with AXON_UPDATE_SNAPSHOTS=1 to create it, review it and commit it.");
        Assert.Equal(Normalize(File.ReadAllText(path)), actual);
    }

    /// <summary>
    /// Expected files live in the source tree (so that an update lands in the repository); when the tree is not
    /// there (tests run from a copied output folder) the copy in the output folder is read.
    /// </summary>
    private static string PathOf(string folder, string file, string callerPath)
    {
        string sourceDirectory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "Expected", folder));
        // The test project's own folder decides, not the snapshot folder: a new folder must be created in the source
        // tree (where an update lands in the repository), never silently in the output folder.
        if (Directory.Exists(Path.GetDirectoryName(Path.GetDirectoryName(sourceDirectory)))) return Path.Combine(sourceDirectory, file);
        return Path.Combine(AppContext.BaseDirectory, "Expected", folder, file);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");
}
