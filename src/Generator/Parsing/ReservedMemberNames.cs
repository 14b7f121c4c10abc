using System.Collections.Generic;
using System.Linq;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Parsing
{
    /// <summary>
    /// Reports (AXN013) every member of a model whose name the generated part uses: it would clash with the
    /// generated member (CS0102, CS0111) in code the user did not write. The forward definition
    /// <c>Tensor Forward(Tensor x)</c> is the one member allowed to share a name.
    /// </summary>
    internal static class ReservedMemberNames
    {
        public static bool Check(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics)
        {
            bool clean = true;
            foreach (var member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared || !GeneratedMembers.All.Contains(member.Name)) continue;
                if (ForwardDefinition.Is(member)) continue;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedMemberName, member.Locations.FirstOrDefault(), member.Name, type.Name));
                clean = false;
            }

            return clean;
        }
    }
}
