using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// LayerNorm and RMSNorm called directly on more rows than one piece of parallel work, at a width that fits the stack
/// buffers and one that needs rented ones: the forward against the formula written as loops, the backward (input,
/// γ and β gradients) and the tangent against central finite differences in double, and float against double.
/// </summary>
public sealed class RowNormKernelTests
{
    private const int Rows = 70;
    private const double Epsilon = 1e-5;

    public static TheoryData<int, bool> Shapes => new() { { 12, true }, { 12, false }, { 600, true }, { 600, false } };

    private sealed class Case
    {
        public Case(int width)
        {
            var random = new Random(7 + width);
            double[] Values(int n, double offset) => [.. Enumerable.Range(0, n).Select(_ => offset + random.NextDouble() - 0.5)];
            X = Values(Rows * width, 0.3);
            Gamma = Values(width, 1);
            Beta = Values(width, 0);
            Seed = Values(Rows * width, 0);
            Direction = Values(Rows * width, 0);
        }

        public double[] X { get; }
        public double[] Gamma { get; }
        public double[] Beta { get; }
        public double[] Seed { get; }
        public double[] Direction { get; }
    }

    private static double[] Forward(double[] x, double[] gamma, double[] beta, int width, bool layer)
    {
        var y = new double[x.Length];
        if (layer) LayerNormKernel.Forward<double>(x, gamma, beta, Epsilon, y, Rows, width);
        else RmsNormKernel.Forward<double>(x, gamma, Epsilon, y, Rows, width);
        return y;
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_the_formula_written_as_loops(int width, bool layer)
    {
        var c = new Case(width);
        var y = Forward(c.X, c.Gamma, c.Beta, width, layer);
        for (int row = 0; row < Rows; row++)
        {
            double mean = 0, squares = 0;
            if (layer) { for (int i = 0; i < width; i++) mean += c.X[row * width + i]; mean /= width; }
            for (int i = 0; i < width; i++) squares += (c.X[row * width + i] - mean) * (c.X[row * width + i] - mean);
            double r = 1 / Math.Sqrt(squares / width + Epsilon);
            for (int i = 0; i < width; i++)
            {
                double expected = (c.X[row * width + i] - mean) * r * c.Gamma[i] + (layer ? c.Beta[i] : 0);
                Assert.Equal(expected, y[row * width + i], 1e-13);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_and_tangent_match_central_finite_differences(int width, bool layer)
    {
        var c = new Case(width);
        var dx = new double[c.X.Length];
        var dGamma = new double[width];
        var dBeta = new double[width];
        if (layer) LayerNormKernel.Backward<double>(c.X, c.Gamma, Epsilon, c.Seed, dx, dGamma, dBeta, Rows, width);
        else RmsNormKernel.Backward<double>(c.X, c.Gamma, Epsilon, c.Seed, dx, dGamma, Rows, width);
        var ty = new double[c.X.Length];
        if (layer) LayerNormKernel.Tangent<double>(c.X, c.Gamma, Epsilon, c.Direction, ty, Rows, width);
        else RmsNormKernel.Tangent<double>(c.X, c.Gamma, Epsilon, c.Direction, ty, Rows, width);

        // L = Σ seed ⊙ y; its derivative along a direction, by central differences.
        const double h = 1e-5;
        double Loss(double[] x, double[] gamma, double[] beta) => Dot(c.Seed, Forward(x, gamma, beta, width, layer));
        double[] Shift(double[] v, double[] direction, double step) => [.. v.Zip(direction, (a, d) => a + step * d)];

        // The input gradient and the tangent, each along the whole direction at once (one scalar per check).
        double along = (Loss(Shift(c.X, c.Direction, h), c.Gamma, c.Beta) - Loss(Shift(c.X, c.Direction, -h), c.Gamma, c.Beta)) / (2 * h);
        Assert.Equal(along, Dot(dx, c.Direction), 1e-7);
        Assert.Equal(along, Dot(c.Seed, ty), 1e-7);

        // γ and β, element by element on a few of them.
        foreach (int i in new[] { 0, width / 2, width - 1 })
        {
            var unit = new double[width];
            unit[i] = 1;
            double byGamma = (Loss(c.X, Shift(c.Gamma, unit, h), c.Beta) - Loss(c.X, Shift(c.Gamma, unit, -h), c.Beta)) / (2 * h);
            Assert.Equal(byGamma, dGamma[i], 1e-7);
            if (!layer) continue;
            double byBeta = (Loss(c.X, c.Gamma, Shift(c.Beta, unit, h)) - Loss(c.X, c.Gamma, Shift(c.Beta, unit, -h))) / (2 * h);
            Assert.Equal(byBeta, dBeta[i], 1e-7);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_matches_double(int width, bool layer)
    {
        var c = new Case(width);
        float[] F(double[] v) => [.. v.Select(a => (float)a)];
        var y = new float[c.X.Length];
        var dx = new float[c.X.Length];
        var dGamma = new float[width];
        var ty = new float[c.X.Length];
        if (layer)
        {
            LayerNormKernel.Forward<float>(F(c.X), F(c.Gamma), F(c.Beta), (float)Epsilon, y, Rows, width);
            LayerNormKernel.Backward<float>(F(c.X), F(c.Gamma), (float)Epsilon, F(c.Seed), dx, dGamma, default, Rows, width);
            LayerNormKernel.Tangent<float>(F(c.X), F(c.Gamma), (float)Epsilon, F(c.Direction), ty, Rows, width);
        }
        else
        {
            RmsNormKernel.Forward<float>(F(c.X), F(c.Gamma), (float)Epsilon, y, Rows, width);
            RmsNormKernel.Backward<float>(F(c.X), F(c.Gamma), (float)Epsilon, F(c.Seed), dx, dGamma, Rows, width);
            RmsNormKernel.Tangent<float>(F(c.X), F(c.Gamma), (float)Epsilon, F(c.Direction), ty, Rows, width);
        }

        var yD = Forward(c.X, c.Gamma, c.Beta, width, layer);
        var dxD = new double[c.X.Length];
        var dGammaD = new double[width];
        var tyD = new double[c.X.Length];
        if (layer)
        {
            LayerNormKernel.Backward<double>(c.X, c.Gamma, Epsilon, c.Seed, dxD, dGammaD, default, Rows, width);
            LayerNormKernel.Tangent<double>(c.X, c.Gamma, Epsilon, c.Direction, tyD, Rows, width);
        }
        else
        {
            RmsNormKernel.Backward<double>(c.X, c.Gamma, Epsilon, c.Seed, dxD, dGammaD, Rows, width);
            RmsNormKernel.Tangent<double>(c.X, c.Gamma, Epsilon, c.Direction, tyD, Rows, width);
        }

        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(yD[i], y[i], 2e-5);
            Assert.Equal(dxD[i], dx[i], 2e-5);
            Assert.Equal(tyD[i], ty[i], 2e-5);
        }

        for (int i = 0; i < width; i++) Assert.Equal(dGammaD[i], dGamma[i], 1e-4);
    }
}
