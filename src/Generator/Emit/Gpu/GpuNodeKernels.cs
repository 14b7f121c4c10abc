using System.Collections.Generic;
using System.Linq;
using Axon.Generator.Model;

namespace Axon.Generator.Emit.Gpu
{
    /// <summary>
    /// The GPU kernels of each op, for the forward, reverse-mode (input and parameter gradients) and forward-mode
    /// passes, with every shape and offset a literal. Dense and convolution are tiled products
    /// (<see cref="TiledProductWriter"/>); the rest run one thread per output value (or per row for softmax), and
    /// reverse passes gather instead of scattering, so no kernel needs atomics except the embedding table's gradient.
    /// Inside a kernel <c>v</c> is the <c>GpuPass</c>; a node's value e of row b is at offset × v.Capacity + b·size + e.
    /// </summary>
    internal sealed partial class GpuNodeKernels
    {
        private readonly ModelSpec _model;
        private readonly int[] _offsets;
        private readonly int[] _indexOffsets;
        private readonly int[] _scratchOffsets;
        private readonly string _t;
        private readonly string _math;
        private readonly List<GpuKernel> _kernels = new List<GpuKernel>();

        private GpuNodeKernels(ModelSpec model)
        {
            _model = model;
            _t = model.ElementTypeName;
            _math = model.Element == ElementKind.Float ? "global::System.MathF" : "global::System.Math";
            _offsets = new int[model.Nodes.Count];
            _indexOffsets = new int[model.Nodes.Count];
            _scratchOffsets = new int[model.Nodes.Count];
            int offset = 0, indexOffset = 0, scratchOffset = 0;
            foreach (var node in model.Nodes)
            {
                _offsets[node.Index] = offset;
                _indexOffsets[node.Index] = indexOffset;
                _scratchOffsets[node.Index] = scratchOffset;
                offset += node.Size;
                indexOffset += IndexSize(node);
                scratchOffset += ScratchSize(node);
            }

            IndexSizeTotal = indexOffset;
            ScratchSizeTotal = scratchOffset;
        }

        /// <summary>Arg-max slots per row over all nodes.</summary>
        public int IndexSizeTotal { get; }

        /// <summary>Scratch values per row over all nodes (attention's and the recurrent layers' intermediates).</summary>
        public int ScratchSizeTotal { get; }

        public IReadOnlyList<GpuKernel> Kernels => _kernels;

        public static GpuNodeKernels For(ModelSpec model)
        {
            var kernels = new GpuNodeKernels(model);
            foreach (var node in model.Nodes)
            {
                if (node.Kind == OpKind.Input) continue;
                kernels.AddForward(node);
                kernels.AddBackward(node);
                kernels.AddTangent(node);
            }

            return kernels;
        }

        /// <summary>
        /// Why a node cannot run on the GPU (reported as AXN040), or null when it can. Every op of this version has
        /// kernels; an op added later without them is reported here instead of reaching the emitter, which would
        /// otherwise take it for an element-wise activation.
        /// </summary>
        public static string? Unsupported(NodeSpec node) =>
            node.Kind >= OpKind.Input && node.Kind <= LastOpWithKernels ? null : $"the GPU backend has no kernels for op '{node.Kind}' yet";

        /// <summary>The last op of <see cref="OpKind"/> that has GPU kernels (every op up to it has).</summary>
        private const OpKind LastOpWithKernels = OpKind.Transpose;

        private static int IndexSize(NodeSpec node) => node.Kind == OpKind.MaxPool2d || node.Kind == OpKind.MaxOverTime ? node.Size : 0;

        /// <summary>Scratch values per row of a node's intermediates (see the attention and recurrent kernels' layouts).</summary>
        private int ScratchSize(NodeSpec node)
        {
            switch (node.Kind)
            {
                case OpKind.MultiHeadAttention:
                    return new AttentionLayout(node).Size;
                case OpKind.Lstm:
                case OpKind.Gru:
                    return new RecurrentLayout(node).Size;
                default:
                    return 0;
            }
        }

        // ----------------------------------------------------------------------------------------------------------
        // Addressing
        // ----------------------------------------------------------------------------------------------------------

        private string A(int node, string index) => $"v.Activations[{_offsets[node]} * v.Capacity + {index}]";

        private string G(int node, string index) => $"v.Gradients[{_offsets[node]} * v.Capacity + {index}]";

        private string Tn(int node, string index) => $"v.Tangents[{_offsets[node]} * v.Capacity + {index}]";

        private string Ix(int node, string index) => $"v.Indices[{_indexOffsets[node]} * v.Capacity + {index}]";

        /// <summary>Scratch region <paramref name="region"/> (a per-row offset within the node's scratch) of node <paramref name="node"/>.</summary>
        private string Sc(int node, int region, string index) => $"v.Scratch[{_scratchOffsets[node] + region} * v.Capacity + {index}]";

        private static string P(int offset, string index) => $"v.Parameters[{offset} + {index}]";

        private static string Pg(int offset, string index) => $"v.ParameterGradients[{offset} + {index}]";

        private int ParamOffset(NodeSpec node, int which) => _model.Parameters[node.FirstParameter + which].Offset;

        private string Lit(double value) => SourceWriter.Literal(value, _model.Element == ElementKind.Float);

        private NodeSpec In(NodeSpec node, int which = 0) => _model.Nodes[node.Inputs[which]];

        private static string Rows(int size) => $"(long)pass.Batch * {size}";

        // ----------------------------------------------------------------------------------------------------------
        // Element-wise kernel shells
        // ----------------------------------------------------------------------------------------------------------

        private string Elementwise(string name, string body)
        {
            var w = new SourceWriter();
            using (w.Block($"private static void {name}(global::ILGPU.Index1D index, global::Axon.Gpu.GpuPass<{_t}> v)"))
            {
                w.Line("int i = index;");
                TiledProductWriter.Lines(w, body);
            }

            return w.ToString();
        }

        private void AddElementwise(string name, GpuPassKind pass, NodeSpec node, int writesTo, string extent, string body) =>
            _kernels.Add(new GpuKernel(name, pass, node.Index, writesTo, Elementwise(name, body), extent));

        /// <summary>A kernel launched once per time step <c>t</c> (0 … steps − 1, or back), one thread per value of <paramref name="extent"/>.</summary>
        private void AddStep(string name, GpuPassKind pass, NodeSpec node, int writesTo, string extent, int steps, bool descending, string body)
        {
            var w = new SourceWriter();
            using (w.Block($"private static void {name}(global::ILGPU.Index1D index, global::Axon.Gpu.GpuPass<{_t}> v, int t)"))
            {
                w.Line("int i = index;");
                TiledProductWriter.Lines(w, body);
            }

            _kernels.Add(new GpuKernel(name, pass, node.Index, writesTo, w.ToString(), extent, steps, descending));
        }

        private void AddTiled(string name, GpuPassKind pass, NodeSpec node, int writesTo, string rows, string columns, string depth, string loadA, string loadB, string store, string launchRows, string launchColumns) =>
            _kernels.Add(new GpuKernel(name, pass, node.Index, writesTo, TiledProductWriter.Write(name, _t, rows, columns, depth, loadA, loadB, store), launchRows, launchColumns));

        // ----------------------------------------------------------------------------------------------------------
        // Linear ops: their tangent is their forward applied to the tangents (without the bias)
        // ----------------------------------------------------------------------------------------------------------

        private bool TryAddLinear(string name, GpuPassKind pass, NodeSpec node)
        {
            bool tangent = pass == GpuPassKind.Tangent;
            System.Func<int, string, string> buffer = tangent ? Tn : A;
            int y = node.Index;
            switch (node.Kind)
            {
                case OpKind.Dense:
                    AddDenseProduct(name, pass, node, tangent);
                    return true;
                case OpKind.GroupedConv2d:
                    AddGroupedConvForward(name, pass, node);
                    return true;
                case OpKind.ConvTranspose2d:
                    AddConvTransposeForward(name, pass, node);
                    return true;
                case OpKind.Upsample:
                    AddUpsample(name, pass, node, buffer);
                    return true;
                case OpKind.Conv1d:
                case OpKind.Conv2d:
                    AddConvForward(name, pass, node, tangent);
                    return true;
                case OpKind.Add:
                    AddElementwise(name, pass, node, -1, Rows(node.Size), $"{buffer(y, "i")} = {buffer(node.Inputs[0], "i")} + {buffer(node.Inputs[1], "i")};");
                    return true;
                case OpKind.Concat:
                    AddConcat(name, pass, node, buffer);
                    return true;
                case OpKind.Subtract:
                    AddElementwise(name, pass, node, -1, Rows(node.Size), $"{buffer(y, "i")} = {buffer(node.Inputs[0], "i")} - {buffer(node.Inputs[1], "i")};");
                    return true;
                case OpKind.Scale:
                    AddElementwise(name, pass, node, -1, Rows(node.Size), $"{buffer(y, "i")} = {Lit(node.Scalar)} * {buffer(node.Inputs[0], "i")};");
                    return true;
                case OpKind.Channels:
                    {
                        var x = In(node);
                        int offset = node.Hyper[0] * (x.Size / x.Shape[0]);
                        AddElementwise(name, pass, node, -1, Rows(node.Size),
                            $"int b = i / {node.Size}, e = i - b * {node.Size};\n{buffer(y, "i")} = {buffer(x.Index, $"b * {x.Size} + {offset} + e")};");
                        return true;
                    }
                case OpKind.Flatten:
                case OpKind.Reshape:
                case OpKind.Identity:
                case OpKind.Dropout:
                    AddElementwise(name, pass, node, -1, Rows(node.Size), $"{buffer(y, "i")} = {buffer(node.Inputs[0], "i")};");
                    return true;
                case OpKind.Transpose:
                    {
                        // One thread per output value y[b, c, r] = x[b, r, c], with the input [rows, columns].
                        int rows = node.Shape[1], columns = node.Shape[0];
                        AddElementwise(name, pass, node, -1, Rows(node.Size),
                            $"int b = i / {node.Size}, e = i - b * {node.Size}, c = e / {rows}, r = e - c * {rows};\n{buffer(y, "i")} = {buffer(node.Inputs[0], $"b * {node.Size} + r * {columns} + c")};");
                        return true;
                    }
                case OpKind.AvgPool2d when PoolingHyper.Padding(node.Hyper) > 0:
                    AddPaddedAvgPool(name, pass, node, buffer);
                    return true;
                case OpKind.AvgPool2d:
                    AddAvgPool(name, pass, node, buffer);
                    return true;
                case OpKind.GlobalAvgPool:
                    AddGlobalAvgPool(name, pass, node, buffer);
                    return true;
                default:
                    return false;
            }
        }

        // ----------------------------------------------------------------------------------------------------------
        // Forward
        // ----------------------------------------------------------------------------------------------------------

        private void AddForward(NodeSpec node)
        {
            string name = "Forward" + node.Index;
            int y = node.Index;
            if (TryAddLinear(name, GpuPassKind.Forward, node)) return;
            switch (node.Kind)
            {
                case OpKind.MaxPool2d when PoolingHyper.Padding(node.Hyper) > 0:
                    AddPaddedMaxPoolForward(name, node);
                    return;
                case OpKind.MaxPool2d:
                    AddMaxPoolForward(name, node);
                    return;
                case OpKind.MaxOverTime:
                    AddMaxOverTimeForward(name, node);
                    return;
                case OpKind.Embedding:
                    AddEmbeddingForward(name, node);
                    return;
                case OpKind.BatchNorm:
                    AddBatchNorm(name, GpuPassKind.Forward, node);
                    return;
                case OpKind.Softmax:
                case OpKind.LogSoftmax:
                    AddSoftmaxForward(name, node);
                    return;
                case OpKind.LayerNorm:
                case OpKind.RMSNorm:
                    AddNormalization(node, GpuPassKind.Forward);
                    return;
                case OpKind.PositionalEmbedding:
                case OpKind.SinusoidalPositionalEncoding:
                    AddPositionalForward(node);
                    return;
                case OpKind.MultiHeadAttention:
                    AddAttentionForward(node);
                    return;
                case OpKind.Lstm:
                case OpKind.Gru:
                    AddRecurrentForward(node);
                    return;
                case OpKind.Multiply:
                    AddElementwise(name, GpuPassKind.Forward, node, -1, Rows(node.Size), $"{A(y, "i")} = {A(node.Inputs[0], "i")} * {A(node.Inputs[1], "i")};");
                    return;
                default:
                    {
                        int x = node.Inputs[0];
                        AddElementwise(name, GpuPassKind.Forward, node, -1, Rows(node.Size), $"{_t} x = {A(x, "i")};\n{A(y, "i")} = {Value(node, "x")};");
                        return;
                    }
            }
        }

        // ----------------------------------------------------------------------------------------------------------
        // Backward: each kernel adds to one input's gradient (launched only when that input is at or above stopAtLayer)
        // ----------------------------------------------------------------------------------------------------------

        private void AddBackward(NodeSpec node)
        {
            string name = "Backward" + node.Index;
            int y = node.Index;
            switch (node.Kind)
            {
                case OpKind.Dense:
                    AddDenseBackward(name, node);
                    return;
                case OpKind.GroupedConv2d:
                    AddGroupedConvBackward(name, node);
                    return;
                case OpKind.ConvTranspose2d:
                    AddConvTransposeBackward(name, node);
                    return;
                case OpKind.Upsample:
                    AddUpsampleBackward(name, node);
                    return;
                case OpKind.Conv1d:
                case OpKind.Conv2d:
                    AddConvBackward(name, node);
                    return;
                case OpKind.Add:
                    for (int k = 0; k < node.Inputs.Count; k++)
                    {
                        int input = node.Inputs[k];
                        AddElementwise($"{name}_{k}", GpuPassKind.Backward, node, input, Rows(node.Size), $"{G(input, "i")} += {G(y, "i")};");
                    }

                    return;
                case OpKind.Concat:
                    AddConcatBackward(name, node);
                    return;
                case OpKind.Subtract:
                    AddElementwise($"{name}_0", GpuPassKind.Backward, node, node.Inputs[0], Rows(node.Size), $"{G(node.Inputs[0], "i")} += {G(y, "i")};");
                    AddElementwise($"{name}_1", GpuPassKind.Backward, node, node.Inputs[1], Rows(node.Size), $"{G(node.Inputs[1], "i")} -= {G(y, "i")};");
                    return;
                case OpKind.Scale:
                    AddElementwise(name, GpuPassKind.Backward, node, node.Inputs[0], Rows(node.Size), $"{G(node.Inputs[0], "i")} += {Lit(node.Scalar)} * {G(y, "i")};");
                    return;
                case OpKind.Multiply:
                    for (int k = 0; k < 2; k++)
                    {
                        int input = node.Inputs[k], other = node.Inputs[1 - k];
                        AddElementwise($"{name}_{k}", GpuPassKind.Backward, node, input, Rows(node.Size), $"{G(input, "i")} += {A(other, "i")} * {G(y, "i")};");
                    }

                    return;
                case OpKind.Channels:
                    {
                        // One output value per input value of the range, so the scatter needs no atomics.
                        var x = In(node);
                        int offset = node.Hyper[0] * (x.Size / x.Shape[0]);
                        AddElementwise(name, GpuPassKind.Backward, node, x.Index, Rows(node.Size),
                            $"int b = i / {node.Size}, e = i - b * {node.Size};\n{G(x.Index, $"b * {x.Size} + {offset} + e")} += {G(y, "i")};");
                        return;
                    }
                case OpKind.Transpose:
                    {
                        // A permutation: each input gradient receives exactly one output gradient, so no atomics.
                        int rows = node.Shape[1], columns = node.Shape[0];
                        int x = node.Inputs[0];
                        AddElementwise(name, GpuPassKind.Backward, node, x, Rows(node.Size),
                            $"int b = i / {node.Size}, e = i - b * {node.Size}, c = e / {rows}, r = e - c * {rows};\n{G(x, $"b * {node.Size} + r * {columns} + c")} += {G(y, "i")};");
                        return;
                    }
                case OpKind.Flatten:
                case OpKind.Reshape:
                case OpKind.Identity:
                case OpKind.Dropout:
                    AddElementwise(name, GpuPassKind.Backward, node, node.Inputs[0], Rows(node.Size), $"{G(node.Inputs[0], "i")} += {G(y, "i")};");
                    return;
                case OpKind.MaxPool2d when PoolingHyper.Padding(node.Hyper) > 0:
                    AddPaddedPoolBackward(name, node);
                    return;
                case OpKind.AvgPool2d when PoolingHyper.Padding(node.Hyper) > 0:
                    AddPaddedPoolBackward(name, node);
                    return;
                case OpKind.MaxPool2d:
                    AddMaxPoolBackward(name, node);
                    return;
                case OpKind.AvgPool2d:
                    AddAvgPoolBackward(name, node);
                    return;
                case OpKind.GlobalAvgPool:
                    {
                        var x = In(node);
                        int channels = x.Shape[0], spatial = x.Size / channels;
                        AddElementwise(name, GpuPassKind.Backward, node, x.Index, Rows(x.Size),
                            $"int b = i / {x.Size}, e = i - b * {x.Size};\n{G(x.Index, "i")} += {G(y, $"b * {channels} + e / {spatial}")} / {Lit(spatial)};");
                        return;
                    }

                case OpKind.MaxOverTime:
                    {
                        var x = In(node);
                        int channels = x.Shape[0], length = x.Shape[1];
                        AddElementwise(name, GpuPassKind.Backward, node, x.Index, Rows(x.Size),
                            $"int b = i / {x.Size}, e = i - b * {x.Size}, c = e / {length};\n" +
                            $"if ({Ix(y, $"b * {channels} + c")} == e) {G(x.Index, "i")} += {G(y, $"b * {channels} + c")};");
                        return;
                    }

                case OpKind.Embedding:
                    AddEmbeddingBackward(node);
                    return;
                case OpKind.BatchNorm:
                    AddBatchNormBackward(name, node);
                    return;
                case OpKind.LayerNorm:
                case OpKind.RMSNorm:
                    AddNormalization(node, GpuPassKind.Backward);
                    return;
                case OpKind.PositionalEmbedding:
                case OpKind.SinusoidalPositionalEncoding:
                    AddPositionalBackward(node);
                    return;
                case OpKind.MultiHeadAttention:
                    AddAttentionBackward(node);
                    return;
                case OpKind.Lstm:
                case OpKind.Gru:
                    AddRecurrentBackward(node);
                    return;
                case OpKind.Softmax:
                case OpKind.LogSoftmax:
                    AddSoftmaxBackward(name, node);
                    return;
                default:
                    {
                        int x = node.Inputs[0];
                        AddElementwise(name, GpuPassKind.Backward, node, x, Rows(node.Size),
                            $"{_t} x = {A(x, "i")}, y = {A(y, "i")};\n{G(x, "i")} += ({Derivative(node, "x", "y")}) * {G(y, "i")};");
                        return;
                    }
            }
        }

        // ----------------------------------------------------------------------------------------------------------
        // Tangent (forward mode over the tape)
        // ----------------------------------------------------------------------------------------------------------

        private void AddTangent(NodeSpec node)
        {
            string name = "Tangent" + node.Index;
            int y = node.Index;
            if (TryAddLinear(name, GpuPassKind.Tangent, node)) return;
            switch (node.Kind)
            {
                case OpKind.Embedding:
                    // Token ids are discrete: no direction moves them.
                    AddElementwise(name, GpuPassKind.Tangent, node, -1, Rows(node.Size), $"{Tn(y, "i")} = 0;");
                    return;
                case OpKind.MaxPool2d:
                    {
                        var x = In(node);
                        AddElementwise(name, GpuPassKind.Tangent, node, -1, Rows(node.Size),
                            $"int b = i / {node.Size};\n{Tn(y, "i")} = {Tn(x.Index, $"b * {x.Size} + {Ix(y, "i")}")};");
                        return;
                    }

                case OpKind.MaxOverTime:
                    {
                        var x = In(node);
                        AddElementwise(name, GpuPassKind.Tangent, node, -1, Rows(node.Size),
                            $"int b = i / {node.Size};\n{Tn(y, "i")} = {Tn(x.Index, $"b * {x.Size} + {Ix(y, "i")}")};");
                        return;
                    }

                case OpKind.BatchNorm:
                    AddBatchNorm(name, GpuPassKind.Tangent, node);
                    return;
                case OpKind.LayerNorm:
                case OpKind.RMSNorm:
                    AddNormalization(node, GpuPassKind.Tangent);
                    return;
                case OpKind.PositionalEmbedding:
                case OpKind.SinusoidalPositionalEncoding:
                    // Adding a table that does not depend on the input: the tangent passes through.
                    AddElementwise(name, GpuPassKind.Tangent, node, -1, Rows(node.Size), $"{Tn(y, "i")} = {Tn(node.Inputs[0], "i")};");
                    return;
                case OpKind.Softmax:
                case OpKind.LogSoftmax:
                    AddSoftmaxTangent(name, node);
                    return;
                case OpKind.MultiHeadAttention:
                    AddAttentionTangent(node);
                    return;
                case OpKind.Lstm:
                case OpKind.Gru:
                    AddRecurrentTangent(node);
                    return;
                case OpKind.Multiply:
                    {
                        int a = node.Inputs[0], b = node.Inputs[1];
                        AddElementwise(name, GpuPassKind.Tangent, node, -1, Rows(node.Size), $"{Tn(y, "i")} = {Tn(a, "i")} * {A(b, "i")} + {A(a, "i")} * {Tn(b, "i")};");
                        return;
                    }
                default:
                    {
                        int x = node.Inputs[0];
                        AddElementwise(name, GpuPassKind.Tangent, node, -1, Rows(node.Size),
                            $"{_t} x = {A(x, "i")}, y = {A(y, "i")};\n{Tn(y, "i")} = ({Derivative(node, "x", "y")}) * {Tn(x, "i")};");
                        return;
                    }
            }
        }

        // ----------------------------------------------------------------------------------------------------------
        // Element-wise activations: value and derivative (x the input, y the output)
        // ----------------------------------------------------------------------------------------------------------

        private string Value(NodeSpec node, string x)
        {
            string m = _math;
            switch (node.Kind)
            {
                case OpKind.ReLU: return $"{x} > 0 ? {x} : 0";
                case OpKind.LeakyReLU: return $"{x} > 0 ? {x} : {Lit(node.Scalar)} * {x}";
                case OpKind.Sigmoid: return $"1 / (1 + {m}.Exp(-{x}))";
                case OpKind.Tanh: return $"{m}.Tanh({x})";
                case OpKind.Softplus: return $"{m}.Max({x}, 0) + global::Axon.Gpu.GpuMath.Log1P({m}.Exp(-{m}.Abs({x})))";
                case OpKind.Gelu: return $"({_t})({x} * global::Axon.Gpu.GpuMath.NormalCdf({x}))";
                case OpKind.SiLU: return $"{x} / (1 + {m}.Exp(-{x}))";
                case OpKind.Activation: return $"({_t}){node.Function}({x})";
                default: throw new System.ArgumentOutOfRangeException(nameof(node), node.Kind, "not an element-wise activation");
            }
        }

        private string Derivative(NodeSpec node, string x, string y)
        {
            string m = _math;
            switch (node.Kind)
            {
                case OpKind.ReLU: return $"{x} > 0 ? ({_t})1 : 0";
                case OpKind.LeakyReLU: return $"{x} > 0 ? ({_t})1 : {Lit(node.Scalar)}";
                case OpKind.Sigmoid: return $"{y} * (1 - {y})";
                case OpKind.Tanh: return $"1 - {y} * {y}";
                case OpKind.Softplus: return $"1 / (1 + {m}.Exp(-{x}))";
                case OpKind.Gelu: return $"({_t})(global::Axon.Gpu.GpuMath.NormalCdf({x}) + {x} * global::Axon.Gpu.GpuMath.NormalPdf({x}))";
                case OpKind.Activation: return $"({_t}){node.Function}Derivative({x})";
                case OpKind.SiLU: return $"(1 + {x} * (1 - 1 / (1 + {m}.Exp(-{x})))) / (1 + {m}.Exp(-{x}))";
                default: throw new System.ArgumentOutOfRangeException(nameof(node), node.Kind, "not an element-wise activation");
            }
        }

        // ----------------------------------------------------------------------------------------------------------
        // Dense: y = x·Wᵀ + b, W [out, in]
        // ----------------------------------------------------------------------------------------------------------

        private void AddDenseProduct(string name, GpuPassKind pass, NodeSpec node, bool tangent)
        {
            var h = node.Hyper;
            int input = h[0], output = h[1], x = node.Inputs[0], y = node.Index;
            int weight = ParamOffset(node, 0);
            // Applied to each row of the last dimension (nn.Linear): rows per sample × the batch.
            string rows = DenseRows(node, "v.Batch"), launchRows = DenseRows(node, "pass.Batch");
            System.Func<int, string, string> buffer = tangent ? Tn : A;
            string bias = !tangent && h[2] != 0 ? " + " + P(ParamOffset(node, 1), "col") : "";
            AddTiled(name, pass, node, -1, rows, output.ToString(), input.ToString(),
                $"a = {buffer(x, $"ar * {input} + ak")};",
                $"b = {P(weight, $"bc * {input} + bk")};",
                $"{buffer(y, $"row * {output} + col")} = acc{bias};",
                launchRows, output.ToString());
        }

        private void AddDenseBackward(string name, NodeSpec node)
        {
            var h = node.Hyper;
            int input = h[0], output = h[1], x = node.Inputs[0], y = node.Index;
            int weight = ParamOffset(node, 0);
            // Applied to each row of the last dimension (nn.Linear): rows per sample × the batch.
            string rows = DenseRows(node, "v.Batch"), launchRows = DenseRows(node, "pass.Batch");
            AddTiled(name, GpuPassKind.Backward, node, x, rows, input.ToString(), output.ToString(),
                $"a = {G(y, $"ar * {output} + ak")};",
                $"b = {P(weight, $"bk * {input} + bc")};",
                $"{G(x, $"row * {input} + col")} += acc;",
                launchRows, input.ToString());

            // dW[o, i] += Σ_b dy[b, o]·x[b, i]: a product over the batch.
            AddTiled("WeightGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, output.ToString(), input.ToString(), rows,
                $"a = {G(y, $"ak * {output} + ar")};",
                $"b = {A(x, $"bk * {input} + bc")};",
                $"{Pg(weight, $"row * {input} + col")} += acc;",
                output.ToString(), input.ToString());
            if (h[2] != 0)
            {
                AddElementwise("BiasGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, output.ToString(),
                    $"{_t} sum = 0;\nfor (int b = 0; b < {rows}; b++) sum += {G(y, $"b * {output} + i")};\n{Pg(ParamOffset(node, 1), "i")} += sum;");
            }
        }

        /// <summary>The rows a Dense node multiplies: the batch times the rows of each sample (1 for a vector input).</summary>
        private string DenseRows(NodeSpec node, string batch)
        {
            int perSample = In(node).Size / node.Hyper[0];
            return perSample == 1 ? batch : $"{batch} * {perSample}";
        }

        // ----------------------------------------------------------------------------------------------------------
        // Convolution (Conv1d is Conv2d with height 1): W [outC, inC, kh, kw]; positions of the output are columns
        // ----------------------------------------------------------------------------------------------------------

        private readonly struct ConvShape
        {
            public ConvShape(ModelSpec model, NodeSpec node)
            {
                var h = node.Hyper;
                var s = model.Nodes[node.Inputs[0]].Shape;
                bool twoD = node.Kind == OpKind.Conv2d;
                C = s[0];
                H = twoD ? s[1] : 1;
                W = twoD ? s[2] : s[1];
                OC = h[1];
                KH = twoD ? h[2] : 1;
                KW = h[2];
                SH = twoD ? h[3] : 1;
                SW = h[3];
                PH = twoD ? h[4] : 0;
                PW = h[4];
                OH = twoD ? node.Shape[1] : 1;
                OW = twoD ? node.Shape[2] : node.Shape[1];
                HasBias = h[5] != 0;
            }

            public int C { get; }
            public int H { get; }
            public int W { get; }
            public int OC { get; }
            public int KH { get; }
            public int KW { get; }
            public int SH { get; }
            public int SW { get; }
            public int PH { get; }
            public int PW { get; }
            public int OH { get; }
            public int OW { get; }
            public bool HasBias { get; }

            public int Positions => OH * OW;

            public int Depth => C * KH * KW;

            public int InputSize => C * H * W;
        }

        /// <summary>Statements setting <paramref name="target"/> to x[b, ic, iy, ix] of the im2col column (position, kk), or 0 in the padding.</summary>
        private string Im2Col(ConvShape c, System.Func<int, string, string> buffer, int x, string position, string kk, string target)
        {
            return
                $"int gb = {position} / {c.Positions}, gp = {position} - gb * {c.Positions};\n" +
                $"int oy = gp / {c.OW}, ox = gp - oy * {c.OW};\n" +
                $"int ic = {kk} / {c.KH * c.KW}, kr = {kk} - ic * {c.KH * c.KW};\n" +
                $"int ky = kr / {c.KW}, kx = kr - ky * {c.KW};\n" +
                $"int iy = oy * {c.SH} + ky - {c.PH}, ix = ox * {c.SW} + kx - {c.PW};\n" +
                $"if (iy >= 0 && iy < {c.H} && ix >= 0 && ix < {c.W}) {target} = {buffer(x, $"gb * {c.InputSize} + ic * {c.H * c.W} + iy * {c.W} + ix")};";
        }

        private void AddConvForward(string name, GpuPassKind pass, NodeSpec node, bool tangent)
        {
            var c = new ConvShape(_model, node);
            int x = node.Inputs[0], y = node.Index, weight = ParamOffset(node, 0);
            System.Func<int, string, string> buffer = tangent ? Tn : A;
            string bias = !tangent && c.HasBias ? " + " + P(ParamOffset(node, 1), "row") : "";
            AddTiled(name, pass, node, -1, c.OC.ToString(), $"v.Batch * {c.Positions}", c.Depth.ToString(),
                $"a = {P(weight, $"ar * {c.Depth} + ak")};",
                Im2Col(c, buffer, x, "bc", "bk", "b"),
                $"int sb = col / {c.Positions}, sp = col - sb * {c.Positions};\n{buffer(y, $"sb * {node.Size} + row * {c.Positions} + sp")} = acc{bias};",
                c.OC.ToString(), $"(long)pass.Batch * {c.Positions}");
        }

        private void AddConvBackward(string name, NodeSpec node)
        {
            var c = new ConvShape(_model, node);
            int x = node.Inputs[0], y = node.Index, weight = ParamOffset(node, 0);
            int taps = c.KH * c.KW, inputPlane = c.H * c.W;

            // dx[b, ic, iy, ix] = Σ_{oc, ky, kx} W[oc, ic, ky, kx]·dy[b, oc, oy, ox] where iy = oy·s + ky − p: a product
            // over (oc, ky, kx) whose right operand gathers dy (zero where no output position maps to the input one).
            AddTiled(name, GpuPassKind.Backward, node, x, c.C.ToString(), $"v.Batch * {inputPlane}", (c.OC * taps).ToString(),
                $"int oc = ak / {taps}, kr = ak - oc * {taps};\na = {P(weight, $"(oc * {c.C} + ar) * {taps} + kr")};",
                $"int oc = bk / {taps}, kr = bk - oc * {taps};\n" +
                $"int ky = kr / {c.KW}, kx = kr - ky * {c.KW};\n" +
                $"int gb = bc / {inputPlane}, gp = bc - gb * {inputPlane};\n" +
                $"int iy = gp / {c.W}, ix = gp - iy * {c.W};\n" +
                $"int sy = iy + {c.PH} - ky, sx = ix + {c.PW} - kx;\n" +
                $"if (sy >= 0 && sx >= 0 && sy % {c.SH} == 0 && sx % {c.SW} == 0 && sy / {c.SH} < {c.OH} && sx / {c.SW} < {c.OW}) b = {G(y, $"gb * {node.Size} + oc * {c.Positions} + (sy / {c.SH}) * {c.OW} + sx / {c.SW}")};",
                $"int sb = col / {inputPlane}, sp = col - sb * {inputPlane};\n{G(x, $"sb * {c.InputSize} + row * {inputPlane} + sp")} += acc;",
                c.C.ToString(), $"(long)pass.Batch * {inputPlane}");

            // dW[oc, kk] += Σ_{b, position} dy[b, oc, position]·im2col(x)[position, kk].
            AddTiled("WeightGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, c.OC.ToString(), c.Depth.ToString(), $"v.Batch * {c.Positions}",
                $"int gb = ak / {c.Positions}, gp = ak - gb * {c.Positions};\na = {G(y, $"gb * {node.Size} + ar * {c.Positions} + gp")};",
                Im2Col(c, A, x, "bk", "bc", "b"),
                $"{Pg(weight, $"row * {c.Depth} + col")} += acc;",
                c.OC.ToString(), c.Depth.ToString());
            if (c.HasBias)
            {
                AddElementwise("BiasGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, c.OC.ToString(),
                    $"{_t} sum = 0;\nfor (int b = 0; b < v.Batch; b++)\nfor (int p = 0; p < {c.Positions}; p++) sum += {G(y, $"b * {node.Size} + i * {c.Positions} + p")};\n{Pg(ParamOffset(node, 1), "i")} += sum;");
            }
        }

        // ----------------------------------------------------------------------------------------------------------
        // Structure
        // ----------------------------------------------------------------------------------------------------------

        private void AddConcat(string name, GpuPassKind pass, NodeSpec node, System.Func<int, string, string> buffer)
        {
            int offset = 0;
            for (int k = 0; k < node.Inputs.Count; k++)
            {
                var part = _model.Nodes[node.Inputs[k]];
                AddElementwise($"{name}_{k}", pass, node, -1, Rows(part.Size),
                    $"int b = i / {part.Size}, e = i - b * {part.Size};\n{buffer(node.Index, $"b * {node.Size} + {offset} + e")} = {buffer(part.Index, "i")};");
                offset += part.Size;
            }
        }

        private void AddConcatBackward(string name, NodeSpec node)
        {
            int offset = 0;
            for (int k = 0; k < node.Inputs.Count; k++)
            {
                var part = _model.Nodes[node.Inputs[k]];
                AddElementwise($"{name}_{k}", GpuPassKind.Backward, node, part.Index, Rows(part.Size),
                    $"int b = i / {part.Size}, e = i - b * {part.Size};\n{G(part.Index, "i")} += {G(node.Index, $"b * {node.Size} + {offset} + e")};");
                offset += part.Size;
            }
        }

        // ----------------------------------------------------------------------------------------------------------
        // Pooling (windows without padding, as on the CPU; the first maximum of a window wins)
        // ----------------------------------------------------------------------------------------------------------

        private void AddMaxPoolForward(string name, NodeSpec node)
        {
            var x = In(node);
            int k = node.Hyper[0], s = node.Hyper[1], h = x.Shape[1], w = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            AddElementwise(name, GpuPassKind.Forward, node, -1, Rows(node.Size),
                $"int b = i / {node.Size}, e = i - b * {node.Size};\n" +
                $"int c = e / {oh * ow}, r = e - c * {oh * ow}, oy = r / {ow}, ox = r - oy * {ow};\n" +
                $"int best = c * {h * w} + oy * {s * w} + ox * {s};\n" +
                $"{_t} top = {A(x.Index, $"b * {x.Size} + best")};\n" +
                $"for (int ky = 0; ky < {k}; ky++)\n" +
                $"for (int kx = 0; kx < {k}; kx++)\n" +
                "{\n" +
                $"int at = c * {h * w} + (oy * {s} + ky) * {w} + ox * {s} + kx;\n" +
                $"{_t} value = {A(x.Index, $"b * {x.Size} + at")};\n" +
                "if (value > top) { top = value; best = at; }\n" +
                "}\n" +
                $"{A(node.Index, "i")} = top;\n" +
                $"{Ix(node.Index, "i")} = best;");
        }

        /// <summary>The output windows (oy0..oy1, ox0..ox1) that contain input position (iy, ix).</summary>
        private static string Windows(int k, int s, int oh, int ow) =>
            $"int oy0 = iy >= {k} ? (iy - {k}) / {s} + 1 : 0, oy1 = global::System.Math.Min(iy / {s}, {oh - 1});\n" +
            $"int ox0 = ix >= {k} ? (ix - {k}) / {s} + 1 : 0, ox1 = global::System.Math.Min(ix / {s}, {ow - 1});\n";

        private void AddMaxPoolBackward(string name, NodeSpec node)
        {
            var x = In(node);
            int k = node.Hyper[0], s = node.Hyper[1], h = x.Shape[1], w = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            AddElementwise(name, GpuPassKind.Backward, node, x.Index, Rows(x.Size),
                $"int b = i / {x.Size}, e = i - b * {x.Size};\n" +
                $"int c = e / {h * w}, r = e - c * {h * w}, iy = r / {w}, ix = r - iy * {w};\n" +
                Windows(k, s, oh, ow) +
                $"{_t} sum = 0;\n" +
                "for (int oy = oy0; oy <= oy1; oy++)\n" +
                "for (int ox = ox0; ox <= ox1; ox++)\n" +
                "{\n" +
                $"int o = b * {node.Size} + c * {oh * ow} + oy * {ow} + ox;\n" +
                $"if ({Ix(node.Index, "o")} == e) sum += {G(node.Index, "o")};\n" +
                "}\n" +
                $"{G(x.Index, "i")} += sum;");
        }

        private void AddAvgPool(string name, GpuPassKind pass, NodeSpec node, System.Func<int, string, string> buffer)
        {
            var x = In(node);
            int k = node.Hyper[0], s = node.Hyper[1], h = x.Shape[1], w = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            AddElementwise(name, pass, node, -1, Rows(node.Size),
                $"int b = i / {node.Size}, e = i - b * {node.Size};\n" +
                $"int c = e / {oh * ow}, r = e - c * {oh * ow}, oy = r / {ow}, ox = r - oy * {ow};\n" +
                $"{_t} sum = 0;\n" +
                $"for (int ky = 0; ky < {k}; ky++)\n" +
                $"for (int kx = 0; kx < {k}; kx++) sum += {buffer(x.Index, $"b * {x.Size} + c * {h * w} + (oy * {s} + ky) * {w} + ox * {s} + kx")};\n" +
                $"{buffer(node.Index, "i")} = sum / {Lit(k * k)};");
        }

        private void AddAvgPoolBackward(string name, NodeSpec node)
        {
            var x = In(node);
            int k = node.Hyper[0], s = node.Hyper[1], h = x.Shape[1], w = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            AddElementwise(name, GpuPassKind.Backward, node, x.Index, Rows(x.Size),
                $"int b = i / {x.Size}, e = i - b * {x.Size};\n" +
                $"int c = e / {h * w}, r = e - c * {h * w}, iy = r / {w}, ix = r - iy * {w};\n" +
                Windows(k, s, oh, ow) +
                $"{_t} sum = 0;\n" +
                "for (int oy = oy0; oy <= oy1; oy++)\n" +
                $"for (int ox = ox0; ox <= ox1; ox++) sum += {G(node.Index, $"b * {node.Size} + c * {oh * ow} + oy * {ow} + ox")};\n" +
                $"{G(x.Index, "i")} += sum / {Lit(k * k)};");
        }

        private void AddGlobalAvgPool(string name, GpuPassKind pass, NodeSpec node, System.Func<int, string, string> buffer)
        {
            var x = In(node);
            int channels = x.Shape[0], spatial = x.Size / channels;
            AddElementwise(name, pass, node, -1, Rows(node.Size),
                $"int b = i / {channels}, c = i - b * {channels};\n" +
                $"{_t} sum = 0;\n" +
                $"for (int p = 0; p < {spatial}; p++) sum += {buffer(x.Index, $"b * {x.Size} + c * {spatial} + p")};\n" +
                $"{buffer(node.Index, "i")} = sum / {Lit(spatial)};");
        }

        private void AddMaxOverTimeForward(string name, NodeSpec node)
        {
            var x = In(node);
            int length = x.Shape[1];
            AddElementwise(name, GpuPassKind.Forward, node, -1, Rows(node.Size),
                $"int b = i / {node.Size}, c = i - b * {node.Size};\n" +
                $"int best = c * {length};\n" +
                $"{_t} top = {A(x.Index, $"b * {x.Size} + best")};\n" +
                $"for (int l = 1; l < {length}; l++)\n" +
                "{\n" +
                $"{_t} value = {A(x.Index, $"b * {x.Size} + c * {length} + l")};\n" +
                $"if (value > top) {{ top = value; best = c * {length} + l; }}\n" +
                "}\n" +
                $"{A(node.Index, "i")} = top;\n" +
                $"{Ix(node.Index, "i")} = best;");
        }

        // ----------------------------------------------------------------------------------------------------------
        // Embedding: ids [L] → [dim, L]; a bad id (not an integer in range) gives NaN, which every check downstream sees
        // ----------------------------------------------------------------------------------------------------------

        private void AddEmbeddingForward(string name, NodeSpec node)
        {
            var x = In(node);
            int length = x.Shape[0], count = node.Hyper[0], dim = node.Hyper[1], table = ParamOffset(node, 0);
            AddElementwise(name, GpuPassKind.Forward, node, -1, Rows(node.Size),
                $"int b = i / {node.Size}, e = i - b * {node.Size}, d = e / {length}, l = e - d * {length};\n" +
                $"{_t} token = {A(x.Index, $"b * {length} + l")};\n" +
                $"int id = (int)token;\n" +
                $"{A(node.Index, "i")} = id == token && id >= 0 && id < {count} ? {P(table, $"id * {dim} + d")} : {_t}.NaN;");
        }

        private void AddEmbeddingBackward(NodeSpec node)
        {
            var x = In(node);
            int length = x.Shape[0], count = node.Hyper[0], dim = node.Hyper[1], table = ParamOffset(node, 0);
            AddElementwise("WeightGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, Rows(node.Size),
                $"int b = i / {node.Size}, e = i - b * {node.Size}, d = e / {length}, l = e - d * {length};\n" +
                $"int id = (int){A(x.Index, $"b * {length} + l")};\n" +
                $"if (id >= 0 && id < {count}) global::ILGPU.Atomic.Add(ref {Pg(table, $"id * {dim} + d")}, {G(node.Index, "i")});");
        }

        // ----------------------------------------------------------------------------------------------------------
        // Batch norm (inference form): y = (x − mean)/√(var + ε)·γ + β per channel
        // ----------------------------------------------------------------------------------------------------------

        private void AddBatchNorm(string name, GpuPassKind pass, NodeSpec node)
        {
            int channels = node.Hyper[0], spatial = node.Size / channels, x = node.Inputs[0];
            int gamma = ParamOffset(node, 0), beta = ParamOffset(node, 1), mean = ParamOffset(node, 2), variance = ParamOffset(node, 3);
            string head = $"int c = (i - (i / {node.Size}) * {node.Size}) / {spatial};\n{_t} scale = {P(gamma, "c")} / {_math}.Sqrt({P(variance, "c")} + {Lit(node.Scalar)});\n";
            string body = pass == GpuPassKind.Forward
                ? $"{A(node.Index, "i")} = ({A(x, "i")} - {P(mean, "c")}) * scale + {P(beta, "c")};"
                : $"{Tn(node.Index, "i")} = {Tn(x, "i")} * scale;";
            AddElementwise(name, pass, node, -1, Rows(node.Size), head + body);
        }

        private void AddBatchNormBackward(string name, NodeSpec node)
        {
            int channels = node.Hyper[0], spatial = node.Size / channels, x = node.Inputs[0];
            int gamma = ParamOffset(node, 0), beta = ParamOffset(node, 1), mean = ParamOffset(node, 2), variance = ParamOffset(node, 3);
            AddElementwise(name, GpuPassKind.Backward, node, x, Rows(node.Size),
                $"int c = (i - (i / {node.Size}) * {node.Size}) / {spatial};\n" +
                $"{G(x, "i")} += {G(node.Index, "i")} * {P(gamma, "c")} / {_math}.Sqrt({P(variance, "c")} + {Lit(node.Scalar)});");
            AddElementwise("WeightGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, channels.ToString(),
                $"{_t} inverse = 1 / {_math}.Sqrt({P(variance, "i")} + {Lit(node.Scalar)});\n" +
                $"{_t} scaled = 0, sum = 0;\n" +
                "for (int b = 0; b < v.Batch; b++)\n" +
                $"for (int p = 0; p < {spatial}; p++)\n" +
                "{\n" +
                $"int at = b * {node.Size} + i * {spatial} + p;\n" +
                $"{_t} g = {G(node.Index, "at")};\n" +
                $"scaled += g * ({A(x, "at")} - {P(mean, "i")});\n" +
                "sum += g;\n" +
                "}\n" +
                $"{Pg(gamma, "i")} += scaled * inverse;\n" +
                $"{Pg(beta, "i")} += sum;");
        }

        // ----------------------------------------------------------------------------------------------------------
        // Softmax and log-softmax: one thread per row
        // ----------------------------------------------------------------------------------------------------------

        private void AddSoftmaxForward(string name, NodeSpec node)
        {
            int size = node.Size, x = node.Inputs[0], y = node.Index;
            bool log = node.Kind == OpKind.LogSoftmax;
            string body =
                $"int at = i * {size};\n" +
                $"{_t} top = {A(x, "at")};\n" +
                $"for (int j = 1; j < {size}; j++) top = {_math}.Max(top, {A(x, "at + j")});\n" +
                $"{_t} sum = 0;\n" +
                $"for (int j = 0; j < {size}; j++) sum += {_math}.Exp({A(x, "at + j")} - top);\n" +
                (log
                    ? $"{_t} shift = top + {_math}.Log(sum);\nfor (int j = 0; j < {size}; j++) {A(y, "at + j")} = {A(x, "at + j")} - shift;"
                    : $"for (int j = 0; j < {size}; j++) {A(y, "at + j")} = {_math}.Exp({A(x, "at + j")} - top) / sum;");
            AddElementwise(name, GpuPassKind.Forward, node, -1, "pass.Batch", body);
        }

        private void AddSoftmaxBackward(string name, NodeSpec node)
        {
            int size = node.Size, x = node.Inputs[0], y = node.Index;
            string body = node.Kind == OpKind.LogSoftmax
                ? $"int at = i * {size};\n{_t} sum = 0;\nfor (int j = 0; j < {size}; j++) sum += {G(y, "at + j")};\n" +
                  $"for (int j = 0; j < {size}; j++) {G(x, "at + j")} += {G(y, "at + j")} - {_math}.Exp({A(y, "at + j")}) * sum;"
                : $"int at = i * {size};\n{_t} dot = 0;\nfor (int j = 0; j < {size}; j++) dot += {A(y, "at + j")} * {G(y, "at + j")};\n" +
                  $"for (int j = 0; j < {size}; j++) {G(x, "at + j")} += {A(y, "at + j")} * ({G(y, "at + j")} - dot);";
            AddElementwise(name, GpuPassKind.Backward, node, x, "pass.Batch", body);
        }

        private void AddSoftmaxTangent(string name, NodeSpec node)
        {
            int size = node.Size, x = node.Inputs[0], y = node.Index;
            string body = node.Kind == OpKind.LogSoftmax
                ? $"int at = i * {size};\n{_t} dot = 0;\nfor (int j = 0; j < {size}; j++) dot += {_math}.Exp({A(y, "at + j")}) * {Tn(x, "at + j")};\n" +
                  $"for (int j = 0; j < {size}; j++) {Tn(y, "at + j")} = {Tn(x, "at + j")} - dot;"
                : $"int at = i * {size};\n{_t} dot = 0;\nfor (int j = 0; j < {size}; j++) dot += {A(y, "at + j")} * {Tn(x, "at + j")};\n" +
                  $"for (int j = 0; j < {size}; j++) {Tn(y, "at + j")} = {A(y, "at + j")} * ({Tn(x, "at + j")} - dot);";
            AddElementwise(name, GpuPassKind.Tangent, node, -1, "pass.Batch", body);
        }
    }
}
