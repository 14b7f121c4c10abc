using System.ComponentModel;
using System.Runtime.Intrinsics;

namespace Axon.Model;

/// <summary>
/// Argument checks shared by every generated model, so that bad input fails with one clear message before any
/// state changes. The passes reach them through <see cref="ModelPass"/>, which fixes their order.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ModelGuard
{
    /// <summary>
    /// Checks a batch of input samples: the batch range, the length, and that every value is finite. NaN and
    /// infinity are rejected, not propagated: a NaN would silently poison every gradient and attribution.
    /// </summary>
    public static void CheckInput<T>(ModelWorkspace<T> workspace, ReadOnlySpan<T> input, int batch, int sampleSize, string parameterName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(workspace);
        CheckBatch(workspace, batch);
        CheckLength(input.Length, batch, sampleSize, parameterName);
        CheckFinite(input, sampleSize, parameterName);
    }

    /// <summary>
    /// Checks the capacity asked of a workspace; generated models call it before they size the kernels' scratch for
    /// that many samples, so that a bad capacity fails here rather than inside a kernel's shape arithmetic.
    /// </summary>
    public static void CheckMaxBatch(int maxBatch)
    {
        if (maxBatch < 1) throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch, "A workspace needs room for at least one sample.");
    }

    /// <summary>
    /// Checks that <paramref name="workspace"/> was created by a model with the layout <paramref name="layout"/> (the
    /// model class's static table of layer sizes, compared by reference: every instance of one model class shares
    /// it). Another model's buffers have other sizes, so its workspace would fail deep inside a kernel, after the
    /// tape had already been invalidated.
    /// </summary>
    public static void CheckWorkspace<T>(ModelWorkspace<T> workspace, int[] layout, string modelName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (ReferenceEquals(workspace.Layout, layout))
        {
            // The rescale rule's reference is read beside this workspace, layer by layer: it needs the same layout.
            if (workspace.RescaleReference is { } reference && !ReferenceEquals(reference.Layout, layout))
            {
                throw new ArgumentException(
                    $"The workspace's RescaleReference was created by {(reference.ModelName is null ? "hand" : $"model '{reference.ModelName}'")}; model '{modelName}' needs a reference workspace of its own layout.",
                    nameof(workspace));
            }

            return;
        }

        string creator = workspace.ModelName is null ? "was not created by a generated model" : $"was created by model '{workspace.ModelName}'";
        throw new ArgumentException(
            $"This workspace {creator}; model '{modelName}' lays its buffers out differently. Use a workspace from this model's CreateWorkspace.",
            nameof(workspace));
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless 1 ≤ <paramref name="batch"/> ≤ the workspace's <see cref="ModelWorkspace{T}.MaxBatch"/>.</summary>
    public static void CheckBatch<T>(ModelWorkspace<T> workspace, int batch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (batch < 1 || batch > workspace.MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"The batch must be between 1 and the workspace's MaxBatch ({workspace.MaxBatch}).");
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="parameterName"/> unless <paramref name="length"/> = <paramref name="batch"/> × <paramref name="sampleSize"/>.</summary>
    public static void CheckLength(int length, int batch, int sampleSize, string parameterName)
    {
        if (length != (long)batch * sampleSize)
            throw new ArgumentException($"'{parameterName}' has {length} values; {batch} sample(s) of {sampleSize} need {(long)batch * sampleSize}.", parameterName);
    }

    /// <summary>Throws <see cref="ArgumentException"/> at the first NaN or infinity in <paramref name="values"/>, naming its sample and element (<paramref name="sampleSize"/> values per sample).</summary>
    public static void CheckFinite<T>(ReadOnlySpan<T> values, int sampleSize, string parameterName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // x − x is 0 for finite x and NaN for ±∞ and NaN: whole vectors pass at once; the first vector that does not
        // (and the tail) is searched element by element for the message.
        int i = 0;
        ref T start = ref MemoryMarshal.GetReference(values);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            for (; i <= values.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var v = Vector512.LoadUnsafe(ref start, (nuint)i);
                if (!Vector512.EqualsAll(v - v, Vector512<T>.Zero)) break;
            }
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; i <= values.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                if (!Vector256.EqualsAll(v - v, Vector256<T>.Zero)) break;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    $"'{parameterName}' holds {values[i]} at index {i} (sample {i / sampleSize}, element {i % sampleSize}); inputs must be finite.", parameterName);
            }
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="parameterName"/> unless 0 ≤ <paramref name="layer"/> &lt; <paramref name="layerCount"/>.</summary>
    public static void CheckLayer(int layer, int layerCount, string parameterName)
    {
        if ((uint)layer >= (uint)layerCount)
            throw new ArgumentOutOfRangeException(parameterName, layer, $"The model has layers 0..{layerCount - 1}.");
    }

    /// <summary>The slice of a gradient buffer for one parameter tensor, or empty when no gradient was asked for.</summary>
    public static Span<T> Part<T>(Span<T> buffer, int offset, int length) => buffer.IsEmpty ? default : buffer.Slice(offset, length);
}
