using System;

namespace Axon
{
    /// <summary>
    /// Marks a field or property of a <see cref="DifferentiableAttribute"/> model as a layer. Its initializer
    /// (e.g. <c>new Dense(784, 128)</c>) must use compile-time constants: the generator reads the
    /// hyper-parameters from it. Without a <c>Forward</c> method the layers run in declaration order.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class LayerAttribute : Attribute
    {
    }
}
