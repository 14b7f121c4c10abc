using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Generator.Diagnostics;
using Axon.Generator.Graph;
using Axon.Generator.Model;
using Axon.Generator.Parsing;
using Axon.Generator.ShapeChecking;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// Maps an ONNX graph onto the draft network a hand-written model parses into — the same layer declarations
    /// and nodes, so shape checking, parameter layout and emission are shared — and collects the initializers
    /// as weights under the parameter names the layout will give them ("fc1.weight"). Per-sample shapes are
    /// inferred as nodes are added (with the checker's own rules), because several operators (Reshape, Flatten,
    /// Concat, Softmax) are only understood with the shape of their input. The first problem stops the mapping
    /// with a diagnostic; every unsupported operator is reported at once, before mapping starts.
    /// The operators themselves are in OnnxGraphMapper.Operators.cs.
    /// </summary>
    internal sealed partial class OnnxGraphMapper
    {
        private readonly OnnxGraph _graph;
        private readonly OnnxImportRequest _request;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly List<DraftNode> _nodes = new List<DraftNode>();
        private readonly List<int[]> _shapes = new List<int[]>();
        private readonly List<LayerDeclaration> _layers = new List<LayerDeclaration>();
        private readonly Dictionary<string, double[]> _weights = new Dictionary<string, double[]>();
        private readonly Dictionary<string, int> _values = new Dictionary<string, int>();
        private readonly Dictionary<string, OnnxTensor> _constants;
        private readonly Dictionary<string, List<OnnxNode>> _consumers = new Dictionary<string, List<OnnxNode>>();
        private readonly HashSet<OnnxNode> _fused = new HashSet<OnnxNode>();
        private readonly HashSet<string> _taken = new HashSet<string>();
        private readonly Dictionary<string, int> _counters = new Dictionary<string, int>();
        private string _inputName = "";
        private long? _batch;
        private bool _tokenInput;

        private OnnxGraphMapper(OnnxGraph graph, OnnxImportRequest request, List<DiagnosticInfo> diagnostics)
        {
            _graph = graph;
            _request = request;
            _diagnostics = diagnostics;
            _constants = new Dictionary<string, OnnxTensor>(graph.Initializers);
            foreach (var node in graph.Nodes)
            {
                foreach (var input in node.Inputs)
                {
                    if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = new List<OnnxNode>();
                    list.Add(node);
                }
            }

            // Names the generated class already uses, and the class's own (a member cannot share it).
            foreach (var reserved in GeneratedMembers.All.Concat(GeneratedMembers.ImportedOnly)) _taken.Add(reserved);
            _taken.Add(request.Identity.ClassName);
        }

        /// <summary>The draft network and its weights by parameter name, or null with the reasons in <paramref name="diagnostics"/>.</summary>
        public static (DraftModel Draft, Dictionary<string, double[]> Weights)? Map(OnnxGraph graph, OnnxImportRequest request, List<DiagnosticInfo> diagnostics)
        {
            var mapper = new OnnxGraphMapper(graph, request, diagnostics);
            try
            {
                return mapper.Run();
            }
            catch (MappingStopped)
            {
                return null;
            }
        }

        private (DraftModel, Dictionary<string, double[]>)? Run()
        {
            // An attention is reported alone: the operators inside it (Div, Transpose of heads) would only repeat it.
            FoldZeroStates();
            if (!PlanAttention() || !ReportUnsupportedOperators()) return null;
            var inputShape = ReadInput();
            var output = ReadOutputName();

            _taken.Add("input");
            _nodes.Add(DraftNode.Input("input"));
            _shapes.Add(inputShape);
            _values[_inputName] = 0;

            foreach (var node in _graph.Nodes)
            {
                // The first node of a recognised self-attention applies the whole layer (OnnxGraphMapper.Attention.cs).
                if (_attentions.TryGetValue(node, out var attention)) MapAttention(attention);
                else if (!_fused.Contains(node)) MapNode(node);
            }

            if (!_values.TryGetValue(output, out int outputIndex))
                throw Stop(DiagnosticDescriptors.OnnxUnsupportedGraph, _request.Identity.ClassName, $"has the output '{output}', which no operator computes");
            if (outputIndex == 0)
                throw Stop(DiagnosticDescriptors.OnnxUnsupportedGraph, _request.Identity.ClassName, "has no operator between its input and its output");

            // Values the output does not depend on (a Dropout mask, a dead branch) are left out, with their layers.
            var kept = GraphPruning.KeepAncestorsOf(_nodes, outputIndex);
            var used = new HashSet<string>(kept.Where(n => n.Layer is not null).Select(n => n.Layer!.Name));
            var layers = _layers.Where(l => used.Contains(l.Name)).ToList();
            var draft = new DraftModel(_request.Identity, _request.Element, inputShape.ToEquatableArray(), EquatableArray<InputSpec>.Empty, layers.ToEquatableArray(), kept.ToEquatableArray(), _request.Location);
            return (draft, _weights);
        }

        /// <summary>AXN122 for every node whose operator has no mapping; false if there was one.</summary>
        private bool ReportUnsupportedOperators()
        {
            bool clean = true;
            foreach (var node in _graph.Nodes)
            {
                // Nodes folded into a recognised attention (its Div, head Transposes) need no mapping of their own.
                if (_fused.Contains(node) || _attentions.ContainsKey(node)) continue;
                bool known = (node.Domain.Length == 0 || node.Domain == "ai.onnx") && (Supported.Contains(node.OpType) || FoldedOnly.Contains(node.OpType));
                if (known) continue;
                string op = node.Domain.Length == 0 || node.Domain == "ai.onnx" ? node.OpType : node.Domain + "." + node.OpType;
                Report(DiagnosticDescriptors.OnnxUnsupportedOperator, node.DisplayName, op, Advice(node.OpType));
                clean = false;
            }

            return clean;
        }

        private int[] ReadInput()
        {
            var inputs = _graph.Inputs.Where(i => !_graph.Initializers.ContainsKey(i.Name)).ToList();
            string model = _request.Identity.ClassName;
            if (inputs.Count != 1)
            {
                throw Stop(DiagnosticDescriptors.OnnxUnsupportedGraph, model, inputs.Count == 0
                    ? "has no input"
                    : $"has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => "'" + i.Name + "'"))}); Axon imports graphs with one input");
            }

            var input = inputs[0];
            _inputName = input.Name;
            if (!input.HasShape || input.Dims.Count < 2)
                throw Stop(DiagnosticDescriptors.OnnxUnsupportedGraph, model, $"gives its input '{input.Name}' no [batch, ...] shape; export with an example input so that the shape is recorded");
            for (int axis = 1; axis < input.Dims.Count; axis++)
            {
                if (input.Dims[axis] is not long d || d <= 0 || d > int.MaxValue)
                {
                    string dim = input.DimNames[axis].Length > 0 ? "'" + input.DimNames[axis] + "'" : input.Dims[axis]?.ToString() ?? "of unknown size";
                    throw Stop(DiagnosticDescriptors.OnnxUnsupportedGraph, model,
                        $"has a dynamic dimension {dim} at axis {axis} of its input '{input.Name}'; export with fixed sizes (only the batch dimension, axis 0, may vary)");
                }
            }

            _batch = input.Dims[0];
            switch (input.ElementType)
            {
                case 1:
                case 11:
                    break;
                case 6:
                case 7:
                    _tokenInput = true;
                    break;
                default:
                    throw Stop(DiagnosticDescriptors.OnnxUnsupportedGraph, model,
                        $"has an input '{input.Name}' of ONNX element type {input.ElementType}; Axon imports float or double inputs, or int32/int64 token ids read by a Gather");
            }

            return input.Dims.Skip(1).Select(d => (int)d!.Value).ToArray();
        }

        private string ReadOutputName()
        {
            if (_graph.Outputs.Count != 1)
                throw Stop(DiagnosticDescriptors.OnnxUnsupportedGraph, _request.Identity.ClassName, $"has {_graph.Outputs.Count} outputs; Axon imports graphs with one output");
            return _graph.Outputs[0].Name;
        }

        /// <summary>The draft node holding input <paramref name="i"/> of <paramref name="node"/>.</summary>
        private int Value(OnnxNode node, int i)
        {
            string name = i < node.Inputs.Count ? node.Inputs[i] : "";
            if (name.Length == 0) throw Unsupported(node, $"no input {i}");
            if (_values.TryGetValue(name, out int index))
            {
                if (index == 0 && _tokenInput && node.OpType != "Gather")
                    throw Stop(DiagnosticDescriptors.OnnxUnsupportedGraph, _request.Identity.ClassName, $"feeds its integer input '{name}' to the node '{node.DisplayName}' ({node.OpType}); token ids are read by a Gather (embedding) only");
                return index;
            }

            if (_constants.ContainsKey(name)) throw Unsupported(node, $"the constant '{name}' as input {i}, where Axon takes the output of an operator");
            throw Stop(DiagnosticDescriptors.OnnxUnsupportedGraph, _request.Identity.ClassName, $"uses the value '{name}' in the node '{node.DisplayName}' before any supported operator computes it");
        }

        /// <summary>A constant input (initializer or Constant node) of <paramref name="node"/>.</summary>
        private OnnxTensor Constant(OnnxNode node, int i, string role)
        {
            string name = i < node.Inputs.Count ? node.Inputs[i] : "";
            if (name.Length > 0 && _constants.TryGetValue(name, out var tensor)) return tensor;
            throw Unsupported(node, name.Length == 0 ? $"no {role}" : $"a computed {role} ('{name}'), where Axon needs a constant initializer");
        }

        /// <summary>A constant float or double tensor of the given rank: a layer's weights.</summary>
        private OnnxTensor Weight(OnnxNode node, int i, string role, params int[] ranks)
        {
            var tensor = Constant(node, i, role);
            if (tensor.DataType != 1 && tensor.DataType != 11)
                throw Unsupported(node, $"the {role} '{tensor.Name}' of ONNX element type {tensor.DataType} (float or double weights only)");
            if (ranks.Length > 0 && !ranks.Contains(tensor.Dims.Count))
                throw Unsupported(node, $"the {role} '{tensor.Name}' of shape [{string.Join(", ", tensor.Dims)}]");
            return tensor;
        }

        /// <summary>Adds a node after inferring its per-sample shape with the checker's rules.</summary>
        private int AddNode(DraftNode draft, OnnxNode source)
        {
            var inputShapes = draft.Inputs.Select(n => _shapes[n]).ToList();
            bool readsModelInput = draft.Inputs.Count == 1 && draft.Inputs[0] == 0;
            var shape = ShapeRules.Infer(draft.Kind, draft.Hyper, inputShapes, readsModelInput, out string? problem);
            if (shape is null)
            {
                throw Stop(DiagnosticDescriptors.ShapeMismatch, $"{draft.Name} (ONNX node '{source.DisplayName}')",
                    string.Join("] and [", inputShapes.Select(s => string.Join("×", s))), problem ?? "the shapes do not fit");
            }

            var count = ElementCount.Product(shape);
            if (!ElementCount.Fits(count) || shape.Any(d => d > int.MaxValue))
            {
                NetworkChecker.TooLarge(_diagnostics, _request.Location, draft.Name, count, "activation values per sample");
                throw new MappingStopped();
            }

            _nodes.Add(draft);
            _shapes.Add(shape.Select(d => (int)d).ToArray());
            return _nodes.Count - 1;
        }

        /// <summary>A layer (a [Layer] member of a hand-written model) applied to one input, with its weights.</summary>
        private int ApplyLayer(OnnxNode source, OpKind kind, string name, int[] hyper, double scalar, int input, params (string Suffix, double[] Values)[] weights)
        {
            var layer = new LayerDeclaration(name, kind, hyper.ToEquatableArray(), scalar, "", _request.Location);
            string? problem = HyperParameterRules.Check(layer, _request.Element);
            if (problem is not null) throw Unsupported(source, problem);
            _layers.Add(layer);
            foreach (var (suffix, values) in weights) _weights[name + "." + suffix] = values;
            return AddNode(DraftNode.Apply(layer, name, input, _request.Location), source);
        }

        /// <summary>A structural node (add, concat, flatten, reshape): named add1, add2, ….</summary>
        private int Structural(OnnxNode source, OpKind kind, string baseName, int[] hyper, params int[] inputs)
            => AddNode(new DraftNode(kind, Numbered(baseName), inputs.ToEquatableArray(), hyper.ToEquatableArray(), 0, "", null, _request.Location), source);

        private void Bind(OnnxNode node, int value) => _values[node.Outputs[0]] = value;

        /// <summary>The single node reading <paramref name="value"/>, if exactly one does and it is not the graph output.</summary>
        private OnnxNode? SoleConsumer(string value)
        {
            if (_graph.Outputs.Any(o => o.Name == value)) return null;
            return _consumers.TryGetValue(value, out var list) && list.Count == 1 ? list[0] : null;
        }

        private string Numbered(string baseName)
        {
            _counters.TryGetValue(baseName, out int n);
            string name;
            do
            {
                name = baseName + (++n).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            while (!_taken.Add(name));
            _counters[baseName] = n;
            return name;
        }

        /// <summary>
        /// A layer's name as PyTorch's state_dict would give it, so weights load by the same names: the prefix of
        /// its weight ("fc1.weight" → fc1), else the module path of the node ("/fc1/Gemm" → fc1), else the operator
        /// numbered (relu1). Characters a C# field cannot hold become '_' ("layers.0" → layers_0).
        /// </summary>
        private string LayerName(OnnxNode node, OnnxTensor? weight, string fallback)
        {
            string candidate = "";
            if (weight is not null && weight.Name.EndsWith(".weight", StringComparison.Ordinal)) candidate = weight.Name.Substring(0, weight.Name.Length - ".weight".Length);
            if (candidate.Length == 0)
            {
                var segments = node.Name.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
                if (segments.Length >= 2) candidate = segments[segments.Length - 2];
                else if (segments.Length == 1 && segments[0] != node.OpType && !segments[0].StartsWith(node.OpType + "_", StringComparison.Ordinal)) candidate = segments[0];
            }

            return LayerNameFrom(candidate, fallback);
        }

        /// <summary>A layer named after a module path such as "pos_embed" (sanitised), or numbered from <paramref name="fallback"/>.</summary>
        private string LayerNameFrom(string path, string fallback)
        {
            string candidate = Sanitize(path);
            if (candidate.Length == 0) return Numbered(fallback);
            if (_taken.Add(candidate)) return candidate;
            return Numbered(candidate + "_");
        }

        private static string Sanitize(string name)
        {
            var chars = name.Select(c => c < 128 && (char.IsLetterOrDigit(c) || c == '_') ? c : '_').ToArray();
            string s = new string(chars).Trim('_');
            return s.Length > 0 && char.IsDigit(s[0]) ? "_" + s : s;
        }

        private MappingStopped Unsupported(OnnxNode node, string what) => Stop(DiagnosticDescriptors.OnnxUnsupportedAttribute, node.DisplayName, node.OpType, what);

        private MappingStopped Stop(DiagnosticDescriptor descriptor, params string[] arguments)
        {
            Report(descriptor, arguments);
            return new MappingStopped();
        }

        private void Report(DiagnosticDescriptor descriptor, params string[] arguments)
            => _diagnostics.Add(DiagnosticInfo.Create(descriptor, _request.Location, arguments));

        /// <summary>Thrown after the diagnostic that stops the mapping is reported; caught in <see cref="Map"/>.</summary>
        private sealed class MappingStopped : Exception
        {
        }
    }
}
