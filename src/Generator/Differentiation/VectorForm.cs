using Axon.Generator.Model;

namespace Axon.Generator.Differentiation
{
    /// <summary>
    /// The vector form of a [Differentiable] scalar function and of its derivative, as the model emitter writes them
    /// into the function's activation struct (an <c>IVectorActivation&lt;T&gt;</c>): each body's statements, one per
    /// line, over the type parameters <see cref="VectorType"/> and <see cref="MathType"/>.
    /// </summary>
    /// <param name="Parameter">The parameter's name as C# source (the function's own).</param>
    /// <param name="VectorType">The vector type parameter's name (<c>TVec</c> unless the body uses that name).</param>
    /// <param name="MathType">The operations' type parameter's name (<c>TMath</c> unless the body uses that name).</param>
    /// <param name="Value">f's statements.</param>
    /// <param name="Derivative">f′'s statements: the same program as the generated scalar derivative.</param>
    internal sealed record VectorForm(
        string Parameter,
        string VectorType,
        string MathType,
        EquatableArray<string> Value,
        EquatableArray<string> Derivative);
}
