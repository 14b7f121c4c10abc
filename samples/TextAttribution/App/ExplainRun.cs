namespace Axon.Samples.Text;

/// <summary>The default run: accuracy, explanations, the ground-truth check and the report.</summary>
internal static class ExplainRun
{
    public static int Run(TextCommand options, TextWriter output)
    {
        var model = ShippedWeights.Load();
        var heldOut = SyntheticReviews.Generate(options.HeldOut, SyntheticReviews.HeldOutSeed);
        output.WriteLine($"model: TextClassifier, {model.Parameters.Length:N0} parameters (2 encoder blocks, width {TextClassifier.Width}, {TextClassifier.Heads} heads)");
        double accuracy = TextTraining.Accuracy(model, heldOut);
        output.WriteLine($"held-out accuracy: {accuracy:P1} on {heldOut.Count} sequences (seed {SyntheticReviews.HeldOutSeed}); label 1 iff \"very good\" occurs");

        var explainer = new TextExplainer(model);
        var examples = ExampleTexts.Select(Tokenizer.Encode).ToArray();
        var explanations = explainer.Explain(examples.SelectMany(e => e).ToArray());
        foreach (var e in explanations) TokenText.Write(output, e);

        var check = GroundTruthCheck.Run(explainer, heldOut);
        output.WriteLine($"ground truth: in {check.Hits} of {check.CorrectPositives} correctly classified positives ({check.HitRate:P1}) the two tokens with the largest |layer IG| are the planted \"very good\" (required {GroundTruthCheck.Required:P0})");

        // The report shows the example texts and the first few held-out sequences of each class.
        var shown = Enumerable.Range(0, Math.Min(6, heldOut.Count)).SelectMany(i => heldOut.Sequence(i).ToArray()).ToArray();
        var report = TextReport.Build(accuracy, heldOut.Count, check, [.. explanations, .. explainer.Explain(shown)]);
        report.Save(options.ReportPath);
        output.WriteLine($"report: {options.ReportPath}");
        return check.Passes ? 0 : 5;
    }

    /// <summary>Sentences of the vocabulary: a positive, a near miss in the other order, and words apart.</summary>
    public static readonly string[] ExampleTexts =
    [
        "the movie was very good and the music was long",
        "the plot was good very long but the cast was a film",
        "very long film but good music",
    ];
}
