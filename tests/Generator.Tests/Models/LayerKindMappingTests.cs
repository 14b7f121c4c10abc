using Axon.Generator.Emit;
using Axon.Generator.Model;
using Axon.Model;

namespace Axon.Generator.Tests.Models;

/// <summary>
/// The generator's ops and the runtime's <see cref="LayerKind"/> correspond one to one through
/// <see cref="LayerKindNames"/>: an op added without a runtime kind, or a runtime kind no op produces, fails here
/// rather than reaching a model's layer catalogue (where the runtime decides, e.g., which prefix is affine).
/// </summary>
public sealed class LayerKindMappingTests
{
    [Fact]
    public void Every_op_maps_to_a_runtime_layer_kind()
    {
        foreach (var op in Enum.GetValues<OpKind>())
        {
            string name = LayerKindNames.MemberName(op);
            Assert.True(Enum.TryParse<LayerKind>(name, ignoreCase: false, out var kind) && Enum.IsDefined(kind), $"{op} maps to '{name}', which Axon.Model.LayerKind does not define.");
            Assert.Equal("global::Axon.Model.LayerKind." + name, LayerKindNames.Expression(op));
        }
    }

    [Fact]
    public void Every_runtime_layer_kind_is_produced_by_exactly_one_op()
    {
        var produced = Enum.GetValues<OpKind>().Select(LayerKindNames.MemberName).ToArray();
        foreach (var kind in Enum.GetValues<LayerKind>())
        {
            Assert.Single(produced, name => name == kind.ToString());
        }
    }

    [Fact]
    public void An_op_outside_the_enum_has_no_runtime_kind()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerKindNames.MemberName((OpKind)(-1)));
    }
}
