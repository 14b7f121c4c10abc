using Microsoft.CodeAnalysis;

namespace Axon.Generator.Diagnostics
{
    /// <summary>Every diagnostic the Axon generator reports, in one place. IDs are stable: never reuse one.</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "Axon";
        // No help link: the project has no public address yet. Each diagnostic's page is a section of
        // docs/diagnostics.md, which ships in the repository and inside the Axon.Runtime package (docs/diagnostics.md).
        private static string Help(string id) => "See docs/diagnostics.md, section " + id + " (in the repository and in the Axon.Runtime package).";

        private static DiagnosticDescriptor Error(string id, string title, string message)
            => new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description: Help(id));

        private static DiagnosticDescriptor Warning(string id, string title, string message)
            => new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description: Help(id));

        public static readonly DiagnosticDescriptor ModelNotPartial = Error(
            "AXN001", "Differentiable model must be partial",
            "The [Differentiable] class '{0}' must be declared partial (and every containing type too) so that the generator can add its forward and backward code");

        public static readonly DiagnosticDescriptor UnsupportedForwardConstruct = Error(
            "AXN002", "Unsupported construct in Forward",
            "'{0}' is not supported in a Forward definition: use layer applications (layer.Apply(x)), locals, '+', '-', '*' (by a constant or element-wise), Tensor.Concat, Channels, Flatten, Reshape and Apply(function), and return the output");

        public static readonly DiagnosticDescriptor ShapeMismatch = Error(
            "AXN003", "Shape mismatch between connected layers",
            "Layer '{0}' cannot take an input of shape [{1}]: {2}");

        public static readonly DiagnosticDescriptor MissingInputShape = Error(
            "AXN004", "Missing input shape",
            "The [Differentiable] model '{0}' needs [InputShape(...)] with positive dimensions to fix the shape of every layer");

        public static readonly DiagnosticDescriptor NonDifferentiableCall = Error(
            "AXN005", "Non-differentiable construct in a differentiable function",
            "'{0}' cannot be differentiated: a [Differentiable] function may use arithmetic, Exp, Log, Tanh, Sqrt, Pow with an exponent that does not depend on the parameter, Max, Min, Abs, Sin, Cos, locals and conditional expressions");

        public static readonly DiagnosticDescriptor UnusedLayer = Warning(
            "AXN006", "Layer is never used",
            "The layer '{0}' is declared but the Forward definition never applies it; it still holds parameters");

        public static readonly DiagnosticDescriptor InvalidLayerDeclaration = Error(
            "AXN007", "Invalid layer declaration",
            "The layer '{0}' {1}");

        public static readonly DiagnosticDescriptor InvalidHyperParameter = Error(
            "AXN008", "Invalid layer hyper-parameter",
            "The layer '{0}' has an invalid hyper-parameter: {1}");

        public static readonly DiagnosticDescriptor ActivationFunctionNotUsable = Error(
            "AXN009", "Activation function cannot be used",
            "The activation '{0}' {1}");

        public static readonly DiagnosticDescriptor InvalidDifferentiableFunction = Error(
            "AXN010", "Invalid differentiable function",
            "The [Differentiable] function '{0}' {1}");

        public static readonly DiagnosticDescriptor EmptyModel = Error(
            "AXN011", "Model has no layers",
            "The [Differentiable] model '{0}' declares no [Layer] members");

        public static readonly DiagnosticDescriptor UnsupportedModelType = Error(
            "AXN012", "Model type cannot hold a generated model",
            "The [Differentiable] model '{0}' {1}");

        public static readonly DiagnosticDescriptor ReservedMemberName = Error(
            "AXN013", "Name reserved for a generated member",
            "'{0}' is the name of a member the generator adds to the model '{1}'; rename it");

        public static readonly DiagnosticDescriptor NetworkTooLarge = Error(
            "AXN014", "Network too large",
            "'{0}' needs {1} {2}, more than an array can hold ({3} at most)");

        public static readonly DiagnosticDescriptor InternalGeneratorError = Error(
            "AXN015", "Internal generator error",
            "The generator failed on '{0}' and wrote no code for it: {1}. Please report this with the model's source.");

        public static readonly DiagnosticDescriptor PrunedValue = Warning(
            "AXN016", "Value computed in Forward is pruned",
            "'{0}' is computed in Forward, but the returned value does not depend on it: it is left out of the generated network{1}, so no tap or attribution can read it");

        // Models with several inputs: IDs AXN030–AXN039.
        public static readonly DiagnosticDescriptor MissingInputShapeOfInput = Error(
            "AXN030", "Missing input shape of one input",
            "Input '{0}' of the several-input Forward of '{1}' needs [InputShape(...)] with positive dimensions on its parameter");

        public static readonly DiagnosticDescriptor InputShapeDeclaredTwice = Error(
            "AXN031", "Input shape declared on the class and on Forward's parameters",
            "'{0}' declares [InputShape] on the class and on Forward's parameters: declare each input's shape on its parameter, and none on the class");

        public static readonly DiagnosticDescriptor NoAttributedInput = Error(
            "AXN032", "Every input is fixed",
            "Every input of '{0}' is [Fixed], so there is nothing to attribute: leave at least one input without [Fixed]");

        public static readonly DiagnosticDescriptor ForwardParameterNotTensor = Error(
            "AXN033", "Forward parameter is not a Tensor",
            "Parameter '{0}' of Forward is a '{1}': every input of a forward definition is a Tensor passed by value (a value that stays the same along the path is an input marked [Fixed])");

        public static readonly DiagnosticDescriptor UnusedInput = Warning(
            "AXN034", "Input is never used",
            "Input '{0}' is not used by Forward: the output does not depend on it, so its values in the packed input row are ignored and their attributions are zero");

        // GPU kernels ([GpuModel(typeof(M))] in a project that references Axon.Gpu): IDs from AXN100.
        public static readonly DiagnosticDescriptor GpuTargetNotModel = Error(
            "AXN100", "GPU model type is not a differentiable model",
            "'{0}' is not a [Differentiable] model compiled by the Axon generator, so there is no network to write GPU kernels for");

        public static readonly DiagnosticDescriptor GpuClassInvalid = Error(
            "AXN101", "GPU class must be a non-generic partial class",
            "The [GpuModel] class '{0}' must be a non-static, non-generic partial class (and every containing type partial) so that the generator can add the kernels");

        public static readonly DiagnosticDescriptor GpuDescriptionUnreadable = Error(
            "AXN102", "Model was compiled by another Axon version",
            "The network description stored on '{0}' cannot be read by this generator: build the model's project with the same Axon version");

        // Layers without GPU kernels (none in this version: an op added later without them); transformer layers take IDs AXN040–049, convolution and sequence layers AXN050–059.
        public static readonly DiagnosticDescriptor GpuLayerUnsupported = Error(
            "AXN040", "Layer has no GPU kernels",
            "Layer '{0}' ({1}) of model '{2}' cannot run on the GPU backend: {3}; run this model with the CPU backend");

        // ONNX import ([Differentiable(Onnx = "model.onnx")]): IDs from AXN120.
        public static readonly DiagnosticDescriptor OnnxFileMissing = Error(
            "AXN120", "ONNX file not found",
            "The ONNX model '{0}' of '{1}' is not among the compilation's additional files{2}");

        public static readonly DiagnosticDescriptor OnnxFileUnreadable = Error(
            "AXN121", "ONNX file cannot be read",
            "'{0}' cannot be read as an ONNX model: {1}");

        public static readonly DiagnosticDescriptor OnnxUnsupportedOperator = Error(
            "AXN122", "ONNX operator not supported",
            "The ONNX node '{0}' uses the operator '{1}', which Axon cannot import{2}");

        public static readonly DiagnosticDescriptor OnnxUnsupportedAttribute = Error(
            "AXN123", "ONNX attribute value not supported",
            "The ONNX node '{0}' ({1}) has {2}, which Axon cannot import");

        public static readonly DiagnosticDescriptor OnnxUnsupportedGraph = Error(
            "AXN124", "ONNX graph cannot be imported",
            "The ONNX graph of '{0}' {1}");

        public static readonly DiagnosticDescriptor OnnxModelDeclaresNetwork = Error(
            "AXN125", "ONNX model declares a network of its own",
            "'{0}' takes its network from '{1}', so it cannot also declare {2}");

        public static readonly DiagnosticDescriptor OnnxResizeUnsupported = Error(
            "AXN126", "ONNX resize mode not supported",
            "The ONNX node '{0}' ({1}) resizes with {2}, which Axon's Upsample does not compute; it imports an integer factor with PyTorch's 'nearest' (asymmetric, floor) or 'nearest-exact' (half_pixel, rounding), or 'bilinear' with align_corners=False (linear, half_pixel or pytorch_half_pixel)");

        public static readonly DiagnosticDescriptor OnnxRecurrentUnsupported = Error(
            "AXN127", "ONNX recurrent layer not supported",
            "The ONNX node '{0}' ({1}) has {2}; Axon imports a one-layer, forward-only {1} with PyTorch's equations, default activations and a zero initial state");

        public static readonly DiagnosticDescriptor OnnxAttentionUnsupported = Error(
            "AXN128", "ONNX attention subgraph not supported",
            "The ONNX node '{0}' ({1}) starts an attention computation that Axon cannot import: {2}; declare the model by hand with a MultiHeadAttention layer and load its weights by name");
    }
}
