namespace Axon.Attribution;

/// <summary>
/// Bounds on the work of one path-method call, computed in long before anything runs: without them a huge baseline
/// draw or region count wraps an int product into a negative length (a generic out-of-range error from deep inside)
/// or asks for an array larger than .NET allows (OutOfMemoryException), after the call has started.
/// </summary>
internal static class PathLimits
{
    /// <summary>
    /// The most model evaluations (batch rows) one call may make. Even on a tiny model each costs about a
    /// microsecond, so this is over half an hour of work; more is a mistake in the arguments, not a request.
    /// </summary>
    public const long MaxEvaluations = int.MaxValue;

    /// <summary>
    /// Paths (inputs × baselines per input) are indexed by int and drawn baselines are kept one per path, so
    /// their count must fit one array; the evaluations are paths × <paramref name="nodes"/> per path.
    /// </summary>
    public static void CheckPaths(int count, int pathsPerInput, long nodes)
    {
        long paths = (long)count * pathsPerInput;
        if (paths > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException("baseline", pathsPerInput,
                $"{count} input(s) × {pathsPerInput} baseline(s) per input = {paths} paths, more than the {Array.MaxLength} one call can hold; draw fewer baselines or pass fewer inputs.");
        }

        long evaluations = paths * nodes;
        if (evaluations > MaxEvaluations)
        {
            throw new ArgumentOutOfRangeException("options", evaluations,
                $"{paths} path(s) × {nodes} node(s) = {evaluations} model evaluations, more than the {MaxEvaluations} one call may make; use fewer steps, baselines or inputs per call.");
        }
    }

    /// <summary>Model evaluations per path of a path method: the rule's nodes at the largest n it may use.</summary>
    public static long Nodes(IntegrationOptions options)
    {
        long steps = options.Tolerance > 0 ? options.MaxSteps : options.Steps;
        return options.PathForm == LayerPathForm.Difference ? steps + 1 : steps;
    }

    /// <summary>
    /// Patch IG keeps one indicator row (InputSize values) per region, and each input's results are regions × layer
    /// size values; both products must fit one array.
    /// </summary>
    public static void CheckRegions(int regions, int inputSize, int layerSize, string parameterName)
    {
        long indicators = (long)regions * inputSize;
        if (indicators > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(parameterName, regions,
                $"{regions} regions × {inputSize} input elements = {indicators} region indicator values, more than the {Array.MaxLength} an array holds; pass the regions in several calls.");
        }

        long results = (long)regions * layerSize;
        if (results > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(parameterName, regions,
                $"{regions} regions × {layerSize} neurons = {results} results per input, more than the {Array.MaxLength} an array holds; pass the regions in several calls.");
        }
    }
}
