using System;

namespace Axon
{
    /// <summary>
    /// The per-sample shape of a model's input, channels first (e.g. <c>[InputShape(1, 28, 28)]</c> for one
    /// 28×28 image, <c>[InputShape(784)]</c> for a vector, <c>[InputShape(32)]</c> for 32 token ids).
    /// Every layer's shape is inferred from it at compile time.
    /// </summary>
    /// <remarks>
    /// A model with one input puts it on the class. A model with several inputs puts it on each parameter of its
    /// <c>Forward</c> method instead: <c>Tensor Forward([InputShape(1, 28, 28)] Tensor image, [InputShape(4)] Tensor meta)</c>.
    /// The inputs are then packed one after another, in parameter order, into one input row of the model.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class InputShapeAttribute : Attribute
    {
        /// <param name="dimensions">The per-sample input shape, channels first (e.g. 1, 28, 28); every dimension positive.</param>
        public InputShapeAttribute(params int[] dimensions)
        {
            Dimensions = dimensions;
        }

        /// <summary>The per-sample input shape, channels first.</summary>
        public int[] Dimensions { get; }
    }
}
