namespace Axon.Generator
{
    /// <summary>
    /// The names of the incremental pipeline's steps (<c>WithTrackingName</c>), in one place: the caching tests look
    /// the steps up by these constants, so a renamed step cannot leave a test asserting over a step that no longer
    /// exists (an unknown name yields no steps, and an assertion over every step of none passes).
    /// </summary>
    internal static class TrackingNames
    {
        /// <summary>One parse result (spec or diagnostics) per [Differentiable] static scalar function.</summary>
        public const string ScalarFunctionResults = "ScalarFunctionResults";

        /// <summary>The scalar-function specs the emitter consumes.</summary>
        public const string ScalarFunctionSpecs = "ScalarFunctionSpecs";

        /// <summary>The per-function diagnostics, reported apart so that their locations never invalidate the code.</summary>
        public const string ScalarFunctionDiagnostics = "ScalarFunctionDiagnostics";

        /// <summary>One parse result per [Differentiable] model class.</summary>
        public const string ModelParse = "ModelParse";

        /// <summary>The location-free model specs the emitter consumes.</summary>
        public const string ModelSpecs = "ModelSpecs";

        /// <summary>The per-model diagnostics.</summary>
        public const string ModelDiagnostics = "ModelDiagnostics";

        /// <summary>One parse result per [GpuModel(typeof(M))] class.</summary>
        public const string GpuDeclarations = "GpuDeclarations";

        /// <summary>The GPU specs (declaration and the model's network) the GPU emitter consumes.</summary>
        public const string GpuSpecs = "GpuSpecs";

        /// <summary>The additional files that may hold an ONNX model (path and base64 text).</summary>
        public const string OnnxFiles = "OnnxFiles";

        /// <summary>Each model result after the ONNX import (a hand-written model passes through unchanged).</summary>
        public const string OnnxImport = "OnnxImport";
    }
}
