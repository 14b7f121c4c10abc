namespace Axon.Gpu;

/// <summary>The GPU's own argument check (layers are checked by <see cref="Axon.Model.ModelGuard.CheckLayer"/>), so generated code carries none.</summary>
internal static class GpuGuard
{
    public static void CheckBatch(int batch, int capacity)
    {
        if (batch < 1 || batch > capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"The batch must be between 1 and the workspace's capacity of {capacity} rows.");
        }
    }
}
