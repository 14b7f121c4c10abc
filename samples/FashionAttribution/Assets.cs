namespace Axon.Samples.Fashion;

/// <summary>Finds the files shipped under samples/Assets (copied next to the program at build time).</summary>
internal static class Assets
{
    public static string Weights => Find("fashion-cnn.safetensors");

    public static string Samples => Find("fashion-samples.safetensors");

    private static string Find(string name)
    {
        foreach (string candidate in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Assets", name),
            Path.Combine(Environment.CurrentDirectory, "samples", "Assets", name),
        })
        {
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException($"The shipped asset '{name}' is missing: expected it under samples/Assets (it is copied next to the program when it builds).", name);
    }
}
