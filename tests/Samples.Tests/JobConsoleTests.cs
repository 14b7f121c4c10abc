using System.Globalization;
using Axon.Samples.Fashion;
using Spectre.Console;
using Xunit.Abstractions;

namespace Axon.Samples.Tests;

/// <summary>
/// Off a terminal (piped, redirected, a test's writer) the job's console output is not wrapped: Spectre.Console
/// would otherwise assume 80 columns and break every longer line.
/// </summary>
public sealed class JobConsoleTests(ITestOutputHelper output)
{
    [Fact]
    public void Off_a_terminal_long_lines_and_tables_are_not_wrapped()
    {
        var writer = new StringWriter();
        IAnsiConsole console = JobConsole.Create(writer);
        string line = string.Join(", ", Enumerable.Range(0, 40).Select(i => $"item {i}"));
        Assert.True(line.Length > 200);
        console.MarkupLine(Markup.Escape(line));
        console.WriteLine(line);
        var table = new Table().AddColumn("Method").AddColumn("Caption");
        table.AddRow("Conductance", line);
        console.Write(table);

        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(line, lines[0]);
        Assert.Equal(line, lines[1]);
        Assert.Contains(lines, l => l.Contains(line, StringComparison.Ordinal)); // the table's cell on one row
        Assert.DoesNotContain("\u001b[", writer.ToString()); // and no colour codes in a file
    }

    [Fact]
    public void A_piped_test_set_run_prints_its_summary_on_one_line_with_a_percentage_and_the_n_that_ran()
    {
        if (!FashionMnist.IsInstalled())
        {
            output.WriteLine($"Skipped: Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist).");
            return;
        }

        using var temp = new TempDirectory();
        string report = temp.File("report.html");
        var run = JobRun.Start("--test-set", "3", "--steps", "8", "--tolerance", "0", "--report-images", "1", "--top", "1", "--device", "cpu", "--report", report);
        output.WriteLine(run.Output);
        Assert.True(run.ExitCode == ExitCodes.Done, run.Error);

        string summary = Assert.Single(run.Output.Split('\n'), l => l.StartsWith("3 images in ", StringComparison.Ordinal));
        Assert.Matches(@"accuracy \d{1,3}\.\d\d%, ", summary);
        Assert.Contains("; Gauss–Legendre n = 8; ", summary);
        Assert.Matches(@"time: attribution \d+\.\d\d s \(IG and conductance in one path pass\), ablations \d+\.\d\d s, other \d+\.\d\d s$", summary.TrimEnd('\r'));
        Assert.DoesNotContain("E-0", run.Output);

        string html = File.ReadAllText(report);
        Assert.Contains("Test-set run (3 images, Gauss–Legendre n = 8)", html);
        Assert.Matches(@"<td class=""num"" data-value=""[0-9.E-]+"">\d{1,3}\.\d\d%</td>", html);
    }

    [Fact]
    public void An_adaptive_test_set_run_is_labelled_with_the_largest_n_it_reached()
    {
        if (!FashionMnist.IsInstalled())
        {
            output.WriteLine($"Skipped: Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist).");
            return;
        }

        using var temp = new TempDirectory();
        string report = temp.File("report.html");
        var run = JobRun.Start("--test-set", "3", "--steps", "8", "--tolerance", "0.01", "--report-images", "1", "--top", "1", "--device", "cpu", "--report", report);
        Assert.True(run.ExitCode == ExitCodes.Done, run.Error);

        string summary = Assert.Single(run.Output.Split('\n'), l => l.StartsWith("3 images in ", StringComparison.Ordinal));
        var reached = System.Text.RegularExpressions.Regex.Match(summary, @"Gauss–Legendre n adaptive from 8, up to (\d+) reached \(tolerance 1% of \|F\(x\) − F\(baseline\)\|\)");
        Assert.True(reached.Success, summary);
        int n = int.Parse(reached.Groups[1].Value, CultureInfo.InvariantCulture);
        // The adaptive mode doubles n from 8, up to the job's cap of 800.
        bool doubled = n >= 8 && n % 8 == 0 && System.Numerics.BitOperations.IsPow2(n / 8);
        Assert.True(doubled || n == 800, $"the adaptive mode doubles n from 8 up to 800; the run says it reached {n}");
        Assert.Contains($"Test-set run (3 images, Gauss–Legendre n adaptive from 8, up to {n} reached", File.ReadAllText(report));
    }

    [Fact]
    public void The_shipped_run_prints_invariant_numbers_says_why_deltas_agree_and_that_its_times_are_warm()
    {
        using var temp = new TempDirectory();
        CultureInfo saved = CultureInfo.CurrentCulture;
        JobRun run;
        try
        {
            // A culture that would write "9,028" and "97,1 %" if the job used the current culture.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.PercentDecimalSeparator = ",";
            CultureInfo.CurrentCulture = comma;
            run = JobRun.Start("--top", "1", "--device", "cpu", "--report", temp.File("report.html"));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        output.WriteLine(run.Output);
        Assert.True(run.ExitCode == ExitCodes.Done, run.Error);
        string[] lines = run.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        string[] images = lines.Where(l => l.StartsWith("image #", StringComparison.Ordinal)).ToArray();
        string[] deltas = lines.Where(l => l.StartsWith("  F(x) - F(baseline) = ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(12, images.Length);
        Assert.Equal(12, deltas.Length);
        Assert.All(images, l => Assert.Matches(@"\(\d{1,3}\.\d%\)", l));
        Assert.All(deltas, l => Assert.Matches(@"^  F\(x\) - F\(baseline\) = -?\d+\.\d{3}; quadrature error: IG [+-]\d+\.\d{3} \(n = \d+\), conductance [+-]\d+\.\d{3} \(n = \d+\), equal by construction \(a cut layer\); \d+ ms warm$", l));
        Assert.Contains(lines, l => l.StartsWith("Times are warm: an untimed warm-up run on the first image came first", StringComparison.Ordinal));
    }
}
