using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// The attention kernel called directly, over a batch larger than the compute pool: its forward against the formula
/// written as loops (causal and padding masks together), and every pass the same to the last bit whether the samples
/// run in parallel (a scratch slot per thread) or one after another (one slot).
/// </summary>
public sealed class MultiHeadAttentionKernelTests
{
    private const int Batch = 5, Length = 4, Embed = 6, Heads = 2, Pad = 0;

    private sealed class Case
    {
        public Case()
        {
            var random = new Random(31);
            double[] Values(int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
            X = Values(Batch * Length * Embed);
            InWeight = Values(3 * Embed * Embed);
            InBias = Values(3 * Embed);
            OutWeight = Values(Embed * Embed);
            OutBias = Values(Embed);
            Dy = Values(X.Length);
            Tx = Values(X.Length);
            // Token ids 0..2 with pad 0; sample 1 pads every key (its queries attend to nothing).
            Ids = Enumerable.Range(0, Batch * Length).Select(i => i / Length == 1 ? 0.0 : random.Next(3)).ToArray();
            Ids[0] = 1;
        }

        public double[] X { get; }
        public double[] InWeight { get; }
        public double[] InBias { get; }
        public double[] OutWeight { get; }
        public double[] OutBias { get; }
        public double[] Dy { get; }
        public double[] Tx { get; }
        public double[] Ids { get; }
    }

    [Fact]
    public void Forward_with_causal_and_padding_masks_matches_the_formula_written_as_loops()
    {
        var c = new Case();
        var y = new double[c.X.Length];
        MultiHeadAttentionKernel.Forward<double>(c.X, c.Ids, Pad, true, c.InWeight, c.InBias, c.OutWeight, c.OutBias, y, Scratch(parallel: true), Batch, Length, Embed, Heads);

        int d = Embed / Heads;
        for (int b = 0; b < Batch; b++)
        {
            // [q|k|v] = x·W_inᵀ + b_in, position by position.
            var qkv = new double[Length, 3 * Embed];
            for (int l = 0; l < Length; l++)
                for (int r = 0; r < 3 * Embed; r++)
                {
                    double sum = c.InBias[r];
                    for (int e = 0; e < Embed; e++) sum += c.InWeight[r * Embed + e] * c.X[(b * Length + l) * Embed + e];
                    qkv[l, r] = sum;
                }

            var o = new double[Length, Embed];
            for (int h = 0; h < Heads; h++)
                for (int i = 0; i < Length; i++)
                {
                    var allowed = Enumerable.Range(0, Length).Where(j => j <= i && c.Ids[b * Length + j] != Pad).ToArray();
                    if (allowed.Length == 0) continue; // no key: o stays 0
                    var scores = allowed.Select(j => Enumerable.Range(0, d).Sum(t => qkv[i, h * d + t] * qkv[j, Embed + h * d + t]) / Math.Sqrt(d)).ToArray();
                    double top = scores.Max(), total = scores.Sum(s => Math.Exp(s - top));
                    for (int a = 0; a < allowed.Length; a++)
                        for (int t = 0; t < d; t++) o[i, h * d + t] += Math.Exp(scores[a] - top) / total * qkv[allowed[a], 2 * Embed + h * d + t];
                }

            for (int l = 0; l < Length; l++)
                for (int r = 0; r < Embed; r++)
                {
                    double expected = c.OutBias[r];
                    for (int e = 0; e < Embed; e++) expected += c.OutWeight[r * Embed + e] * o[l, e];
                    Assert.Equal(expected, y[(b * Length + l) * Embed + r], 1e-12);
                }
        }
    }

    [Fact]
    public void Every_pass_is_the_same_whether_samples_run_in_parallel_or_one_after_another()
    {
        var c = new Case();
        var (y1, dx1, dIn1, dInB1, dOut1, dOutB1, ty1) = Run(c, parallel: false);
        var (y2, dx2, dIn2, dInB2, dOut2, dOutB2, ty2) = Run(c, parallel: true);
        Assert.Equal(y1, y2);
        Assert.Equal(dx1, dx2);
        Assert.Equal(dIn1, dIn2);
        Assert.Equal(dInB1, dInB2);
        Assert.Equal(dOut1, dOut2);
        Assert.Equal(dOutB1, dOutB2);
        Assert.Equal(ty1, ty2);
        Assert.Contains(dx1, v => v != 0);
        Assert.Contains(ty1, v => v != 0);
    }

    [Fact]
    public void Each_parameter_gradient_asked_for_alone_is_the_one_of_the_full_call()
    {
        // The out projection's alone runs without the attention's backward; the others each with only their own span.
        var c = new Case();
        var (_, _, dIn, dInBias, dOut, dOutBias, _) = Run(c, parallel: true);
        var alone = new[] { new double[dIn.Length], new double[dInBias.Length], new double[dOut.Length], new double[dOutBias.Length] };
        MultiHeadAttentionKernel.Backward<double>(c.X, c.Ids, Pad, true, c.InWeight, c.InBias, c.OutWeight, c.Dy, default, alone[0], default, default, default, Scratch(parallel: true), Batch, Length, Embed, Heads);
        MultiHeadAttentionKernel.Backward<double>(c.X, c.Ids, Pad, true, c.InWeight, c.InBias, c.OutWeight, c.Dy, default, default, alone[1], default, default, Scratch(parallel: true), Batch, Length, Embed, Heads);
        MultiHeadAttentionKernel.Backward<double>(c.X, c.Ids, Pad, true, c.InWeight, c.InBias, c.OutWeight, c.Dy, default, default, default, alone[2], default, Scratch(parallel: true), Batch, Length, Embed, Heads);
        MultiHeadAttentionKernel.Backward<double>(c.X, c.Ids, Pad, true, c.InWeight, c.InBias, c.OutWeight, c.Dy, default, default, default, default, alone[3], Scratch(parallel: true), Batch, Length, Embed, Heads);
        Assert.Equal(dIn, alone[0]);
        Assert.Equal(dInBias, alone[1]);
        Assert.Equal(dOut, alone[2]);
        Assert.Equal(dOutBias, alone[3]);

        // dOutBias is Σ dy over every position of every sample, written here as a loop.
        for (int r = 0; r < Embed; r++)
        {
            double sum = 0;
            for (int row = 0; row < Batch * Length; row++) sum += c.Dy[row * Embed + r];
            Assert.Equal(sum, dOutBias[r], 1e-12);
        }
    }

    [Fact]
    public void A_scratch_shorter_than_one_sample_is_refused_by_name()
    {
        var c = new Case();
        var y = new double[c.X.Length];
        var error = Assert.Throws<ArgumentException>(() => MultiHeadAttentionKernel.Forward<double>(c.X, c.Ids, Pad, true, c.InWeight, c.InBias, c.OutWeight, c.OutBias, y,
            new double[MultiHeadAttentionKernel.SampleScratchLength(Length, Embed, Heads) - 1], Batch, Length, Embed, Heads));
        Assert.Equal("scratch", error.ParamName);
        Assert.All(y, v => Assert.Equal(0.0, v));
    }

    /// <summary>The kernel's full scratch (a slot per pool thread), or exactly one sample's (one slot: samples in turn).</summary>
    private static double[] Scratch(bool parallel) =>
        new double[parallel ? MultiHeadAttentionKernel.ScratchLength(Length, Embed, Heads) : MultiHeadAttentionKernel.SampleScratchLength(Length, Embed, Heads)];

    private static (double[], double[], double[], double[], double[], double[], double[]) Run(Case c, bool parallel)
    {
        var y = new double[c.X.Length];
        var dx = new double[c.X.Length];
        var dIn = new double[c.InWeight.Length];
        var dInBias = new double[c.InBias.Length];
        var dOut = new double[c.OutWeight.Length];
        var dOutBias = new double[c.OutBias.Length];
        var ty = new double[c.X.Length];
        MultiHeadAttentionKernel.Forward<double>(c.X, c.Ids, Pad, true, c.InWeight, c.InBias, c.OutWeight, c.OutBias, y, Scratch(parallel), Batch, Length, Embed, Heads);
        MultiHeadAttentionKernel.Backward<double>(c.X, c.Ids, Pad, true, c.InWeight, c.InBias, c.OutWeight, c.Dy, dx, dIn, dInBias, dOut, dOutBias, Scratch(parallel), Batch, Length, Embed, Heads);
        MultiHeadAttentionKernel.Tangent<double>(c.X, c.Ids, Pad, true, c.InWeight, c.InBias, c.OutWeight, c.Tx, ty, Scratch(parallel), Batch, Length, Embed, Heads);
        return (y, dx, dIn, dInBias, dOut, dOutBias, ty);
    }
}
