namespace Axon.Generator.Model
{
    /// <summary>Where a model class is declared: its namespace ("" for the global one), containing types and name.</summary>
    /// <param name="TypeKeyword">The keyword its partial declaration needs: class, record, struct or record struct.</param>
    internal sealed record ModelIdentity(string Namespace, EquatableArray<ContainingTypeSpec> ContainingTypes, string ClassName, string TypeKeyword);
}
