// A transformer text classifier explained token by token. Without arguments: load the shipped weights, report the
// held-out accuracy, explain a few sequences (layer IG on the embeddings against an all-PAD baseline, conductance of
// each encoder block), check that the planted "very good" carries the attribution, and write an HTML report with
// token heatmaps. With --train: retrain the shipped weights from their seed.
using Axon.Samples.Text;

try
{
    return TextCommand.Parse(args) switch
    {
        { Train: true } options => TrainRun.Run(options, Console.Out),
        var options => ExplainRun.Run(options, Console.Out),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"text-attribution: error: {e.Message}");
    Console.Error.WriteLine(TextCommand.Usage);
    return 2;
}
catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException)
{
    Console.Error.WriteLine($"text-attribution: error: {e.Message}");
    return 1;
}
