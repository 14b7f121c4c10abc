using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// A small network written by hand, with its own reverse and forward mode, taps and DeepLIFT rescale, as an
/// independent implementation of <see cref="IDifferentiableModel{T}"/>:
/// input [n] → dense1 [h] → act [h] → (residual: add act + input) → dense2 [o].
/// The activation is tanh, softplus or ReLU.
/// </summary>
public sealed class HandModel<T> : IDifferentiableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public enum Act { Tanh, Softplus, Relu }

    private readonly int _n, _h, _o;
    private readonly bool _residual;
    private readonly Act _act;
    private readonly T[] _parameters;
    private readonly LayerInfo[] _layers;
    private readonly int[] _sizes;

    public HandModel(int n, int h, int o, Act act = Act.Tanh, bool residual = false, int seed = 1)
    {
        if (residual && h != n) throw new ArgumentException("A residual needs h = n.");
        _n = n; _h = h; _o = o; _act = act; _residual = residual;
        _parameters = new T[h * n + h + o * h + o];
        var random = new Random(seed);
        for (int i = 0; i < _parameters.Length; i++) _parameters[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        var layers = new List<LayerInfo>
        {
            new("input", LayerKind.Input, 0, [n], 0, [], true),
            new("dense1", LayerKind.Dense, 1, [h], n, [0], !residual),
            new("act", KindOf(act), 2, [h], n + h, [1], !residual),
        };
        if (residual) layers.Add(new("add", LayerKind.Add, 3, [h], n + 2 * h, [2, 0], true));
        layers.Add(new("dense2", LayerKind.Dense, layers.Count, [o], 0, [layers.Count - 1], true));
        _layers = [.. layers];
        _sizes = [.. _layers.Select(l => l.Size)];
    }

    public string Name => "HandModel";
    public int InputSize => _n;
    public int OutputSize => _o;
    public IReadOnlyList<LayerInfo> Layers => _layers;
    public IReadOnlyList<ParameterInfo> ParameterTensors => [];
    public Span<T> Parameters => _parameters;
    public int Last => _layers.Length - 1;

    private static LayerKind KindOf(Act act) => act switch
    {
        Act.Tanh => LayerKind.Tanh,
        Act.Softplus => LayerKind.Softplus,
        _ => LayerKind.ReLU,
    };

    private Span<T> W1 => _parameters.AsSpan(0, _h * _n);
    private Span<T> B1 => _parameters.AsSpan(_h * _n, _h);
    private Span<T> W2 => _parameters.AsSpan(_h * _n + _h, _o * _h);
    private Span<T> B2 => _parameters.AsSpan(_h * _n + _h + _o * _h, _o);

    public ModelWorkspace<T> CreateWorkspace(int maxBatch)
    {
        int[] sizes = [.. _layers.Select(l => l.Size)];
        return new ModelWorkspace<T>(sizes, new int[sizes.Length], maxBatch, 0);
    }

    public void Forward(ModelWorkspace<T> ws, ReadOnlySpan<T> input, int batch, Span<T> output)
    {
        ModelGuard.CheckInput(ws, input, batch, _n, nameof(input));
        ModelGuard.CheckLength(output.Length, batch, _o, nameof(output));
        ws.BeginForward(batch);
        input.CopyTo(ws.ActivationFor(0, batch));
        Run(ws, batch, 1);
        ws.ActivationFor(Last, batch).CopyTo(output);
        ws.EndForward(batch);
    }

    public void ForwardFrom(ModelWorkspace<T> ws, int layer, ReadOnlySpan<T> activation, int batch, Span<T> output)
    {
        ModelGuard.CheckLayer(layer, _layers.Length, nameof(layer));
        if (!_layers[layer].IsCut) throw new ArgumentException("not a cut", nameof(layer));
        ws.BeginForward(batch);
        activation.CopyTo(ws.ActivationFor(layer, batch));
        ws.ApplyIntervention(layer, batch);
        Run(ws, batch, layer + 1);
        ws.ActivationFor(Last, batch).CopyTo(output);
        ws.EndForward(batch);
    }

    private void Run(ModelWorkspace<T> ws, int batch, int from)
    {
        if (from <= 1) { Dense(ws.ActivationFor(0, batch), W1, B1, ws.ActivationFor(1, batch), batch, _n, _h); ws.ApplyIntervention(1, batch); }
        if (from <= 2)
        {
            var x = ws.ActivationFor(1, batch); var y = ws.ActivationFor(2, batch);
            for (int i = 0; i < x.Length; i++) y[i] = F(x[i]);
            ws.ApplyIntervention(2, batch);
        }

        if (_residual && from <= 3)
        {
            var a = ws.ActivationFor(2, batch); var x = ws.ActivationFor(0, batch); var y = ws.ActivationFor(3, batch);
            for (int i = 0; i < y.Length; i++) y[i] = a[i] + x[i];
            ws.ApplyIntervention(3, batch);
        }

        if (from <= Last) { Dense(ws.ActivationFor(Last - 1, batch), W2, B2, ws.ActivationFor(Last, batch), batch, _h, _o); ws.ApplyIntervention(Last, batch); }
    }

    public void Backward(ModelWorkspace<T> ws, ReadOnlySpan<T> outputGradient, int batch, int stopAtLayer = 0, Span<T> parameterGradient = default)
        => BackwardFrom(ws, Last, outputGradient, batch, stopAtLayer, parameterGradient);

    public void BackwardFrom(ModelWorkspace<T> ws, int layer, ReadOnlySpan<T> layerGradient, int batch, int stopAtLayer = 0, Span<T> parameterGradient = default)
    {
        ws.RequireTape(batch);
        ModelGuard.CheckLayer(layer, _layers.Length, nameof(layer));
        ModelGuard.CheckLayer(stopAtLayer, _layers.Length, nameof(stopAtLayer));
        if (stopAtLayer > layer) throw new ArgumentOutOfRangeException(nameof(stopAtLayer));
        ModelGuard.CheckLength(layerGradient.Length, batch, _sizes[layer], nameof(layerGradient));
        for (int i = stopAtLayer; i < layer; i++) ws.GradientFor(i, batch).Clear();
        layerGradient.CopyTo(ws.GradientFor(layer, batch));
        var reference = ws.RescaleReference;
        for (int node = layer; node > stopAtLayer; node--)
        {
            ws.MaskDerivative(node, ws.GradientFor(node, batch), batch);
            var dy = ws.GradientFor(node, batch);
            if (node == Last)
            {
                DenseBackward(dy, W2, ws.GradientFor(Last - 1, batch), batch, _h, _o);
            }
            else if (_residual && node == 3)
            {
                var d2 = ws.GradientFor(2, batch); var d0 = ws.GradientFor(0, batch);
                for (int i = 0; i < dy.Length; i++) d2[i] += dy[i];
                if (stopAtLayer == 0) for (int i = 0; i < dy.Length; i++) d0[i] += dy[i];
            }
            else if (node == 2)
            {
                var x = ws.ActivationFor(1, batch); var y = ws.ActivationFor(2, batch); var dx = ws.GradientFor(1, batch);
                for (int i = 0; i < dx.Length; i++)
                {
                    T slope = DerivativeAt(x[i]);
                    if (reference is not null)
                    {
                        var rx = reference.Activation(1); var ry = reference.Activation(2);
                        int ri = reference.Batch == 1 ? i % _h : i;
                        T deltaX = x[i] - rx[ri];
                        if (T.Abs(deltaX) > T.CreateChecked(1e-7)) slope = (y[i] - ry[ri]) / deltaX;
                    }

                    dx[i] += slope * dy[i];
                }
            }
            else if (node == 1)
            {
                DenseBackward(dy, W1, ws.GradientFor(0, batch), batch, _n, _h);
            }
        }

        if (stopAtLayer == 0) ws.MaskDerivative(0, ws.GradientFor(0, batch), batch);
    }

    public void Tangent(ModelWorkspace<T> ws, ReadOnlySpan<T> inputTangent, int batch, int stopAtLayer = -1)
    {
        ws.RequireTape(batch);
        int until = stopAtLayer < 0 ? Last : stopAtLayer;
        ModelGuard.CheckLayer(until, _layers.Length, nameof(stopAtLayer));
        ModelGuard.CheckLength(inputTangent.Length, batch, _n, nameof(inputTangent));
        inputTangent.CopyTo(ws.TangentFor(0, batch));
        RunTangent(ws, batch, 1, until);
    }

    public void TangentFrom(ModelWorkspace<T> ws, int layer, ReadOnlySpan<T> layerTangent, int batch, int stopAtLayer = -1)
    {
        int until = ModelPass.BeginTangentFrom(ws, _layers, layer, layerTangent, batch, stopAtLayer);
        RunTangent(ws, batch, layer + 1, until);
    }

    private void RunTangent(ModelWorkspace<T> ws, int batch, int from, int until)
    {
        if (from <= 1 && until >= 1) { Dense(ws.TangentFor(0, batch), W1, default, ws.TangentFor(1, batch), batch, _n, _h); ws.MaskDerivative(1, ws.TangentFor(1, batch), batch); }
        if (from <= 2 && until >= 2)
        {
            var x = ws.ActivationFor(1, batch); var tx = ws.TangentFor(1, batch); var ty = ws.TangentFor(2, batch);
            for (int i = 0; i < tx.Length; i++) ty[i] = DerivativeAt(x[i]) * tx[i];
            ws.MaskDerivative(2, ty, batch);
        }

        if (_residual && from <= 3 && until >= 3)
        {
            var a = ws.TangentFor(2, batch); var x = ws.TangentFor(0, batch); var y = ws.TangentFor(3, batch);
            for (int i = 0; i < y.Length; i++) y[i] = a[i] + x[i];
            ws.MaskDerivative(3, y, batch);
        }

        if (from <= Last && until >= Last) { Dense(ws.TangentFor(Last - 1, batch), W2, default, ws.TangentFor(Last, batch), batch, _h, _o); ws.MaskDerivative(Last, ws.TangentFor(Last, batch), batch); }
    }

    private T F(T x) => _act switch
    {
        Act.Tanh => T.Tanh(x),
        Act.Softplus => T.Log(T.One + T.Exp(x)),
        _ => T.Max(x, T.Zero),
    };

    private T DerivativeAt(T x)
    {
        switch (_act)
        {
            case Act.Tanh: { T t = T.Tanh(x); return T.One - t * t; }
            case Act.Softplus: return T.One / (T.One + T.Exp(-x));
            default: return x > T.Zero ? T.One : T.Zero;
        }
    }

    private static void Dense(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> bias, Span<T> y, int batch, int inSize, int outSize)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < outSize; j++)
            {
                T sum = bias.IsEmpty ? T.Zero : bias[j];
                for (int i = 0; i < inSize; i++) sum += w[j * inSize + i] * x[b * inSize + i];
                y[b * outSize + j] = sum;
            }
        }
    }

    private static void DenseBackward(ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx, int batch, int inSize, int outSize)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < outSize; j++)
            {
                T d = dy[b * outSize + j];
                for (int i = 0; i < inSize; i++) dx[b * inSize + i] += w[j * inSize + i] * d;
            }
        }
    }
}
