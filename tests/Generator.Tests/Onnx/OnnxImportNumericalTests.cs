using System.Numerics;
using Axon.Attribution;
using Axon.Generator.Tests.Infrastructure;
using Axon.Model;

namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// Imported models against the same networks declared by hand: the initializers arrive as the weights under
/// PyTorch's names, and with those weights loaded into the hand model by name, outputs, input gradients and
/// Integrated Gradients agree to rounding. The MLP is also checked against a brute-force forward written here, and
/// the imported gradients against central finite differences.
/// </summary>
public sealed class OnnxImportNumericalTests
{
    public static TheoryData<string> Networks => new()
    {
        "mlp", "mlp-float-data", "cnn", "residual", "bnpool", "branches", "gating", "layernorm",
        "grouped", "decoder", "swiglu", "lstm", "gru", "rmsnorm", "attention", "attention-causal", "attention-nobias",
        "packed-split", "packed-slice", "packed-sdpa", "packed-bmm", "packed-split-causal", "packed-sdpa-causal",
        "encoder-postnorm-relu", "encoder-prenorm-relu", "encoder-postnorm-gelu", "encoder-prenorm-gelu",
        "operator-3d", "operator-3d-causal", "operator-4d", "operator-packed", "padded-pooling", "packed-sdpa-wherecausal",
        "positional-param", "positional-folded",
    };

    private static OnnxTestNetwork Network(string name) => name switch
    {
        "mlp" => OnnxTestNetwork.Mlp(),
        "mlp-float-data" => OnnxTestNetwork.Mlp(floatData: true),
        "cnn" => OnnxTestNetwork.Cnn(),
        "residual" => OnnxTestNetwork.Residual(),
        "branches" => OnnxTestNetwork.Branches(),
        "gating" => OnnxTestNetwork.Gating(),
        "layernorm" => OnnxTestNetwork.LayerNorm(),
        "tokens" => OnnxTestNetwork.Tokens(),
        "grouped" => OnnxTestNetwork.Grouped(),
        "decoder" => OnnxTestNetwork.Decoder(),
        "swiglu" => OnnxTestNetwork.SwiGlu(),
        "lstm" => OnnxTestNetwork.Lstm(),
        "gru" => OnnxTestNetwork.Gru(),
        "rmsnorm" => OnnxTestNetwork.RmsNorm(),
        "attention" => OnnxTestNetwork.SelfAttention(),
        "attention-causal" => OnnxTestNetwork.SelfAttention(mask: "causal", multiply: true),
        "attention-nobias" => OnnxTestNetwork.SelfAttention(mask: "none", bias: false),
        "padded-pooling" => OnnxTestNetwork.PaddedPooling(),
        "packed-sdpa-wherecausal" => OnnxTestNetwork.PackedAttention("sdpa", causal: true, causalAsWhere: true),
        "packed-split-causal" => OnnxTestNetwork.PackedAttention("split", causal: true),
        "packed-sdpa-causal" => OnnxTestNetwork.PackedAttention("sdpa", causal: true),
        "packed-bmm-causal" => OnnxTestNetwork.PackedAttention("bmm", causal: true),
        _ when name.StartsWith("positional-", StringComparison.Ordinal) => OnnxTestNetwork.Positional(name.Substring("positional-".Length)),
        _ when name.StartsWith("operator-", StringComparison.Ordinal) => OnnxTestNetwork.AttentionOperator(name.Substring("operator-".Length)),
        _ when name.StartsWith("packed-", StringComparison.Ordinal) => OnnxTestNetwork.PackedAttention(name.Substring("packed-".Length)),
        _ when name.StartsWith("encoder-", StringComparison.Ordinal) => OnnxTestNetwork.EncoderLayer(normFirst: name.Contains("prenorm"), gelu: name.EndsWith("gelu", StringComparison.Ordinal)),
        _ => OnnxTestNetwork.BatchNormPool(),
    };

    private static string Source(OnnxTestNetwork network, string element) => $$"""
        using Axon;
        using Axon.Layers;
        namespace Imported;
        [Differentiable(ElementType = ElementType.{{element}}, Onnx = "{{network.Name}}.onnx")]
        public partial class FromOnnx { }
        [Differentiable(ElementType = ElementType.{{element}}), InputShape({{network.InputShape}})]
        public partial class ByHand { {{network.HandBody}} }
        """;

    private sealed class Pair<T> : IDisposable
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly LoadedAssembly _assembly;

        public Pair(OnnxTestNetwork network, string element)
        {
            var run = OnnxHarness.Run(Source(network, element), OnnxHarness.Base64File(network.Name + ".onnx", network.Model));
            Assert.Null(run.Exception);
            Assert.True(run.GeneratorDiagnostics.IsEmpty, OnnxHarness.Describe(run));
            _assembly = run.Load();
            Imported = (IDifferentiableModel<T>)Activator.CreateInstance(_assembly.GetType("Imported.FromOnnx"))!;
            Hand = (IDifferentiableModel<T>)Activator.CreateInstance(_assembly.GetType("Imported.ByHand"))!;

            // The hand model gets the same weights by name, as ModelWeights.Load would give it a state_dict.
            foreach (var p in Hand.ParameterTensors)
            {
                var source = Imported.ParameterTensors.Single(q => q.Name == p.Name);
                Assert.Equal(p.Length, source.Length);
                Imported.Parameters.Slice(source.Offset, source.Length).CopyTo(Hand.Parameters.Slice(p.Offset, p.Length));
            }
        }

        public IDifferentiableModel<T> Imported { get; }

        public IDifferentiableModel<T> Hand { get; }

        public void Dispose() => _assembly.Dispose();
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Initializers_become_the_weights_under_pytorch_names(string name)
    {
        var network = Network(name);
        using var pair = new Pair<double>(network, "Double");
        Assert.Equal(network.Weights.Keys.Order(), pair.Imported.ParameterTensors.Select(p => p.Name).Order());
        foreach (var p in pair.Imported.ParameterTensors)
        {
            var expected = network.Weights[p.Name];
            var actual = pair.Imported.Parameters.Slice(p.Offset, p.Length).ToArray();
            Assert.Equal(expected.Select(v => (double)v), actual);
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Outputs_and_input_gradients_match_the_hand_declared_model_in_double(string name)
        => CompareWithHand<double>(Network(name), "Double", 1e-12);

    [Theory]
    [MemberData(nameof(Networks))]
    public void Outputs_and_input_gradients_match_the_hand_declared_model_in_float(string name)
        => CompareWithHand<float>(Network(name), "Float", 1e-5);

    private static void CompareWithHand<T>(OnnxTestNetwork network, string element, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var pair = new Pair<T>(network, element);
        const int batch = 3;
        var input = OnnxTestNetwork.Values(99, batch * network.InputSize, 1.0).Select(v => T.CreateChecked(v)).ToArray();
        var (importedOut, importedGrad, _) = ForwardBackward(pair.Imported, input, batch);
        var (handOut, handGrad, _) = ForwardBackward(pair.Hand, input, batch);
        AssertClose(handOut, importedOut, tolerance);
        AssertClose(handGrad, importedGrad, tolerance);
    }

    [Fact]
    public void Mlp_output_matches_a_brute_force_forward_of_the_exported_weights()
    {
        var network = OnnxTestNetwork.Mlp();
        using var pair = new Pair<double>(network, "Double");
        var x = OnnxTestNetwork.Values(7, 6, 1.0).Select(v => (double)v).ToArray();
        var (output, _, _) = ForwardBackward(pair.Imported, x, 1);

        var w = network.Weights;
        var hidden = new double[8];
        for (int o = 0; o < 8; o++)
        {
            double s = w["fc1.bias"][o];
            for (int i = 0; i < 6; i++) s += w["fc1.weight"][o * 6 + i] * x[i];
            hidden[o] = Math.Max(0, s);
        }

        for (int o = 0; o < 3; o++)
        {
            double s = w["fc2.bias"][o];
            for (int i = 0; i < 8; i++) s += w["fc2.weight"][o * 8 + i] * hidden[i];
            Assert.Equal(s, output[o], 1e-12);
        }
    }

    [Theory]
    [InlineData("param")]
    [InlineData("folded")]
    public void Position_table_output_and_gradient_match_a_brute_force_forward_of_the_exported_weights(string form)
    {
        // y = head · flatten(x + table) + bias, so ∂y₀/∂x = head row 0 whatever the table: the table must shift the
        // output and leave the gradient alone.
        var network = OnnxTestNetwork.Positional(form);
        using var pair = new Pair<double>(network, "Double");
        var x = OnnxTestNetwork.Values(8, 12, 1.0).Select(v => (double)v).ToArray();
        var (output, gradient, _) = ForwardBackward(pair.Imported, x, 1);

        var w = network.Weights;
        var table = w[form == "folded" ? "pos_embedding1.weight" : "pos_embed.weight"];
        for (int o = 0; o < 2; o++)
        {
            double s = w["head.bias"][o];
            for (int i = 0; i < 12; i++) s += w["head.weight"][o * 12 + i] * (x[i] + table[i]);
            Assert.Equal(s, output[o], 1e-12);
        }

        for (int i = 0; i < 12; i++) Assert.Equal(w["head.weight"][i], gradient[i], 1e-12);
    }

    [Theory]
    [InlineData("residual")]
    [InlineData("cnn")]
    [InlineData("bnpool")]
    [InlineData("branches")]
    [InlineData("gating")]
    [InlineData("grouped")]
    [InlineData("decoder")]
    [InlineData("swiglu")]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rmsnorm")]
    [InlineData("attention")]
    [InlineData("attention-causal")]
    [InlineData("packed-sdpa")]
    [InlineData("packed-bmm-causal")]
    [InlineData("encoder-postnorm-gelu")]
    [InlineData("encoder-prenorm-relu")]
    [InlineData("operator-3d-causal")]
    [InlineData("padded-pooling")]
    public void Imported_input_gradients_match_central_finite_differences(string name)
    {
        var network = Network(name);
        using var pair = new Pair<double>(network, "Double");
        var model = pair.Imported;
        var x = OnnxTestNetwork.Values(5, network.InputSize, 1.0).Select(v => (double)v).ToArray();
        int target = model.OutputSize - 1;
        var (_, gradient, _) = ForwardBackward(model, x, 1, target);
        const double h = 1e-6;
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (ForwardBackward(model, plus, 1, target).Output[target] - ForwardBackward(model, minus, 1, target).Output[target]) / (2 * h);
            Assert.True(Math.Abs(fd - gradient[i]) <= 1e-6 * (1 + Math.Abs(fd)), $"input {i}: finite difference {fd}, gradient {gradient[i]}");
        }
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    [InlineData("residual")]
    public void Integrated_gradients_on_the_imported_model_match_the_hand_declared_model_and_complete(string name)
    {
        var network = Network(name);
        using var pair = new Pair<double>(network, "Double");
        const int inputs = 2;
        var x = OnnxTestNetwork.Values(17, inputs * network.InputSize, 1.0).Select(v => (double)v).ToArray();
        var options = new IntegrationOptions { Steps = 64 };
        var importedIg = new double[x.Length];
        var handIg = new double[x.Length];
        var importedErrors = new double[inputs];
        var handErrors = new double[inputs];
        new Attributor<double>(pair.Imported).IntegratedGradients(x, 1, Baseline<double>.Zero, importedIg, options, importedErrors);
        new Attributor<double>(pair.Hand).IntegratedGradients(x, 1, Baseline<double>.Zero, handIg, options, handErrors);
        AssertClose(handIg, importedIg, 1e-12);

        // Completeness: for IG the reported quadrature error is Σ attributions − (F(x) − F(0)); recompute it here.
        for (int b = 0; b < inputs; b++)
        {
            var row = x.AsSpan(b * network.InputSize, network.InputSize).ToArray();
            double fx = ForwardBackward(pair.Imported, row, 1).Output[1];
            double f0 = ForwardBackward(pair.Imported, new double[network.InputSize], 1).Output[1];
            double sum = importedIg.AsSpan(b * network.InputSize, network.InputSize).ToArray().Sum();
            Assert.Equal(sum - (fx - f0), importedErrors[b], 1e-9);
        }
    }

    [Fact]
    public void Token_model_embeds_like_the_hand_declared_one_with_gradients_at_the_embedding()
    {
        var network = OnnxTestNetwork.Tokens();
        using var pair = new Pair<double>(network, "Double");
        Assert.Equal(network.Weights.Keys.Order(), pair.Imported.ParameterTensors.Select(p => p.Name).Order());
        var tokens = new double[] { 3, 0, 9, 4, 4, 1, 7, 2, 8, 5 };
        foreach (var model in new[] { pair.Imported, pair.Hand }) Assert.Equal("emb", model.Layers[1].Name);
        var (importedOut, _, importedWorkspace) = ForwardBackward(pair.Imported, tokens, 2, 1);
        var (handOut, _, handWorkspace) = ForwardBackward(pair.Hand, tokens, 2, 1);
        AssertClose(handOut, importedOut, 1e-12);
        AssertClose(handWorkspace.Gradient(1).ToArray(), importedWorkspace.Gradient(1).ToArray(), 1e-12);

        // Independent check of the embedding as channels first: node 1 holds emb.weight[token, d] at d·L + position.
        var workspace = pair.Imported.CreateWorkspace(1);
        pair.Imported.Forward(workspace, tokens.AsSpan(0, 5), 1, new double[2]);
        var embedded = workspace.Activation(1).ToArray();
        for (int d = 0; d < 4; d++)
        {
            for (int position = 0; position < 5; position++) Assert.Equal(network.Weights["emb.weight"][(int)tokens[position] * 4 + d], embedded[d * 5 + position]);
        }
    }

    [Fact]
    public void SwiGlu_output_matches_a_brute_force_forward_of_the_exported_weights()
    {
        var network = OnnxTestNetwork.SwiGlu();
        using var pair = new Pair<double>(network, "Double");
        var x = OnnxTestNetwork.Values(8, 6, 1.0).Select(v => (double)v).ToArray();
        var (output, _, _) = ForwardBackward(pair.Imported, x, 1);

        var w = network.Weights;
        var gated = new double[8];
        for (int o = 0; o < 8; o++)
        {
            double a = 0, b = 0;
            for (int i = 0; i < 6; i++)
            {
                a += w["w1.weight"][o * 6 + i] * x[i];
                b += w["w3.weight"][o * 6 + i] * x[i];
            }

            gated[o] = a / (1 + Math.Exp(-a)) * b;
        }

        for (int o = 0; o < 3; o++)
        {
            double s = 0;
            for (int i = 0; i < 8; i++) s += w["w2.weight"][o * 8 + i] * gated[i];
            Assert.Equal(s, output[o], 1e-12);
        }
    }

    [Theory]
    [InlineData("split", false)]
    [InlineData("sdpa", false)]
    [InlineData("bmm", true)]
    public void Packed_attention_output_matches_a_brute_force_multi_head_attention_of_the_exported_weights(string form, bool causal)
    {
        var network = OnnxTestNetwork.PackedAttention(form, causal);
        using var pair = new Pair<double>(network, "Double");
        var x = OnnxTestNetwork.Values(10, 3 * 4, 1.0).Select(v => (double)v).ToArray();
        var (output, _, _) = ForwardBackward(pair.Imported, x, 1);
        var expected = BruteForceAttentionHead(network.Weights, x, 3, (i, j) => causal && j > i);
        for (int o = 0; o < 2; o++) Assert.Equal(expected[o], output[o], 1e-12);
    }

    [Theory]
    [InlineData("where")]
    [InlineData("hf")]
    [InlineData("fill")]
    [InlineData("causal")]
    [InlineData("mha")]
    public void A_padding_mask_computed_from_the_token_ids_becomes_the_pad_id_and_masks_those_keys(string spelling)
    {
        // Position 0 is never the pad, so that every query keeps a key even under the causal mask (PyTorch gives NaN otherwise).
        var network = OnnxTestNetwork.PaddedAttention(spelling);
        var tokens = new double[] { 3, 0, 9, 0, 4, 0, 0, 1, 7, 2, 0, 5 };
        var importedOut = CompareTokensWithHand(network, tokens);
        for (int sample = 0; sample < 3; sample++)
        {
            var ids = tokens.Skip(sample * 4).Take(4).ToArray();
            var x = ids.SelectMany(t => network.Weights["emb.weight"].Skip((int)t * 4).Take(4).Select(v => (double)v)).ToArray();
            var expected = BruteForceAttentionHead(network.Weights, x, 4, (i, j) => ids[j] == 0 || (spelling == "causal" && j > i));
            for (int o = 0; o < 2; o++) Assert.Equal(expected[o], importedOut[sample * 2 + o], 1e-12);
        }
    }

    /// <summary>
    /// A token model's import against its hand-declared twin on 3 samples of 4 ids (target 1): the weight names, the
    /// outputs and the gradient at the embedding (node 1), in double (1e-12) and float (1e-5); returns the imported
    /// double outputs for the caller's own check.
    /// </summary>
    private static double[] CompareTokensWithHand(OnnxTestNetwork network, double[] tokens)
    {
        double[] importedOut;
        using (var pair = new Pair<double>(network, "Double"))
        {
            Assert.Equal(network.Weights.Keys.Order(), pair.Imported.ParameterTensors.Select(p => p.Name).Order());
            (importedOut, _, var importedWorkspace) = ForwardBackward(pair.Imported, tokens, 3, 1);
            var (handOut, _, handWorkspace) = ForwardBackward(pair.Hand, tokens, 3, 1);
            AssertClose(handOut, importedOut, 1e-12);
            AssertClose(handWorkspace.Gradient(1).ToArray(), importedWorkspace.Gradient(1).ToArray(), 1e-12);
        }

        using var single = new Pair<float>(network, "Float");
        var floatTokens = tokens.Select(t => (float)t).ToArray();
        var (imported, _, imported1) = ForwardBackward(single.Imported, floatTokens, 3, 1);
        var (hand, _, hand1) = ForwardBackward(single.Hand, floatTokens, 3, 1);
        AssertClose(hand, imported, 1e-5);
        AssertClose(hand1.Gradient(1).ToArray(), imported1.Gradient(1).ToArray(), 1e-5);
        return importedOut;
    }

    [Fact]
    public void A_token_transformer_with_learned_positions_imports_and_matches_a_brute_force_forward()
    {
        var network = OnnxTestNetwork.TokenTransformer();
        var tokens = new double[] { 3, 1, 9, 4, 4, 0, 6, 1, 7, 2, 8, 5 };
        var importedOut = CompareTokensWithHand(network, tokens);
        var table = network.Weights["pos_embedding1.weight"];
        for (int sample = 0; sample < 3; sample++)
        {
            var ids = tokens.Skip(sample * 4).Take(4).ToArray();
            var x = new double[16];
            for (int p = 0; p < 4; p++)
            {
                for (int c = 0; c < 4; c++) x[p * 4 + c] = network.Weights["emb.weight"][(int)ids[p] * 4 + c] + (double)table[p * 4 + c];
            }

            var expected = BruteForceAttentionHead(network.Weights, x, 4, (i, j) => false);
            for (int o = 0; o < 2; o++) Assert.Equal(expected[o], importedOut[sample * 2 + o], 1e-12);
        }
    }

    /// <summary>
    /// nn.MultiheadAttention (E = 4, 2 heads) written out from PyTorch's attn.in_proj_weight [3E, E] (q, k, v rows),
    /// in_proj_bias and out_proj over one sample x [L, E], keys hidden where <paramref name="hidden"/>(query, key), then
    /// Flatten and the Gemm head: the import's reading of the packed, transposed weights checked without Axon's layer.
    /// </summary>
    private static double[] BruteForceAttentionHead(Dictionary<string, float[]> w, double[] x, int length, Func<int, int, bool> hidden)
    {
        const int e = 4, heads = 2, d = e / heads;
        var qkv = new double[length, 3 * e];
        for (int i = 0; i < length; i++)
        {
            for (int r = 0; r < 3 * e; r++)
            {
                double s = w["attn.in_proj_bias"][r];
                for (int c = 0; c < e; c++) s += w["attn.in_proj_weight"][r * e + c] * x[i * e + c];
                qkv[i, r] = s;
            }
        }

        var context = new double[length, e];
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < length; i++)
            {
                var scores = new double[length];
                for (int j = 0; j < length; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += qkv[i, h * d + c] * qkv[j, e + h * d + c];
                    scores[j] = hidden(i, j) ? double.NegativeInfinity : dot / Math.Sqrt(d);
                }

                double max = scores.Max();
                var p = scores.Select(s => Math.Exp(s - max)).ToArray();
                double sum = p.Sum();
                for (int c = 0; c < d; c++)
                {
                    for (int j = 0; j < length; j++) context[i, h * d + c] += p[j] / sum * qkv[j, 2 * e + h * d + c];
                }
            }
        }

        var attended = new double[length * e];
        for (int i = 0; i < length; i++)
        {
            for (int o = 0; o < e; o++)
            {
                double s = w["attn.out_proj.bias"][o];
                for (int c = 0; c < e; c++) s += w["attn.out_proj.weight"][o * e + c] * context[i, c];
                attended[i * e + o] = s;
            }
        }

        var output = new double[2];
        for (int o = 0; o < 2; o++)
        {
            output[o] = w["head.bias"][o];
            for (int c = 0; c < length * e; c++) output[o] += w["head.weight"][o * length * e + c] * attended[c];
        }

        return output;
    }

    [Fact]
    public void Padded_pooling_output_matches_a_brute_force_forward()
    {
        // Max over the window's real pixels (the −∞ padding never wins), then the mean over kernel² = 9 with the zero
        // padding counted (count_include_pad = 1), then the head.
        var network = OnnxTestNetwork.PaddedPooling();
        using var pair = new Pair<double>(network, "Double");
        var x = OnnxTestNetwork.Values(12, 50, 1.0).Select(v => (double)v).ToArray();
        var (output, _, _) = ForwardBackward(pair.Imported, x, 1);
        var max = new double[2, 3, 3];
        var mean = new double[2, 3, 3];
        for (int c = 0; c < 2; c++)
        {
            for (int r = 0; r < 3; r++)
            {
                for (int q = 0; q < 3; q++)
                {
                    double m = double.NegativeInfinity;
                    for (int i = 2 * r - 1; i <= 2 * r + 1; i++)
                        for (int j = 2 * q - 1; j <= 2 * q + 1; j++)
                            if (i >= 0 && i < 5 && j >= 0 && j < 5) m = Math.Max(m, x[c * 25 + i * 5 + j]);
                    max[c, r, q] = m;
                }
            }

            for (int r = 0; r < 3; r++)
            {
                for (int q = 0; q < 3; q++)
                {
                    double sum = 0;
                    for (int i = r - 1; i <= r + 1; i++)
                        for (int j = q - 1; j <= q + 1; j++)
                            if (i >= 0 && i < 3 && j >= 0 && j < 3) sum += max[c, i, j];
                    mean[c, r, q] = sum / 9;
                }
            }
        }

        var w = network.Weights;
        for (int o = 0; o < 2; o++)
        {
            double s = w["head.bias"][o];
            for (int f = 0; f < 18; f++) s += w["head.weight"][o * 18 + f] * mean[f / 9, f % 9 / 3, f % 3];
            Assert.Equal(s, output[o], 1e-12);
        }
    }

    [Fact]
    public void Gru_output_matches_a_brute_force_unrolling_with_pytorchs_equations()
    {
        // PyTorch's GRU (r, z, n gates; n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn)); h' = (1 − z) ⊙ n + z ⊙ h), written here
        // from the weights in PyTorch's order: the file holds them in ONNX's z, r, h order, so this checks the permutation.
        var network = OnnxTestNetwork.Gru();
        using var pair = new Pair<double>(network, "Double");
        var x = OnnxTestNetwork.Values(9, 15, 1.0).Select(v => (double)v).ToArray();
        var (output, _, _) = ForwardBackward(pair.Imported, x, 1);

        var w = network.Weights;
        double Row(string name, int row, int columns, double[] v) => Enumerable.Range(0, columns).Sum(c => w[name][row * columns + c] * v[c]);
        var h = new double[4];
        var states = new List<double>();
        for (int t = 0; t < 5; t++)
        {
            var xt = x.Skip(t * 3).Take(3).ToArray();
            var next = new double[4];
            for (int j = 0; j < 4; j++)
            {
                double r = Sigmoid(Row("rnn.weight_ih_l0", j, 3, xt) + w["rnn.bias_ih_l0"][j] + Row("rnn.weight_hh_l0", j, 4, h) + w["rnn.bias_hh_l0"][j]);
                double z = Sigmoid(Row("rnn.weight_ih_l0", 4 + j, 3, xt) + w["rnn.bias_ih_l0"][4 + j] + Row("rnn.weight_hh_l0", 4 + j, 4, h) + w["rnn.bias_hh_l0"][4 + j]);
                double n = Math.Tanh(Row("rnn.weight_ih_l0", 8 + j, 3, xt) + w["rnn.bias_ih_l0"][8 + j] + r * (Row("rnn.weight_hh_l0", 8 + j, 4, h) + w["rnn.bias_hh_l0"][8 + j]));
                next[j] = (1 - z) * n + z * h[j];
            }

            h = next;
            states.AddRange(h);
        }

        for (int o = 0; o < 2; o++)
        {
            double s = w["fc.bias"][o] + Enumerable.Range(0, 20).Sum(i => w["fc.weight"][o * 20 + i] * states[i]);
            Assert.Equal(s, output[o], 1e-12);
        }

        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
    }

    private static (T[] Output, T[] InputGradient, ModelWorkspace<T> Workspace) ForwardBackward<T>(IDifferentiableModel<T> model, T[] input, int batch, int target = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var workspace = model.CreateWorkspace(batch);
        var output = new T[batch * model.OutputSize];
        model.Forward(workspace, input, batch, output);
        var seed = new T[output.Length];
        for (int b = 0; b < batch; b++) seed[b * model.OutputSize + target] = T.One;
        model.Backward(workspace, seed, batch);
        return (output, workspace.Gradient(0).ToArray(), workspace);
    }

    private static void AssertClose<T>(T[] expected, T[] actual, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateChecked(expected[i]);
            double a = double.CreateChecked(actual[i]);
            Assert.True(Math.Abs(e - a) <= tolerance * (1 + Math.Abs(e)), $"element {i}: hand-declared {e}, imported {a}");
        }
    }
}
