using Axon.Generator.Diagnostics;

namespace Axon.Generator.Model
{
    /// <summary>What the model pipeline makes of one [Differentiable] class: the model to emit (null on errors) and the diagnostics.</summary>
    internal sealed record ModelResult(ModelSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics)
    {
        /// <summary>For a [Differentiable(Onnx = "...")] class: what the ONNX import step needs (the spec comes from it).</summary>
        public Onnx.OnnxImportRequest? Onnx { get; init; }
    }
}
