using Axon.Samples.Fashion;

namespace Axon.Samples.Tests;

/// <summary>
/// `--evaluate --results` writes both ablation removals (to the baseline activation and to zero) and keeps the sections
/// nothing of the file it replaces: every number comes from the run (and from the exact-rule CSV it is given).
/// </summary>
public class EvaluationResultsTests
{
    [Fact]
    public void RegeneratingTheResultsReplacesTheWholeFileAndShowsBothRemovals()
    {
        using var directory = new TempDirectory();
        string results = Path.Combine(directory.Path, "results.md");
        const string kept = "## Whole test set (main job)\n\nmeasured by hand: 77.9 s\n";
        File.WriteAllText(results, "# old tables\n\n| stale |\n\n<!-- an old marker -->\n\n" + kept);
        string exactCsv = Path.Combine(directory.Path, "exact.csv");
        using (var csv = ExactTestSetCsv.OpenForAppend(exactCsv))
            csv.Append([new ExactImageResult(0, 9, 9, 1000, 1e-12, 1e-13, 150, 50, 512, 9e-4, 290, 100), new ExactImageResult(1, 2, 2, 2000, -3e-12, 2e-13, 250, 50, 1024, 8e-4, 490, 100)]);

        var run = JobRun.Start("--evaluate", "12", "--steps", "8", "--report-images", "1", "--top", "1", "--device", "cpu",
            "--report", Path.Combine(directory.Path, "report.html"), "--results", results, "--exact-results", exactCsv);
        Assert.True(run.ExitCode == 0, run.Error);

        string text = File.ReadAllText(results);
        Assert.DoesNotContain("| stale |", text);
        Assert.Contains("| to baseline activation |", text);
        Assert.Contains("| to zero |", text);
        Assert.Contains("| top − mean logit |", text);                         // Shrikumar et al.'s target beside the raw logit
        Assert.Contains("eq. 7 difference form (10 intervals, 11 points)", text);
        Assert.Contains("| × DeepLIFT rescale |", text);                       // the runtime ratios, from the same run
        Assert.Contains("p vs DeepLIFT", text);
        Assert.DoesNotContain("measured by hand", text);
        Assert.Contains("## The exact rule on the shipped CNN (12 images)", text);
        Assert.Contains("## Every neuron's conductance map (3136 neurons of relu2, 10 images)", text);
        Assert.Contains("--exact-results " + exactCsv + " --results", text);          // the command that regenerates it
        Assert.Contains("## The exact rule on the whole test set (2 images)", text);
        Assert.Contains("| 2 | 1500 | 2000 |", text);                               // images, mean and max segments from the CSV
    }
}
