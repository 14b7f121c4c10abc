namespace Axon.Gpu;

/// <summary>Argument checks shared by the GPU network and workspace, so generated code carries none of them.</summary>
internal static class GpuGuard
{
    public static void CheckBatch(int batch, int capacity)
    {
        if (batch < 1 || batch > capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"The batch must be between 1 and the workspace's capacity of {capacity} rows.");
        }
    }

    public static void CheckLayer(int layer, int count, string name)
    {
        if ((uint)layer >= (uint)count) throw new ArgumentOutOfRangeException(name, layer, $"The network has nodes 0..{count - 1}.");
    }
}
