using Axon.Generator.Diagnostics;

namespace Axon.Generator.Model
{
    /// <summary>What the model pipeline makes of one [Differentiable] class: the model to emit (null on errors) and the diagnostics.</summary>
    internal sealed record ModelResult(ModelSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
}
