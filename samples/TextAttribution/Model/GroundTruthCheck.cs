namespace Axon.Samples.Text;

/// <summary>
/// Whether the attribution finds the planted answer: over the correctly classified positives of a set, the fraction
/// whose two largest |per-token layer IG| scores sit exactly on the planted "very" and "good".
/// </summary>
public sealed record GroundTruthCheck(int Positives, int CorrectPositives, int Hits)
{
    /// <summary>The share required of the sample (95 %).</summary>
    public const double Required = 0.95;

    /// <summary>Hits / CorrectPositives (0 when there are none).</summary>
    public double HitRate => CorrectPositives == 0 ? 0 : (double)Hits / CorrectPositives;

    /// <summary>Whether <see cref="HitRate"/> reaches <see cref="Required"/>.</summary>
    public bool Passes => CorrectPositives > 0 && HitRate >= Required;

    /// <summary>Runs the check over the positives of <paramref name="data"/>.</summary>
    public static GroundTruthCheck Run(TextExplainer explainer, SyntheticReviews data)
    {
        ArgumentNullException.ThrowIfNull(explainer);
        ArgumentNullException.ThrowIfNull(data);
        var positives = Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == 1).ToArray();
        var ids = positives.SelectMany(i => data.Sequence(i).ToArray()).ToArray();
        var explanations = explainer.Explain(ids);
        int correct = 0, hits = 0;
        for (int k = 0; k < positives.Length; k++)
        {
            var e = explanations[k];
            if (e.Predicted != 1) continue;
            correct++;
            int planted = data.PlantedAt(positives[k]);
            var top = e.TopPositions(2);
            if (top.Contains(planted) && top.Contains(planted + 1)) hits++;
        }

        return new GroundTruthCheck(positives.Length, correct, hits);
    }
}
