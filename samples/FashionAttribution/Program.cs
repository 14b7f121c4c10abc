// Axon's main job: load the shipped Fashion-MNIST CNN, explain its predictions with Integrated Gradients, filter
// conductance, ablation and patch IG, print a summary per image and write a self-contained HTML report.
using Axon.Data;
using Axon.IO;
using Axon.Samples.Fashion;

Options options;
try
{
    options = Options.Parse(args);
}
catch (Options.HelpRequested)
{
    Console.WriteLine(Options.Usage);
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var model = new FashionCnn();
string weights = options.WeightsPath.Length > 0 ? options.WeightsPath : Assets.Weights;
ModelWeights.Load(model, weights);
Console.WriteLine($"Model: {nameof(FashionCnn)}, {FashionCnn.ParameterCount:N0} parameters from {Path.GetFileName(weights)}");

ImageSet images;
try
{
    images = options.TestSet || options.Evaluate > 0 ? ImageSet.LoadTestSet(options.TestSet ? options.Limit : Math.Max(options.Evaluate, 1)) : ImageSet.LoadShipped(Assets.Samples);
}
catch (FileNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}

var analyzer = new ImageAnalyzer(model, options.Steps, options.Tolerance, options.TopFilters);
var analyses = new List<ImageAnalysis>();
var tables = new List<Axon.Samples.Reporting.ReportTable>();
var names = FashionMnist.ClassNames;

if (!options.TestSet && options.Evaluate == 0)
{
    Console.WriteLine($"Explaining {images.Count} {images.Origin} against a black baseline (Gauss–Legendre from n = {options.Steps}" +
        (options.Tolerance > 0 ? $", raised until |delta| <= {options.Tolerance:P1} of F(x) - F(baseline)" : "") + $"); filters of '{analyzer.LayerName}':");
    for (int i = 0; i < images.Count; i++)
    {
        var a = analyzer.Analyze(images.Image(i), images.Labels[i], images.SourceIndices[i]);
        analyses.Add(a);
        Console.WriteLine();
        Console.WriteLine($"image #{a.SourceIndex}: true {names[a.Label]}, predicted {names[a.Predicted]} ({a.Confidence:P1}){(a.Label == a.Predicted ? "" : "  <- wrong")}");
        Console.WriteLine($"  F(x) - F(baseline) = {a.TargetChange:F3}; convergence delta: IG {a.IgDelta:+0.000;-0.000} (n = {a.IgSteps}), conductance {a.ConductanceDelta:+0.000;-0.000} (n = {a.ConductanceSteps}); {a.Milliseconds:F0} ms");
        Console.WriteLine("  top filters by conductance (ablation drop):  " + string.Join("   ", a.Filters.Take(options.TopFilters).Select(f => $"f{f.Filter} {f.Conductance:+0.000;-0.000} ({f.AblationDrop:+0.000;-0.000})")));
    }
}
else if (options.TestSet)
{
    analyses.AddRange(TestSetRun.Run(analyzer, images, options, tables));
}

if (options.Evaluate > 0)
{
    tables.AddRange(EvaluationRun.Run(model, images, options));
}

var report = ReportBuilder.Create(images.Origin, analyzer, analyses, tables);
report.Save(options.ReportPath);
Console.WriteLine();
Console.WriteLine($"Report: {Path.GetFullPath(options.ReportPath)}");
return 0;
