using System.CommandLine;
using System.CommandLine.Parsing;

namespace Axon.Samples.Fashion;

// The whole-test-set measurement of the exact rule, run in resumable chunks: --exact-test-set [--from A] [--to B]
// [--csv PATH] appends one line per image to the CSV (images already there are skipped), and --summarise-exact PATH
// prints what a CSV adds up to. Both replace the main job's work. --exact-results PATH puts a CSV's summary into the
// evaluation's tables (and so into --results).
internal sealed partial class MainJobCommand
{
    private readonly Option<bool> _exactTestSet = new("--exact-test-set")
    {
        Description = "Run the exact rule (double, with adaptive Gauss-Legendre to 1e-3 beside it) on test images [--from, --to) and append one line per image to --csv; images already in the CSV are skipped, so a stopped run resumes",
    };

    private readonly Option<int> _from = new("--from")
    {
        Description = "With --exact-test-set: the first test image",
        HelpName = "N",
        DefaultValueFactory = _ => 0,
        CustomParser = NonNegativeCount,
    };

    private readonly Option<int> _to = new("--to")
    {
        Description = "With --exact-test-set: one past the last test image (at most 10000)",
        HelpName = "N",
        DefaultValueFactory = _ => 10_000,
        CustomParser = PositiveCount,
    };

    private readonly Option<string> _csv = new("--csv")
    {
        Description = "With --exact-test-set: the CSV to append to",
        HelpName = "PATH",
        DefaultValueFactory = _ => Path.Combine("out", "exact-test-set.csv"),
    };

    private readonly Option<string?> _summariseExact = new("--summarise-exact")
    {
        Description = "Print what an --exact-test-set CSV adds up to (segments, max |delta|, time, Gauss-Legendre's time) and exit",
        HelpName = "PATH",
    };

    private readonly Option<string?> _exactResults = new("--exact-results")
    {
        Description = "With --evaluate: an --exact-test-set CSV whose summary joins the results (the exact rule on the whole test set)",
        HelpName = "PATH",
    };

    private void AddExactTestSetOptions()
    {
        foreach (var option in new Option[] { _exactTestSet, _from, _to, _csv, _summariseExact, _exactResults }) Root.Options.Add(option);
        Root.Validators.Add(result =>
        {
            bool exact = result.GetValue(_exactTestSet);
            if (!exact && (result.GetResult(_from) is { Implicit: false } || result.GetResult(_to) is { Implicit: false } || result.GetResult(_csv) is { Implicit: false }))
                result.AddError("--from, --to and --csv go with --exact-test-set.");
            if (exact && result.GetValue(_summariseExact) is not null)
                result.AddError("--exact-test-set and --summarise-exact are separate runs; give one.");
            if (result.GetValue(_exactResults) is not null && result.GetResult(_evaluate) is null)
                result.AddError("--exact-results goes with --evaluate.");
        });
    }

    /// <summary>Runs the exact-rule measurement or its summary when the command line asks for one; null otherwise.</summary>
    private int? RunExactTestSet(ParseResult result, TextWriter output, TextWriter error)
    {
        string? summarise = result.GetValue(_summariseExact);
        bool exact = result.GetValue(_exactTestSet);
        if (summarise is null && !exact) return null;
        try
        {
            if (summarise is not null)
            {
                var results = ExactTestSetCsv.Read(summarise);
                if (results.Count == 0) throw new JobFailure(ExitCodes.InputInvalid, $"'{summarise}' holds no results yet.");
                ExactTestSetSummary.Of(results).Print(output);
                return ExitCodes.Done;
            }

            int from = result.GetValue(_from), to = result.GetValue(_to);
            if (from >= to) throw new JobFailure(ExitCodes.BadArguments, $"--from ({from}) must be below --to ({to}).");
            string csv = result.GetValue(_csv)!;
            OutputPath.EnsureWritable(csv, "exact-rule CSV");
            var options = Bind(result);
            string weights = options.WeightsPath ?? Assets.Weights;
            var model = new FashionCnn();
            try
            {
                Axon.IO.ModelWeights.Load(model, weights);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new JobFailure(e is InvalidDataException ? ExitCodes.InputInvalid : ExitCodes.InputMissing, $"cannot load the weights '{weights}': {e.Message}");
            }

            ImageSet images;
            try
            {
                images = ImageSet.LoadTestSet(to);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new JobFailure(ExitCodes.InputMissing, $"cannot read the Fashion-MNIST test set (apt-get install dataset-fashion-mnist): {e.Message}");
            }

            return ExactTestSetRun.Run(model, images, from, to, csv, output);
        }
        catch (JobFailure failure)
        {
            error.WriteLine($"error: {failure.Message}");
            return failure.ExitCode;
        }
    }

    private static int NonNegativeCount(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)) return n;
        result.AddError($"{OptionName(result)} needs a whole number >= 0, not '{text}'.");
        return 0;
    }
}
