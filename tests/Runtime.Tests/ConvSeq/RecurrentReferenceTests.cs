using Axon.Model;

namespace Axon.Runtime.Tests.ConvSeq;

/// <summary>
/// The generated LSTM and GRU against PyTorch's equations written out here step by step (gate order i, f, g, o and
/// r, z, n; zero initial state; batch_first per sample), on the parameters read back by their PyTorch names.
/// </summary>
public sealed class RecurrentReferenceTests
{
    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    /// <summary>Row k of W·v for W stored row-major [rows, v.Length].</summary>
    private static double Row(double[] w, int k, double[] v)
    {
        double sum = 0;
        for (int i = 0; i < v.Length; i++) sum += w[k * v.Length + i] * v[i];
        return sum;
    }

    private static double[] Tensor(IDifferentiableModel<double> model, string name)
    {
        var info = model.ParameterTensors.Single(t => t.Name == name);
        return model.Parameters.Slice(info.Offset, info.Length).ToArray();
    }

    [Fact]
    public void Lstm_hidden_states_follow_PyTorchs_equations()
    {
        var model = ConvSeqGradientTests.Randomised(new LstmNet(), 41);
        const int batch = 2, seq = 5, input = 3, hidden = 4;
        var random = new Random(8);
        var x = Enumerable.Range(0, batch * seq * input).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var ws = model.CreateWorkspace(batch);
        model.Forward(ws, x, batch, new double[batch * model.OutputSize]);
        var actual = ws.Activation(1).ToArray();
        double[] wIh = Tensor(model, "lstm.weight_ih_l0"), wHh = Tensor(model, "lstm.weight_hh_l0"), bIh = Tensor(model, "lstm.bias_ih_l0"), bHh = Tensor(model, "lstm.bias_hh_l0");
        Assert.Equal(4 * hidden * input, wIh.Length);
        for (int b = 0; b < batch; b++)
        {
            var h = new double[hidden];
            var c = new double[hidden];
            for (int t = 0; t < seq; t++)
            {
                var xt = x.Skip((b * seq + t) * input).Take(input).ToArray();
                double Gate(int k) => Row(wIh, k, xt) + bIh[k] + Row(wHh, k, h) + bHh[k];
                var next = new double[hidden];
                for (int j = 0; j < hidden; j++)
                {
                    double i = Sigmoid(Gate(j)), f = Sigmoid(Gate(hidden + j)), g = Math.Tanh(Gate(2 * hidden + j)), o = Sigmoid(Gate(3 * hidden + j));
                    c[j] = f * c[j] + i * g;
                    next[j] = o * Math.Tanh(c[j]);
                }

                h = next;
                for (int j = 0; j < hidden; j++) Assert.Equal(h[j], actual[(b * seq + t) * hidden + j], 12);
            }
        }
    }

    [Fact]
    public void Gru_hidden_states_follow_PyTorchs_equations()
    {
        var model = ConvSeqGradientTests.Randomised(new GruNet(), 43);
        const int batch = 2, seq = 6, input = 2, hidden = 3;
        var random = new Random(9);
        var x = Enumerable.Range(0, batch * seq * input).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var ws = model.CreateWorkspace(batch);
        model.Forward(ws, x, batch, new double[batch * model.OutputSize]);
        var actual = ws.Activation(1).ToArray();
        double[] wIh = Tensor(model, "gru.weight_ih_l0"), wHh = Tensor(model, "gru.weight_hh_l0"), bIh = Tensor(model, "gru.bias_ih_l0"), bHh = Tensor(model, "gru.bias_hh_l0");
        Assert.Equal(3 * hidden * hidden, wHh.Length);
        for (int b = 0; b < batch; b++)
        {
            var h = new double[hidden];
            for (int t = 0; t < seq; t++)
            {
                var xt = x.Skip((b * seq + t) * input).Take(input).ToArray();
                var next = new double[hidden];
                for (int j = 0; j < hidden; j++)
                {
                    double r = Sigmoid(Row(wIh, j, xt) + bIh[j] + Row(wHh, j, h) + bHh[j]);
                    double z = Sigmoid(Row(wIh, hidden + j, xt) + bIh[hidden + j] + Row(wHh, hidden + j, h) + bHh[hidden + j]);
                    double n = Math.Tanh(Row(wIh, 2 * hidden + j, xt) + bIh[2 * hidden + j] + r * (Row(wHh, 2 * hidden + j, h) + bHh[2 * hidden + j]));
                    next[j] = (1 - z) * n + z * h[j];
                }

                h = next;
                for (int j = 0; j < hidden; j++) Assert.Equal(h[j], actual[(b * seq + t) * hidden + j], 12);
            }
        }
    }

    [Fact]
    public void Recurrent_parameters_have_PyTorchs_names_and_shapes()
    {
        var names = new LstmNet().ParameterTensors.Where(t => t.Name.StartsWith("lstm.", StringComparison.Ordinal)).Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]");
        Assert.Equal(new[] { "lstm.weight_ih_l0 [16, 3]", "lstm.weight_hh_l0 [16, 4]", "lstm.bias_ih_l0 [16]", "lstm.bias_hh_l0 [16]" }, names);
        var gru = new GruNet().ParameterTensors.Where(t => t.Name.StartsWith("second.", StringComparison.Ordinal)).Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]");
        Assert.Equal(new[] { "second.weight_ih_l0 [6, 3]", "second.weight_hh_l0 [6, 2]", "second.bias_ih_l0 [6]", "second.bias_hh_l0 [6]" }, gru);
        Assert.Equal(LayerKind.LSTM, new LstmNet().Layers[1].Kind);
        Assert.Equal(new[] { 5, 4 }, new LstmNet().Layers[1].Shape);
    }
}
