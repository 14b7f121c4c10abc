namespace Axon.Attribution;

/// <summary>
/// SplitMix64: a small seeded generator, a value type so that sampling allocates nothing, and the same sequence on every
/// runtime and platform (unlike <see cref="Random"/>, whose algorithm is not specified), so seeded results reproduce.
/// </summary>
internal struct SplitMix64(int seed)
{
    private ulong _state = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextBits()
    {
        _state += 0x9E3779B97F4A7C15UL;
        ulong z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>An integer in [0, <paramref name="count"/>).</summary>
    public int NextInt(int count) => (int)((NextBits() >> 11) % (ulong)count);

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal draw (Box–Muller; one of the pair is used, so that each draw needs no state).</summary>
    public double NextGaussian()
    {
        double u = 1.0 - NextDouble(); // (0, 1]: the logarithm is finite
        double v = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }
}
