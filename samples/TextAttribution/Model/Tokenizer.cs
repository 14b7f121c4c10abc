namespace Axon.Samples.Text;

/// <summary>Whitespace tokenisation into the sample's vocabulary, padded with PAD to <see cref="TextClassifier.Length"/>.</summary>
public static class Tokenizer
{
    /// <summary>The ids of <paramref name="text"/>'s words, PAD-filled.</summary>
    /// <exception cref="ArgumentException">A word is not in the vocabulary, or there are more than <see cref="TextClassifier.Length"/> words or none.</exception>
    public static int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words.Length > TextClassifier.Length)
            throw new ArgumentException($"Give 1 to {TextClassifier.Length} words; got {words.Length}.", nameof(text));
        var ids = new int[TextClassifier.Length];
        for (int i = 0; i < words.Length; i++) ids[i] = Vocabulary.Id(words[i].ToLowerInvariant());
        return ids;
    }

    /// <summary>The words of the non-PAD ids, joined by spaces.</summary>
    public static string Decode(IEnumerable<int> ids) => string.Join(" ", ids.Where(id => id != Vocabulary.Pad).Select(Vocabulary.Word));
}
