using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Axon.Generator.Graph;
using Axon.Generator.Model;
using Axon.Generator.Parsing;

namespace Axon.Generator.Onnx
{
    /// <summary>One mapping per supported ONNX operator (docs/own-model.md, "From PyTorch via ONNX", has the table).</summary>
    internal sealed partial class OnnxGraphMapper
    {
        /// <summary>The operators with a mapping (Transpose only right after a Gather, where it is folded into the embedding).</summary>
        internal static readonly HashSet<string> Supported = new HashSet<string>
        {
            "Gemm", "MatMul", "Add", "Conv", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "MaxPool", "AveragePool", "GlobalAveragePool",
            "Flatten", "Reshape", "Concat", "BatchNormalization", "LayerNormalization", "Softmax", "Gather", "Identity", "Dropout", "Constant",
            "Sub", "Mul", "Softplus", "LogSoftmax", "Gelu", "ConvTranspose", "Resize", "Upsample", "LSTM", "GRU",
            "RMSNormalization", "SimplifiedLayerNormalization",
        };

        /// <summary>Operators accepted only where a mapping folds them (Transpose, Squeeze around an embedding or a recurrent layer).</summary>
        internal static readonly HashSet<string> FoldedOnly = new HashSet<string> { "Transpose", "Squeeze" };

        /// <summary>What to do about an operator Axon cannot import.</summary>
        private static string Advice(string op) => op switch
        {
            "Attention" => " (opset 23's Attention maps to MultiHeadAttention only over q, k, v projections of one value; declare the model by hand otherwise)",
            "MultiHeadAttention" => " (declare the model by hand with a MultiHeadAttention layer and load its weights by name)",
            "Shape" or "Unsqueeze" or "Squeeze" or "Cast"
                => " (a shape computed at run time: export with do_constant_folding=True and fixed input sizes)",
            _ => "; the supported operators are listed in docs/own-model.md (From PyTorch via ONNX)",
        };

        private void MapNode(OnnxNode node)
        {
            switch (node.OpType)
            {
                case "Identity":
                case "Dropout":
                    // Inference: both pass their input through (a Dropout mask output is never computed).
                    if (node.Attributes.TryGetValue("training_mode", out var training) && training.Int != 0) throw Unsupported(node, "training_mode = 1");
                    Bind(node, Value(node, 0));
                    break;
                case "Constant":
                    _constants[node.Outputs[0]] = ConstantValue(node);
                    break;
                case "Relu": Activation(node, OpKind.ReLU, "relu", 0); break;
                case "Sigmoid": Sigmoid(node); break;
                case "Tanh": Activation(node, OpKind.Tanh, "tanh", 0); break;
                case "LeakyRelu": Activation(node, OpKind.LeakyReLU, "leaky_relu", Float(node, "alpha", 0.01f)); break;
                case "Softmax": Softmax(node, OpKind.Softmax, "softmax"); break;
                case "LogSoftmax": Softmax(node, OpKind.LogSoftmax, "log_softmax"); break;
                case "Softplus": Activation(node, OpKind.Softplus, "softplus", 0); break;
                case "Gelu":
                    if (String(node, "approximate", "none") != "none") throw Unsupported(node, "approximate = " + String(node, "approximate", "none") + " (Axon's Gelu is the exact erf form)");
                    Activation(node, OpKind.Gelu, "gelu", 0);
                    break;
                case "Sub": Binary(node, OpKind.Subtract, "sub"); break;
                case "Mul": Multiply(node); break;
                case "Gemm": Gemm(node); break;
                case "MatMul": MatMul(node); break;
                case "Add": Add(node); break;
                case "Conv": Conv(node); break;
                case "MaxPool": Pool(node, OpKind.MaxPool2d, "max_pool"); break;
                case "AveragePool": Pool(node, OpKind.AvgPool2d, "avg_pool"); break;
                case "GlobalAveragePool": GlobalAveragePool(node); break;
                case "Flatten": Flatten(node); break;
                case "Reshape": Reshape(node); break;
                case "Concat": Concat(node); break;
                case "BatchNormalization": BatchNormalization(node); break;
                case "LayerNormalization": LayerNormalization(node); break;
                case "Gather": Gather(node); break;
                case "ConvTranspose": ConvTranspose(node); break;
                case "Resize": Resize(node); break;
                case "Upsample": UpsampleOperator(node); break;
                case "LSTM": Recurrent(node, OpKind.Lstm, 4); break;
                case "GRU": Recurrent(node, OpKind.Gru, 3); break;
                case "RMSNormalization":
                case "SimplifiedLayerNormalization":
                    RmsNormalization(node);
                    break;
                case "Transpose":
                    if (TimeMajorTranspose(node)) break;
                    throw Stop(Diagnostics.DiagnosticDescriptors.OnnxUnsupportedOperator, node.DisplayName, node.OpType,
                        " except right after a Gather (embedding) with perm = [0, 2, 1], where it makes the embedding channels first, and around an LSTM or GRU as PyTorch's batch_first=True export places it");
                case "Squeeze":
                    throw Stop(Diagnostics.DiagnosticDescriptors.OnnxUnsupportedOperator, node.DisplayName, node.OpType,
                        " except on the output of an LSTM or GRU, as PyTorch's export places it" + Advice(node.OpType));
                default:
                    throw Stop(Diagnostics.DiagnosticDescriptors.OnnxUnsupportedOperator, node.DisplayName, node.OpType, Advice(node.OpType));
            }
        }

        private OnnxTensor ConstantValue(OnnxNode node)
        {
            if (node.Attributes.TryGetValue("value", out var value) && value.Tensor is not null) return value.Tensor;
            if (node.Attributes.TryGetValue("value_ints", out var ints))
            {
                var tensor = new OnnxTensor { Name = node.Outputs[0], DataType = 7, Integers = ints.Ints.ToArray(), Values = ints.Ints.Select(i => (double)i).ToArray() };
                tensor.Dims.Add(ints.Ints.Count);
                return tensor;
            }

            throw Unsupported(node, "a value other than a tensor or a list of integers");
        }

        private void Activation(OnnxNode node, OpKind kind, string fallback, double scalar)
        {
            int x = Value(node, 0);
            Bind(node, ApplyLayer(node, kind, LayerName(node, null, fallback), new int[0], scalar, x));
        }

        /// <summary>
        /// A Sigmoid, or — when its only reader is a Mul of the sigmoid's own input by it, x · σ(x), as PyTorch exports
        /// nn.SiLU — one SiLU layer in place of both nodes.
        /// </summary>
        private void Sigmoid(OnnxNode node)
        {
            string input = node.Inputs.Count > 0 ? node.Inputs[0] : "";
            if (SoleConsumer(node.Outputs[0]) is { OpType: "Mul" } mul && mul.Inputs.Count == 2
                && (mul.Inputs[0] == input && mul.Inputs[1] == node.Outputs[0] || mul.Inputs[1] == input && mul.Inputs[0] == node.Outputs[0]))
            {
                int x = Value(node, 0);
                _fused.Add(mul);
                Bind(mul, ApplyLayer(node, OpKind.SiLU, LayerName(node, null, "silu"), new int[0], 0, x));
                return;
            }

            Activation(node, OpKind.Sigmoid, "sigmoid", 0);
        }

        private void Softmax(OnnxNode node, OpKind kind, string fallback)
        {
            int x = Value(node, 0);
            int rank = _shapes[x].Length + 1;
            long axis = Int(node, "axis", _graph.Opset is > 0 and < 13 ? 1 : -1);
            if (rank != 2 || (axis != 1 && axis != -1))
                throw Unsupported(node, $"axis = {axis} over a rank-{rank} tensor (Axon's Softmax runs over the features of an [N, C] tensor)");
            Bind(node, ApplyLayer(node, kind, LayerName(node, null, fallback), new int[0], 0, x));
        }

        /// <summary>Y = alpha·A·op(B) + beta·C with A the activations, B and C constants: a Dense layer.</summary>
        private void Gemm(OnnxNode node)
        {
            int x = Value(node, 0);
            if (Float(node, "alpha", 1f) != 1f) throw Unsupported(node, "alpha = " + Format(Float(node, "alpha", 1f)));
            if (Int(node, "transA", 0) != 0) throw Unsupported(node, "transA = 1 (the activations transposed)");
            var b = Weight(node, 1, "weight", 2);
            bool transB = Int(node, "transB", 0) != 0;
            int outFeatures = (int)(transB ? b.Dims[0] : b.Dims[1]);
            int inFeatures = (int)(transB ? b.Dims[1] : b.Dims[0]);
            var weight = transB ? b.Values : Transpose(b.Values, inFeatures, outFeatures);
            double[]? bias = null;
            if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
            {
                if (Float(node, "beta", 1f) != 1f) throw Unsupported(node, "beta = " + Format(Float(node, "beta", 1f)));
                bias = Bias(node, Weight(node, 2, "bias"), outFeatures);
            }

            Dense(node, b, x, inFeatures, outFeatures, weight, bias, node);
        }

        /// <summary>A·B with B constant: a Dense layer; an Add of a constant right after it becomes the bias.</summary>
        private void MatMul(OnnxNode node)
        {
            int x = Value(node, 0);
            // [N, K] × [K, M], or [N, ..., K] × [K, M] row by row (nn.Linear over a sequence): a Dense either way.

            var b = Weight(node, 1, "weight", 2);
            int inFeatures = (int)b.Dims[0];
            int outFeatures = (int)b.Dims[1];
            var weight = Transpose(b.Values, inFeatures, outFeatures);

            double[]? bias = null;
            var bound = node;
            if (SoleConsumer(node.Outputs[0]) is { OpType: "Add" } add && add.Inputs.Count == 2)
            {
                string other = add.Inputs[0] == node.Outputs[0] ? add.Inputs[1] : add.Inputs[0];
                if (_constants.TryGetValue(other, out var constant) && (constant.DataType == 1 || constant.DataType == 11))
                {
                    bias = Bias(add, constant, outFeatures);
                    _fused.Add(add);
                    bound = add;
                }
            }

            Dense(node, b, x, inFeatures, outFeatures, weight, bias, bound);
        }

        private void Dense(OnnxNode node, OnnxTensor weightTensor, int x, int inFeatures, int outFeatures, double[] weight, double[]? bias, OnnxNode bound)
        {
            string name = LayerName(node, weightTensor, "fc");
            var weights = new List<(string, double[])> { ("weight", weight) };
            if (bias is not null) weights.Add(("bias", bias));
            int dense = ApplyLayer(node, OpKind.Dense, name, new[] { inFeatures, outFeatures, bias is null ? 0 : 1 }, 0, x, weights.ToArray());
            Bind(bound, dense);
        }

        /// <summary>A bias of one value per output (or one value for all, broadcast).</summary>
        private double[] Bias(OnnxNode node, OnnxTensor tensor, int count)
        {
            if (tensor.ElementCount == count) return tensor.Values;
            if (tensor.ElementCount == 1) return Enumerable.Repeat(tensor.Values[0], count).ToArray();
            throw Unsupported(node, $"a bias '{tensor.Name}' of shape [{string.Join(", ", tensor.Dims)}] for {count} outputs");
        }

        private void Add(OnnxNode node)
        {
            if (node.Inputs.Count != 2) throw Unsupported(node, $"{node.Inputs.Count} inputs");
            for (int i = 0; i < 2; i++)
            {
                string name = node.Inputs[i];
                if (_values.ContainsKey(name) || !_constants.TryGetValue(name, out var constant)) continue;
                string other = node.Inputs[1 - i];
                if (!_values.ContainsKey(other) && _constants.ContainsKey(other)) throw Unsupported(node, "two constant operands");
                Bind(node, PositionTable(node, Value(node, 1 - i), name, constant));
                return;
            }

            Bind(node, Structural(node, OpKind.Add, "add", new int[0], Value(node, 0), Value(node, 1)));
        }

        /// <summary>
        /// x + a constant of x's per-sample shape [sequence, width] (with leading 1s for the batch): a learned position
        /// table — an nn.Parameter of [1, L, E] added to the embeddings, or nn.Embedding(L, E)(arange(L)) folded to a
        /// constant by the exporter — imported as a PositionalEmbedding whose weight is the table. Any other constant
        /// operand of an Add is refused (a bias is taken only with the MatMul right before it).
        /// </summary>
        private int PositionTable(OnnxNode node, int x, string operand, OnnxTensor table)
        {
            var shape = _shapes[x];
            var dims = table.Dims.ToList();
            while (dims.Count > 2 && dims[0] == 1) dims.RemoveAt(0);
            if (shape.Length != 2 || dims.Count != 2 || dims[0] != shape[0] || dims[1] != shape[1])
            {
                throw Unsupported(node,
                    $"the constant operand '{operand}' of shape [{string.Join(", ", table.Dims)}] added to a sample of [{string.Join(", ", shape)}] " +
                    "(Axon adds a constant only as the bias of the MatMul right before it, or as a [sequence, width] position table added to [sequence, width])");
            }

            // An initializer names the module ("pos_embed", "pos.weight"); a folded constant only says where it came from.
            string stem = operand.EndsWith(".weight", StringComparison.Ordinal) ? operand.Substring(0, operand.Length - ".weight".Length) : operand;
            string name = _graph.Initializers.ContainsKey(operand) ? LayerNameFrom(stem, "pos_embedding") : LayerName(node, null, "pos_embedding");
            return ApplyLayer(node, OpKind.PositionalEmbedding, name, new[] { shape[0], shape[1] }, 0, x, ("weight", table.Values));
        }

        /// <summary>a − b of two computed values of the same shape (no broadcasting, no constants).</summary>
        private void Binary(OnnxNode node, OpKind kind, string baseName)
        {
            if (node.Inputs.Count != 2) throw Unsupported(node, $"{node.Inputs.Count} inputs");
            Bind(node, Structural(node, kind, baseName, new int[0], Value(node, 0), Value(node, 1)));
        }

        /// <summary>a · b element-wise (a gate), or c · a with a one-element constant c (a scale).</summary>
        private void Multiply(OnnxNode node)
        {
            if (node.Inputs.Count != 2) throw Unsupported(node, $"{node.Inputs.Count} inputs");
            for (int i = 0; i < 2; i++)
            {
                string name = node.Inputs[i];
                if (_values.ContainsKey(name) || !_constants.TryGetValue(name, out var constant)) continue;
                if (constant.ElementCount != 1 || constant.Values.Length != 1)
                    throw Unsupported(node, $"the constant operand '{name}' of shape [{string.Join(", ", constant.Dims)}] (Axon multiplies by one constant factor)");
                int x = Value(node, 1 - i);
                double factor = constant.Values[0];
                string? problem = HyperParameterRules.ScaleFactor(factor, _request.Element);
                if (problem is not null) throw Unsupported(node, problem);
                Bind(node, AddNode(new DraftNode(OpKind.Scale, Numbered("scale"), new[] { x }.ToEquatableArray(), EquatableArray<int>.Empty, factor, "", null, _request.Location), node));
                return;
            }

            Binary(node, OpKind.Multiply, "mul");
        }

        private void Conv(OnnxNode node)
        {
            int x = Value(node, 0);
            var w = Weight(node, 1, "weight", 3, 4);
            bool twoD = w.Dims.Count == 4;
            long group = Int(node, "group", 1);
            if (group < 1 || group > int.MaxValue || (group != 1 && !twoD)) throw Unsupported(node, $"group = {group}" + (twoD ? "" : " on a 1-D convolution (Axon groups 2-D convolutions only)"));
            RequireAll(node, "dilations", 1);
            string autoPad = String(node, "auto_pad", "NOTSET");
            if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad.Length > 0) throw Unsupported(node, $"auto_pad = {autoPad} (export with explicit padding)");
            int kernel = (int)w.Dims[2];
            if (twoD && w.Dims[3] != kernel) throw Unsupported(node, $"a {w.Dims[2]}×{w.Dims[3]} kernel (Axon's Conv2d kernels are square)");
            if (Ints(node, "kernel_shape") is { } shape && shape.Any(k => k != kernel)) throw Unsupported(node, $"kernel_shape = [{string.Join(", ", shape)}] unlike its weight's");
            int stride = Uniform(node, "strides", 1);
            int padding = autoPad == "VALID" ? 0 : Uniform(node, "pads", 0);
            int outChannels = (int)w.Dims[0];
            // The weight holds in/group input channels per filter, PyTorch's layout for a grouped Conv2d too.
            long inChannels = w.Dims[1] * group;
            if (inChannels > int.MaxValue) throw Unsupported(node, $"group = {group} with a weight of shape [{string.Join(", ", w.Dims)}]");
            double[]? bias = node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? Bias(node, Weight(node, 2, "bias"), outChannels) : null;
            var weights = new List<(string, double[])> { ("weight", w.Values) };
            if (bias is not null) weights.Add(("bias", bias));
            var hyper = new[] { (int)inChannels, outChannels, kernel, stride, padding, bias is null ? 0 : 1 };
            var kind = twoD ? OpKind.Conv2d : OpKind.Conv1d;
            if (group != 1)
            {
                // Grouped (depthwise when group = in = out channels) is its own op, declared as Conv2d(..., groups: g).
                kind = OpKind.GroupedConv2d;
                hyper = hyper.Concat(new[] { (int)group }).ToArray();
            }

            Bind(node, ApplyLayer(node, kind, LayerName(node, w, "conv"), hyper, 0, x, weights.ToArray()));
        }

        private void Pool(OnnxNode node, OpKind kind, string fallback)
        {
            int x = Value(node, 0);
            if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0) throw Unsupported(node, "an Indices output");
            var kernelShape = Ints(node, "kernel_shape") ?? throw Unsupported(node, "no kernel_shape");
            if (kernelShape.Count != 2 || kernelShape[0] != kernelShape[1]) throw Unsupported(node, $"kernel_shape = [{string.Join(", ", kernelShape)}] (Axon pools with square 2-D windows)");
            if (Int(node, "ceil_mode", 0) != 0) throw Unsupported(node, "ceil_mode = 1");
            RequireAll(node, "dilations", 1);
            // Padding the same on every side (nn.MaxPool2d / nn.AvgPool2d's padding): Axon's padded pooling.
            int padding = Uniform(node, "pads", 0);
            if (padding > 0 && kind == OpKind.AvgPool2d && Int(node, "count_include_pad", 0) == 0)
                throw Unsupported(node, "pads with count_include_pad = 0 (Axon's AvgPool2d divides every window by kernel², counting the zero padding, as nn.AvgPool2d's default count_include_pad=True exports count_include_pad = 1)");
            string autoPad = String(node, "auto_pad", "NOTSET");
            if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad.Length > 0) throw Unsupported(node, $"auto_pad = {autoPad}");
            if (kernelShape[0] < 1 || kernelShape[0] > int.MaxValue) throw Unsupported(node, $"kernel_shape = [{string.Join(", ", kernelShape)}]");
            int kernel = (int)kernelShape[0];
            int stride = Uniform(node, "strides", 1);
            var hyper = padding > 0 ? new[] { kernel, stride, padding } : new[] { kernel, stride };
            Bind(node, ApplyLayer(node, kind, LayerName(node, null, fallback), hyper, 0, x));
        }

        /// <summary>ONNX keeps the pooled axes as ones ([N, C, 1, 1]); Axon's GlobalAvgPool gives [C], so a reshape restores them.</summary>
        private void GlobalAveragePool(OnnxNode node)
        {
            int x = Value(node, 0);
            int rank = _shapes[x].Length;
            int pooled = ApplyLayer(node, OpKind.GlobalAvgPool, LayerName(node, null, "global_avg_pool"), new int[0], 0, x);
            var ones = new int[rank];
            ones[0] = _shapes[x][0];
            for (int i = 1; i < rank; i++) ones[i] = 1;
            Bind(node, Structural(node, OpKind.Reshape, "reshape", ones, pooled));
        }

        private void Flatten(OnnxNode node)
        {
            int x = Value(node, 0);
            long axis = Int(node, "axis", 1);
            if (axis < 0) axis += _shapes[x].Length + 1;
            if (axis != 1) throw Unsupported(node, $"axis = {Int(node, "axis", 1)} (Axon flattens each sample: axis 1)");
            Bind(node, Structural(node, OpKind.Flatten, "flatten", new int[0], x));
        }

        /// <summary>A constant target shape whose first entry keeps the batch (0, −1, or the batch size the input declares).</summary>
        private void Reshape(OnnxNode node)
        {
            int x = Value(node, 0);
            var target = Constant(node, 1, "target shape");
            if (target.DataType != 7 && target.DataType != 6) throw Unsupported(node, $"a target shape of ONNX element type {target.DataType}");
            var dims = target.Integers;
            string text = "[" + string.Join(", ", dims) + "]";
            if (dims.Length < 2) throw Unsupported(node, $"the target shape {text} (Axon needs [batch, ...])");
            if (Int(node, "allowzero", 0) != 0 && dims.Contains(0)) throw Unsupported(node, $"allowzero = 1 with a zero in the target shape {text}");
            bool batchKept = dims[0] == 0 || dims[0] == -1 || (_batch.HasValue && dims[0] == _batch.Value);
            if (!batchKept) throw Unsupported(node, $"the target shape {text}, whose first dimension is not the batch (0 or −1 keeps it)");

            var input = _shapes[x];
            var sample = new long[dims.Length - 1];
            int inferred = -1;
            for (int i = 1; i < dims.Length; i++)
            {
                long d = dims[i];
                if (d == 0 && i - 1 < input.Length) sample[i - 1] = input[i - 1];
                else if (d == -1 && inferred < 0 && dims[0] != -1) inferred = i - 1;
                else if (d > 0 && d <= int.MaxValue) sample[i - 1] = d;
                else throw Unsupported(node, $"the target shape {text}");
            }

            if (inferred >= 0)
            {
                long known = 1;
                for (int i = 0; i < sample.Length; i++) if (i != inferred) known *= sample[i];
                long total = input.Aggregate(1L, (p, d) => p * d);
                if (known == 0 || total % known != 0) throw Unsupported(node, $"the target shape {text} for a sample of {total} values");
                sample[inferred] = total / known;
            }

            if (sample.Any(d => d > int.MaxValue)) throw Unsupported(node, $"the target shape {text}");
            Bind(node, Structural(node, OpKind.Reshape, "reshape", sample.Select(d => (int)d).ToArray(), x));
        }

        private void Concat(OnnxNode node)
        {
            var parts = Enumerable.Range(0, node.Inputs.Count).Select(i => Value(node, i)).ToArray();
            if (parts.Length < 2) throw Unsupported(node, $"{parts.Length} input");
            if (!node.Attributes.ContainsKey("axis")) throw Unsupported(node, "no axis");
            long axis = Int(node, "axis", 1);
            int rank = _shapes[parts[0]].Length + 1;
            if (axis < 0) axis += rank;
            if (axis != 1) throw Unsupported(node, $"axis = {Int(node, "axis", 1)} (Axon concatenates channels: axis 1)");
            Bind(node, Structural(node, OpKind.Concat, "concat", new int[0], parts));
        }

        private void BatchNormalization(OnnxNode node)
        {
            int x = Value(node, 0);
            if (Int(node, "training_mode", 0) != 0) throw Unsupported(node, "training_mode = 1 (Axon imports the inference form)");
            if (node.Outputs.Skip(1).Any(o => o.Length > 0)) throw Unsupported(node, "running-statistics outputs (training mode)");
            var scale = Weight(node, 1, "scale", 1);
            int channels = (int)scale.Dims[0];
            var shift = Weight(node, 2, "bias", 1);
            var mean = Weight(node, 3, "running mean", 1);
            var variance = Weight(node, 4, "running variance", 1);
            foreach (var t in new[] { shift, mean, variance })
            {
                if (t.ElementCount != channels) throw Unsupported(node, $"'{t.Name}' of {t.ElementCount} values for {channels} channels");
            }

            double epsilon = Float(node, "epsilon", 1e-5f);
            var hyper = new[] { channels };
            Bind(node, ApplyLayer(node, OpKind.BatchNorm, LayerName(node, scale, "bn"), hyper, epsilon, x,
                ("weight", scale.Values), ("bias", shift.Values), ("running_mean", mean.Values), ("running_var", variance.Values)));
        }

        /// <summary>
        /// nn.LayerNorm as exported (opset 17): the dimensions from <c>axis</c> (which counts the batch axis) to the last
        /// are normalised, Scale and B have that shape; B may be absent (<c>bias=False</c>). Mean and InvStdDev are
        /// training outputs and must be unused.
        /// </summary>
        private void LayerNormalization(OnnxNode node)
        {
            int x = Value(node, 0);
            if (node.Outputs.Skip(1).Any(o => o.Length > 0)) throw Unsupported(node, "the Mean or InvStdDev output");
            var (normalized, scale) = NormalizedDimensions(node, x);
            var weights = new List<(string, double[])> { ("weight", scale.Values) };
            bool bias = node.Inputs.Count > 2 && node.Inputs[2].Length > 0;
            if (bias)
            {
                var shift = Weight(node, 2, "bias");
                if (shift.ElementCount != scale.ElementCount) throw Unsupported(node, $"'{shift.Name}' of {shift.ElementCount} values for {scale.ElementCount} normalised values");
                weights.Add(("bias", shift.Values));
            }

            double epsilon = Float(node, "epsilon", 1e-5f);
            var hyper = new[] { 1, bias ? 1 : 0 }.Concat(normalized).ToArray();
            Bind(node, ApplyLayer(node, OpKind.LayerNorm, LayerName(node, scale, "layer_norm"), hyper, epsilon, x, weights.ToArray()));
        }

        /// <summary>
        /// An embedding lookup: Gather(table, token ids) gives [N, L, dim], and Axon's Embedding writes channels first,
        /// [dim, L], so the Transpose(perm = [0, 2, 1]) that PyTorch exports before a Conv1d is folded into it.
        /// </summary>
        private void Gather(OnnxNode node)
        {
            var table = Weight(node, 0, "embedding table", 2);
            if (node.Inputs.Count < 2 || node.Inputs[1] != _inputName) throw Unsupported(node, "indices other than the model input (Axon's Embedding reads the input's token ids)");
            if (Int(node, "axis", 0) != 0) throw Unsupported(node, $"axis = {Int(node, "axis", 0)}");
            var transpose = SoleConsumer(node.Outputs[0]);
            int x = Value(node, 1);
            var hyper = new[] { (int)table.Dims[0], (int)table.Dims[1] };
            int embedding = ApplyLayer(node, OpKind.Embedding, LayerName(node, table, "embedding"), hyper, 0, x, ("weight", table.Values));
            if (transpose is { OpType: "Transpose" } && Ints(transpose, "perm") is { Count: 3 } perm && perm[0] == 0 && perm[1] == 2 && perm[2] == 1)
            {
                // x.transpose(1, 2) after the embedding: Axon's Embedding is already channels first, [dim, L].
                _fused.Add(transpose);
                Bind(transpose, embedding);
                return;
            }

            // Read as [N, L, dim], as a transformer reads it: the channels-first embedding transposed back (embedding.Transpose()).
            Bind(node, Structural(node, OpKind.Transpose, "transpose", new int[0], embedding));
        }

        private static double[] Transpose(double[] values, int rows, int columns)
        {
            var result = new double[values.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++) result[c * rows + r] = values[r * columns + c];
            }

            return result;
        }

        private static long Int(OnnxNode node, string name, long fallback) => node.Attributes.TryGetValue(name, out var a) ? a.Int : fallback;

        private static float Float(OnnxNode node, string name, float fallback) => node.Attributes.TryGetValue(name, out var a) ? a.Float : fallback;

        private static string String(OnnxNode node, string name, string fallback) => node.Attributes.TryGetValue(name, out var a) ? a.String : fallback;

        private static List<long>? Ints(OnnxNode node, string name) => node.Attributes.TryGetValue(name, out var a) ? a.Ints : null;

        /// <summary>A list attribute whose entries must all equal one value (square strides, symmetric pads): that value.</summary>
        private int Uniform(OnnxNode node, string name, int fallback)
        {
            var values = Ints(node, name);
            if (values is null || values.Count == 0) return fallback;
            if (values.Any(v => v != values[0]) || values[0] < 0 || values[0] > int.MaxValue)
                throw Unsupported(node, $"{name} = [{string.Join(", ", values)}] (Axon needs the same value on every axis and side)");
            return (int)values[0];
        }

        private void RequireAll(OnnxNode node, string name, long expected)
        {
            var values = Ints(node, name);
            if (values is not null && values.Any(v => v != expected)) throw Unsupported(node, $"{name} = [{string.Join(", ", values)}]");
        }

        private static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
