using System;

namespace Axon
{
    /// <summary>
    /// Marks an input of a several-input <c>Forward</c> as fixed: it takes part in the forward pass (a mask, a
    /// conditioning vector) but is neither interpolated nor attributed. Along every attribution path it keeps the
    /// value of the input being explained, so its attribution is zero and the other inputs' attributions sum to
    /// F(x) − F(x′) with x′ holding the same fixed values (Captum's <c>additional_forward_args</c>).
    /// </summary>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class FixedAttribute : Attribute
    {
    }
}
