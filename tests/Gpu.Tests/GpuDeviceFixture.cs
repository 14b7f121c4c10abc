namespace Axon.Gpu.Tests;

/// <summary>
/// One accelerator for every test: CUDA when the machine has it, else ILGPU's CPU accelerator (CI has no GPU).
/// Compiling kernels is the slow part, so each network is compiled once per test run.
/// </summary>
public sealed class GpuDeviceFixture : IDisposable
{
    private readonly Dictionary<Type, object> _networks = [];

    public GpuDevice Device { get; } = GpuDevice.Create(DeviceChoice.Auto);

    public TNetwork Network<TNetwork>(Func<GpuDevice, TNetwork> create) where TNetwork : class
    {
        lock (_networks)
        {
            if (!_networks.TryGetValue(typeof(TNetwork), out var network)) _networks[typeof(TNetwork)] = network = create(Device);
            return (TNetwork)network;
        }
    }

    public void Dispose()
    {
        foreach (var network in _networks.Values) (network as IDisposable)?.Dispose();
        Device.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class GpuCollection : ICollectionFixture<GpuDeviceFixture>
{
    public const string Name = "GPU device";
}
