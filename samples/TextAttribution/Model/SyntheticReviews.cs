namespace Axon.Samples.Text;

/// <summary>
/// A labelled set of token sequences with a known answer: a sequence is positive (label 1) exactly when the bigram
/// "very good" occurs in it. Positives hold it once at a random place among filler words; half of the negatives hold
/// "very" and "good" apart or in the other order, so no single word decides the label, only the ordered pair.
/// Lengths vary from <see cref="MinimumLength"/> to <see cref="TextClassifier.Length"/>, padded with PAD at the end.
/// </summary>
public sealed class SyntheticReviews
{
    /// <summary>The shortest sequence before padding.</summary>
    public const int MinimumLength = 6;

    /// <summary>The seed of the training set that <c>--train</c> uses.</summary>
    public const int TrainingSeed = 1;

    /// <summary>The seed of the held-out set that the demo and the tests evaluate on.</summary>
    public const int HeldOutSeed = 2;

    private readonly int[] _tokens;
    private readonly byte[] _labels;
    private readonly int[] _planted;
    private readonly int[] _lengths;

    private SyntheticReviews(int count)
    {
        _tokens = new int[count * TextClassifier.Length];
        _labels = new byte[count];
        _planted = new int[count];
        _lengths = new int[count];
    }

    /// <summary>Sequences in the set.</summary>
    public int Count => _labels.Length;

    /// <summary>Every sequence's ids, Count × <see cref="TextClassifier.Length"/>.</summary>
    public ReadOnlySpan<int> Tokens => _tokens;

    /// <summary>The labels, 1 when "very good" occurs.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>Sequence i's ids.</summary>
    public ReadOnlySpan<int> Sequence(int i) => _tokens.AsSpan(i * TextClassifier.Length, TextClassifier.Length);

    /// <summary>The position of the planted "very" in a positive (then "good" is at the next position); −1 in a negative.</summary>
    public int PlantedAt(int i) => _planted[i];

    /// <summary>The number of tokens before the padding.</summary>
    public int LengthOf(int i) => _lengths[i];

    /// <summary>The ids as the model's float input, Count × <see cref="TextClassifier.Length"/>.</summary>
    public float[] ModelInput() => [.. _tokens.Select(t => (float)t)];

    /// <summary>A seeded set of <paramref name="count"/> sequences, half positive (alternating).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is below 1.</exception>
    public static SyntheticReviews Generate(int count, int seed)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Generate at least one sequence.");
        var random = new Random(seed);
        var set = new SyntheticReviews(count);
        for (int i = 0; i < count; i++)
        {
            var row = set._tokens.AsSpan(i * TextClassifier.Length, TextClassifier.Length);
            int length = random.Next(MinimumLength, TextClassifier.Length + 1);
            for (int p = 0; p < length; p++) row[p] = random.Next(Vocabulary.FirstFiller, TextClassifier.VocabularySize);
            set._lengths[i] = length;
            set._planted[i] = -1;
            if (i % 2 == 0)
            {
                int at = random.Next(length - 1);
                row[at] = Vocabulary.Very;
                row[at + 1] = Vocabulary.Good;
                set._planted[i] = at;
                set._labels[i] = 1;
            }
            else if (random.Next(2) == 0)
            {
                PlantApart(row[..length], random);
            }
        }

        return set;
    }

    /// <summary>"very" and "good" both present but never as "very good": apart, or as "good very".</summary>
    private static void PlantApart(Span<int> row, Random random)
    {
        int very, good;
        do
        {
            very = random.Next(row.Length);
            good = random.Next(row.Length);
        }
        while (very == good || good == very + 1);

        row[very] = Vocabulary.Very;
        row[good] = Vocabulary.Good;
    }
}
