using System;

namespace Axon
{
    /// <summary>
    /// On a <c>partial class</c>: asks the Axon generator for forward, reverse-mode, forward-mode and layer-tap
    /// code specialised to the network the class declares with <see cref="LayerAttribute"/> members.
    /// On a static scalar function (<c>static float F(float x)</c>): asks for its derivative, emitted at compile
    /// time as <c>FDerivative</c> beside it, so that the function can serve as an activation layer.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class DifferentiableAttribute : Attribute
    {
        /// <summary>The element type of the generated model: <see cref="ElementType.Float"/> unless set.</summary>
        public ElementType ElementType { get; set; } = ElementType.Float;

        /// <summary>
        /// On a model class: the ONNX file the network comes from (e.g. <c>"mlp.onnx"</c>), listed in the project
        /// as <c>&lt;AxonOnnx Include="mlp.onnx" /&gt;</c>. The generator maps its operators to Axon layers at
        /// compile time and embeds its initializers as the model's weights; the class then declares no
        /// [Layer] members, no [InputShape] and no Forward (docs/own-model.md, "From PyTorch via ONNX").
        /// </summary>
        public string? Onnx { get; set; }
    }

    /// <summary>Element type of a generated model's parameters, activations and gradients.</summary>
    public enum ElementType
    {
        /// <summary>32-bit floats (<c>float</c>): the default, and what trained weights usually are.</summary>
        Float = 0,

        /// <summary>64-bit floats (<c>double</c>): for gradient checks and tight completeness tolerances.</summary>
        Double = 1,
    }
}
