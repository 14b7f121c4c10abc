using static Axon.Generator.Tests.Onnx.OnnxAttributeValue;

namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// A learned position table added to the embeddings, in the two ways torch.onnx.export writes it: "param" — an
/// nn.Parameter pos_embed of [1, L, E] (an initializer named after the module attribute), x + pos_embed; "folded" —
/// nn.Embedding(L, E)(torch.arange(L)), which constant folding turns into a Constant node of [L, E] named after the
/// Gather it replaced, added as pos + x (constant first).
/// </summary>
public sealed partial class OnnxTestNetwork
{
    /// <summary>x [B, 3, 4] → Add of the position table → Flatten → Gemm head (2 outputs).</summary>
    public static OnnxTestNetwork Positional(string form)
    {
        const int e = 4, length = 3;
        bool folded = form == "folded";
        string layer = folded ? "pos_embedding1" : "pos_embed";
        var table = Values(211, length * e, 0.8);
        var w = new Dictionary<string, float[]>
        {
            [layer + ".weight"] = table,
            ["head.weight"] = Values(212, 2 * length * e),
            ["head.bias"] = Values(213, 2),
        };
        var b = new OnnxModelBuilder { Opset = 17 }
            .Input("x", 1, new long?[] { null, length, e })
            .Output("y", null, 2)
            .Initializer("head.weight", new long[] { 2, length * e }, w["head.weight"])
            .Initializer("head.bias", new long[] { 2 }, w["head.bias"]);
        if (folded)
        {
            b.Node("Constant", "/pos/Constant", new string[0], new[] { "/pos/Gather_output_0" }, FloatTensor("value", new long[] { length, e }, table))
                .Node("Add", "/Add", new[] { "/pos/Gather_output_0", "x" }, new[] { "h" });
        }
        else
        {
            b.Initializer("pos_embed", new long[] { 1, length, e }, table)
                .Node("Add", "/Add", new[] { "x", "pos_embed" }, new[] { "h" });
        }

        var model = b
            .Node("Flatten", "/flatten/Flatten", new[] { "h" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/head/Gemm", new[] { "f", "head.weight", "head.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "positional-" + form,
            Model = model,
            InputShape = $"{length}, {e}",
            InputSize = length * e,
            HandBody = $"[Layer] readonly PositionalEmbedding {layer} = new({length}, {e}); [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense head = new({length * e}, 2);",
            Weights = w,
        };
    }

    /// <summary>
    /// A token transformer with learned positions: ids [B, 4] → Gather of emb.weight [10, 4] read as [B, L, E] → Add of
    /// the position table nn.Embedding(4, 4)(arange(4)) folded to a Constant → packed self-attention ("split", 2
    /// heads) → Flatten → Gemm head.
    /// </summary>
    public static OnnxTestNetwork TokenTransformer()
    {
        const int e = 4, length = 4, vocabulary = 10;
        var w = new Dictionary<string, float[]>
        {
            ["emb.weight"] = Values(221, vocabulary * e, 0.9),
            ["pos_embedding1.weight"] = Values(222, length * e, 0.6),
            ["head.weight"] = Values(223, 2 * length * e),
            ["head.bias"] = Values(224, 2),
        };
        var b = new OnnxModelBuilder { Opset = 17 }
            .Input("ids", 7, new long?[] { null, length })
            .Output("y", null, 2)
            .Initializer("emb.weight", new long[] { vocabulary, e }, w["emb.weight"])
            .Initializer("head.weight", new long[] { 2, length * e }, w["head.weight"])
            .Initializer("head.bias", new long[] { 2 }, w["head.bias"])
            .Node("Gather", "/emb/Gather", new[] { "emb.weight", "ids" }, new[] { "tokens" })
            .Node("Constant", "/pos/Constant", new string[0], new[] { "/pos/Gather_output_0" }, FloatTensor("value", new long[] { length, e }, w["pos_embedding1.weight"]))
            .Node("Add", "/Add", new[] { "tokens", "/pos/Gather_output_0" }, new[] { "x" });
        Attention(b, w, "attn", "x", "a", "split", 2, length, e, 2, 225, causal: false);
        var model = b
            .Node("Flatten", "/flatten/Flatten", new[] { "a" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/head/Gemm", new[] { "f", "head.weight", "head.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "token-transformer",
            Model = model,
            InputShape = $"{length}",
            InputSize = length,
            HandBody = $$"""
                [Layer] readonly Embedding emb = new({{vocabulary}}, {{e}}); [Layer] readonly PositionalEmbedding pos_embedding1 = new({{length}}, {{e}});
                [Layer] readonly MultiHeadAttention attn = new({{e}}, 2); [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense head = new({{length * e}}, 2);
                Tensor Forward(Tensor x) => head.Apply(flatten.Apply(attn.Apply(pos_embedding1.Apply(emb.Apply(x).Transpose()))));
                """,
            Weights = w,
        };
    }

    /// <summary>x [B, 3, 4] + a constant of [<paramref name="dims"/>] that is not a position table (refused, AXN123).</summary>
    public static byte[] ConstantAdd(long[] dims)
    {
        int count = (int)dims.Aggregate(1L, (a, d) => a * d);
        return new OnnxModelBuilder { Opset = 17 }
            .Input("x", 1, new long?[] { null, 3, 4 })
            .Output("y", null, 12)
            .Initializer("offset", dims, Values(214, count))
            .Node("Add", "/Add", new[] { "x", "offset" }, new[] { "h" })
            .Node("Flatten", "/flatten/Flatten", new[] { "h" }, new[] { "y" }, Int("axis", 1))
            .Build();
    }
}
