namespace Axon.Samples.Text;

/// <summary>
/// The sample's words: id 0 is PAD, ids 1 and 2 the planted bigram "very good", the rest filler words that carry no
/// label information.
/// </summary>
public static class Vocabulary
{
    /// <summary>The PAD token's id (<see cref="TextClassifier.PadId"/>).</summary>
    public const int Pad = TextClassifier.PadId;

    /// <summary>The first token of the planted bigram.</summary>
    public const int Very = 1;

    /// <summary>The second token of the planted bigram.</summary>
    public const int Good = 2;

    /// <summary>The first filler id; fillers run to <see cref="TextClassifier.VocabularySize"/> − 1.</summary>
    public const int FirstFiller = 3;

    private static readonly string[] Words =
    [
        "[PAD]", "very", "good",
        "the", "movie", "plot", "was", "and", "a", "film", "actor", "story", "scene", "music",
        "long", "it", "this", "but", "with", "camera", "ending", "cast", "script", "dialogue",
    ];

    /// <summary>Every word by id.</summary>
    public static IReadOnlyList<string> All => Words;

    /// <summary>The word of a token id.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside the vocabulary.</exception>
    public static string Word(int id) => id >= 0 && id < Words.Length
        ? Words[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token ids run from 0 to {Words.Length - 1}.");

    /// <summary>The id of a word.</summary>
    /// <exception cref="ArgumentException">The word is not in the vocabulary.</exception>
    public static int Id(string word)
    {
        int id = Array.IndexOf(Words, word);
        return id >= 0 ? id : throw new ArgumentException($"'{word}' is not in the sample's vocabulary ({string.Join(", ", Words.Skip(1))}).", nameof(word));
    }
}
