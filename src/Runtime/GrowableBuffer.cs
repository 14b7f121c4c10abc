namespace Axon;

/// <summary>
/// The engines' grow-only buffers: a buffer grows on first use to the largest length asked for and is reused after that,
/// so steady-state calls allocate nothing. One helper for every engine (attribution, path backends, tiles, noise tunnel).
/// </summary>
internal static class GrowableBuffer
{
    /// <summary>
    /// The first <paramref name="length"/> elements of <paramref name="buffer"/>, replacing it by a larger array when it is
    /// too short; <paramref name="keep"/> copies the old contents into the new array.
    /// </summary>
    public static Span<TItem> Grow<TItem>(ref TItem[] buffer, long length, bool keep = false)
    {
        if (buffer.Length < length)
        {
            var grown = new TItem[length];
            if (keep) buffer.CopyTo(grown, 0);
            buffer = grown;
        }

        return buffer.AsSpan(0, (int)length);
    }
}
