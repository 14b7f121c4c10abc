using Axon.Generator.Diagnostics;
using Axon.Generator.Model;

namespace Axon.Generator.Differentiation
{
    /// <summary>
    /// One containing type of a differentiable function, as the emitter re-declares it:
    /// <c>{Modifiers} partial {Keyword} {Name}</c> (e.g. <c>public static</c>, <c>class</c>, <c>Activations</c>).
    /// </summary>
    internal sealed record ContainingTypeSpec(string Modifiers, string Keyword, string Name)
    {
        public string Declaration => (Modifiers.Length > 0 ? Modifiers + " " : "") + "partial " + Keyword + " " + Name;
    }

    /// <summary>
    /// Everything the emitter needs for one derivative, as strings and equatable arrays only (no symbols,
    /// syntax or locations), so that an unchanged function compares equal across compilations and its output
    /// is not regenerated.
    /// </summary>
    /// <param name="Namespace">The containing namespace (keywords escaped), or null for the global namespace.</param>
    /// <param name="ContainingTypes">The containing types, outermost first.</param>
    /// <param name="Name">The function's name as C# source.</param>
    /// <param name="DerivativeName">The derivative's name as C# source: <c>{Name}Derivative</c>.</param>
    /// <param name="Modifiers">The derivative's modifiers, e.g. <c>public static</c>.</param>
    /// <param name="ElementType"><c>float</c> or <c>double</c>.</param>
    /// <param name="ParameterName">The parameter's name as C# source.</param>
    /// <param name="Body">The derivative's statements, one per line, without indentation.</param>
    /// <param name="HintName">The generated file's hint name.</param>
    internal sealed record ScalarFunctionSpec(
        string? Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string Name,
        string DerivativeName,
        string Modifiers,
        string ElementType,
        string ParameterName,
        EquatableArray<string> Body,
        string HintName);

    /// <summary>The parse result of one [Differentiable] method: a spec to emit, or the diagnostics that prevent it.</summary>
    internal sealed record ScalarFunctionResult(ScalarFunctionSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics)
    {
        public static readonly ScalarFunctionResult None = new ScalarFunctionResult(null, EquatableArray<DiagnosticInfo>.Empty);
    }
}
