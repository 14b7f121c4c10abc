using static Axon.Generator.Tests.Onnx.OnnxAttributeValue;

namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// nn.MultiheadAttention with its packed in-projection and nn.TransformerEncoderLayer, written node by node as
/// torch.onnx.export emits them at opset 17–20 with fixed sizes. The attention comes in four forms:
/// <list type="bullet">
/// <item>"split": batch first — MatMul by the [E, 3E] transposed in_proj_weight, Add of in_proj_bias, Split along the
/// last axis, per chunk Reshape [0, L, H, d] + Transpose (keys [0, 2, 3, 1]), Div of the scores by √d, Softmax, the
/// product with the values, Transpose + Reshape [0, L, E], MatMul + Add of the out projection.</item>
/// <item>"slice": the same with one Slice per chunk instead of the Split.</item>
/// <item>"sdpa": what nn.MultiheadAttention(batch_first=True) exports when it calls scaled_dot_product_attention
/// (need_weights=False, as TransformerEncoderLayer calls it): Transpose [1, 0, 2] to sequence first, MatMul + Add,
/// unflatten (Reshape [L, B, 3, E]) → Unsqueeze(0) → Transpose [3, 1, 2, 0, 4] → Squeeze(3) → Gather(0, i), per chunk
/// Reshape [L, B·H, d] → Transpose [1, 0, 2] → Reshape [B, H, L, d]; keys Transpose [0, 1, 3, 2]; q and kᵀ each
/// multiplied by 1/√√d; Softmax, product; Transpose [2, 0, 1, 3] → Reshape [L·B, E] → Gemm(out_proj, transB = 1)
/// → Reshape [L, B, E] → Transpose [1, 0, 2].</item>
/// <item>"bmm": the need_weights=True path — chunks as in "sdpa" but kept as [B·H, L, d], q multiplied by 1/√d once,
/// keys Transpose [0, 2, 1], product with the values, Transpose [1, 0, 2] → Reshape [L·B, E] → Gemm → Reshape →
/// Transpose.</item>
/// </list>
/// The sequence-first forms fix the batch size in the file (their Reshapes name B·H), as an export with a fixed example does.
/// </summary>
public sealed partial class OnnxTestNetwork
{
    /// <summary>x [B, 3, 4] → packed self-attention (2 heads) → Flatten → Gemm head.</summary>
    /// <paramref name="causalAsWhere"/>: the causal mask as Where(constant boolean, −∞, scores) instead of an Add.
    /// <paramref name="defect"/>: "swap" splits the chunks in the order k, q, v; "half-scale" scales only q by 1/√√d (both unsupported).
    public static OnnxTestNetwork PackedAttention(string form, bool causal = false, string defect = "", bool causalAsWhere = false)
    {
        const int e = 4, length = 3, batch = 2;
        var w = new Dictionary<string, float[]>
        {
            ["head.weight"] = Values(141, 2 * length * e),
            ["head.bias"] = Values(142, 2),
        };
        bool fixedBatch = form is "sdpa" or "bmm";
        var builder = new OnnxModelBuilder { Opset = 17 }
            .Input("x", 1, new long?[] { fixedBatch ? batch : null, length, e })
            .Output("y", fixedBatch ? batch : null, 2)
            .Initializer("head.weight", new long[] { 2, length * e }, w["head.weight"])
            .Initializer("head.bias", new long[] { 2 }, w["head.bias"]);
        Attention(builder, w, "attn", "x", "a", form, batch, length, e, 2, 150, causal, defect, causalAsWhere: causalAsWhere);
        var model = builder
            .Node("Flatten", "/flatten/Flatten", new[] { "a" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/head/Gemm", new[] { "f", "head.weight", "head.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "packed-" + form,
            Model = model,
            InputShape = $"{length}, {e}",
            InputSize = length * e,
            HandBody = $"[Layer] readonly MultiHeadAttention attn = new({e}, 2, causal: {(causal ? "true" : "false")}); [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense head = new({length * e}, 2);",
            Weights = w,
        };
    }

    /// <summary>
    /// Opset 23's Attention operator (E = 4, 2 heads, L = 3) over q/k/v projections (MatMul + Add each), then the out
    /// projection (MatMul + Add), Flatten and a Gemm head. <paramref name="form"/>: "3d" (rank-3 operands, q_num_heads =
    /// kv_num_heads = 2), "3d-causal" (is_causal = 1), "4d" (each operand Reshape [0, 3, 2, 2] + Transpose [0, 2, 1, 3],
    /// the result Transpose + Reshape back), "packed" (one [4, 12] MatMul + Add, Split into the three operands),
    /// "gqa" (kv_num_heads = 1: refused).
    /// </summary>
    public static OnnxTestNetwork AttentionOperator(string form)
    {
        const int e = 4, length = 3, heads = 2, d = 2;
        bool packed = form == "packed";
        var w = new Dictionary<string, float[]>
        {
            ["attn.out_proj.weight"] = Values(201, e * e, 0.8),
            ["attn.out_proj.bias"] = Values(202, e, 0.3),
            ["attn.in_proj_bias"] = Values(203, 3 * e, 0.3),
            ["head.weight"] = Values(204, 2 * length * e),
            ["head.bias"] = Values(205, 2),
        };
        if (packed) w["attn.in_proj_weight"] = Values(206, 3 * e * e, 0.8);
        else foreach (var (r, seed) in new[] { ("q", 207), ("k", 208), ("v", 209) }) w[$"attn.{r}_proj_weight"] = Values(seed, e * e, 0.8);
        var b = new OnnxModelBuilder { Opset = 23 }
            .Input("x", 1, new long?[] { null, length, e })
            .Output("y", null, 2)
            .Initializer("head.weight", new long[] { 2, length * e }, w["head.weight"])
            .Initializer("head.bias", new long[] { 2 }, w["head.bias"])
            .Initializer("onnx::MatMul_o", new long[] { e, e }, Transposed(w["attn.out_proj.weight"], e, e))
            .Initializer("attn.out_proj.bias", new long[] { e }, w["attn.out_proj.bias"])
            .Int64Initializer("/attn/heads", new long[] { 0, length, heads, d })
            .Int64Initializer("/attn/merged", new long[] { 0, length, e });
        string[] roles = { "q", "k", "v" };
        var operands = new string[3];
        if (packed)
        {
            b.Initializer("onnx::MatMul_in", new long[] { e, 3 * e }, Transposed(w["attn.in_proj_weight"], 3 * e, e))
                .Initializer("attn.in_proj_bias", new long[] { 3 * e }, w["attn.in_proj_bias"])
                .Int64Initializer("/attn/split", new long[] { e, e, e })
                .Node("MatMul", "/attn/MatMul", new[] { "x", "onnx::MatMul_in" }, new[] { "p0" })
                .Node("Add", "/attn/Add", new[] { "p0", "attn.in_proj_bias" }, new[] { "p" })
                .Node("Split", "/attn/Split", new[] { "p", "/attn/split" }, new[] { "q", "k", "v" }, Int("axis", 2));
            operands = roles;
        }
        else
        {
            for (int i = 0; i < 3; i++)
            {
                string r = roles[i];
                b.Initializer("onnx::MatMul_" + r, new long[] { e, e }, Transposed(w[$"attn.{r}_proj_weight"], e, e))
                    .Initializer($"attn.{r}_proj.bias", new long[] { e }, w["attn.in_proj_bias"].Skip(i * e).Take(e).ToArray())
                    .Node("MatMul", $"/attn/{r}_proj/MatMul", new[] { "x", "onnx::MatMul_" + r }, new[] { r + "0" })
                    .Node("Add", $"/attn/{r}_proj/Add", new[] { r + "0", $"attn.{r}_proj.bias" }, new[] { r });
                operands[i] = r;
                if (form == "4d")
                {
                    b.Node("Reshape", $"/attn/Reshape_{i}", new[] { r, "/attn/heads" }, new[] { r + "r" })
                        .Node("Transpose", $"/attn/Transpose_{i}", new[] { r + "r" }, new[] { r + "t" }, Ints("perm", 0, 2, 1, 3));
                    operands[i] = r + "t";
                }
            }
        }

        var attributes = new List<OnnxAttributeValue>();
        if (form != "4d") attributes.AddRange(new[] { Int("q_num_heads", heads), Int("kv_num_heads", form == "gqa" ? 1 : heads) });
        if (form == "3d-causal") attributes.Add(Int("is_causal", 1));
        b.Node("Attention", "/attn/Attention", operands, new[] { "c" }, attributes.ToArray());
        string merged = "c";
        if (form == "4d")
        {
            b.Node("Transpose", "/attn/Transpose_3", new[] { "c" }, new[] { "ct" }, Ints("perm", 0, 2, 1, 3))
                .Node("Reshape", "/attn/Reshape_3", new[] { "ct", "/attn/merged" }, new[] { "cm" });
            merged = "cm";
        }

        var model = b
            .Node("MatMul", "/attn/out_proj/MatMul", new[] { merged, "onnx::MatMul_o" }, new[] { "o" })
            .Node("Add", "/attn/out_proj/Add", new[] { "o", "attn.out_proj.bias" }, new[] { "a" })
            .Node("Flatten", "/flatten/Flatten", new[] { "a" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/head/Gemm", new[] { "f", "head.weight", "head.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "operator-" + form,
            Model = model,
            InputShape = $"{length}, {e}",
            InputSize = length * e,
            HandBody = $"[Layer] readonly MultiHeadAttention attn = new({e}, {heads}, causal: {(form == "3d-causal" ? "true" : "false")}{(packed ? "" : ", separateProjections: true")}); " +
                       $"[Layer] readonly Flatten flatten = new(); [Layer] readonly Dense head = new({length * e}, 2);",
            Weights = w,
        };
    }

    /// <summary>
    /// Token ids [B, 4] (pad id 0) → Gather of emb.weight [10, 4] read as [B, L, E] → packed self-attention ("split") whose
    /// scores get a key-padding mask computed from the ids, spelled as <paramref name="spelling"/>:
    /// "where" — Equal(ids, 0) → Where(·, −∞, 0) → Unsqueeze(1, 2) → Add (PyTorch's float key_padding_mask);
    /// "hf" — Not(Equal(ids, 0)) → Cast → Unsqueeze(1, 2) → Sub(1, ·) → Mul(−10000) → Add (HuggingFace's extended mask);
    /// "fill" — Equal(ids, 0) → Unsqueeze(1, 2) → Where(·, −∞, scores) (masked_fill on the scores);
    /// "causal" — "where" plus a constant causal mask added before it.
    /// Then Flatten and a Gemm head.
    /// </summary>
    public static OnnxTestNetwork PaddedAttention(string spelling)
    {
        const int e = 4, length = 4, vocabulary = 10;
        var w = new Dictionary<string, float[]>
        {
            ["emb.weight"] = Values(191, vocabulary * e, 0.9),
            ["head.weight"] = Values(192, 2 * length * e),
            ["head.bias"] = Values(193, 2),
        };
        var b = new OnnxModelBuilder { Opset = 17 }
            .Input("ids", 7, new long?[] { spelling == "mha" ? 2 : null, length })
            .Output("y", spelling == "mha" ? 2 : null, 2)
            .Initializer("emb.weight", new long[] { vocabulary, e }, w["emb.weight"])
            .Initializer("head.weight", new long[] { 2, length * e }, w["head.weight"])
            .Initializer("head.bias", new long[] { 2 }, w["head.bias"])
            .Node("Gather", "/emb/Gather", new[] { "emb.weight", "ids" }, new[] { "x" })
            .Int64Scalar("/pad", 0)
            .Int64Initializer("/mask_axes", new long[] { 1, 2 })
            .Initializer("/minus_inf", new long[0], new[] { float.NegativeInfinity })
            .Initializer("/zero", new long[0], new[] { 0f })
            .Initializer("/one", new long[0], new[] { 1f })
            .Initializer("/minus_ten_thousand", new long[0], new[] { -10000f });
        switch (spelling)
        {
            case "hf":
                b.Node("Equal", "/Equal", new[] { "ids", "/pad" }, new[] { "is_pad" })
                    .Node("Not", "/Not", new[] { "is_pad" }, new[] { "keep" })
                    .Node("Cast", "/Cast", new[] { "keep" }, new[] { "keep_f" }, Int("to", 1))
                    .Node("Unsqueeze", "/Unsqueeze", new[] { "keep_f", "/mask_axes" }, new[] { "keep_4d" })
                    .Node("Sub", "/Sub", new[] { "/one", "keep_4d" }, new[] { "drop" })
                    .Node("Mul", "/Mul", new[] { "drop", "/minus_ten_thousand" }, new[] { "mask" });
                break;
            case "mha":
                // F.multi_head_attention_forward: the float key_padding_mask viewed [B, 1, 1, L], expanded over the heads,
                // merged to [B·H, 1, L], then viewed [B, H, 1, L] for scaled_dot_product_attention.
                b.Int64Initializer("/kpm_view", new long[] { 2, 1, 1, length })
                    .Int64Initializer("/kpm_expand", new long[] { 2, 2, 1, length })
                    .Int64Initializer("/kpm_merge", new long[] { 4, 1, length })
                    .Int64Initializer("/kpm_split", new long[] { 2, 2, 1, length })
                    .Node("Equal", "/Equal", new[] { "ids", "/pad" }, new[] { "is_pad" })
                    .Node("Where", "/Where", new[] { "is_pad", "/minus_inf", "/zero" }, new[] { "kpm" })
                    .Node("Reshape", "/Reshape", new[] { "kpm", "/kpm_view" }, new[] { "kpm_v" })
                    .Node("Expand", "/Expand", new[] { "kpm_v", "/kpm_expand" }, new[] { "kpm_e" })
                    .Node("Reshape", "/Reshape_1", new[] { "kpm_e", "/kpm_merge" }, new[] { "kpm_m" })
                    .Node("Reshape", "/Reshape_2", new[] { "kpm_m", "/kpm_split" }, new[] { "mask" });
                break;
            case "fill":
                b.Node("Equal", "/Equal", new[] { "ids", "/pad" }, new[] { "is_pad" })
                    .Node("Unsqueeze", "/Unsqueeze", new[] { "is_pad", "/mask_axes" }, new[] { "mask" });
                break;
            default:
                // "queries" hides query rows instead of key columns, "small" adds −1 instead of −∞ (both refused).
                b.Int64Initializer("/query_axes", new long[] { 1, 3 })
                    .Initializer("/minus_one", new long[0], new[] { -1f })
                    .Node("Equal", "/Equal", new[] { "ids", "/pad" }, new[] { "is_pad" })
                    .Node("Where", "/Where", new[] { "is_pad", spelling == "small" ? "/minus_one" : "/minus_inf", "/zero" }, new[] { "mask_2d" })
                    .Node("Unsqueeze", "/Unsqueeze", new[] { "mask_2d", spelling == "queries" ? "/query_axes" : "/mask_axes" }, new[] { "mask" });
                break;
        }

        Attention(b, w, "attn", "x", "a", spelling == "mha" ? "sdpa" : "split", 2, length, e, 2, 195, spelling == "causal", padMask: spelling == "fill" ? "fill:mask" : "add:mask");
        var model = b
            .Node("Flatten", "/flatten/Flatten", new[] { "a" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/head/Gemm", new[] { "f", "head.weight", "head.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "padded-" + spelling,
            Model = model,
            InputShape = $"{length}",
            InputSize = length,
            HandBody = $$"""
                [Layer] readonly Embedding emb = new({{vocabulary}}, {{e}}); [Layer] readonly MultiHeadAttention attn = new({{e}}, 2, causal: {{(spelling == "causal" ? "true" : "false")}}, padTokenId: 0);
                [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense head = new({{length * e}}, 2);
                Tensor Forward(Tensor x) => head.Apply(flatten.Apply(attn.Apply(emb.Apply(x).Transpose())));
                """,
            Weights = w,
        };
    }

    /// <summary>
    /// nn.TransformerEncoderLayer(d_model = 4, nhead = 2, dim_feedforward = 8, batch_first = True) in eval mode (its
    /// dropouts Identity nodes), post-LN (x → norm1(x + sa(x)) → norm2(h + ff(h))) or <paramref name="normFirst"/>
    /// (x + sa(norm1(x)), then h + ff(norm2(h))), ReLU (opset 17) or GELU (opset 20's Gelu), its attention in the
    /// "sdpa" form; then Flatten and a Gemm head.
    /// </summary>
    public static OnnxTestNetwork EncoderLayer(bool normFirst, bool gelu)
    {
        const int e = 4, length = 3, batch = 2, hidden = 8;
        var w = new Dictionary<string, float[]>
        {
            ["linear1.weight"] = Values(161, hidden * e, 0.7),
            ["linear1.bias"] = Values(162, hidden, 0.3),
            ["linear2.weight"] = Values(163, e * hidden, 0.5),
            ["linear2.bias"] = Values(164, e, 0.3),
            ["norm1.weight"] = Values(165, e, 0.3).Select(v => 1 + v).ToArray(),
            ["norm1.bias"] = Values(166, e, 0.2),
            ["norm2.weight"] = Values(167, e, 0.3).Select(v => 1 + v).ToArray(),
            ["norm2.bias"] = Values(168, e, 0.2),
            ["head.weight"] = Values(169, 2 * length * e),
            ["head.bias"] = Values(170, 2),
        };
        var builder = new OnnxModelBuilder { Opset = gelu ? 20 : 17 }
            .Input("x", 1, new long?[] { batch, length, e })
            .Output("y", batch, 2);
        foreach (var name in new[] { "norm1", "norm2" })
        {
            builder.Initializer(name + ".weight", new long[] { e }, w[name + ".weight"]).Initializer(name + ".bias", new long[] { e }, w[name + ".bias"]);
        }

        builder
            .Initializer("onnx::MatMul_l1", new long[] { e, hidden }, Transposed(w["linear1.weight"], hidden, e))
            .Initializer("linear1.bias", new long[] { hidden }, w["linear1.bias"])
            .Initializer("onnx::MatMul_l2", new long[] { hidden, e }, Transposed(w["linear2.weight"], e, hidden))
            .Initializer("linear2.bias", new long[] { e }, w["linear2.bias"])
            .Initializer("head.weight", new long[] { 2, length * e }, w["head.weight"])
            .Initializer("head.bias", new long[] { 2 }, w["head.bias"]);

        void Norm(string name, string input, string output)
            => builder.Node("LayerNormalization", $"/{name}/LayerNormalization", new[] { input, name + ".weight", name + ".bias" }, new[] { output }, Int("axis", -1), Float("epsilon", 1e-5f));

        void FeedForward(string input, string output)
        {
            builder
                .Node("MatMul", "/linear1/MatMul", new[] { input, "onnx::MatMul_l1" }, new[] { "l1m" })
                .Node("Add", "/linear1/Add", new[] { "linear1.bias", "l1m" }, new[] { "l1" })
                .Node(gelu ? "Gelu" : "Relu", gelu ? "/activation/Gelu" : "/activation/Relu", new[] { "l1" }, new[] { "act" })
                .Node("Identity", "/dropout/Identity", new[] { "act" }, new[] { "actd" })
                .Node("MatMul", "/linear2/MatMul", new[] { "actd", "onnx::MatMul_l2" }, new[] { "l2m" })
                .Node("Add", "/linear2/Add", new[] { "linear2.bias", "l2m" }, new[] { "l2" })
                .Node("Identity", "/dropout2/Identity", new[] { "l2" }, new[] { output });
        }

        if (normFirst)
        {
            Norm("norm1", "x", "n1");
            Attention(builder, w, "self_attn", "n1", "sa", "sdpa", batch, length, e, 2, 180, false);
            builder.Node("Identity", "/dropout1/Identity", new[] { "sa" }, new[] { "sad" }).Node("Add", "/Add", new[] { "x", "sad" }, new[] { "h" });
            Norm("norm2", "h", "n2");
            FeedForward("n2", "ff");
            builder.Node("Add", "/Add_1", new[] { "h", "ff" }, new[] { "z" });
        }
        else
        {
            Attention(builder, w, "self_attn", "x", "sa", "sdpa", batch, length, e, 2, 180, false);
            builder.Node("Identity", "/dropout1/Identity", new[] { "sa" }, new[] { "sad" }).Node("Add", "/Add", new[] { "x", "sad" }, new[] { "r1" });
            Norm("norm1", "r1", "h");
            FeedForward("h", "ff");
            builder.Node("Add", "/Add_1", new[] { "h", "ff" }, new[] { "r2" });
            Norm("norm2", "r2", "z");
        }

        var model = builder
            .Node("Flatten", "/flatten/Flatten", new[] { "z" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/head/Gemm", new[] { "f", "head.weight", "head.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        string layers = $"""
            [Layer] readonly MultiHeadAttention self_attn = new({e}, 2); [Layer] readonly LayerNorm norm1 = new({e}, epsilon: 1e-5f); [Layer] readonly LayerNorm norm2 = new({e}, epsilon: 1e-5f);
            [Layer] readonly Dense linear1 = new({e}, {hidden}); [Layer] readonly {(gelu ? "Gelu" : "ReLU")} activation = new(); [Layer] readonly Dense linear2 = new({hidden}, {e});
            [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense head = new({length * e}, 2);
            """;
        string forward = normFirst
            ? """
              Tensor Forward(Tensor x)
              {
                  var h = x + self_attn.Apply(norm1.Apply(x));
                  var z = h + linear2.Apply(activation.Apply(linear1.Apply(norm2.Apply(h))));
                  return head.Apply(flatten.Apply(z));
              }
              """
            : """
              Tensor Forward(Tensor x)
              {
                  var h = norm1.Apply(x + self_attn.Apply(x));
                  var z = norm2.Apply(h + linear2.Apply(activation.Apply(linear1.Apply(h))));
                  return head.Apply(flatten.Apply(z));
              }
              """;
        return new OnnxTestNetwork
        {
            Name = $"encoder-{(normFirst ? "prenorm" : "postnorm")}-{(gelu ? "gelu" : "relu")}",
            Model = model,
            InputShape = $"{length}, {e}",
            InputSize = length * e,
            HandBody = layers + "\n" + forward,
            Weights = w,
        };
    }

    /// <summary>
    /// Writes one packed self-attention of module <paramref name="module"/> (its nodes under "/module/…") from
    /// <paramref name="x"/> to <paramref name="y"/> in the given form (see the class comment), adding its PyTorch
    /// weights to <paramref name="w"/>; <paramref name="causal"/> adds a constant −∞-above-the-diagonal mask to the scores.
    /// </summary>
    private static void Attention(OnnxModelBuilder b, Dictionary<string, float[]> w, string module, string x, string y, string form,
        int batch, int length, int e, int heads, int seed, bool causal, string defect = "", string padMask = "", bool causalAsWhere = false)
    {
        int d = e / heads;
        w[module + ".in_proj_weight"] = Values(seed, 3 * e * e, 0.8);
        w[module + ".in_proj_bias"] = Values(seed + 1, 3 * e, 0.3);
        w[module + ".out_proj.weight"] = Values(seed + 2, e * e, 0.8);
        w[module + ".out_proj.bias"] = Values(seed + 3, e, 0.3);
        string N(string op) => $"/{module}/{op}";
        string V(string op) => $"/{module}/{op}_output_0";
        b.Initializer($"onnx::MatMul_{module}_in", new long[] { e, 3 * e }, Transposed(w[module + ".in_proj_weight"], 3 * e, e))
            .Initializer(module + ".in_proj_bias", new long[] { 3 * e }, w[module + ".in_proj_bias"]);
        string[] chunks = { V("q"), V("k"), V("v") };
        bool sequenceFirst = form is "sdpa" or "bmm";
        if (!sequenceFirst)
        {
            b.Node("MatMul", N("MatMul"), new[] { x, $"onnx::MatMul_{module}_in" }, new[] { V("MatMul") })
                .Node("Add", N("Add"), new[] { module + ".in_proj_bias", V("MatMul") }, new[] { V("Add") });
            if (form == "split")
            {
                b.Int64Initializer(V("split"), new long[] { e, e, e })
                    .Node("Split", N("Split"), new[] { V("Add"), V("split") }, defect == "swap" ? new[] { chunks[1], chunks[0], chunks[2] } : chunks, Int("axis", -1));
            }
            else
            {
                b.Int64Initializer(V("axes"), new long[] { -1 });
                for (int i = 0; i < 3; i++)
                {
                    b.Int64Initializer(V("start" + i), new long[] { i * e }).Int64Initializer(V("end" + i), new long[] { (i + 1) * e })
                        .Node("Slice", N("Slice_" + i), new[] { V("Add"), V("start" + i), V("end" + i), V("axes") }, new[] { chunks[i] });
                }
            }

            b.Int64Initializer(V("heads"), new long[] { 0, length, heads, d }).Int64Initializer(V("merged"), new long[] { 0, length, e });
            for (int i = 0; i < 3; i++)
            {
                b.Node("Reshape", N("Reshape_" + i), new[] { chunks[i], V("heads") }, new[] { chunks[i] + "r" })
                    .Node("Transpose", N("Transpose_" + i), new[] { chunks[i] + "r" }, new[] { chunks[i] + "t" }, i == 1 ? Ints("perm", 0, 2, 3, 1) : Ints("perm", 0, 2, 1, 3));
            }

            b.Initializer(V("sqrt_d"), new long[0], new[] { MathF.Sqrt(d) })
                .Node("MatMul", N("MatMul_1"), new[] { chunks[0] + "t", chunks[1] + "t" }, new[] { V("scores") })
                .Node("Div", N("Div"), new[] { V("scores"), V("sqrt_d") }, new[] { V("scaled") });
            string scores = Mask(b, V("scaled"), module, length, causal, causalAsWhere);
            if (padMask.StartsWith("add:", StringComparison.Ordinal))
            {
                b.Node("Add", N("Add_pad"), new[] { scores, padMask.Substring(4) }, new[] { V("padded") });
                scores = V("padded");
            }
            else if (padMask.StartsWith("fill:", StringComparison.Ordinal))
            {
                b.Node("Where", N("Where_pad"), new[] { padMask.Substring(5), V("minus_inf"), scores }, new[] { V("padded") })
                    .Initializer(V("minus_inf"), new long[0], new[] { float.NegativeInfinity });
                scores = V("padded");
            }

            b.Node("Softmax", N("Softmax"), new[] { scores }, new[] { V("p") }, Int("axis", -1))
                .Node("MatMul", N("MatMul_2"), new[] { V("p"), chunks[2] + "t" }, new[] { V("c") })
                .Node("Transpose", N("Transpose_3"), new[] { V("c") }, new[] { V("ct") }, Ints("perm", 0, 2, 1, 3))
                .Node("Reshape", N("Reshape_3"), new[] { V("ct"), V("merged") }, new[] { V("cr") })
                .Initializer($"onnx::MatMul_{module}_out", new long[] { e, e }, Transposed(w[module + ".out_proj.weight"], e, e))
                .Initializer(module + ".out_proj.bias", new long[] { e }, w[module + ".out_proj.bias"])
                .Node("MatMul", $"/{module}/out_proj/MatMul", new[] { V("cr"), $"onnx::MatMul_{module}_out" }, new[] { V("o") })
                .Node("Add", $"/{module}/out_proj/Add", new[] { module + ".out_proj.bias", V("o") }, new[] { y });
            return;
        }

        // Sequence first, as F.multi_head_attention_forward computes it after batch_first's transpose.
        b.Node("Transpose", N("Transpose"), new[] { x }, new[] { V("xt") }, Ints("perm", 1, 0, 2))
            .Node("MatMul", N("MatMul"), new[] { V("xt"), $"onnx::MatMul_{module}_in" }, new[] { V("MatMul") })
            .Node("Add", N("Add"), new[] { module + ".in_proj_bias", V("MatMul") }, new[] { V("Add") })
            .Int64Initializer(V("unflat"), new long[] { length, batch, 3, e })
            .Int64Initializer(V("zero"), new long[] { 0 })
            .Int64Initializer(V("three"), new long[] { 3 })
            .Node("Reshape", N("Reshape"), new[] { V("Add"), V("unflat") }, new[] { V("u") })
            .Node("Unsqueeze", N("Unsqueeze"), new[] { V("u"), V("zero") }, new[] { V("us") })
            .Node("Transpose", N("Transpose_1"), new[] { V("us") }, new[] { V("ut") }, Ints("perm", 3, 1, 2, 0, 4))
            .Node("Squeeze", N("Squeeze"), new[] { V("ut"), V("three") }, new[] { V("proj") })
            .Int64Initializer(V("flat"), new long[] { length, batch * heads, d })
            .Int64Initializer(V("split_heads"), new long[] { batch, heads, length, d });
        for (int i = 0; i < 3; i++)
        {
            b.Int64Scalar(V("index" + i), i)
                .Node("Gather", N("Gather_" + i), new[] { V("proj"), V("index" + i) }, new[] { chunks[i] }, Int("axis", 0))
                .Node("Reshape", N("Reshape_" + (i + 1)), new[] { chunks[i], V("flat") }, new[] { chunks[i] + "f" })
                .Node("Transpose", N("Transpose_" + (i + 2)), new[] { chunks[i] + "f" }, new[] { chunks[i] + "t" }, Ints("perm", 1, 0, 2));
            if (form == "sdpa") b.Node("Reshape", N("Reshape_" + (i + 4)), new[] { chunks[i] + "t", V("split_heads") }, new[] { chunks[i] + "h" });
        }

        string q, k, v = chunks[2] + (form == "sdpa" ? "h" : "t");
        if (form == "sdpa")
        {
            // scaled_dot_product_attention's export: Sqrt(scale) on both q and kᵀ, folded to one constant.
            b.Initializer(V("sqrt_scale"), new long[0], new[] { MathF.Sqrt(1 / MathF.Sqrt(d)) })
                .Node("Transpose", N("Transpose_5"), new[] { chunks[1] + "h" }, new[] { V("kT") }, Ints("perm", 0, 1, 3, 2))
                .Node("Mul", N("Mul"), new[] { chunks[0] + "h", V("sqrt_scale") }, new[] { V("qs") })
                .Node("Mul", N("Mul_1"), new[] { V("kT"), V("sqrt_scale") }, new[] { V("ks") });
            q = V("qs");
            k = defect == "half-scale" ? V("kT") : V("ks");
        }
        else
        {
            b.Initializer(V("scale"), new long[0], new[] { 1 / MathF.Sqrt(d) })
                .Node("Mul", N("Mul"), new[] { chunks[0] + "t", V("scale") }, new[] { V("qs") })
                .Node("Transpose", N("Transpose_5"), new[] { chunks[1] + "t" }, new[] { V("kT") }, Ints("perm", 0, 2, 1));
            q = V("qs");
            k = V("kT");
        }

        b.Node("MatMul", N("MatMul_1"), new[] { q, k }, new[] { V("scores") });
        string masked = Mask(b, V("scores"), module, length, causal, causalAsWhere);
        if (padMask.StartsWith("add:", StringComparison.Ordinal))
        {
            b.Node("Add", N("Add_pad"), new[] { masked, padMask.Substring(4) }, new[] { V("padded") });
            masked = V("padded");
        }

        b.Node("Softmax", N("Softmax"), new[] { masked }, new[] { V("p") }, Int("axis", -1))
            .Node("MatMul", N("MatMul_2"), new[] { V("p"), v }, new[] { V("c") })
            .Node("Transpose", N("Transpose_6"), new[] { V("c") }, new[] { V("ct") }, form == "sdpa" ? Ints("perm", 2, 0, 1, 3) : Ints("perm", 1, 0, 2))
            .Int64Initializer(V("rows"), new long[] { length * batch, e })
            .Int64Initializer(V("back"), new long[] { length, batch, e })
            .Node("Reshape", N("Reshape_7"), new[] { V("ct"), V("rows") }, new[] { V("cr") })
            .Initializer(module + ".out_proj.weight", new long[] { e, e }, w[module + ".out_proj.weight"])
            .Initializer(module + ".out_proj.bias", new long[] { e }, w[module + ".out_proj.bias"])
            .Node("Gemm", $"/{module}/out_proj/Gemm", new[] { V("cr"), module + ".out_proj.weight", module + ".out_proj.bias" }, new[] { V("o") }, Float("alpha", 1), Float("beta", 1), Int("transB", 1))
            .Node("Reshape", N("Reshape_8"), new[] { V("o"), V("back") }, new[] { V("ob") })
            .Node("Transpose", N("Transpose_7"), new[] { V("ob") }, new[] { y }, Ints("perm", 1, 0, 2));
    }

    /// <summary>
    /// Adds a constant causal mask (0 on and below the diagonal, −∞ above) to the scores when asked, or with
    /// <paramref name="asWhere"/> selects −∞ above the diagonal with Where of a constant boolean mask; the masked scores.
    /// </summary>
    private static string Mask(OnnxModelBuilder b, string scores, string module, int length, bool causal, bool asWhere)
    {
        if (!causal) return scores;
        if (asWhere)
        {
            var above = new bool[length * length];
            for (int i = 0; i < length; i++) for (int j = 0; j < length; j++) above[i * length + j] = j > i;
            b.BoolInitializer($"/{module}/above_diagonal", new long[] { length, length }, above)
                .Initializer($"/{module}/minus_inf_causal", new long[0], new[] { float.NegativeInfinity })
                .Node("Where", $"/{module}/Where_causal", new[] { $"/{module}/above_diagonal", $"/{module}/minus_inf_causal", scores }, new[] { scores + "_masked" });
            return scores + "_masked";
        }

        var values = new float[length * length];
        for (int i = 0; i < length; i++)
        {
            for (int j = 0; j < length; j++) values[i * length + j] = j > i ? float.NegativeInfinity : 0;
        }

        b.Initializer($"/{module}/causal_mask", new long[] { length, length }, values)
            .Node("Add", $"/{module}/Add_mask", new[] { scores, $"/{module}/causal_mask" }, new[] { scores + "_masked" });
        return scores + "_masked";
    }
}
