using System.Numerics.Tensors;

namespace Axon.Attribution;

/// <summary>What a <see cref="NoiseTunnel{T}"/> reports over the noisy samples (Captum's nt_type).</summary>
public enum NoiseTunnelKind
{
    /// <summary>The mean attribution (SmoothGrad, Smilkov et al. 2017).</summary>
    SmoothGrad,

    /// <summary>The mean of the squared attributions (SmoothGrad², Hooker et al. 2019).</summary>
    SmoothGradSquared,

    /// <summary>The variance of the attributions (VarGrad, Adebayo et al. 2018).</summary>
    VarGrad,
}

/// <summary>
/// Any attribution method as a noise tunnel sees it: attributions of <paramref name="inputs"/>, which hold
/// <paramref name="copies"/> noisy copies of the caller's batch one after the other (copy-major), so per-input arguments
/// (targets per input, per-input baselines) must repeat <paramref name="copies"/> times.
/// </summary>
public delegate void NoisyAttribution<T>(ReadOnlySpan<T> inputs, int copies, Span<T> attributions) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// A noise tunnel over any method (Captum's NoiseTunnel): the method runs on copies of each input with Gaussian noise
/// N(0, σ²) added per element, and the results are reduced to SmoothGrad, SmoothGrad² or VarGrad. Noise is seeded (the same
/// seed gives the same result everywhere); several samples go to the method in one call (<c>samplesPerCall</c>), so its
/// matrix products stay large. Owns its buffers: repeated calls with the same sizes allocate nothing (the method's own
/// delegate aside). Not thread-safe: one per thread.
/// </summary>
public sealed class NoiseTunnel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _inputSize;
    private T[] _noisy = [];
    private T[] _results = [];
    private T[] _sum = [];
    private T[] _squares = [];
    private readonly (int Offset, int Size)[] _fixedSlices = [];

    /// <summary>
    /// A noise tunnel for the inputs of <paramref name="model"/>: its [Fixed] inputs (a mask, a conditioning vector) get no
    /// noise, every other value does.
    /// </summary>
    public NoiseTunnel(Model.IDifferentiableModel<T> model)
        : this((model ?? throw new ArgumentNullException(nameof(model))).InputSize)
    {
        _fixedSlices = [.. model.InputLayout.Where(input => input.IsFixed).Select(input => (input.Offset, input.Size))];
    }

    /// <summary>A noise tunnel for inputs of <paramref name="inputSize"/> elements (the model's InputSize); every value gets noise.</summary>
    public NoiseTunnel(int inputSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        _inputSize = inputSize;
    }

    /// <summary>
    /// Runs <paramref name="method"/> on <paramref name="samples"/> noisy copies of every input and writes the reduction to
    /// <paramref name="attributions"/> (inputs × <paramref name="resultSize"/>).
    /// </summary>
    /// <param name="kind">SmoothGrad (mean), SmoothGrad² (mean of squares) or VarGrad (variance).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="resultSize">The method's values per input (InputSize for IG, a layer's size for layer methods).</param>
    /// <param name="attributions">inputs × <paramref name="resultSize"/> results.</param>
    /// <param name="method">The method, called with noisy copies (see <see cref="NoisyAttribution{T}"/>).</param>
    /// <param name="samples">Noisy copies per input (≥ 1).</param>
    /// <param name="stdev">σ of the noise, in input units (Captum's stdevs).</param>
    /// <param name="seed">Seed of the noise.</param>
    /// <param name="samplesPerCall">Copies per call of the method (1 to <paramref name="samples"/>).</param>
    public void Attribute(
        NoiseTunnelKind kind, ReadOnlySpan<T> inputs, int resultSize, Span<T> attributions, NoisyAttribution<T> method,
        int samples = 10, double stdev = 0.1, int seed = 0, int samplesPerCall = 1)
    {
        ArgumentNullException.ThrowIfNull(method);
        if ((uint)kind > (uint)NoiseTunnelKind.VarGrad) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown noise tunnel kind.");
        if (inputs.IsEmpty || inputs.Length % _inputSize != 0)
            throw new ArgumentException($"'inputs' has {inputs.Length} values, not a whole, positive number of inputs of {_inputSize}.", nameof(inputs));
        Model.ModelGuard.CheckFinite(inputs, _inputSize, nameof(inputs));
        ArgumentOutOfRangeException.ThrowIfLessThan(resultSize, 1);
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Give at least one sample.");
        if (samplesPerCall < 1 || samplesPerCall > samples)
            throw new ArgumentOutOfRangeException(nameof(samplesPerCall), samplesPerCall, $"Between 1 and the number of samples ({samples}).");
        if (!double.IsFinite(stdev) || stdev < 0) throw new ArgumentOutOfRangeException(nameof(stdev), stdev, "The noise's standard deviation must be finite and ≥ 0.");
        int count = inputs.Length / _inputSize;
        if (attributions.Length != (long)count * resultSize)
            throw new ArgumentException($"'attributions' has {attributions.Length} values; {count} input(s) × {resultSize} need {(long)count * resultSize}.", nameof(attributions));

        int batch = count * _inputSize, perCall = samplesPerCall;
        var noisy = Grow(ref _noisy, (long)perCall * batch);
        var results = Grow(ref _results, (long)perCall * count * resultSize);
        var sum = Grow(ref _sum, (long)count * resultSize);
        var squares = Grow(ref _squares, (long)count * resultSize);
        sum.Clear();
        squares.Clear();
        var random = new SplitMix64(seed);
        for (int done = 0; done < samples; done += perCall)
        {
            int copies = Math.Min(perCall, samples - done);
            var copy = noisy[..(copies * batch)];
            for (int c = 0; c < copies; c++)
            {
                var target = copy.Slice(c * batch, batch);
                for (int i = 0; i < batch; i++) target[i] = inputs[i] + T.CreateChecked(stdev * random.NextGaussian());
                // Fixed inputs keep their values (drawn past, so the other values get the same noise for a seed either way).
                foreach (var (offset, size) in _fixedSlices)
                {
                    for (int b = 0; b < count; b++) inputs.Slice(b * _inputSize + offset, size).CopyTo(target.Slice(b * _inputSize + offset, size));
                }
            }

            var output = results[..(copies * count * resultSize)];
            method(copy, copies, output);
            for (int c = 0; c < copies; c++)
            {
                var one = output.Slice(c * count * resultSize, count * resultSize);
                TensorPrimitives.Add(sum, one, sum);
                TensorPrimitives.FusedMultiplyAdd(one, one, squares, squares);
            }
        }

        T n = T.CreateChecked(samples);
        TensorPrimitives.Divide(sum, n, sum);
        TensorPrimitives.Divide(squares, n, squares);
        switch (kind)
        {
            case NoiseTunnelKind.SmoothGrad:
                sum.CopyTo(attributions);
                break;
            case NoiseTunnelKind.SmoothGradSquared:
                squares.CopyTo(attributions);
                break;
            default:
                // E[a²] − E[a]², clamped at 0 against rounding.
                TensorPrimitives.Multiply(sum, sum, sum);
                TensorPrimitives.Subtract(squares, sum, attributions);
                TensorPrimitives.Max(attributions, T.Zero, attributions);
                break;
        }
    }
}
