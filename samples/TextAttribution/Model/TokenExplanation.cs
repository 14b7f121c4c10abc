namespace Axon.Samples.Text;

/// <summary>
/// One sequence explained: the prediction and, per token position, layer Integrated Gradients at the embedding and
/// the conductance of each encoder block's output, all of the margin F = logit(predicted) − logit(other) against the
/// all-PAD baseline, with each method's completeness gap Σ scores − (F(x) − F(PAD…)).
/// </summary>
public sealed class TokenExplanation
{
    internal TokenExplanation(int[] tokens, int predicted, float probability, float marginChange, float[] embedding, float embeddingGap, float[][] blocks, float[] blockGaps)
    {
        Tokens = tokens;
        Predicted = predicted;
        Probability = probability;
        MarginChange = marginChange;
        Embedding = embedding;
        EmbeddingGap = embeddingGap;
        Blocks = blocks;
        BlockGaps = blockGaps;
    }

    /// <summary>The token ids, <see cref="TextClassifier.Length"/> of them (PAD at the end).</summary>
    public IReadOnlyList<int> Tokens { get; }

    /// <summary>The predicted class: 1 for "very good" present.</summary>
    public int Predicted { get; }

    /// <summary>The softmax probability of the predicted class.</summary>
    public float Probability { get; }

    /// <summary>F(x) − F(x′): the margin's change from the all-PAD baseline to the sequence.</summary>
    public float MarginChange { get; }

    /// <summary>Layer IG at the token embedding, one score per position (summed over the embedding width).</summary>
    public IReadOnlyList<float> Embedding { get; }

    /// <summary>Σ <see cref="Embedding"/> − <see cref="MarginChange"/>.</summary>
    public float EmbeddingGap { get; }

    /// <summary>Per encoder block (block1, block2): the conductance of its output, one score per position.</summary>
    public IReadOnlyList<IReadOnlyList<float>> Blocks { get; }

    /// <summary>Per block: Σ scores − <see cref="MarginChange"/>.</summary>
    public IReadOnlyList<float> BlockGaps { get; }

    /// <summary>The number of tokens before the padding.</summary>
    public int TextLength
    {
        get
        {
            int n = Tokens.Count;
            while (n > 0 && Tokens[n - 1] == Vocabulary.Pad) n--;
            return n;
        }
    }

    /// <summary>The positions of the <paramref name="k"/> largest |embedding scores|, largest first (ties: the earlier position).</summary>
    public int[] TopPositions(int k) =>
        [.. Enumerable.Range(0, Embedding.Count).OrderByDescending(p => Math.Abs(Embedding[p])).ThenBy(p => p).Take(k)];
}
