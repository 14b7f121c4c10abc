namespace Axon.Kernels;

/// <summary>Argument checks shared by the LSTM and GRU kernels.</summary>
internal static class RecurrentShapes
{
    /// <summary>Throws unless every span fits [seq, input] → [seq, hidden] with <paramref name="gates"/> gates per unit.</summary>
    public static void Check(int xLength, int yLength, int wIhLength, int wHhLength, int bIhLength, int bHhLength,
        int batch, int sequence, int input, int hidden, int gates, string xName, string yName)
    {
        KernelGuard.Positive(batch, "batch");
        KernelGuard.Positive(sequence, "sequence");
        KernelGuard.Positive(input, "input");
        KernelGuard.Positive(hidden, "hidden");
        KernelGuard.Length(xLength, (long)batch * sequence * input, xName);
        KernelGuard.Length(yLength, (long)batch * sequence * hidden, yName);
        KernelGuard.Length(wIhLength, (long)gates * hidden * input, "weightIh");
        KernelGuard.Length(wHhLength, (long)gates * hidden * hidden, "weightHh");
        KernelGuard.Length(bIhLength, (long)gates * hidden, "biasIh");
        KernelGuard.Length(bHhLength, (long)gates * hidden, "biasHh");
    }

    /// <summary>
    /// The samples a DeepLIFT reference holds: 0 when there is none (ordinary backward), 1 (shared) or <paramref name="batch"/>.
    /// Anything else throws.
    /// </summary>
    public static int ReferenceRows<T>(ReadOnlySpan<T> xReference, ReadOnlySpan<T> yReference, int xSize, int ySize, int batch)
    {
        if (xReference.IsEmpty && yReference.IsEmpty) return 0;
        int rows = yReference.Length / ySize;
        if ((rows != 1 && rows != batch) || yReference.Length != rows * ySize || xReference.Length != rows * xSize)
            throw new ArgumentException($"The rescale reference holds {yReference.Length} hidden values for a layer of {ySize}: record the reference with batch 1 or with the same batch.", nameof(yReference));
        return rows;
    }
}

/// <summary>The scalar pieces of the recurrent kernels' passes, for DeepLIFT and ordinary gradients alike.</summary>
internal static class RecurrentMath
{
    public static T Sigmoid<T>(T v) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-v));

    /// <summary>
    /// The multiplier of one factor of a product a·b: the other factor's mean over input and reference (its value when
    /// there is no reference), since a·b − a′·b′ = ((b + b′)/2)·Δa + ((a + a′)/2)·Δb exactly.
    /// </summary>
    public static T Mean<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => (a + b) / T.CreateChecked(2);

    /// <summary>Δact/Δpre between input and reference (the rescale rule), or the derivative when they (nearly) coincide.</summary>
    public static T Slope<T>(T pre, T preReference, T act, T actReference, T derivative, T threshold) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T delta = pre - preReference;
        return T.Abs(delta) > threshold ? (act - actReference) / delta : derivative;
    }
}
