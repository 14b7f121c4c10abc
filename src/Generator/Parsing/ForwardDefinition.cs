using System.Linq;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Parsing
{
    /// <summary>The user's forward definition: a method <c>Forward(Tensor x)</c> (its return type is checked when it is parsed).</summary>
    internal static class ForwardDefinition
    {
        public const string TensorType = "Axon.Layers.Tensor";

        public static bool Is(ISymbol member)
            => member is IMethodSymbol { Name: "Forward", Parameters.Length: 1 } method && method.Parameters[0].Type.ToDisplayString() == TensorType;

        public static IMethodSymbol? Find(INamedTypeSymbol type)
            => type.GetMembers("Forward").OfType<IMethodSymbol>().FirstOrDefault(Is);
    }
}
