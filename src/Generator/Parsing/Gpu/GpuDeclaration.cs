using Axon.Generator.Diagnostics;
using Axon.Generator.Model;

namespace Axon.Generator.Parsing.Gpu
{
    /// <summary>
    /// What parsing a <c>[GpuModel(typeof(M))]</c> class yields, as values. <see cref="ModelKey"/> names M; when M comes
    /// from a referenced assembly its network is decoded here (<see cref="ReferencedModel"/>), otherwise it is taken
    /// from this compilation's model pipeline by key. Null <see cref="ModelKey"/> means nothing to emit.
    /// </summary>
    internal sealed record GpuDeclaration(
        string Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string ClassName,
        string HintStem,
        string ModelTypeName,
        string? ModelKey,
        ModelSpec? ReferencedModel,
        EquatableArray<DiagnosticInfo> Diagnostics,
        LocationInfo? Location = null);
}
