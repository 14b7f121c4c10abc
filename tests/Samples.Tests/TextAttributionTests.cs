using System.Globalization;
using System.Xml.Linq;
using Axon.Attribution;
using Axon.Samples.Edge;
using Axon.Samples.Text;
using Xunit.Abstractions;

namespace Axon.Samples.Tests;

/// <summary>
/// The text sample (samples/TextAttribution): the shipped transformer's accuracy on a seeded held-out set, that the
/// planted "very good" carries the attribution, completeness of layer IG and block conductance against values the
/// test computes itself, that training lowers the loss, the report's token view, and the edge app's text mode.
/// Per-token scores here come from the Attributor directly, not from the sample's TextExplainer.
/// </summary>
public sealed class TextAttributionTests(ITestOutputHelper output)
{
    private const int HeldOut = 200;

    /// <summary>Float completeness at 512 Gauss–Legendre nodes: |Σ scores − (F(x) − F(x′))| within this share of max(1, |F(x) − F(x′)|).</summary>
    private const double CompletenessTolerance = 1e-4;

    private static readonly Lazy<TextClassifier> Shipped = new(ShippedWeights.Load);

    /// <summary>The logit margin of class <paramref name="target"/> per input: weights +1 on it and −1 on the other.</summary>
    private static float[] MarginWeights(IReadOnlyList<int> targets) =>
        [.. targets.SelectMany(t => t == 1 ? new float[] { -1, 1 } : [1, -1])];

    /// <summary>Per-token layer IG at the embedding (channels first, [width, length]), summed over the width, from the Attributor.</summary>
    private static float[][] PerTokenLig(TextClassifier model, float[] inputs, int[] targets)
    {
        int count = targets.Length, size = TextClassifier.Width * TextClassifier.Length;
        var scores = new float[count * size];
        new Attributor<float>(model).LayerIntegratedGradients(TextClassifier.LayerIndex.tokens, inputs, AttributionTarget<float>.Weights(MarginWeights(targets)),
            Baseline<float>.Shared(new float[TextClassifier.Length]), scores, new IntegrationOptions { Steps = TextExplainer.Steps });
        var perToken = new float[count][];
        for (int b = 0; b < count; b++)
        {
            perToken[b] = new float[TextClassifier.Length];
            for (int c = 0; c < TextClassifier.Width; c++)
            {
                for (int p = 0; p < TextClassifier.Length; p++) perToken[b][p] += scores[b * size + c * TextClassifier.Length + p];
            }
        }

        return perToken;
    }

    /// <summary>
    /// F(x) − F(x′) of the margin, with x′ all PAD: F(x′) is the PAD embedding run onward from the embedding under x's
    /// ids (the attention's padding mask stays the input's, as Captum keeps BERT's attention_mask).
    /// </summary>
    private static double[] MarginChange(TextClassifier model, float[] inputs, int[] targets)
    {
        int count = targets.Length;
        var ws = model.CreateWorkspace(count);
        var logits = new float[count * 2];
        model.Forward(ws, new float[inputs.Length], count, logits);
        var pad = ws.Activation(TextClassifier.LayerIndex.tokens).ToArray();
        var fx = new float[count * 2];
        model.Forward(ws, inputs, count, fx);
        var fr = new float[count * 2];
        model.ForwardFrom(ws, TextClassifier.LayerIndex.tokens, pad, count, fr);
        return [.. Enumerable.Range(0, count).Select(b =>
        {
            int t = targets[b];
            return (double)(fx[2 * b + t] - fx[2 * b + 1 - t]) - (fr[2 * b + t] - fr[2 * b + 1 - t]);
        })];
    }

    [Fact]
    public void The_shipped_model_classifies_a_seeded_held_out_set()
    {
        var data = SyntheticReviews.Generate(HeldOut, SyntheticReviews.HeldOutSeed);
        var logits = TextTraining.Predict(Shipped.Value, data);
        int correct = Enumerable.Range(0, data.Count).Count(i => (logits[2 * i + 1] > logits[2 * i] ? 1 : 0) == data.Labels[i]);
        output.WriteLine($"held-out accuracy {correct} / {data.Count}");
        Assert.True(correct >= 0.98 * data.Count, $"accuracy {correct} / {data.Count}");
    }

    [Fact]
    public void The_planted_bigram_carries_the_attribution()
    {
        var data = SyntheticReviews.Generate(HeldOut, SyntheticReviews.HeldOutSeed);
        var model = Shipped.Value;
        var logits = TextTraining.Predict(model, data);
        var positives = Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == 1 && logits[2 * i + 1] > logits[2 * i]).ToArray();
        var inputs = positives.SelectMany(i => data.Sequence(i).ToArray()).Select(id => (float)id).ToArray();
        var scores = PerTokenLig(model, inputs, [.. positives.Select(_ => 1)]);
        int hits = 0;
        for (int k = 0; k < positives.Length; k++)
        {
            int planted = data.PlantedAt(positives[k]);
            var top = Enumerable.Range(0, TextClassifier.Length).OrderByDescending(p => Math.Abs(scores[k][p])).Take(2).Order().ToArray();
            if (top[0] == planted && top[1] == planted + 1) hits++;
        }

        output.WriteLine($"top-2 |layer IG| on the planted bigram in {hits} of {positives.Length} correctly classified positives");
        Assert.True(positives.Length >= 90, $"only {positives.Length} correctly classified positives");
        Assert.True(hits >= 0.95 * positives.Length, $"{hits} of {positives.Length}");

        // The sample's own check agrees with this one.
        var check = GroundTruthCheck.Run(new TextExplainer(model), data);
        Assert.Equal((positives.Length, hits), (check.CorrectPositives, check.Hits));
        Assert.True(check.Passes);
    }

    [Fact]
    public void Layer_IG_and_block_conductance_are_complete()
    {
        // A confident positive's path crosses a sharp transition (its margin changes by about 20 within a short stretch
        // of α), so the rule needs many nodes there; the reported gap must also be Σ − (F(x) − F(x′)) with F(x′) as
        // computed here, which checks that the whole path kept the input's padding mask.
        const int steps = 512;
        var data = SyntheticReviews.Generate(8, seed: 5);
        var model = Shipped.Value;
        var logits = TextTraining.Predict(model, data);
        int[] targets = [.. Enumerable.Range(0, data.Count).Select(i => logits[2 * i + 1] > logits[2 * i] ? 1 : 0)];
        var inputs = data.ModelInput();
        var expected = MarginChange(model, inputs, targets);
        var target = AttributionTarget<float>.Weights(MarginWeights(targets));
        var baseline = Baseline<float>.Shared(new float[TextClassifier.Length]);
        var options = new IntegrationOptions { Steps = steps };
        var attributor = new Attributor<float>(model);

        var methods = new List<(string Name, int Size, float[] Scores, float[] Gaps)>();
        int embeddingSize = model.Layers[TextClassifier.LayerIndex.tokens].Size;
        var lig = new float[data.Count * embeddingSize];
        var ligGaps = new float[data.Count];
        attributor.LayerIntegratedGradients(TextClassifier.LayerIndex.tokens, inputs, target, baseline, lig, options, ligGaps);
        methods.Add(("layer IG", embeddingSize, lig, ligGaps));
        int blockSize = model.Layers[TextClassifier.LayerIndex.block1].Size;
        foreach (var (name, layer) in new[] { ("block1", TextClassifier.LayerIndex.block1), ("block2", TextClassifier.LayerIndex.block2) })
        {
            var scores = new float[data.Count * blockSize];
            var gaps = new float[data.Count];
            attributor.LayerConductance(layer, inputs, target, baseline, scores, options, completenessGaps: gaps);
            methods.Add((name, blockSize, scores, gaps));
        }

        for (int b = 0; b < data.Count; b++)
        {
            double scale = Math.Max(1, Math.Abs(expected[b]));
            foreach (var (name, size, scores, gaps) in methods)
            {
                double sum = scores.AsSpan(b * size, size).ToArray().Sum(v => (double)v);
                output.WriteLine($"input {b} {name}: F(x) − F(PAD) {expected[b]:F5}, Σ {sum:F5}, reported gap {gaps[b]:E2}");
                Assert.True(Math.Abs(sum - expected[b] - gaps[b]) <= 1e-3 * scale, $"input {b}: {name}'s reported gap {gaps[b]} is not Σ − ΔF = {sum - expected[b]}");
                Assert.True(Math.Abs(sum - expected[b]) <= CompletenessTolerance * scale, $"input {b}: Σ {name} {sum} vs F(x) − F(PAD) {expected[b]}");
            }
        }
    }

    [Fact]
    public void A_short_training_run_lowers_the_loss()
    {
        var data = SyntheticReviews.Generate(256, seed: 9);
        var model = new TextClassifier();
        model.ResetParameters(3);
        double before = TextTraining.Loss(model, data);
        TextTraining.Train(model, data, epochs: 3, seed: 3);
        double after = TextTraining.Loss(model, data);
        output.WriteLine($"loss {before:F4} → {after:F4} after 12 Adam steps");
        Assert.True(after < 0.95 * before, $"loss {before} → {after}");
    }

    [Fact]
    public void The_report_shows_each_text_as_coloured_tokens_with_their_scores()
    {
        var model = Shipped.Value;
        var explanations = new TextExplainer(model).Explain(Tokenizer.Encode("the movie was very good and long"));
        var check = new GroundTruthCheck(10, 9, 9);
        string html = TextReport.Build(1.0, 10, check, explanations).ToHtml();
        var doc = XDocument.Parse(html);
        var table = Assert.Single(doc.Descendants(), e => e.Name.LocalName == "table" && (string?)e.Attribute("class") == "tokens");
        var rows = table.Descendants().Where(e => e.Name.LocalName == "tr").ToArray();
        Assert.Equal(3, rows.Length);
        var cells = rows[0].Elements().Where(e => e.Name.LocalName == "td").ToArray();
        Assert.Equal(new[] { "the", "movie", "was", "very", "good", "and", "long" }, cells.Select(c => c.Value));
        for (int p = 0; p < cells.Length; p++)
            Assert.Equal(explanations[0].Embedding[p], (float)double.Parse((string)cells[p].Attribute("data-value")!, CultureInfo.InvariantCulture));
        Assert.Contains("very good", html);
    }

    [Fact]
    public void The_edge_apps_text_mode_prints_the_librarys_per_token_scores()
    {
        string[] words = ["the", "plot", "was", "very", "good", "but", "long"];
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, TextMode.Run(words, stdout, stderr));
        Assert.Equal("", stderr.ToString());
        var lines = stdout.ToString().Split('\n', StringSplitOptions.TrimEntries).Where(l => l.Length > 0).ToArray();
        Assert.Contains("prediction: class 1", stdout.ToString());

        var ids = Tokenizer.Encode(string.Join(' ', words)).Select(id => (float)id).ToArray();
        var expected = PerTokenLig(Shipped.Value, ids, [1])[0];
        for (int p = 0; p < words.Length; p++)
        {
            var fields = lines.Single(l => l.StartsWith($"{p} ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(words[p], fields[1]);
            Assert.Equal(expected[p], double.Parse(fields[2], CultureInfo.InvariantCulture), 5e-6);
        }
    }

    [Fact]
    public void The_edge_apps_text_mode_refuses_unknown_words_naming_them()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(EdgeCommand.BadArguments, TextMode.Run(["the", "popcorn"], stdout, stderr));
        Assert.Contains("'popcorn' is not in the sample's vocabulary", stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public void Bad_sequences_are_refused_before_anything_runs()
    {
        var explainer = new TextExplainer(Shipped.Value);
        var error = Assert.Throws<ArgumentException>(() => explainer.Explain(new int[TextClassifier.Length - 1]));
        Assert.Contains($"whole sequences of {TextClassifier.Length}", error.Message);
        var ids = new int[TextClassifier.Length];
        ids[3] = TextClassifier.VocabularySize;
        error = Assert.Throws<ArgumentException>(() => explainer.Explain(ids));
        Assert.Contains("Token 3 of sequence 0", error.Message);
        Assert.Throws<ArgumentException>(() => Tokenizer.Encode(string.Join(' ', Enumerable.Repeat("the", TextClassifier.Length + 1))));
    }
}
