namespace Axon.Attribution;

/// <summary>
/// One neuron's window in the input, as <see cref="ConductanceMapLayout"/> stores its map: channels
/// <see cref="Channel"/>..+<see cref="Channels"/>, rows <see cref="Top"/>..+<see cref="Height"/>, columns
/// <see cref="Left"/>..+<see cref="Width"/> of the input seen as [C, H, W] (a [C, L] input as [C, 1, L], an [N] input
/// as [1, 1, N]). The map's values are the window's features in row-major order.
/// </summary>
/// <param name="Channel">The first input channel.</param>
/// <param name="Top">The first input row.</param>
/// <param name="Left">The first input column.</param>
/// <param name="Channels">Channels in the window.</param>
/// <param name="Height">Rows in the window.</param>
/// <param name="Width">Columns in the window.</param>
public readonly record struct MapWindow(int Channel, int Top, int Left, int Channels, int Height, int Width)
{
    /// <summary>Input features in the window.</summary>
    public int Count => Channels * Height * Width;

    /// <summary>"channels a..b, rows c..d, columns e..f".</summary>
    public override string ToString() =>
        $"channels {Channel}..{Channel + Channels - 1}, rows {Top}..{Top + Height - 1}, columns {Left}..{Left + Width - 1}";
}
