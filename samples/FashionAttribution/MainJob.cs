using System.Globalization;
using System.Text.RegularExpressions;
using Axon.IO;
using Axon.Samples.Reporting;

namespace Axon.Samples.Fashion;

/// <summary>
/// The main job: load the CNN, explain its predictions with Integrated Gradients, filter conductance, ablation and
/// patch IG, print a summary per image and write the HTML report. Everything that can fail because of the command
/// line (an output path, the weights, the images) is checked before the attributions start, and fails with one line.
/// </summary>
internal static partial class MainJob
{
    public static int Run(Options options, TextWriter output, TextWriter error)
    {
        try
        {
            return Explain(options, output);
        }
        catch (JobFailure failure)
        {
            error.WriteLine($"error: {failure.Message}");
            return failure.ExitCode;
        }
    }

    private static int Explain(Options options, TextWriter output)
    {
        OutputPath.EnsureWritable(options.ReportPath, "report");
        if (options.ResultsPath is not null) OutputPath.EnsureWritable(options.ResultsPath, "results");

        string weights = options.WeightsPath ?? Input("shipped weights", () => Assets.Weights);
        var model = LoadModel(weights);
        output.WriteLine(Invariant($"Model: {nameof(FashionCnn)}, {FashionCnn.ParameterCount:N0} parameters from {Path.GetFileName(weights)}"));

        bool fromTestSet = options.TestSet || options.Evaluate > 0;
        var images = fromTestSet
            ? Input("Fashion-MNIST test set", () => ImageSet.LoadTestSet(options.TestSet ? Larger(options.Limit, options.Evaluate) : Math.Max(options.Evaluate, 1)))
            : Input("shipped sample images", () => ImageSet.LoadShipped(Assets.Samples));

        using var backend = AttributionBackend.Create(model, options.Device);
        output.WriteLine(backend.Description);
        var analyzer = new ImageAnalyzer(model, options.Steps, options.Tolerance, options.TopFilters, backend.Attributor);
        var console = JobConsole.Create(output);
        var analyses = new List<ImageAnalysis>();
        var tables = new List<ReportTable>();
        if (!fromTestSet)
        {
            ExplainShipped(analyzer, images, options, output, analyses);
        }
        else if (options.TestSet)
        {
            analyses.AddRange(TestSetRun.Run(console, analyzer, options.Limit is { } limit ? images.Take(limit) : images, options, tables));
        }

        // With --test-set too, the results file gets the test-set run's table before the evaluations' (one command, all of it).
        if (options.Evaluate > 0) tables.AddRange(EvaluationRun.Run(console, model, images.Take(options.Evaluate), options, [.. tables]));

        var report = ReportBuilder.Create(images.Origin, analyzer, analyses, tables);
        report.Save(options.ReportPath);
        output.WriteLine();
        output.WriteLine($"Report: {Path.GetFullPath(options.ReportPath)}");
        return ExitCodes.Done;
    }

    private static void ExplainShipped(ImageAnalyzer analyzer, ImageSet images, Options options, TextWriter output, List<ImageAnalysis> analyses)
    {
        var names = FashionMnist.ClassNames;
        string adaptive = options.Tolerance > 0 ? $", raised until |delta| <= {TestSetSummary.ToleranceText(options.Tolerance)} of F(x) - F(baseline)" : "";
        output.WriteLine(Invariant($"Explaining {images.Count} {images.Origin} against a black baseline (Gauss–Legendre from n = {options.Steps}{adaptive}); filters of '{analyzer.LayerName}':"));
        for (int i = 0; i < images.Count; i++)
        {
            var a = analyzer.Analyze(images.Image(i), images.Labels[i], images.SourceIndices[i]);
            analyses.Add(a);
            output.WriteLine();
            output.WriteLine(Invariant($"image #{a.SourceIndex}: true {names[a.Label]}, predicted {names[a.Predicted]} ({NumberText.Percent(a.Confidence, 1)}){(a.Label == a.Predicted ? "" : "  <- wrong")}"));
            string meaning = a.ConductanceDeltaIsCompletenessGap ? "equal by construction (a cut layer)" : "only the rule's error (not a cut layer)";
            output.WriteLine(Invariant($"  F(x) - F(baseline) = {a.TargetChange:F3}; quadrature error: IG {a.IgDelta:+0.000;-0.000} (n = {a.IgSteps}), conductance {a.ConductanceDelta:+0.000;-0.000} (n = {a.ConductanceSteps}), {meaning}; {a.Milliseconds:F0} ms warm"));
            output.WriteLine("  top filters by conductance (ablation drop):  " + string.Join("   ", a.Filters.Take(options.TopFilters).Select(f => Invariant($"f{f.Filter} {f.Conductance:+0.000;-0.000} ({f.AblationDrop:+0.000;-0.000})"))));
        }

        if (analyzer.WarmUpMilliseconds is { } warmUp)
        {
            output.WriteLine();
            output.WriteLine(Invariant($"Times are warm: an untimed warm-up run on the first image came first (JIT compilation, {warmUp:F0} ms)."));
        }
    }

    /// <summary>Test images to load when the test-set run (null: all) and the evaluation both need some.</summary>
    private static int? Larger(int? limit, int evaluate) => limit is { } n ? Math.Max(n, evaluate) : null;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The CNN with the weights at <paramref name="path"/>; a missing, unreadable or unfitting file is a <see cref="JobFailure"/>.</summary>
    private static FashionCnn LoadModel(string path)
    {
        // A directory opens as "access denied" on Unix, which would send the user looking at permissions.
        if (Directory.Exists(path)) throw new JobFailure(ExitCodes.InputMissing, $"cannot load the weights: '{path}' is a directory, not a safetensors file.");
        var model = new FashionCnn();
        return Input("weights", () =>
        {
            ModelWeights.Load(model, path);
            return model;
        }, path);
    }

    /// <summary>Reads an input, turning the ways a file can fail into a <see cref="JobFailure"/> with one line.</summary>
    /// <param name="path">The file read, when the caller knows it; else the exception's message names it.</param>
    private static T Input<T>(string what, Func<T> read, string? path = null)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException e)
        {
            throw new JobFailure(ExitCodes.InputInvalid, $"cannot load the {what}: {OneLine(e.Message)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string problem = (e, path) switch
            {
                (_, null) => OneLine(e.Message),
                (FileNotFoundException, _) => $"'{path}': no such file.",
                (DirectoryNotFoundException, _) => $"'{path}': no such file (its folder does not exist).",
                (UnauthorizedAccessException, _) => $"'{path}' cannot be read (permission denied).",
                _ => $"'{path}': {OneLine(e.Message)}",
            };
            throw new JobFailure(ExitCodes.InputMissing, $"cannot load the {what}: {problem}");
        }
    }

    /// <summary>Joins a message's lines (a list of tensors that do not fit) so the error stays one line.</summary>
    private static string OneLine(string message) => LineBreak().Replace(message.Trim(), " ");

    [GeneratedRegex(@"\s*\n\s*(-\s+)?")]
    private static partial Regex LineBreak();
}
