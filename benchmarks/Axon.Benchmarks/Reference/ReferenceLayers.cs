namespace Axon.Benchmarks.Reference;

/// <summary>
/// A layer of the hand-written reference networks: plain nested loops over plain arrays, one thread, no SIMD
/// intrinsics, no generator. Buffers are batch-major with channels first, and parameters use PyTorch's layouts —
/// the same conventions as Axon's generated code, so the two compute the same function from the same numbers.
/// </summary>
internal abstract class ReferenceLayer(string name, int inputSize, int outputSize)
{
    public string Name { get; } = name;

    public int InputSize { get; } = inputSize;

    public int OutputSize { get; } = outputSize;

    public virtual float[]? Weight => null;

    public virtual float[]? Bias => null;

    public virtual float[]? WeightGradient => null;

    public virtual float[]? BiasGradient => null;

    /// <summary>y = layer(x) for <paramref name="batch"/> rows.</summary>
    public abstract void Forward(float[] x, float[] y, int batch);

    /// <summary>
    /// Given dL/dy, writes dL/dx into <paramref name="dx"/> (skipped when null) and, when
    /// <paramref name="parameterGradients"/>, adds the parameter gradients summed over the batch.
    /// </summary>
    public abstract void Backward(float[] x, float[] y, float[] dy, float[]? dx, int batch, bool parameterGradients);

    /// <summary>Forward mode: the tangent of y given the tangent of x (the Jacobian-vector product).</summary>
    public abstract void Tangent(float[] x, float[] tx, float[] ty, int batch);
}

/// <summary>y = W x + b with W stored [out, in].</summary>
internal sealed class ReferenceDense(string name, int inputs, int outputs) : ReferenceLayer(name, inputs, outputs)
{
    private readonly float[] _weight = new float[outputs * inputs];
    private readonly float[] _bias = new float[outputs];
    private readonly float[] _weightGradient = new float[outputs * inputs];
    private readonly float[] _biasGradient = new float[outputs];

    public override float[] Weight => _weight;

    public override float[] Bias => _bias;

    public override float[] WeightGradient => _weightGradient;

    public override float[] BiasGradient => _biasGradient;

    public override void Forward(float[] x, float[] y, int batch)
    {
        int n = InputSize, m = OutputSize;
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < m; o++)
            {
                float sum = _bias[o];
                for (int i = 0; i < n; i++) sum += _weight[o * n + i] * x[b * n + i];
                y[b * m + o] = sum;
            }
        }
    }

    public override void Backward(float[] x, float[] y, float[] dy, float[]? dx, int batch, bool parameterGradients)
    {
        int n = InputSize, m = OutputSize;
        if (dx is not null)
        {
            Array.Clear(dx, 0, batch * n);
            for (int b = 0; b < batch; b++)
            {
                for (int o = 0; o < m; o++)
                {
                    float g = dy[b * m + o];
                    for (int i = 0; i < n; i++) dx[b * n + i] += g * _weight[o * n + i];
                }
            }
        }

        if (!parameterGradients) return;
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < m; o++)
            {
                float g = dy[b * m + o];
                _biasGradient[o] += g;
                for (int i = 0; i < n; i++) _weightGradient[o * n + i] += g * x[b * n + i];
            }
        }
    }

    public override void Tangent(float[] x, float[] tx, float[] ty, int batch)
    {
        int n = InputSize, m = OutputSize;
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < m; o++)
            {
                float sum = 0;
                for (int i = 0; i < n; i++) sum += _weight[o * n + i] * tx[b * n + i];
                ty[b * m + o] = sum;
            }
        }
    }
}

/// <summary>A stride-1 square convolution with zero padding; weight [out, in, k, k].</summary>
internal sealed class ReferenceConv2d : ReferenceLayer
{
    private readonly int _in, _out, _k, _pad, _h, _w, _oh, _ow;
    private readonly float[] _weight;
    private readonly float[] _bias;
    private readonly float[] _weightGradient;
    private readonly float[] _biasGradient;

    public ReferenceConv2d(string name, int inChannels, int outChannels, int kernel, int padding, int height, int width)
        : base(name, inChannels * height * width, outChannels * (height + 2 * padding - kernel + 1) * (width + 2 * padding - kernel + 1))
    {
        (_in, _out, _k, _pad, _h, _w) = (inChannels, outChannels, kernel, padding, height, width);
        _oh = height + 2 * padding - kernel + 1;
        _ow = width + 2 * padding - kernel + 1;
        _weight = new float[outChannels * inChannels * kernel * kernel];
        _bias = new float[outChannels];
        _weightGradient = new float[_weight.Length];
        _biasGradient = new float[outChannels];
    }

    public override float[] Weight => _weight;

    public override float[] Bias => _bias;

    public override float[] WeightGradient => _weightGradient;

    public override float[] BiasGradient => _biasGradient;

    public override void Forward(float[] x, float[] y, int batch) => Convolve(x, y, batch, withBias: true);

    public override void Tangent(float[] x, float[] tx, float[] ty, int batch) => Convolve(tx, ty, batch, withBias: false);

    public override void Backward(float[] x, float[] y, float[] dy, float[]? dx, int batch, bool parameterGradients)
    {
        if (dx is not null) Array.Clear(dx, 0, batch * InputSize);
        for (int b = 0; b < batch; b++)
        {
            for (int co = 0; co < _out; co++)
            {
                for (int oy = 0; oy < _oh; oy++)
                {
                    for (int ox = 0; ox < _ow; ox++)
                    {
                        float g = dy[b * OutputSize + (co * _oh + oy) * _ow + ox];
                        if (parameterGradients) _biasGradient[co] += g;
                        for (int ci = 0; ci < _in; ci++)
                        {
                            for (int ky = 0; ky < _k; ky++)
                            {
                                int iy = oy + ky - _pad;
                                if (iy < 0 || iy >= _h) continue;
                                for (int kx = 0; kx < _k; kx++)
                                {
                                    int ix = ox + kx - _pad;
                                    if (ix < 0 || ix >= _w) continue;
                                    int wi = ((co * _in + ci) * _k + ky) * _k + kx;
                                    int xi = b * InputSize + (ci * _h + iy) * _w + ix;
                                    if (dx is not null) dx[xi] += g * _weight[wi];
                                    if (parameterGradients) _weightGradient[wi] += g * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private void Convolve(float[] x, float[] y, int batch, bool withBias)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int co = 0; co < _out; co++)
            {
                for (int oy = 0; oy < _oh; oy++)
                {
                    for (int ox = 0; ox < _ow; ox++)
                    {
                        float sum = withBias ? _bias[co] : 0f;
                        for (int ci = 0; ci < _in; ci++)
                        {
                            for (int ky = 0; ky < _k; ky++)
                            {
                                int iy = oy + ky - _pad;
                                if (iy < 0 || iy >= _h) continue;
                                for (int kx = 0; kx < _k; kx++)
                                {
                                    int ix = ox + kx - _pad;
                                    if (ix < 0 || ix >= _w) continue;
                                    sum += _weight[((co * _in + ci) * _k + ky) * _k + kx] * x[b * InputSize + (ci * _h + iy) * _w + ix];
                                }
                            }
                        }

                        y[b * OutputSize + (co * _oh + oy) * _ow + ox] = sum;
                    }
                }
            }
        }
    }
}

/// <summary>y = max(x, 0); the derivative is taken as 0 at 0.</summary>
internal sealed class ReferenceReLU(string name, int size) : ReferenceLayer(name, size, size)
{
    public override void Forward(float[] x, float[] y, int batch)
    {
        for (int i = 0; i < batch * InputSize; i++) y[i] = x[i] > 0 ? x[i] : 0f;
    }

    public override void Backward(float[] x, float[] y, float[] dy, float[]? dx, int batch, bool parameterGradients)
    {
        if (dx is null) return;
        for (int i = 0; i < batch * InputSize; i++) dx[i] = x[i] > 0 ? dy[i] : 0f;
    }

    public override void Tangent(float[] x, float[] tx, float[] ty, int batch)
    {
        for (int i = 0; i < batch * InputSize; i++) ty[i] = x[i] > 0 ? tx[i] : 0f;
    }
}

/// <summary>2×2 max pooling with stride 2; the gradient goes to the first maximum of each window.</summary>
internal sealed class ReferenceMaxPool2d : ReferenceLayer
{
    private readonly int _c, _h, _w, _oh, _ow;
    private readonly int[] _argMax;

    public ReferenceMaxPool2d(string name, int channels, int height, int width, int maxBatch)
        : base(name, channels * height * width, channels * (height / 2) * (width / 2))
    {
        (_c, _h, _w, _oh, _ow) = (channels, height, width, height / 2, width / 2);
        _argMax = new int[maxBatch * OutputSize];
    }

    public override void Forward(float[] x, float[] y, int batch)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < _c; c++)
            {
                for (int oy = 0; oy < _oh; oy++)
                {
                    for (int ox = 0; ox < _ow; ox++)
                    {
                        int best = b * InputSize + (c * _h + 2 * oy) * _w + 2 * ox;
                        for (int dy = 0; dy < 2; dy++)
                        {
                            for (int dx = 0; dx < 2; dx++)
                            {
                                int i = b * InputSize + (c * _h + 2 * oy + dy) * _w + 2 * ox + dx;
                                if (x[i] > x[best]) best = i;
                            }
                        }

                        int o = b * OutputSize + (c * _oh + oy) * _ow + ox;
                        y[o] = x[best];
                        _argMax[o] = best;
                    }
                }
            }
        }
    }

    public override void Backward(float[] x, float[] y, float[] dy, float[]? dx, int batch, bool parameterGradients)
    {
        if (dx is null) return;
        Array.Clear(dx, 0, batch * InputSize);
        for (int o = 0; o < batch * OutputSize; o++) dx[_argMax[o]] += dy[o];
    }

    public override void Tangent(float[] x, float[] tx, float[] ty, int batch)
    {
        for (int o = 0; o < batch * OutputSize; o++) ty[o] = tx[_argMax[o]];
    }
}
