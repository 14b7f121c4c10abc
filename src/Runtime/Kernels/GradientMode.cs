namespace Axon.Kernels;

/// <summary>
/// How a backward kernel writes an input's gradient. A generated network's backward pass lets the first node that
/// writes a gradient buffer overwrite it, so that the buffer need not be cleared first; every later writer (a
/// residual add, a layer used twice) adds onto it.
/// </summary>
public enum GradientMode
{
    /// <summary>dx += the contribution: dx holds the other consumers' part (or zeros).</summary>
    Accumulate,

    /// <summary>dx = the contribution: whatever dx held is discarded.</summary>
    Overwrite,
}

/// <summary>The argument check the kernels share for <see cref="GradientMode"/>.</summary>
internal static class GradientModes
{
    /// <summary>True for <see cref="GradientMode.Accumulate"/>; throws <see cref="ArgumentOutOfRangeException"/> for a value outside the enum.</summary>
    public static bool Accumulates(GradientMode mode, string name) => mode switch
    {
        GradientMode.Accumulate => true,
        GradientMode.Overwrite => !Axon.Model.GradientWriteSwitch.FirstWriterOverwrites,
        _ => throw new ArgumentOutOfRangeException(name, mode, $"'{name}' must be GradientMode.Accumulate or GradientMode.Overwrite."),
    };
}
