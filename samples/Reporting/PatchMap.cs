namespace Axon.Samples.Reporting;

/// <summary>One small map among several that share a colour scale, such as the patch-IG map through one filter.</summary>
public sealed class PatchMap
{
    /// <summary>Pairs <paramref name="map"/> with the <paramref name="label"/> shown under it (for example "conv1 filter 3").</summary>
    public PatchMap(string label, Heatmap map)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(map);
        Label = label;
        Map = map;
    }

    /// <summary>The text shown under the map.</summary>
    public string Label { get; }

    /// <summary>The signed values.</summary>
    public Heatmap Map { get; }
}
