using Axon.Attribution;

namespace Axon.Samples.Text;

/// <summary>
/// Explains sequences of the <see cref="TextClassifier"/>: Captum's "layer IG on the embeddings" against an all-PAD
/// baseline (per token: the sum over the embedding width at each position) and layer conductance at each encoder
/// block's output (per token: the sum over the width of that position's row), both of the predicted class's margin.
/// One explainer serves many calls; its buffers grow to the largest batch and are then reused.
/// </summary>
public sealed class TextExplainer
{
    /// <summary>Gauss–Legendre nodes per path.</summary>
    public const int Steps = 128;

    private readonly TextClassifier _model;
    private readonly Attributor<float> _attributor;
    private readonly IntegrationOptions _options = new() { Rule = IntegrationRule.GaussLegendre, Steps = Steps };
    private readonly float[] _baseline = new float[TextClassifier.Length];

    /// <summary>An explainer of <paramref name="model"/>.</summary>
    public TextExplainer(TextClassifier model)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _attributor = new Attributor<float>(model);
        Array.Fill(_baseline, Vocabulary.Pad);
    }

    /// <summary>The explained model.</summary>
    public TextClassifier Model => _model;

    /// <summary>The class scores (logits) of each sequence, count × 2.</summary>
    /// <exception cref="ArgumentException">A sequence is cut short or holds an id outside the vocabulary.</exception>
    public float[] Logits(ReadOnlySpan<int> sequences)
    {
        var input = ToInput(sequences, out int count);
        var logits = new float[count * 2];
        _model.Forward(_model.CreateWorkspace(count), input, count, logits);
        return logits;
    }

    /// <summary>Explains every sequence of <paramref name="sequences"/> (count × <see cref="TextClassifier.Length"/> ids).</summary>
    /// <exception cref="ArgumentException">A sequence is cut short or holds an id outside the vocabulary.</exception>
    public TokenExplanation[] Explain(ReadOnlySpan<int> sequences)
    {
        var input = ToInput(sequences, out int count);
        var logits = new float[count * 2];
        _model.Forward(_model.CreateWorkspace(count), input, count, logits);

        // F = logit(predicted) − logit(other): softmax cross-entropy fixes logits only up to a shared shift, the margin is what decides.
        var predicted = new int[count];
        var weights = new float[count * 2];
        for (int i = 0; i < count; i++)
        {
            predicted[i] = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
            weights[2 * i + predicted[i]] = 1;
            weights[2 * i + 1 - predicted[i]] = -1;
        }

        var baseline = Baseline<float>.Shared(_baseline);
        var target = AttributionTarget<float>.Weights(weights);
        int embeddingSize = _model.Layers[TextClassifier.LayerIndex.tokens].Size;
        var embedding = new float[count * embeddingSize];
        var embeddingGaps = new float[count];
        _attributor.LayerIntegratedGradients(TextClassifier.LayerIndex.tokens, input, target, baseline, embedding, _options, embeddingGaps);

        int blockSize = _model.Layers[TextClassifier.LayerIndex.block1].Size;
        var blocks = new[] { TextClassifier.LayerIndex.block1, TextClassifier.LayerIndex.block2 };
        var blockScores = new float[blocks.Length][];
        var blockGaps = new float[blocks.Length][];
        for (int k = 0; k < blocks.Length; k++)
        {
            blockScores[k] = new float[count * blockSize];
            blockGaps[k] = new float[count];
            _attributor.LayerConductance(blocks[k], input, target, baseline, blockScores[k], _options, completenessGaps: blockGaps[k]);
        }

        var baselineLogits = Logits(_baseline.Select(_ => Vocabulary.Pad).ToArray());
        var result = new TokenExplanation[count];
        for (int i = 0; i < count; i++)
        {
            int p = predicted[i];
            float change = (logits[2 * i + p] - logits[2 * i + 1 - p]) - (baselineLogits[p] - baselineLogits[1 - p]);
            float probability = 1 / (1 + MathF.Exp(-(logits[2 * i + p] - logits[2 * i + 1 - p])));
            var perBlock = new float[blocks.Length][];
            var perBlockGap = new float[blocks.Length];
            for (int k = 0; k < blocks.Length; k++)
            {
                perBlock[k] = PositionsFirst(blockScores[k].AsSpan(i * blockSize, blockSize));
                perBlockGap[k] = blockGaps[k][i];
            }

            result[i] = new TokenExplanation(
                sequences.Slice(i * TextClassifier.Length, TextClassifier.Length).ToArray(), p, probability, change,
                ChannelsFirst(embedding.AsSpan(i * embeddingSize, embeddingSize)), embeddingGaps[i], perBlock, perBlockGap);
        }

        return result;
    }

    /// <summary>Per position of a channels-first [width, length] row (the embedding): Σ over the width.</summary>
    private static float[] ChannelsFirst(ReadOnlySpan<float> row)
    {
        var scores = new float[TextClassifier.Length];
        for (int c = 0; c < TextClassifier.Width; c++)
        {
            for (int p = 0; p < TextClassifier.Length; p++) scores[p] += row[c * TextClassifier.Length + p];
        }

        return scores;
    }

    /// <summary>Per position of a positions-first [length, width] row (a block's output): Σ over the width.</summary>
    private static float[] PositionsFirst(ReadOnlySpan<float> row)
    {
        var scores = new float[TextClassifier.Length];
        for (int p = 0; p < TextClassifier.Length; p++)
        {
            for (int c = 0; c < TextClassifier.Width; c++) scores[p] += row[p * TextClassifier.Width + c];
        }

        return scores;
    }

    private static float[] ToInput(ReadOnlySpan<int> sequences, out int count)
    {
        if (sequences.IsEmpty || sequences.Length % TextClassifier.Length != 0)
            throw new ArgumentException($"Give whole sequences of {TextClassifier.Length} token ids (PAD-filled); got {sequences.Length} ids.", nameof(sequences));
        count = sequences.Length / TextClassifier.Length;
        var input = new float[sequences.Length];
        for (int i = 0; i < sequences.Length; i++)
        {
            int id = sequences[i];
            if (id < 0 || id >= TextClassifier.VocabularySize)
                throw new ArgumentException($"Token {i % TextClassifier.Length} of sequence {i / TextClassifier.Length} is {id}, outside the vocabulary 0..{TextClassifier.VocabularySize - 1}.", nameof(sequences));
            input[i] = id;
        }

        return input;
    }
}
