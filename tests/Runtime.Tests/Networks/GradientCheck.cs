using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// Finite-difference checks of a generated double-precision model: the scalar L(x, θ) = Σ r ⊙ F(x; θ) for a
/// fixed random weighting r is differentiated by central differences and compared with the generated
/// reverse mode (input, inner-layer and parameter gradients) and forward mode (tangents).
/// </summary>
internal sealed class GradientCheck
{
    /// <summary>Central-difference step: balances truncation (~h²) against rounding (~1e-16/h) in double.</summary>
    public const double Step = 1e-5;

    /// <summary>
    /// Largest accepted |analytic − numeric| / max(1, |numeric|). Central differences at h = 1e-5 are accurate to
    /// about 1e-9 on these smooth-at-the-sample-point networks; 1e-6 leaves room without hiding a wrong term.
    /// </summary>
    public const double Tolerance = 1e-6;

    private readonly IDifferentiableModel<double> _model;
    private readonly ModelWorkspace<double> _ws;
    private readonly int _batch;
    private readonly double[] _input;
    private readonly double[] _weights;
    private readonly double[] _output;

    public GradientCheck(IDifferentiableModel<double> model, int batch, int seed, Func<Random, double>? inputSampler = null)
    {
        _model = model;
        _batch = batch;
        _ws = model.CreateWorkspace(batch);
        var random = new Random(seed);
        inputSampler ??= r => r.NextDouble() * 2 - 1;
        _input = Enumerable.Range(0, batch * model.InputSize).Select(_ => inputSampler(random)).ToArray();
        _weights = Enumerable.Range(0, batch * model.OutputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        _output = new double[batch * model.OutputSize];
    }

    public double[] Input => _input;

    public double Loss(ReadOnlySpan<double> input)
    {
        var ws = _model.CreateWorkspace(_batch);
        var output = new double[_batch * _model.OutputSize];
        _model.Forward(ws, input, _batch, output);
        double sum = 0;
        for (int i = 0; i < output.Length; i++) sum += _weights[i] * output[i];
        return sum;
    }

    private double LossFrom(int layer, ReadOnlySpan<double> activation)
    {
        var ws = _model.CreateWorkspace(_batch);
        var output = new double[_batch * _model.OutputSize];
        _model.ForwardFrom(ws, layer, activation, _batch, output);
        double sum = 0;
        for (int i = 0; i < output.Length; i++) sum += _weights[i] * output[i];
        return sum;
    }

    /// <summary>Max relative error of the input gradient over every input element.</summary>
    public double InputGradientError()
    {
        _model.Forward(_ws, _input, _batch, _output);
        _model.Backward(_ws, _weights, _batch);
        var analytic = _ws.Gradient(0).ToArray();
        double worst = 0;
        var x = (double[])_input.Clone();
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + Step;
            double plus = Loss(x);
            x[i] = saved - Step;
            double minus = Loss(x);
            x[i] = saved;
            worst = Math.Max(worst, Relative(analytic[i], (plus - minus) / (2 * Step)));
        }

        return worst;
    }

    /// <summary>Max relative error of ∂L/∂(activation of a cut layer), checked through ForwardFrom.</summary>
    public double LayerGradientError(int layer)
    {
        _model.Forward(_ws, _input, _batch, _output);
        var activation = _ws.Activation(layer).ToArray();
        _model.Backward(_ws, _weights, _batch, stopAtLayer: layer);
        var analytic = _ws.Gradient(layer).ToArray();
        double worst = 0;
        for (int i = 0; i < activation.Length; i++)
        {
            double saved = activation[i];
            activation[i] = saved + Step;
            double plus = LossFrom(layer, activation);
            activation[i] = saved - Step;
            double minus = LossFrom(layer, activation);
            activation[i] = saved;
            worst = Math.Max(worst, Relative(analytic[i], (plus - minus) / (2 * Step)));
        }

        return worst;
    }

    /// <summary>Max relative error of the parameter gradient over every trainable parameter.</summary>
    public double ParameterGradientError()
    {
        var gradient = new double[_model.Parameters.Length];
        _model.Forward(_ws, _input, _batch, _output);
        _model.Backward(_ws, _weights, _batch, 0, gradient);
        double worst = 0;
        foreach (var tensor in _model.ParameterTensors)
        {
            if (!tensor.Trainable) continue;
            for (int k = 0; k < tensor.Length; k++)
            {
                int i = tensor.Offset + k;
                double saved = _model.Parameters[i];
                _model.Parameters[i] = saved + Step;
                double plus = Loss(_input);
                _model.Parameters[i] = saved - Step;
                double minus = Loss(_input);
                _model.Parameters[i] = saved;
                worst = Math.Max(worst, Relative(gradient[i], (plus - minus) / (2 * Step)));
            }
        }

        return worst;
    }

    /// <summary>Max relative error of every node's tangent along a random direction v against (F(x+hv) − F(x−hv))/2h at that node.</summary>
    public double TangentError(int seed)
    {
        var random = new Random(seed);
        var v = Enumerable.Range(0, _input.Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        _model.Forward(_ws, _input, _batch, _output);
        _model.Tangent(_ws, v, _batch);
        var tangents = Enumerable.Range(0, _model.Layers.Count).Select(l => _ws.Tangent(l).ToArray()).ToArray();

        var plus = Activations(_input.Zip(v, (a, d) => a + Step * d).ToArray());
        var minus = Activations(_input.Zip(v, (a, d) => a - Step * d).ToArray());
        double worst = 0;
        for (int l = 1; l < tangents.Length; l++)
        {
            for (int i = 0; i < tangents[l].Length; i++)
            {
                worst = Math.Max(worst, Relative(tangents[l][i], (plus[l][i] - minus[l][i]) / (2 * Step)));
            }
        }

        return worst;
    }

    /// <summary>|uᵀ(J v) − (Jᵀu)ᵀ v| / (|u||J||v| scale) for random u, v: reverse and forward mode agree.</summary>
    public double DualityError(int seed)
    {
        var random = new Random(seed);
        var v = Enumerable.Range(0, _input.Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var u = Enumerable.Range(0, _output.Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        _model.Forward(_ws, _input, _batch, _output);
        _model.Tangent(_ws, v, _batch);
        var jv = _ws.Tangent(_model.Layers.Count - 1).ToArray();
        _model.Backward(_ws, u, _batch);
        var jtu = _ws.Gradient(0).ToArray();
        double left = 0, right = 0, scale = 0;
        for (int i = 0; i < u.Length; i++)
        {
            left += u[i] * jv[i];
            scale += Math.Abs(u[i] * jv[i]);
        }

        for (int i = 0; i < v.Length; i++) right += jtu[i] * v[i];
        return Math.Abs(left - right) / Math.Max(scale, 1e-300);
    }

    private double[][] Activations(double[] input)
    {
        var ws = _model.CreateWorkspace(_batch);
        var output = new double[_batch * _model.OutputSize];
        _model.Forward(ws, input, _batch, output);
        return Enumerable.Range(0, _model.Layers.Count).Select(l => ws.Activation(l).ToArray()).ToArray();
    }

    public static double Relative(double analytic, double numeric) => Math.Abs(analytic - numeric) / Math.Max(1.0, Math.Abs(numeric));
}
