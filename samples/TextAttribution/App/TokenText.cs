using System.Globalization;

namespace Axon.Samples.Text;

/// <summary>One explanation as text: the words with their layer IG and block conductances, and the completeness gaps.</summary>
internal static class TokenText
{
    public static void Write(TextWriter output, TokenExplanation e)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"\"{Tokenizer.Decode(e.Tokens)}\" -> class {e.Predicted} ({e.Probability:P1}); margin change from all-PAD {e.MarginChange:+0.000;-0.000}"));
        output.WriteLine("  token        layer IG   block1   block2");
        for (int p = 0; p < e.TextLength; p++)
            output.WriteLine(string.Create(c, $"  {Vocabulary.Word(e.Tokens[p]),-10} {e.Embedding[p],9:+0.000;-0.000} {e.Blocks[0][p],8:+0.000;-0.000} {e.Blocks[1][p],8:+0.000;-0.000}"));
        output.WriteLine(string.Create(c, $"  completeness gaps: layer IG {e.EmbeddingGap:+0.0e+0;-0.0e+0}, block1 {e.BlockGaps[0]:+0.0e+0;-0.0e+0}, block2 {e.BlockGaps[1]:+0.0e+0;-0.0e+0}"));
    }
}
