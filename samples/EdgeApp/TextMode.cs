using System.Globalization;
using Axon.Samples.Text;

namespace Axon.Samples.Edge;

/// <summary>
/// <c>axon-edge --text WORDS…</c>: the sample transformer text classifier (samples/TextAttribution, weights embedded)
/// on one text: the prediction and each token's layer Integrated Gradients at the embedding against an all-PAD
/// baseline, the same numbers the library computes (TextExplainer), with the completeness gap.
/// </summary>
internal static class TextMode
{
    /// <summary>The first argument that selects this mode.</summary>
    public const string Flag = "--text";

    /// <summary>Runs the mode on the words after <see cref="Flag"/>; returns the exit code (2 for a bad text).</summary>
    public static int Run(IReadOnlyList<string> words, TextWriter output, TextWriter error)
    {
        int[] ids;
        try
        {
            ids = Tokenizer.Encode(string.Join(' ', words));
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"axon-edge: {e.Message} Words: {string.Join(' ', Vocabulary.All.Skip(1))}");
            return EdgeCommand.BadArguments;
        }

        var explanation = new TextExplainer(ShippedWeights.Load()).Explain(ids)[0];
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"model: TextClassifier, {TextClassifier.Length} positions, {TextClassifier.VocabularySize} words (weights embedded)"));
        output.WriteLine(string.Create(c, $"prediction: class {explanation.Predicted} ({(explanation.Predicted == 1 ? "\"very good\" found" : "no \"very good\"")}, {explanation.Probability:P1})"));
        output.WriteLine(string.Create(c, $"layer IG at the embedding, all-PAD baseline, Gauss-Legendre n = {TextExplainer.Steps}:"));
        for (int p = 0; p < explanation.TextLength; p++)
            output.WriteLine(string.Create(c, $"  {p,2} {Vocabulary.Word(explanation.Tokens[p]),-10} {explanation.Embedding[p]:+0.000000;-0.000000}"));
        output.WriteLine(string.Create(c, $"  sum {explanation.Embedding.Sum():+0.000000;-0.000000}; F(x) - F(PAD) = {explanation.MarginChange:+0.000000;-0.000000}; completeness delta {explanation.EmbeddingGap:+0.0e+0;-0.0e+0}"));
        return 0;
    }
}
