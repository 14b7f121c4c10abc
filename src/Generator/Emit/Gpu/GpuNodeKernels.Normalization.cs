using Axon.Generator.Model;

namespace Axon.Generator.Emit.Gpu
{
    // LayerNorm and RMSNorm: one thread per normalised row (batch × rows per sample) for the forward, input-gradient
    // and tangent kernels; one thread per weight element, summing over every row, for the parameter gradients (a
    // gather, so no atomics). Each kernel recomputes its row's mean and 1/√(σ² + ε) from the input activation.
    internal sealed partial class GpuNodeKernels
    {
        private void AddNormalization(NodeSpec node, GpuPassKind pass)
        {
            int width = NormalizationHyper.Width(node.Hyper), rows = node.Size / width, x = node.Inputs[0], y = node.Index;
            string name = pass + node.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string weight(string j) => NormalizationHyper.HasWeight(node.Hyper) ? P(ParamOffset(node, 0), j) : $"(({_t})1)";
            string shift(string j) => NormalizationHyper.HasBias(node.Hyper) ? " + " + P(ParamOffset(node, 1), j) : "";
            string normalised = $"({A(x, "at + j")} - mean) * r";
            switch (pass)
            {
                case GpuPassKind.Forward:
                    AddElementwise(name, pass, node, -1, Rows(rows),
                        RowStatistics(node, x, width, "i") + $"for (int j = 0; j < {width}; j++) {A(y, "at + j")} = {normalised} * {weight("j")}{shift("j")};");
                    return;
                case GpuPassKind.Backward:
                    AddElementwise(name, pass, node, x, Rows(rows),
                        RowStatistics(node, x, width, "i") + JacobianProduct(node, width, $"{G(y, "at + j")} * {weight("j")}", u => $"{G(x, "at + j")} += {u};"));
                    AddNormalizationParameterGradient(node, width, rows, x, y);
                    return;
                case GpuPassKind.Tangent:
                    AddElementwise(name, pass, node, -1, Rows(rows),
                        RowStatistics(node, x, width, "i") + JacobianProduct(node, width, Tn(x, "at + j"), u => $"{Tn(y, "at + j")} = {weight("j")} * {u};"));
                    return;
            }
        }

        /// <summary>Declares <c>at</c> (the row's first value), <c>mean</c> (0 for RMSNorm) and <c>r</c> = 1/√(mean (x − mean)² + ε) of row <paramref name="row"/>.</summary>
        private string RowStatistics(NodeSpec node, int x, int width, string row)
        {
            bool center = node.Kind == OpKind.LayerNorm;
            return $"int at = {row} * {width};\n" +
                $"{_t} mean = 0;\n" +
                (center ? $"for (int j = 0; j < {width}; j++) mean += {A(x, "at + j")};\nmean /= {width};\n" : "") +
                $"{_t} squares = 0;\n" +
                $"for (int j = 0; j < {width}; j++) {{ {_t} d = {A(x, "at + j")} - mean; squares += d * d; }}\n" +
                $"{_t} r = 1 / {_math}.Sqrt(squares / {width} + {NormalizationEpsilon(node)});\n";
        }

        /// <summary>r(u − mean u − x̂·mean(u x̂)) for each j of the row (no mean-u term for RMSNorm), handed to <paramref name="store"/>.</summary>
        private string JacobianProduct(NodeSpec node, int width, string u, System.Func<string, string> store)
        {
            bool center = node.Kind == OpKind.LayerNorm;
            int x = node.Inputs[0];
            string xhat = $"({A(x, "at + j")} - mean) * r";
            return $"{_t} sum = 0, projection = 0;\n" +
                $"for (int j = 0; j < {width}; j++) {{ {_t} u = {u}; sum += u; projection += u * {xhat}; }}\n" +
                $"{_t} meanU = {(center ? $"sum / {width}" : "0")}, meanProjection = projection / {width};\n" +
                $"for (int j = 0; j < {width}; j++) {{ {_t} u = {u}; {store($"r * (u - meanU - {xhat} * meanProjection)")} }}";
        }

        private void AddNormalizationParameterGradient(NodeSpec node, int width, int rows, int x, int y)
        {
            if (!NormalizationHyper.HasWeight(node.Hyper)) return;
            bool bias = NormalizationHyper.HasBias(node.Hyper);
            string body =
                $"int e = i;\n{_t} weightSum = 0, biasSum = 0;\n" +
                $"for (int row = 0; row < v.Batch * {rows}; row++)\n{{\n" +
                RowStatistics(node, x, width, "row") +
                $"{_t} g = {G(y, "at + e")};\n" +
                $"weightSum += g * ({A(x, "at + e")} - mean) * r;\n" +
                "biasSum += g;\n}\n" +
                $"{Pg(ParamOffset(node, 0), "e")} += weightSum;" +
                (bias ? $"\n{Pg(ParamOffset(node, 1), "e")} += biasSum;" : "");
            AddElementwise("WeightGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, width.ToString(System.Globalization.CultureInfo.InvariantCulture), body);
        }

        /// <summary>ε as the element type holds it; RMSNorm's 0 is PyTorch's eps=None, the type's machine epsilon.</summary>
        private string NormalizationEpsilon(NodeSpec node)
        {
            double epsilon = node.Scalar;
            if (node.Kind == OpKind.RMSNorm && epsilon == 0) epsilon = _model.Element == ElementKind.Float ? 1.1920928955078125e-07 : 2.220446049250313e-16;
            return Lit(epsilon);
        }
    }
}
