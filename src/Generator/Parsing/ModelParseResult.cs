using Axon.Generator.Diagnostics;
using Axon.Generator.Model;

namespace Axon.Generator.Parsing
{
    /// <summary>What parsing one [Differentiable] class yields: the model to emit (null on errors) and the diagnostics.</summary>
    internal sealed record ModelParseResult(ModelSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
}
