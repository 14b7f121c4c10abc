using System.Linq;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Parsing
{
    /// <summary>
    /// The user's forward definition: a method <c>Forward(Tensor x)</c>, or <c>Forward(Tensor a, Tensor b, …)</c> for a
    /// model with several inputs (its return type is checked when it is parsed).
    /// </summary>
    internal static class ForwardDefinition
    {
        public const string TensorType = "Axon.Layers.Tensor";

        public static bool Is(ISymbol member)
            => member is IMethodSymbol { Name: "Forward", Parameters.Length: >= 1 } method && method.Parameters.All(IsTensor);

        public static IMethodSymbol? Find(INamedTypeSymbol type)
            => type.GetMembers("Forward").OfType<IMethodSymbol>().FirstOrDefault(Is);

        /// <summary>
        /// A Forward that returns a Tensor and takes a Tensor, but also something else: meant as a forward definition
        /// with an input the generator cannot feed (reported, instead of silently running the layers in order).
        /// </summary>
        public static IMethodSymbol? FindWithNonTensorParameter(INamedTypeSymbol type)
            => type.GetMembers("Forward").OfType<IMethodSymbol>().FirstOrDefault(m =>
                m.ReturnType.ToDisplayString() == TensorType && m.Parameters.Any(IsTensor) && !m.Parameters.All(IsTensor));

        public static bool IsTensor(IParameterSymbol parameter) => parameter.Type.ToDisplayString() == TensorType && parameter.RefKind == RefKind.None;
    }
}
