using System.Globalization;
using Axon.Samples.Reporting;

namespace Axon.Samples.Text;

/// <summary>The sample's HTML report: the task, the accuracy, the ground-truth check and one token view per explained text.</summary>
internal static class TextReport
{
    public static HtmlReport Build(double accuracy, int heldOut, GroundTruthCheck check, IReadOnlyList<TokenExplanation> explanations)
    {
        var c = CultureInfo.InvariantCulture;
        var report = new HtmlReport("Axon — transformer text attribution");
        report.AddParagraph(
            "A two-block pre-LN transformer classifies sequences of words as positive exactly when the bigram \"very good\" occurs. " +
            "Each text is explained by layer Integrated Gradients at the token embedding against an all-PAD baseline (per token: the sum over the " +
            $"embedding width) and by the conductance of each encoder block's output (per position), all of the predicted class's logit margin, " +
            $"with {TextExplainer.Steps} Gauss–Legendre steps. Red tokens push towards the prediction, blue tokens against it; each row has its own scale.");
        report.AddTable(new ReportTable("Held-out set", ["Measure", "Value"],
        [
            ["Sequences", heldOut],
            ["Accuracy", TableCell.Percent(accuracy, 1)],
            ["Correctly classified positives", check.CorrectPositives],
            ["… whose top-2 |layer IG| tokens are the planted \"very good\"", TableCell.Percent(check.HitRate, 1)],
        ]));
        report.AddHeading("Token heatmaps");
        foreach (var e in explanations)
        {
            int n = e.TextLength;
            var words = e.Tokens.Take(n).Select(Vocabulary.Word).ToArray();
            var rows = new List<(string, IReadOnlyList<float>)>
            {
                ("layer IG (embedding)", e.Embedding.Take(n).ToArray()),
                ("conductance, block 1", e.Blocks[0].Take(n).ToArray()),
                ("conductance, block 2", e.Blocks[1].Take(n).ToArray()),
            };
            string title = string.Create(c, $"\"{string.Join(' ', words)}\" → class {e.Predicted} ({NumberText.Percent(e.Probability, 1)})");
            string note = string.Create(c,
                $"Margin change from all-PAD {NumberText.FormatSigned(e.MarginChange)}; completeness gaps: layer IG {NumberText.FormatSigned(e.EmbeddingGap)}, " +
                $"block 1 {NumberText.FormatSigned(e.BlockGaps[0])}, block 2 {NumberText.FormatSigned(e.BlockGaps[1])}.");
            report.AddTokenHeatmap(new TokenHeatmap(title, words, rows, note));
        }

        return report;
    }
}
