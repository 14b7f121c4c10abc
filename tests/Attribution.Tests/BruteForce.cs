using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// Reference values from Forward evaluations and finite differences only — no Backward, no Tangent: fine midpoint
/// Riemann sums in double, central differences for every derivative. Derivatives with respect to a hidden neuron
/// are taken by replacing the layer with its own activation, one neuron nudged (a Replace tap on every neuron with
/// per-sample values, so each row of a batch nudges a different neuron).
/// </summary>
public static class BruteForce
{
    private const double H = 1e-5;

    public static double[] Output(IDifferentiableModel<double> model, ReadOnlySpan<double> x)
    {
        var ws = model.CreateWorkspace(1);
        var output = new double[model.OutputSize];
        model.Forward(ws, x, 1, output);
        return output;
    }

    public static double Score(IDifferentiableModel<double> model, ReadOnlySpan<double> x, int target) => Output(model, x)[target];

    /// <summary>IGᵢ = (xᵢ − x′ᵢ) ∫ ∂F/∂xᵢ dα.</summary>
    public static double[] IntegratedGradients(IDifferentiableModel<double> model, double[] x, double[] baseline, int target, int steps)
    {
        int n = model.InputSize;
        var ws = model.CreateWorkspace(2 * n);
        var rows = new double[2 * n * n];
        var output = new double[2 * n * model.OutputSize];
        var sum = new double[n];
        for (int k = 0; k < steps; k++)
        {
            double alpha = (k + 0.5) / steps;
            for (int i = 0; i < n; i++)
            {
                for (int s = 0; s < 2; s++)
                {
                    var row = rows.AsSpan((2 * i + s) * n, n);
                    for (int c = 0; c < n; c++) row[c] = baseline[c] + alpha * (x[c] - baseline[c]);
                    row[i] += s == 0 ? H : -H;
                }
            }

            model.Forward(ws, rows, 2 * n, output);
            for (int i = 0; i < n; i++)
                sum[i] += (output[2 * i * model.OutputSize + target] - output[(2 * i + 1) * model.OutputSize + target]) / (2 * H);
        }

        for (int i = 0; i < n; i++) sum[i] *= (x[i] - baseline[i]) / steps;
        return sum;
    }

    /// <summary>
    /// C[j, i] = (xᵢ − x′ᵢ) ∫ ∂F/∂y_j · ∂y_j/∂xᵢ dα for every neuron j of <paramref name="layer"/> — the naive
    /// chain-rule definition of conductance (Σᵢ: total conductance of j; row j: neuron conductance).
    /// </summary>
    public static double[,] ConductanceMatrix(IDifferentiableModel<double> model, int layer, double[] x, double[] baseline, int target, int steps)
    {
        int n = model.InputSize, size = model.Layers[layer].Size, o = model.OutputSize;
        int rowsNeeded = Math.Max(2 * size, 2 * n);
        var ws = model.CreateWorkspace(rowsNeeded);
        var rows = new double[rowsNeeded * n];
        var output = new double[rowsNeeded * o];
        var point = new double[n];
        var activation = new double[size];
        var dFdy = new double[size];
        var dydx = new double[size, n];
        var result = new double[size, n];
        var all = Enumerable.Repeat(true, size).ToArray();
        var values = new double[size * rowsNeeded];
        for (int k = 0; k < steps; k++)
        {
            double alpha = (k + 0.5) / steps;
            for (int c = 0; c < n; c++) point[c] = baseline[c] + alpha * (x[c] - baseline[c]);

            // y at the point.
            ws.ClearInterventions();
            model.Forward(ws, point, 1, output.AsSpan(0, o));
            ws.Activation(layer).CopyTo(activation);

            // ∂y/∂xᵢ by central differences of the layer's activation.
            for (int i = 0; i < n; i++)
            {
                for (int s = 0; s < 2; s++)
                {
                    var row = rows.AsSpan((2 * i + s) * n, n);
                    point.CopyTo(row);
                    row[i] += s == 0 ? H : -H;
                }
            }

            model.Forward(ws, rows.AsSpan(0, 2 * n * n), 2 * n, output.AsSpan(0, 2 * n * o));
            var act = ws.Activation(layer);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < size; j++)
                    dydx[j, i] = (act[2 * i * size + j] - act[(2 * i + 1) * size + j]) / (2 * H);

            // ∂F/∂y_j: replace the layer with its own activation, neuron j nudged by ±H.
            for (int j = 0; j < size; j++)
            {
                for (int s = 0; s < 2; s++)
                {
                    var v = values.AsSpan((2 * j + s) * size, size);
                    activation.CopyTo(v);
                    v[j] += s == 0 ? H : -H;
                    point.CopyTo(rows.AsSpan((2 * j + s) * n, n));
                }
            }

            ws.SetIntervention(layer, all, values, InterventionKind.Replace);
            model.Forward(ws, rows.AsSpan(0, 2 * size * n), 2 * size, output.AsSpan(0, 2 * size * o));
            ws.ClearInterventions();
            for (int j = 0; j < size; j++) dFdy[j] = (output[2 * j * o + target] - output[(2 * j + 1) * o + target]) / (2 * H);

            for (int j = 0; j < size; j++)
                for (int i = 0; i < n; i++)
                    result[j, i] += dFdy[j] * dydx[j, i];
        }

        for (int j = 0; j < size; j++)
            for (int i = 0; i < n; i++)
                result[j, i] *= (x[i] - baseline[i]) / steps;
        return result;
    }

    public static double[] RowSums(double[,] matrix)
    {
        var sums = new double[matrix.GetLength(0)];
        for (int j = 0; j < sums.Length; j++)
            for (int i = 0; i < matrix.GetLength(1); i++)
                sums[j] += matrix[j, i];
        return sums;
    }

    public static double[] RandomVector(int length, int seed, double scale = 1)
    {
        var random = new Random(seed);
        var v = new double[length];
        for (int i = 0; i < length; i++) v[i] = (random.NextDouble() * 2 - 1) * scale;
        return v;
    }
}
