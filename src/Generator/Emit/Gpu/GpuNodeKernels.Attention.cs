using System.Collections.Generic;
using System.Globalization;
using Axon.Generator.Model;

namespace Axon.Generator.Emit.Gpu
{
    /// <summary>
    /// Where multi-head attention keeps its intermediates in a row's scratch: [q|k|v] [L, 3E], the attention weights
    /// P [heads, L, L] and o [L, E] from the forward pass (read by backward and tangent), then the gradients or tangents
    /// d[q|k|v] [L, 3E], dO [L, E] and dS [heads, L, L], which the two passes share.
    /// </summary>
    internal readonly struct AttentionLayout
    {
        public AttentionLayout(NodeSpec node)
        {
            Length = node.Shape[0];
            Embed = node.Hyper[0];
            Heads = node.Hyper[1];
            int n = Length * Embed, weights = Heads * Length * Length;
            Projection = 0;
            Weights = 3 * n;
            Output = 3 * n + weights;
            ProjectionGradient = 4 * n + weights;
            OutputGradient = 7 * n + weights;
            ScoreGradient = 8 * n + weights;
            Size = 8 * n + 2 * weights;
        }

        public int Length { get; }
        public int Embed { get; }
        public int Heads { get; }
        public int HeadWidth => Embed / Heads;
        public int Projection { get; }
        public int Weights { get; }
        public int Output { get; }
        public int ProjectionGradient { get; }
        public int OutputGradient { get; }
        public int ScoreGradient { get; }
        public int Size { get; }
    }

    // Multi-head self-attention (the CPU kernel's definition, MultiHeadAttentionKernel): the projections are tiled
    // products over every position of the batch; the softmax runs one thread per (sample, head, query), which writes
    // its row of weights; o, d[q|k|v] and their tangents are gathers, one thread per value, so no kernel needs atomics.
    // A key is allowed unless the causal mask hides it or the model input's id at its position is the pad id; a query
    // with no allowed key keeps a zero row of weights (o = 0), as on the CPU.
    internal sealed partial class GpuNodeKernels
    {
        private void AddAttentionForward(NodeSpec node)
        {
            var s = new AttentionLayout(node);
            int x = node.Inputs[0], y = node.Index, l = s.Length, e = s.Embed, e3 = 3 * e;
            string rows = $"v.Batch * {l}", launchRows = $"pass.Batch * {l}";
            string inBias = AttentionBias(node, 1, "col"), outBias = AttentionBias(node, 3, "col");

            // [q|k|v] = x·W_inᵀ + b_in over every position.
            AddTiled("Forward" + node.Index + "_Project", GpuPassKind.Forward, node, -1, rows, Str(e3), Str(e),
                $"a = {A(x, $"ar * {e} + ak")};",
                $"b = {P(AttentionParameter(node, 0), $"bc * {e} + bk")};",
                $"{Sc(y, s.Projection, $"row * {e3} + col")} = acc{inBias};",
                launchRows, Str(e3));

            // One row of weights per (sample, head, query): scaled scores of the allowed keys, then their softmax.
            string score = $"{_t} score = 0;\nfor (int c = 0; c < {s.HeadWidth}; c++) score += {Sc(y, s.Projection, "query + c")} * {Sc(y, s.Projection, $"(b * {l} + j) * {e3} + {e} + h * {s.HeadWidth} + c")};\n";
            AddElementwise("Forward" + node.Index + "_Weights", GpuPassKind.Forward, node, -1, Rows(s.Heads * l),
                QueryRow(s) +
                $"{_t} top = {_t}.NegativeInfinity;\n" +
                $"for (int j = 0; j < {l}; j++)\n{{\n" +
                $"if (!({Allowed(node, s)})) continue;\n" +
                score +
                $"score *= {AttentionScale(s)};\n" +
                $"{Sc(y, s.Weights, "at + j")} = score;\n" +
                $"top = {_math}.Max(top, score);\n}}\n" +
                $"{_t} sum = 0;\n" +
                $"for (int j = 0; j < {l}; j++)\n{{\n" +
                $"{_t} p = {Allowed(node, s)} ? {_math}.Exp({Sc(y, s.Weights, "at + j")} - top) : 0;\n" +
                $"{Sc(y, s.Weights, "at + j")} = p;\nsum += p;\n}}\n" +
                $"if (sum != 0) for (int j = 0; j < {l}; j++) {Sc(y, s.Weights, "at + j")} = {Sc(y, s.Weights, "at + j")} / sum;");

            // o[b, q, c] = Σ_j P[b, head of c, q, j]·v[b, j, c].
            AddElementwise("Forward" + node.Index + "_Mix", GpuPassKind.Forward, node, -1, Rows(l * e),
                ValueOfPosition(s) +
                $"{_t} sum = 0;\n" +
                $"for (int j = 0; j < {l}; j++) sum += {Sc(y, s.Weights, "weights + j")} * {Sc(y, s.Projection, $"(b * {l} + j) * {e3} + {2 * e} + c")};\n" +
                $"{Sc(y, s.Output, "i")} = sum;");

            // y = o·W_outᵀ + b_out.
            AddTiled("Forward" + node.Index, GpuPassKind.Forward, node, -1, rows, Str(e), Str(e),
                $"a = {Sc(y, s.Output, $"ar * {e} + ak")};",
                $"b = {P(AttentionParameter(node, 2), $"bc * {e} + bk")};",
                $"{A(y, $"row * {e} + col")} = acc{outBias};",
                launchRows, Str(e));
        }

        private void AddAttentionBackward(NodeSpec node)
        {
            var s = new AttentionLayout(node);
            int x = node.Inputs[0], y = node.Index, l = s.Length, e = s.Embed, e3 = 3 * e;
            string rows = $"v.Batch * {l}", launchRows = $"pass.Batch * {l}";
            string name = "Backward" + node.Index;

            // The kernels up to dx run whenever the pass reaches x, which it always does with parameter gradients.
            // dO = dy·W_out.
            AddTiled(name + "_Output", GpuPassKind.Backward, node, x, rows, Str(e), Str(e),
                $"a = {G(y, $"ar * {e} + ak")};",
                $"b = {P(AttentionParameter(node, 2), $"bk * {e} + bc")};",
                $"{Sc(y, s.OutputGradient, $"row * {e} + col")} = acc;",
                launchRows, Str(e));

            // dS = P ⊙ (dO·vᵀ − Σ_j P·dO·vᵀ)·scale, one row per (sample, head, query).
            AddElementwise(name + "_Scores", GpuPassKind.Backward, node, x, Rows(s.Heads * l),
                QueryRow(s) +
                $"int outputRow = (b * {l} + q) * {e} + h * {s.HeadWidth};\n" +
                $"{_t} dot = 0;\n" +
                $"for (int j = 0; j < {l}; j++)\n{{\n" +
                $"{_t} g = 0;\n" +
                $"for (int c = 0; c < {s.HeadWidth}; c++) g += {Sc(y, s.OutputGradient, "outputRow + c")} * {Sc(y, s.Projection, $"(b * {l} + j) * {e3} + {2 * e} + h * {s.HeadWidth} + c")};\n" +
                $"{Sc(y, s.ScoreGradient, "at + j")} = g;\n" +
                $"dot += {Sc(y, s.Weights, "at + j")} * g;\n}}\n" +
                $"for (int j = 0; j < {l}; j++) {Sc(y, s.ScoreGradient, "at + j")} = {Sc(y, s.Weights, "at + j")} * ({Sc(y, s.ScoreGradient, "at + j")} - dot) * {AttentionScale(s)};");

            // d[q|k|v] as gathers: dq_i = Σ_j dS_ij k_j, dk_j = Σ_i dS_ij q_i, dv_j = Σ_i P_ij dO_i.
            AddElementwise(name + "_Projection", GpuPassKind.Backward, node, x, Rows(l * e3),
                ProjectionValue(s) +
                $"{_t} sum = 0;\n" +
                "if (part == 0)\n{\n" +
                $"for (int j = 0; j < {l}; j++) sum += {Sc(y, s.ScoreGradient, "(heads + p) * " + Str(l) + " + j")} * {Sc(y, s.Projection, $"(b * {l} + j) * {e3} + {e} + c")};\n" +
                "}\nelse if (part == 1)\n{\n" +
                $"for (int q = 0; q < {l}; q++) sum += {Sc(y, s.ScoreGradient, $"(heads + q) * {l} + p")} * {Sc(y, s.Projection, $"(b * {l} + q) * {e3} + c")};\n" +
                "}\nelse\n{\n" +
                $"for (int q = 0; q < {l}; q++) sum += {Sc(y, s.Weights, $"(heads + q) * {l} + p")} * {Sc(y, s.OutputGradient, $"(b * {l} + q) * {e} + c")};\n" +
                "}\n" +
                $"{Sc(y, s.ProjectionGradient, "i")} = sum;");

            // dx += d[q|k|v]·W_in.
            AddTiled(name, GpuPassKind.Backward, node, x, rows, Str(e), Str(e3),
                $"a = {Sc(y, s.ProjectionGradient, $"ar * {e3} + ak")};",
                $"b = {P(AttentionParameter(node, 0), $"bk * {e} + bc")};",
                $"{G(x, $"row * {e} + col")} += acc;",
                launchRows, Str(e));

            // dW_out += dyᵀ·o, dW_in += d[q|k|v]ᵀ·x: products over every position of the batch; the biases sum columns.
            AddTiled("WeightGradient" + node.Index + "_Out", GpuPassKind.ParameterGradient, node, -1, Str(e), Str(e), rows,
                $"a = {G(y, $"ak * {e} + ar")};",
                $"b = {Sc(y, s.Output, $"bk * {e} + bc")};",
                $"{Pg(AttentionParameter(node, 2), $"row * {e} + col")} += acc;",
                Str(e), Str(e));
            AddTiled("WeightGradient" + node.Index + "_In", GpuPassKind.ParameterGradient, node, -1, Str(e3), Str(e), rows,
                $"a = {Sc(y, s.ProjectionGradient, $"ak * {e3} + ar")};",
                $"b = {A(x, $"bk * {e} + bc")};",
                $"{Pg(AttentionParameter(node, 0), $"row * {e} + col")} += acc;",
                Str(e3), Str(e));
            if (node.Hyper[2] == 0) return;
            AddElementwise("BiasGradient" + node.Index + "_Out", GpuPassKind.ParameterGradient, node, -1, Str(e),
                $"{_t} sum = 0;\nfor (int r = 0; r < {rows}; r++) sum += {G(y, $"r * {e} + i")};\n{Pg(AttentionParameter(node, 3), "i")} += sum;");
            AddElementwise("BiasGradient" + node.Index + "_In", GpuPassKind.ParameterGradient, node, -1, Str(e3),
                $"{_t} sum = 0;\nfor (int r = 0; r < {rows}; r++) sum += {Sc(y, s.ProjectionGradient, $"r * {e3} + i")};\n{Pg(AttentionParameter(node, 1), "i")} += sum;");
        }

        private void AddAttentionTangent(NodeSpec node)
        {
            var s = new AttentionLayout(node);
            int x = node.Inputs[0], y = node.Index, l = s.Length, e = s.Embed, e3 = 3 * e;
            string rows = $"v.Batch * {l}", launchRows = $"pass.Batch * {l}";
            string name = "Tangent" + node.Index;

            // t[q|k|v] = tx·W_inᵀ (into the gradient buffers, free in this pass).
            AddTiled(name + "_Project", GpuPassKind.Tangent, node, -1, rows, Str(e3), Str(e),
                $"a = {Tn(x, $"ar * {e} + ak")};",
                $"b = {P(AttentionParameter(node, 0), $"bc * {e} + bk")};",
                $"{Sc(y, s.ProjectionGradient, $"row * {e3} + col")} = acc;",
                launchRows, Str(e3));

            // tP = P ⊙ (tS − Σ_j P·tS) with tS = (tq·kᵀ + q·tkᵀ)·scale, one row per (sample, head, query).
            AddElementwise(name + "_Weights", GpuPassKind.Tangent, node, -1, Rows(s.Heads * l),
                QueryRow(s) +
                $"{_t} dot = 0;\n" +
                $"for (int j = 0; j < {l}; j++)\n{{\n" +
                $"{_t} ts = 0;\n" +
                $"if ({Allowed(node, s)})\n{{\n" +
                $"int key = (b * {l} + j) * {e3} + {e} + h * {s.HeadWidth};\n" +
                $"for (int c = 0; c < {s.HeadWidth}; c++) ts += {Sc(y, s.ProjectionGradient, "query + c")} * {Sc(y, s.Projection, "key + c")} + {Sc(y, s.Projection, "query + c")} * {Sc(y, s.ProjectionGradient, "key + c")};\n" +
                $"ts *= {AttentionScale(s)};\n}}\n" +
                $"{Sc(y, s.ScoreGradient, "at + j")} = ts;\n" +
                $"dot += {Sc(y, s.Weights, "at + j")} * ts;\n}}\n" +
                $"for (int j = 0; j < {l}; j++) {Sc(y, s.ScoreGradient, "at + j")} = {Sc(y, s.Weights, "at + j")} * ({Sc(y, s.ScoreGradient, "at + j")} - dot);");

            // tO[b, q, c] = Σ_j tP·v + P·tv.
            AddElementwise(name + "_Mix", GpuPassKind.Tangent, node, -1, Rows(l * e),
                ValueOfPosition(s) +
                $"{_t} sum = 0;\n" +
                $"for (int j = 0; j < {l}; j++)\n{{\n" +
                $"int value = (b * {l} + j) * {e3} + {2 * e} + c;\n" +
                $"sum += {Sc(y, s.ScoreGradient, "weights + j")} * {Sc(y, s.Projection, "value")} + {Sc(y, s.Weights, "weights + j")} * {Sc(y, s.ProjectionGradient, "value")};\n}}\n" +
                $"{Sc(y, s.OutputGradient, "i")} = sum;");

            // ty = tO·W_outᵀ.
            AddTiled(name, GpuPassKind.Tangent, node, -1, rows, Str(e), Str(e),
                $"a = {Sc(y, s.OutputGradient, $"ar * {e} + ak")};",
                $"b = {P(AttentionParameter(node, 2), $"bc * {e} + bk")};",
                $"{Tn(y, $"row * {e} + col")} = acc;",
                launchRows, Str(e));
        }

        /// <summary>
        /// Declares, for thread i over (sample, head, query): b, h, q; <c>at</c>, the first weight of the row; and
        /// <c>query</c>, the offset of q's head slice in [q|k|v].
        /// </summary>
        private static string QueryRow(AttentionLayout s) =>
            $"int b = i / {s.Heads * s.Length}, r = i - b * {s.Heads * s.Length}, h = r / {s.Length}, q = r - h * {s.Length};\n" +
            $"int at = i * {s.Length}, query = (b * {s.Length} + q) * {3 * s.Embed} + h * {s.HeadWidth};\n";

        /// <summary>Declares, for thread i over (sample, position, column of o): b, q, c, and <c>weights</c>, the first weight of the row of c's head.</summary>
        private static string ValueOfPosition(AttentionLayout s) =>
            $"int b = i / {s.Length * s.Embed}, r = i - b * {s.Length * s.Embed}, q = r / {s.Embed}, c = r - q * {s.Embed};\n" +
            $"int weights = ((b * {s.Heads} + c / {s.HeadWidth}) * {s.Length} + q) * {s.Length};\n";

        /// <summary>
        /// Declares, for thread i over (sample, position, column of [q|k|v]): b, p (the position), part (0 q, 1 k, 2 v),
        /// c (the column within the part) and <c>heads</c>, the first row of c's head's weights (b·heads + head)·L.
        /// </summary>
        private static string ProjectionValue(AttentionLayout s) =>
            $"int b = i / {s.Length * 3 * s.Embed}, r = i - b * {s.Length * 3 * s.Embed}, p = r / {3 * s.Embed}, column = r - p * {3 * s.Embed};\n" +
            $"int part = column / {s.Embed}, c = column - part * {s.Embed};\n" +
            $"int heads = (b * {s.Heads} + c / {s.HeadWidth}) * {s.Length};\n";

        /// <summary>Whether query q of sample b may attend to key j: the causal mask and the padding mask (the model input's ids).</summary>
        private string Allowed(NodeSpec node, AttentionLayout s)
        {
            var conditions = new List<string>();
            if (node.Hyper[3] != 0) conditions.Add("j <= q");
            if (node.Hyper[4] >= 0) conditions.Add($"{A(0, $"b * {s.Length} + j")} != {Lit(node.Hyper[4])}");
            return conditions.Count == 0 ? "true" : string.Join(" && ", conditions);
        }

        /// <summary>1/√(head width) as the element type computes it (the CPU kernel's T.One / T.Sqrt(d)).</summary>
        private string AttentionScale(AttentionLayout s) => $"(({_t})1 / {_math}.Sqrt(({_t}){s.HeadWidth}))";

        /// <summary>" + b[index]" for the in (role 1) or out (role 3) projection's bias, or "" without biases.</summary>
        private string AttentionBias(NodeSpec node, int role, string index) =>
            node.Hyper[2] != 0 ? " + " + P(AttentionParameter(node, role), index) : "";

        /// <summary>
        /// The offset of the attention's tensor by role: 0 in_proj_weight, 1 in_proj_bias, 2 out_proj.weight, 3 out_proj.bias.
        /// Separate q/k/v projections are three tensors laid out where in_proj_weight's rows would be, so role 0 starts at
        /// the first of them and the later roles move two tensors on.
        /// </summary>
        private int AttentionParameter(NodeSpec node, int role)
        {
            bool bias = node.Hyper[2] != 0;
            int index = bias ? role : role / 2;
            int extra = role > 0 && AttentionHyper.SeparateProjections(node.Hyper) ? 2 : 0;
            return ParamOffset(node, index + extra);
        }

        private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
