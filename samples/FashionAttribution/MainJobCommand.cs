using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Axon.Samples.Fashion;

/// <summary>
/// The main job's command line (System.CommandLine): its options with their help, defaults and validation. Parse
/// errors print one line each and exit with <see cref="ExitCodes.BadArguments"/>; --help prints the usage.
/// </summary>
internal sealed partial class MainJobCommand
{
    private readonly Option<int?> _testSet = new("--test-set")
    {
        Description = "Attribute the first N Fashion-MNIST test images (all 10,000 without N); needs the Debian package dataset-fashion-mnist",
        HelpName = "N",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => result.Tokens.Count == 0 ? null : PositiveCount(result),
    };

    private readonly Option<int?> _evaluate = new("--evaluate")
    {
        Description = "Run the papers' evaluations (ablation agreement and error, feature selection, patch-IG validation) on the first N test images (1000 without N); with --test-set, --results gets the test-set table too",
        HelpName = "N",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => result.Tokens.Count == 0 ? 1000 : PositiveCount(result),
    };

    private readonly Option<int> _steps = new("--steps")
    {
        Description = "Integration steps (Gauss-Legendre; the adaptive mode starts here)",
        HelpName = "N",
        DefaultValueFactory = _ => 50,
        CustomParser = PositiveCount,
    };

    private readonly Option<double> _tolerance = new("--tolerance")
    {
        Description = "Raise n until |delta| / |F(x) - F(baseline)| <= T (0: fixed n)",
        HelpName = "T",
        DefaultValueFactory = _ => 0.01,
        CustomParser = NonNegativeNumber,
    };

    private readonly Option<int> _top = new("--top")
    {
        Description = "Filters shown with patch IG",
        HelpName = "N",
        DefaultValueFactory = _ => 3,
        CustomParser = PositiveCount,
    };

    private readonly Option<string> _report = new("--report")
    {
        Description = "Where to write the HTML report",
        HelpName = "PATH",
        DefaultValueFactory = _ => Options.DefaultReportPath,
    };

    private readonly Option<int> _reportImages = new("--report-images")
    {
        Description = "Images detailed in the report",
        HelpName = "N",
        DefaultValueFactory = _ => 12,
        CustomParser = PositiveCount,
    };

    private readonly Option<string?> _results = new("--results")
    {
        Description = "Also write the evaluation tables as Markdown to this file",
        HelpName = "PATH",
    };

    private readonly Option<string?> _weights = new("--weights")
    {
        Description = "Explain the model with these safetensors weights instead of the shipped ones",
        HelpName = "PATH",
    };

    private readonly Option<DeviceOption> _device = new("--device")
    {
        Description = "Where attributions run: cpu (SIMD), gpu (the generated ILGPU kernels: CUDA, else ILGPU's CPU simulator), auto (gpu with CUDA, else cpu)",
        HelpName = "cpu|gpu|auto",
        DefaultValueFactory = _ => DeviceOption.Auto,
        CustomParser = ParseDevice,
    };

    public MainJobCommand()
    {
        Root = new RootCommand(
            "Axon main job: explain the shipped Fashion-MNIST CNN's predictions. Without options it attributes the images " +
            "shipped in samples/Assets, prints a summary per image and writes the HTML report.\n" +
            "Exit codes: 0 done, 2 bad arguments, 3 an input file is missing or unreadable, 4 an input file is invalid, " +
            "5 an output file cannot be written.")
        {
            _testSet, _evaluate, _steps, _tolerance, _top, _report, _reportImages, _results, _weights, _device,
        };
        AddExactTestSetOptions();
    }

    public RootCommand Root { get; }

    /// <summary>Parses <paramref name="args"/> and runs the job; messages and help go to the given writers.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var command = new MainJobCommand();
        var parsed = command.Root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors) error.WriteLine($"error: {parseError.Message}");
            error.WriteLine("Use --help to list the options.");
            return ExitCodes.BadArguments;
        }

        command.Root.SetAction(result => command.RunExactTestSet(result, output, error) ?? MainJob.Run(command.Bind(result), output, error));
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>The options a successful parse gave.</summary>
    public Options Bind(ParseResult result)
    {
        bool testSet = result.GetResult(_testSet) is not null;
        return new Options
        {
            TestSet = testSet,
            Limit = testSet ? result.GetValue(_testSet) : null,
            Evaluate = result.GetValue(_evaluate) ?? 0,
            Steps = result.GetValue(_steps),
            Tolerance = result.GetValue(_tolerance),
            TopFilters = result.GetValue(_top),
            ReportPath = result.GetValue(_report) ?? Options.DefaultReportPath,
            ReportImages = result.GetValue(_reportImages),
            ResultsPath = result.GetValue(_results),
            ExactResultsPath = result.GetValue(_exactResults),
            WeightsPath = result.GetValue(_weights),
            Device = result.GetValue(_device),
        };
    }

    private static DeviceOption ParseDevice(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        switch (text.ToLowerInvariant())
        {
            case "cpu": return DeviceOption.Cpu;
            case "gpu": return DeviceOption.Gpu;
            case "auto": return DeviceOption.Auto;
            default:
                result.AddError($"--device takes cpu, gpu or auto, not '{text}'.");
                return DeviceOption.Auto;
        }
    }

    private static int PositiveCount(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0) return n;
        result.AddError($"{OptionName(result)} needs a positive whole number, not '{text}'.");
        return 0;
    }

    private static double NonNegativeNumber(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x >= 0 && double.IsFinite(x)) return x;
        result.AddError($"{OptionName(result)} needs a number >= 0, not '{text}'.");
        return 0;
    }

    private static string OptionName(ArgumentResult result) => result.Parent is OptionResult option ? $"'{option.Option.Name}'" : "The value";
}
