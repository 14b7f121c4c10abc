using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// Attention's score-row softmax and its Jacobian, on each kind of mask (none, causal: a prefix of the row; padding:
/// any key), against the formulas written as loops here, in double and in float.
/// </summary>
public sealed class AttentionSoftmaxTests
{
    private const int Length = 37, Pad = 0;

    public static TheoryData<bool, bool> Masks => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    [Theory]
    [MemberData(nameof(Masks))]
    public void Rows_are_the_scaled_masked_softmax(bool causal, bool padding)
    {
        var (raw, ids) = Case(padding);
        const double scale = 0.35;
        for (int i = 0; i < Length; i++)
        {
            var mask = new AttentionMask<double>(padding ? ids : default, Pad, causal);
            double[] row = [.. raw];
            AttentionSoftmax.Forward<double>(row, mask, i, scale);
            float[] rowF = [.. raw.Select(v => (float)v)];
            AttentionSoftmax.Forward<float>(rowF, new AttentionMask<float>(padding ? [.. ids.Select(v => (float)v)] : default, Pad, causal), i, (float)scale);

            var allowed = Enumerable.Range(0, Length).Where(j => (!causal || j <= i) && (!padding || ids[j] != Pad)).ToArray();
            double top = allowed.Length == 0 ? 0 : allowed.Max(j => raw[j] * scale);
            double total = allowed.Sum(j => Math.Exp(raw[j] * scale - top));
            for (int j = 0; j < Length; j++)
            {
                double expected = allowed.Contains(j) ? Math.Exp(raw[j] * scale - top) / total : 0;
                Assert.Equal(expected, row[j], 1e-15);
                Assert.Equal(expected, rowF[j], 1e-6);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Masks))]
    public void The_jacobian_is_p_times_the_scaled_vector_less_its_p_weighted_mean(bool causal, bool padding)
    {
        var (raw, ids) = Case(padding);
        var random = new Random(5);
        const double scale = 0.35;
        for (int i = 0; i < Length; i++)
        {
            double[] p = [.. raw];
            AttentionSoftmax.Forward<double>(p, new AttentionMask<double>(padding ? ids : default, Pad, causal), i, scale);
            double[] v = [.. Enumerable.Range(0, Length).Select(_ => random.NextDouble() - 0.5)];
            double[] result = [.. v];
            AttentionSoftmax.Jacobian<double>(p, result, scale);
            float[] resultF = [.. v.Select(x => (float)x)];
            AttentionSoftmax.Jacobian<float>([.. p.Select(x => (float)x)], resultF, (float)scale);

            double mean = 0;
            for (int j = 0; j < Length; j++) mean += p[j] * v[j] * scale;
            for (int j = 0; j < Length; j++)
            {
                double expected = p[j] * (v[j] * scale - mean);
                Assert.Equal(expected, result[j], 1e-15);
                Assert.Equal(expected, resultF[j], 1e-6);
                if (p[j] == 0) Assert.Equal(0, result[j]);
            }
        }
    }

    /// <summary>Raw scores, and token ids with pad 0 on about a third of the keys (key 0 kept, so row 0 under the causal mask has one).</summary>
    private static (double[] Raw, double[] Ids) Case(bool padding)
    {
        var random = new Random(17);
        double[] raw = [.. Enumerable.Range(0, Length).Select(_ => 8 * (random.NextDouble() - 0.5))];
        double[] ids = [.. Enumerable.Range(0, Length).Select(j => j == 0 ? 1.0 : random.Next(3))];
        return (raw, ids);
    }
}
