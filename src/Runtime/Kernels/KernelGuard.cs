using System.Diagnostics.CodeAnalysis;

namespace Axon.Kernels;

/// <summary>Cheap argument checks shared by every kernel, with messages that name the span and the length it needs.</summary>
internal static class KernelGuard
{
    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int actual, long expected, string name)
    {
        if (actual != expected) ThrowLength(name, actual, expected, optional: false);
    }

    /// <summary>Throws unless the span is empty (meaning "skip this output") or has <paramref name="expected"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OptionalLength(int actual, long expected, string name)
    {
        if (actual != 0 && actual != expected) ThrowLength(name, actual, expected, optional: true);
    }

    /// <summary>Throws unless the span has at least <paramref name="required"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AtLeast(int actual, long required, string name)
    {
        if (actual < required)
            throw new ArgumentException($"{name} has {actual} elements; this call needs at least {required}.", name);
    }

    /// <summary>Throws unless <paramref name="value"/> ≥ 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");
    }

    /// <summary>Throws unless <paramref name="value"/> ≥ 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NonNegative(int value, string name)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative.");
    }

    /// <summary>Throws when two spans that must not overlap do (an output written while its input is read).</summary>
    public static void NoOverlap<T>(ReadOnlySpan<T> input, Span<T> output, string inputName, string outputName)
    {
        if (input.Overlaps(output))
            throw new ArgumentException($"{outputName} overlaps {inputName}; this kernel needs separate buffers.", outputName);
    }

    /// <summary>Shape checks shared by the pooling and convolution kernels: the window must fit the (padded) input.</summary>
    public static void Window(int input, int kernel, int stride, int padding, string inputName)
    {
        Positive(kernel, "kernel");
        Positive(stride, "stride");
        NonNegative(padding, "padding");
        if (input + 2 * padding < kernel)
            throw new ArgumentException($"The kernel ({kernel}) is larger than the padded {inputName} ({input} + 2·{padding}).", inputName);
    }

    [DoesNotReturn]
    private static void ThrowLength(string name, int actual, long expected, bool optional) =>
        throw new ArgumentException(
            optional
                ? $"{name} has {actual} elements; expected {expected} (or an empty span to skip it)."
                : $"{name} has {actual} elements; expected {expected}.",
            name);
}
