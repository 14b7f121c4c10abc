using System.Text;
using Axon.Generator.Model;

namespace Axon.Generator.Emit.Gpu
{
    /// <summary>
    /// Where an LSTM or GRU keeps its intermediates in a row's scratch, per time step: the forward pass's gate
    /// pre-activations (LSTM: the four gates [S, 4H] and the cells [S, H]; GRU: W_ih·x + b_ih and W_hh·h + b_hh, [S, 3H]
    /// each), then what the reverse and tangent passes carry from step to step (LSTM: the gate gradients [S, 4H] and the
    /// cell gradients [S, H]; GRU: the two projections' gradients [S, 3H] each and dh [S, H]). The tangent pass reuses the
    /// gradient regions.
    /// </summary>
    internal readonly struct RecurrentLayout
    {
        public RecurrentLayout(NodeSpec node)
        {
            Lstm = node.Kind == OpKind.Lstm;
            Sequence = node.Shape[0];
            Input = node.Hyper[0];
            Hidden = node.Hyper[1];
            Gates = (Lstm ? 4 : 3) * Hidden;
            int step = Sequence * Gates, cells = Sequence * Hidden;
            // LSTM: gates, cells, gate gradients, cell gradients. GRU: input part, hidden part, their gradients, dh.
            First = 0;
            Second = step;
            FirstGradient = Lstm ? step + cells : 2 * step;
            SecondGradient = Lstm ? 2 * step + cells : 3 * step;
            Size = Lstm ? 2 * step + 2 * cells : 4 * step + cells;
        }

        public bool Lstm { get; }
        public int Sequence { get; }
        public int Input { get; }
        public int Hidden { get; }

        /// <summary>Gate values per step: 4·hidden (LSTM) or 3·hidden (GRU).</summary>
        public int Gates { get; }

        /// <summary>LSTM: the gate pre-activations [S, 4H]. GRU: W_ih·x + b_ih [S, 3H].</summary>
        public int First { get; }

        /// <summary>LSTM: the cells [S, H]. GRU: W_hh·h_{t−1} + b_hh [S, 3H].</summary>
        public int Second { get; }

        /// <summary>LSTM: the gate gradients [S, 4H]. GRU: the gradient of the input part [S, 3H]. Tangents reuse it.</summary>
        public int FirstGradient { get; }

        /// <summary>LSTM: the cell gradients [S, H]. GRU: the gradient of the hidden part [S, 3H], then dh [S, H] after it.</summary>
        public int SecondGradient { get; }

        /// <summary>GRU: dh [S, H], after the hidden part's gradient.</summary>
        public int HiddenGradient => SecondGradient + Sequence * Gates;

        public int Size { get; }
    }

    // LSTM and GRU (the CPU kernels' definitions, LstmKernel and GruKernel, PyTorch's gate order, zero initial state).
    // The input projections of every step are one tiled product; the recurrence runs one launch per time step over
    // (sample, hidden unit), each thread reading the whole previous hidden state (written by the previous launch) and
    // writing its own unit. The reverse pass gathers W_hhᵀ·(next step's gate gradients), so it needs no atomics; the
    // weight gradients are products over every (sample, step) afterwards. DeepLIFT's reference rule stays on the CPU.
    internal sealed partial class GpuNodeKernels
    {
        private void AddRecurrentForward(NodeSpec node)
        {
            var s = new RecurrentLayout(node);
            int x = node.Inputs[0], y = node.Index;
            string name = "Forward" + node.Index;
            // LSTM: W_ih·x + b_ih + b_hh (the step adds W_hh·h); GRU: W_ih·x + b_ih (b_hh goes with W_hh·h, inside r·(…)).
            string bias = " + " + P(ParamOffset(node, 2), "col") + (s.Lstm ? " + " + P(ParamOffset(node, 3), "col") : "");
            AddTiled(name + "_Input", GpuPassKind.Forward, node, -1, $"v.Batch * {s.Sequence}", Str(s.Gates), Str(s.Input),
                $"a = {A(x, $"ar * {s.Input} + ak")};",
                $"b = {P(ParamOffset(node, 0), $"bc * {s.Input} + bk")};",
                $"{Sc(y, s.First, $"row * {s.Gates} + col")} = acc{bias};",
                $"pass.Batch * {s.Sequence}", Str(s.Gates));

            var body = new StringBuilder(UnitOfStep(s));
            if (s.Lstm)
            {
                for (int gate = 0; gate < 4; gate++)
                {
                    string slot = Sc(y, s.First, $"row * {s.Gates} + {gate * s.Hidden} + j");
                    body.Append(RecurrentProduct(node, s, gate, A, "u" + gate)).Append($"{slot} = {slot} + u{gate};\n");
                }

                body.Append(LstmGates(node, s, "row"))
                    .Append($"{_t} cell = f * (t > 0 ? {Sc(y, s.Second, $"(row - 1) * {s.Hidden} + j")} : 0) + ig * g;\n")
                    .Append($"{Sc(y, s.Second, $"row * {s.Hidden} + j")} = cell;\n")
                    .Append($"{A(y, $"row * {s.Hidden} + j")} = o * {_math}.Tanh(cell);");
            }
            else
            {
                for (int gate = 0; gate < 3; gate++)
                {
                    body.Append(RecurrentProduct(node, s, gate, A, "u" + gate))
                        .Append($"{Sc(y, s.Second, $"row * {s.Gates} + {gate * s.Hidden} + j")} = {P(ParamOffset(node, 3), $"{gate * s.Hidden} + j")} + u{gate};\n");
                }

                body.Append(GruGates(node, s))
                    .Append($"{A(y, $"row * {s.Hidden} + j")} = (1 - z) * n + z * (t > 0 ? {A(y, $"(row - 1) * {s.Hidden} + j")} : 0);");
            }

            AddStep(name, GpuPassKind.Forward, node, -1, Rows(s.Hidden), s.Sequence, false, body.ToString());
        }

        private void AddRecurrentBackward(NodeSpec node)
        {
            var s = new RecurrentLayout(node);
            int x = node.Inputs[0], y = node.Index, h = s.Hidden, g3 = s.Gates;
            string name = "Backward" + node.Index;
            int last = s.Sequence - 1;
            var body = new StringBuilder(UnitOfStep(s));
            // dh_t = dy_t + the recurrent part from step t + 1: W_hhᵀ·(its gate gradients), and for the GRU dh_{t+1}·z_{t+1}.
            body.Append($"{_t} dh = {G(y, $"row * {h} + j")};\n")
                .Append($"if (t < {last})\n{{\n")
                .Append($"for (int k = 0; k < {g3}; k++) dh += {P(ParamOffset(node, 1), $"k * {h} + j")} * {Sc(y, s.Lstm ? s.FirstGradient : s.SecondGradient, $"(row + 1) * {g3} + k")};\n");
            if (!s.Lstm)
            {
                body.Append($"{_t} zNext = 1 / (1 + {_math}.Exp(-({Sc(y, s.First, $"(row + 1) * {g3} + {h} + j")} + {Sc(y, s.Second, $"(row + 1) * {g3} + {h} + j")})));\n")
                    .Append($"dh += {Sc(y, s.HiddenGradient, $"(row + 1) * {h} + j")} * zNext;\n");
            }

            body.Append("}\n");
            if (s.Lstm)
            {
                string gate(int q) => Sc(y, s.FirstGradient, $"row * {g3} + {q * h} + j");
                body.Append(LstmGates(node, s, "row"))
                    .Append($"{_t} cell = {Sc(y, s.Second, $"row * {h} + j")}, tc = {_math}.Tanh(cell);\n")
                    .Append($"{_t} previous = t > 0 ? {Sc(y, s.Second, $"(row - 1) * {h} + j")} : 0;\n")
                    // The cell's gradient: through h = o·tanh(c), plus what step t + 1 carries through c_{t+1} = f_{t+1}·c_t + ….
                    .Append($"{_t} dCell = dh * o * (1 - tc * tc);\n")
                    .Append($"if (t < {last}) dCell += {Sc(y, s.SecondGradient, $"(row + 1) * {h} + j")} / (1 + {_math}.Exp(-{Sc(y, s.First, $"(row + 1) * {g3} + {h} + j")}));\n")
                    .Append($"{Sc(y, s.SecondGradient, $"row * {h} + j")} = dCell;\n")
                    .Append($"{gate(0)} = dCell * g * ig * (1 - ig);\n")
                    .Append($"{gate(1)} = dCell * previous * f * (1 - f);\n")
                    .Append($"{gate(2)} = dCell * ig * (1 - g * g);\n")
                    .Append($"{gate(3)} = dh * tc * o * (1 - o);");
            }
            else
            {
                string px(int q) => Sc(y, s.FirstGradient, $"row * {g3} + {q * h} + j");
                string ph(int q) => Sc(y, s.SecondGradient, $"row * {g3} + {q * h} + j");
                body.Append(GruGates(node, s))
                    .Append($"{Sc(y, s.HiddenGradient, $"row * {h} + j")} = dh;\n")
                    .Append($"{_t} previous = t > 0 ? {A(y, $"(row - 1) * {h} + j")} : 0;\n")
                    .Append($"{_t} dn = dh * (1 - z) * (1 - n * n);\n")
                    .Append($"{_t} dr = dn * {Sc(y, s.Second, $"row * {g3} + {2 * h} + j")} * r * (1 - r);\n")
                    .Append($"{_t} dz = dh * (previous - n) * z * (1 - z);\n")
                    .Append($"{px(0)} = dr;\n{ph(0)} = dr;\n{px(1)} = dz;\n{ph(1)} = dz;\n{px(2)} = dn;\n{ph(2)} = dn * r;");
            }

            // The step kernels run whenever the pass reaches x, which it always does with parameter gradients.
            AddStep(name + "_Steps", GpuPassKind.Backward, node, x, Rows(h), s.Sequence, true, body.ToString());

            string rows = $"v.Batch * {s.Sequence}", launchRows = $"pass.Batch * {s.Sequence}";
            int inputGradient = s.FirstGradient, hiddenGradient = s.Lstm ? s.FirstGradient : s.SecondGradient;
            // dx += (input part's gradient)·W_ih.
            AddTiled(name, GpuPassKind.Backward, node, x, rows, Str(s.Input), Str(g3),
                $"a = {Sc(y, inputGradient, $"ar * {g3} + ak")};",
                $"b = {P(ParamOffset(node, 0), $"bk * {s.Input} + bc")};",
                $"{G(x, $"row * {s.Input} + col")} += acc;",
                launchRows, Str(s.Input));

            // dW_ih += Σ dGᵀ·x_t, dW_hh += Σ dGᵀ·h_{t−1} (h_{−1} = 0), over every (sample, step); the biases sum them.
            AddTiled("WeightGradient" + node.Index + "_Input", GpuPassKind.ParameterGradient, node, -1, Str(g3), Str(s.Input), rows,
                $"a = {Sc(y, inputGradient, $"ak * {g3} + ar")};",
                $"b = {A(x, $"bk * {s.Input} + bc")};",
                $"{Pg(ParamOffset(node, 0), $"row * {s.Input} + col")} += acc;",
                Str(g3), Str(s.Input));
            AddTiled("WeightGradient" + node.Index + "_Hidden", GpuPassKind.ParameterGradient, node, -1, Str(g3), Str(h), rows,
                $"a = {Sc(y, hiddenGradient, $"ak * {g3} + ar")};",
                $"if (bk % {s.Sequence} != 0) b = {A(y, $"(bk - 1) * {h} + bc")};",
                $"{Pg(ParamOffset(node, 1), $"row * {h} + col")} += acc;",
                Str(g3), Str(h));
            AddElementwise("BiasGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, Str(g3),
                $"{_t} input = 0, hidden = 0;\n" +
                $"for (int r = 0; r < {rows}; r++)\n{{\n" +
                $"input += {Sc(y, inputGradient, $"r * {g3} + i")};\n" +
                $"hidden += {Sc(y, hiddenGradient, $"r * {g3} + i")};\n}}\n" +
                $"{Pg(ParamOffset(node, 2), "i")} += input;\n" +
                $"{Pg(ParamOffset(node, 3), "i")} += hidden;");
        }

        private void AddRecurrentTangent(NodeSpec node)
        {
            var s = new RecurrentLayout(node);
            int x = node.Inputs[0], y = node.Index, h = s.Hidden, g3 = s.Gates;
            string name = "Tangent" + node.Index;
            // W_ih·tx_t for every step, into the gradient region (free in this pass).
            AddTiled(name + "_Input", GpuPassKind.Tangent, node, -1, $"v.Batch * {s.Sequence}", Str(g3), Str(s.Input),
                $"a = {Tn(x, $"ar * {s.Input} + ak")};",
                $"b = {P(ParamOffset(node, 0), $"bc * {s.Input} + bk")};",
                $"{Sc(y, s.FirstGradient, $"row * {g3} + col")} = acc;",
                $"pass.Batch * {s.Sequence}", Str(g3));

            var body = new StringBuilder(UnitOfStep(s));
            for (int gate = 0; gate < (s.Lstm ? 4 : 3); gate++)
            {
                body.Append(RecurrentProduct(node, s, gate, Tn, "u" + gate));
            }

            string input(int q) => Sc(y, s.FirstGradient, $"row * {g3} + {q * h} + j");
            if (s.Lstm)
            {
                body.Append(LstmGates(node, s, "row"))
                    .Append($"{_t} ti = ig * (1 - ig) * ({input(0)} + u0), tf = f * (1 - f) * ({input(1)} + u1);\n")
                    .Append($"{_t} tg = (1 - g * g) * ({input(2)} + u2), to = o * (1 - o) * ({input(3)} + u3);\n")
                    .Append($"{_t} previous = t > 0 ? {Sc(y, s.Second, $"(row - 1) * {h} + j")} : 0;\n")
                    .Append($"{_t} tPrevious = t > 0 ? {Sc(y, s.SecondGradient, $"(row - 1) * {h} + j")} : 0;\n")
                    .Append($"{_t} tc = tf * previous + f * tPrevious + ti * g + ig * tg;\n")
                    .Append($"{Sc(y, s.SecondGradient, $"row * {h} + j")} = tc;\n")
                    .Append($"{_t} th = {_math}.Tanh({Sc(y, s.Second, $"row * {h} + j")});\n")
                    .Append($"{Tn(y, $"row * {h} + j")} = to * th + o * (1 - th * th) * tc;");
            }
            else
            {
                body.Append(GruGates(node, s))
                    .Append($"{_t} tr = r * (1 - r) * ({input(0)} + u0);\n")
                    .Append($"{_t} tz = z * (1 - z) * ({input(1)} + u1);\n")
                    .Append($"{_t} tn = (1 - n * n) * ({input(2)} + tr * {Sc(y, s.Second, $"row * {g3} + {2 * h} + j")} + r * u2);\n")
                    .Append($"{_t} previous = t > 0 ? {A(y, $"(row - 1) * {h} + j")} : 0, tPrevious = t > 0 ? {Tn(y, $"(row - 1) * {h} + j")} : 0;\n")
                    .Append($"{Tn(y, $"row * {h} + j")} = tz * (previous - n) + (1 - z) * tn + z * tPrevious;");
            }

            AddStep(name, GpuPassKind.Tangent, node, -1, Rows(h), s.Sequence, false, body.ToString());
        }

        /// <summary>Declares, for thread i over (sample, hidden unit) at step t: b, j, and <c>row</c> = b·S + t.</summary>
        private static string UnitOfStep(RecurrentLayout s) =>
            $"int b = i / {s.Hidden}, j = i - b * {s.Hidden}, row = b * {s.Sequence} + t;\n";

        /// <summary>Declares <paramref name="variable"/> = Σ_k W_hh[gate·H + j, k]·buffer(h_{t−1})[k], or 0 at t = 0 (the zero initial state).</summary>
        private string RecurrentProduct(NodeSpec node, RecurrentLayout s, int gate, System.Func<int, string, string> buffer, string variable)
        {
            int h = s.Hidden, weights = ParamOffset(node, 1);
            return $"{_t} {variable} = 0;\n" +
                $"if (t > 0) for (int k = 0; k < {h}; k++) {variable} += {P(weights, $"({gate * h} + j) * {h} + k")} * {buffer(node.Index, $"(row - 1) * {h} + k")};\n";
        }

        /// <summary>The LSTM's gate activations ig, f, g, o of step <paramref name="row"/> from the stored pre-activations.</summary>
        private string LstmGates(NodeSpec node, RecurrentLayout s, string row)
        {
            string pre(int q) => Sc(node.Index, s.First, $"{row} * {s.Gates} + {q * s.Hidden} + j");
            return $"{_t} ig = 1 / (1 + {_math}.Exp(-{pre(0)}));\n" +
                $"{_t} f = 1 / (1 + {_math}.Exp(-{pre(1)}));\n" +
                $"{_t} g = {_math}.Tanh({pre(2)});\n" +
                $"{_t} o = 1 / (1 + {_math}.Exp(-{pre(3)}));\n";
        }

        /// <summary>The GRU's r, z and n of the current step, from the two stored projections.</summary>
        private string GruGates(NodeSpec node, RecurrentLayout s)
        {
            int y = node.Index, h = s.Hidden, g3 = s.Gates;
            string px(int q) => Sc(y, s.First, $"row * {g3} + {q * h} + j");
            string ph(int q) => Sc(y, s.Second, $"row * {g3} + {q * h} + j");
            return $"{_t} r = 1 / (1 + {_math}.Exp(-({px(0)} + {ph(0)})));\n" +
                $"{_t} z = 1 / (1 + {_math}.Exp(-({px(1)} + {ph(1)})));\n" +
                $"{_t} n = {_math}.Tanh({px(2)} + r * {ph(2)});\n";
        }
    }
}
