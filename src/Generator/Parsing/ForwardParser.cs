using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Axon.Generator.Diagnostics;
using Axon.Generator.Graph;
using Axon.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator.Parsing
{
    /// <summary>
    /// Reads a model's <c>Tensor Forward(Tensor x)</c> method — a small dataflow language of layer applications,
    /// locals, <c>+</c>, <c>-</c>, <c>*</c> (by a constant or element-wise), <c>Tensor.Concat</c>, <c>Channels</c>,
    /// <c>Flatten</c>, <c>Reshape</c>, <c>Transpose</c> and <c>Apply(function)</c> — into a
    /// list of draft nodes in topological order. Anything else is reported (AXN002) at the construct.
    /// </summary>
    internal sealed class ForwardParser
    {
        private const string TensorType = ForwardDefinition.TensorType;
        private const string LayerBaseType = "Axon.Layers.Layer";

        private readonly SemanticModel _model;
        private readonly IReadOnlyDictionary<string, LayerDeclaration> _layers;
        private readonly ElementKind _element;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly CancellationToken _cancellationToken;
        private readonly NodeNamer _names;
        private readonly List<DraftNode> _nodes;
        private readonly Dictionary<string, int> _values = new Dictionary<string, int>();
        private readonly Dictionary<int, string> _texts = new Dictionary<int, string>();
        private readonly Dictionary<int, LocationInfo?> _inputNodes = new Dictionary<int, LocationInfo?>(); // a packed input's nodes → its parameter
        private readonly EquatableArray<InputSpec> _inputs;
        private readonly List<int> _unpacked = new List<int>(); // the node that holds each input, in parameter order
        private bool _failed;

        private ForwardParser(SemanticModel model, IReadOnlyDictionary<string, LayerDeclaration> layers, EquatableArray<InputSpec> inputs, NodeNamer names, ElementKind element, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            _model = model;
            _layers = layers;
            _inputs = inputs;
            _names = names;
            _nodes = new List<DraftNode> { DraftNode.Input(names.Input()) };
            _element = element;
            _diagnostics = diagnostics;
            _cancellationToken = cancellationToken;
        }

        /// <summary>Returns the nodes (input first, output last) or null when a diagnostic was reported.</summary>
        /// <param name="inputs">A several-input model's inputs (empty for one): each parameter reads its slice of the packed input.</param>
        public static List<DraftNode>? Parse(MethodDeclarationSyntax method, SemanticModel model, IReadOnlyDictionary<string, LayerDeclaration> layers, EquatableArray<InputSpec> inputs, NodeNamer names, ElementKind element, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var parser = new ForwardParser(model, layers, inputs, names, element, diagnostics, cancellationToken);
            int output = parser.ParseBody(method);
            if (parser._failed || output < 0) return null;
            return parser.Finish(output);
        }

        private int ParseBody(MethodDeclarationSyntax method)
        {
            if (_inputs.Count == 0) _values[method.ParameterList.Parameters[0].Identifier.ValueText] = 0;
            else UnpackInputs(method);
            if (method.ExpressionBody is not null) return Evaluate(method.ExpressionBody.Expression);
            if (method.Body is null)
            {
                Report(method.Identifier.Parent ?? method, "a Forward method without a body");
                return -1;
            }

            var statements = method.Body.Statements;
            for (int i = 0; i < statements.Count; i++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var statement = statements[i];
                switch (statement)
                {
                    case LocalDeclarationStatementSyntax local:
                        foreach (var variable in local.Declaration.Variables)
                        {
                            if (variable.Initializer is null)
                            {
                                Report(variable, variable.ToString() + " (a local without a value)");
                                return -1;
                            }

                            int value = Evaluate(variable.Initializer.Value);
                            if (value < 0) return -1;
                            _values[variable.Identifier.ValueText] = value;
                        }

                        break;
                    case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment } when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                        && assignment.Left is IdentifierNameSyntax target && _values.ContainsKey(target.Identifier.ValueText):
                        {
                            int value = Evaluate(assignment.Right);
                            if (value < 0) return -1;
                            _values[target.Identifier.ValueText] = value;
                            break;
                        }

                    case ReturnStatementSyntax ret when i == statements.Count - 1 && ret.Expression is not null:
                        return Evaluate(ret.Expression);
                    default:
                        Report(statement, FirstLine(statement));
                        return -1;
                }
            }

            Report(method.Identifier.Parent ?? method, "a Forward method that does not end with 'return'");
            return -1;
        }

        /// <summary>
        /// The model's input node holds every input packed into one flat row; each parameter becomes its slice of that
        /// row (a Channels node over the flat row) reshaped to the parameter's declared shape. The parameter's name
        /// goes to the node that holds its shape, so <c>LayerIndex.image</c> taps it.
        /// </summary>
        private void UnpackInputs(MethodDeclarationSyntax method)
        {
            for (int p = 0; p < _inputs.Count; p++)
            {
                var input = _inputs[p];
                var parameter = method.ParameterList.Parameters[p];
                var location = LocationInfo.From(parameter.Identifier.GetLocation());
                bool flat = input.Shape.Count == 1;
                var range = new[] { input.Offset, input.Size }.ToEquatableArray();
                _nodes.Add(new DraftNode(OpKind.Channels, _names.Named(flat ? input.Name : input.Name + "_packed"), new[] { 0 }.ToEquatableArray(), range, 0, "", null, location));
                int node = _nodes.Count - 1;
                _inputNodes[node] = location;
                if (!flat)
                {
                    _nodes.Add(new DraftNode(OpKind.Reshape, _names.Named(input.Name), new[] { node }.ToEquatableArray(), input.Shape, 0, "", null, location));
                    node = _nodes.Count - 1;
                    _inputNodes[node] = location;
                }

                _values[parameter.Identifier.ValueText] = node;
                _unpacked.Add(node);
            }
        }

        private int Evaluate(ExpressionSyntax expression)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return Evaluate(parenthesized.Expression);
                case IdentifierNameSyntax identifier when _values.TryGetValue(identifier.Identifier.ValueText, out int known):
                    return known;
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression):
                    {
                        int left = Evaluate(binary.Left);
                        if (left < 0) return -1;
                        int right = Evaluate(binary.Right);
                        if (right < 0) return -1;
                        return Add(OpKind.Add, "add", new List<int> { left, right }, EquatableArray<int>.Empty, "", binary);
                    }

                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.SubtractExpression):
                    {
                        int left = Evaluate(binary.Left);
                        if (left < 0) return -1;
                        int right = Evaluate(binary.Right);
                        if (right < 0) return -1;
                        return Add(OpKind.Subtract, "sub", new List<int> { left, right }, EquatableArray<int>.Empty, "", binary);
                    }

                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.MultiplyExpression):
                    return EvaluateProduct(binary);

                case InvocationExpressionSyntax invocation:
                    return EvaluateInvocation(invocation);
                default:
                    Report(expression, expression.ToString());
                    return -1;
            }
        }

        /// <summary>
        /// <c>a * b</c> of two tensors (gating), or <c>a * c</c> / <c>c * a</c> with a compile-time constant c: which
        /// one is decided by the operator the compiler chose, so a non-constant number is reported at the number.
        /// </summary>
        private int EvaluateProduct(BinaryExpressionSyntax binary)
        {
            var op = _model.GetSymbolInfo(binary, _cancellationToken).Symbol as IMethodSymbol;
            if (op is not { Parameters.Length: 2 } || op.ContainingType?.ToDisplayString() != TensorType)
            {
                Report(binary, binary.ToString());
                return -1;
            }

            bool leftTensor = op.Parameters[0].Type.ToDisplayString() == TensorType;
            bool rightTensor = op.Parameters[1].Type.ToDisplayString() == TensorType;
            if (leftTensor && rightTensor)
            {
                int left = Evaluate(binary.Left);
                if (left < 0) return -1;
                int right = Evaluate(binary.Right);
                if (right < 0) return -1;
                return Add(OpKind.Multiply, "mul", new List<int> { left, right }, EquatableArray<int>.Empty, "", binary);
            }

            var factor = leftTensor ? binary.Right : binary.Left;
            var constant = _model.GetConstantValue(factor, _cancellationToken);
            if (!constant.HasValue || !ConstantValues.TryReal(constant.Value, out double value))
            {
                Report(factor, factor + " (a factor of '*' must be a compile-time constant: a literal or a const)");
                return -1;
            }

            string? problem = HyperParameterRules.ScaleFactor(value, _element);
            if (problem is not null)
            {
                _failed = true;
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidHyperParameter, binary, binary.ToString(), problem));
                return -1;
            }

            int input = Evaluate(leftTensor ? binary.Left : binary.Right);
            if (input < 0) return -1;
            return AddNode(new DraftNode(OpKind.Scale, _names.Structural("scale"), new[] { input }.ToEquatableArray(), EquatableArray<int>.Empty, value, "", null, LocationInfo.From(binary)), binary);
        }

        private int EvaluateInvocation(InvocationExpressionSyntax invocation)
        {
            var method = _model.GetSymbolInfo(invocation, _cancellationToken).Symbol as IMethodSymbol;
            string? owner = method?.ContainingType?.ToDisplayString();
            var arguments = invocation.ArgumentList.Arguments;
            var receiver = (invocation.Expression as MemberAccessExpressionSyntax)?.Expression;

            if (method is not null && owner == LayerBaseType && method.Name == "Apply" && receiver is not null && arguments.Count == 1)
            {
                var layerSymbol = _model.GetSymbolInfo(receiver, _cancellationToken).Symbol;
                if (layerSymbol is null || !_layers.TryGetValue(layerSymbol.Name, out var layer))
                {
                    Report(receiver, receiver + ".Apply (not a [Layer] member of this model)");
                    return -1;
                }

                int input = Evaluate(arguments[0].Expression);
                if (input < 0) return -1;
                return AddNode(DraftNode.Apply(layer, _names.Layer(layer.Name), input, LocationInfo.From(invocation)), invocation);
            }

            if (method is not null && owner == TensorType)
            {
                switch (method.Name)
                {
                    case "Concat" when method.IsStatic:
                        {
                            var parts = new List<int>();
                            foreach (var argument in arguments)
                            {
                                int part = Evaluate(argument.Expression);
                                if (part < 0) return -1;
                                parts.Add(part);
                            }

                            if (parts.Count < 2)
                            {
                                Report(invocation, "Tensor.Concat with fewer than two parts");
                                return -1;
                            }

                            return Add(OpKind.Concat, "concat", parts, EquatableArray<int>.Empty, "", invocation);
                        }

                    case "Flatten" when receiver is not null:
                        {
                            int input = Evaluate(receiver);
                            return input < 0 ? -1 : Add(OpKind.Flatten, "flatten", new List<int> { input }, EquatableArray<int>.Empty, "", invocation);
                        }

                    case "Transpose" when receiver is not null && arguments.Count == 0:
                        {
                            int input = Evaluate(receiver);
                            return input < 0 ? -1 : Add(OpKind.Transpose, "transpose", new List<int> { input }, EquatableArray<int>.Empty, "", invocation);
                        }

                    case "Reshape" when receiver is not null:
                        {
                            var dims = new List<int>();
                            foreach (var argument in arguments)
                            {
                                var constant = _model.GetConstantValue(argument.Expression, _cancellationToken);
                                if (!constant.HasValue || constant.Value is not int d)
                                {
                                    Report(argument.Expression, argument.Expression + " (Reshape needs constant integer dimensions)");
                                    return -1;
                                }

                                dims.Add(d);
                            }

                            string? problem = HyperParameterRules.ReshapeDimensions(dims.ToEquatableArray());
                            if (problem is not null)
                            {
                                _failed = true;
                                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidHyperParameter, invocation, invocation.ToString(), problem));
                                return -1;
                            }

                            int input = Evaluate(receiver);
                            return input < 0 ? -1 : Add(OpKind.Reshape, "reshape", new List<int> { input }, dims.ToEquatableArray(), "", invocation);
                        }

                    case "Channels" when receiver is not null && arguments.Count == 2:
                        {
                            var range = new int[2];
                            for (int a = 0; a < 2; a++)
                            {
                                var constant = _model.GetConstantValue(arguments[a].Expression, _cancellationToken);
                                if (!constant.HasValue || constant.Value is not int d)
                                {
                                    Report(arguments[a].Expression, arguments[a].Expression + " (Channels needs a constant first channel and count)");
                                    return -1;
                                }

                                range[a] = d;
                            }

                            string? problem = HyperParameterRules.ChannelRange(range[0], range[1]);
                            if (problem is not null)
                            {
                                _failed = true;
                                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidHyperParameter, invocation, invocation.ToString(), problem));
                                return -1;
                            }

                            int input = Evaluate(receiver);
                            return input < 0 ? -1 : Add(OpKind.Channels, "channels", new List<int> { input }, range.ToEquatableArray(), "", invocation);
                        }

                    case "Apply" when receiver is not null && arguments.Count == 1:
                        {
                            var function = ActivationFunctionResolver.ResolveMethodGroup(arguments[0].Expression, _model, _element, _diagnostics, _cancellationToken, out var vectorForm);
                            if (function is null)
                            {
                                _failed = true;
                                return -1;
                            }

                            int input = Evaluate(receiver);
                            string name = function.Substring(function.LastIndexOf('.') + 1).TrimStart('@');
                            if (input < 0) return -1;
                            var node = new DraftNode(OpKind.Activation, _names.Structural(char.ToLowerInvariant(name[0]) + name.Substring(1)), new[] { input }.ToEquatableArray(), EquatableArray<int>.Empty, 0, function, null, LocationInfo.From(invocation)) { VectorForm = vectorForm };
                            return AddNode(node, invocation);
                        }
                }
            }

            Report(invocation, invocation.ToString());
            return -1;
        }

        private int Add(OpKind kind, string baseName, List<int> inputs, EquatableArray<int> hyper, string function, SyntaxNode syntax)
            => AddNode(new DraftNode(kind, _names.Structural(baseName), inputs.ToEquatableArray(), hyper, 0, function, null, LocationInfo.From(syntax)), syntax);

        private int AddNode(DraftNode node, SyntaxNode syntax)
        {
            _nodes.Add(node);
            _texts[_nodes.Count - 1] = FirstLine(syntax);
            return _nodes.Count - 1;
        }

        /// <summary>
        /// Drops what the output does not depend on, with a warning (AXN016) at each dropped value that nothing
        /// else reads: the user computed it, perhaps to tap it, and no node of the generated network holds it.
        /// </summary>
        private List<DraftNode> Finish(int output)
        {
            var kept = GraphPruning.AncestorsOf(_nodes, output);
            var read = new bool[_nodes.Count];
            foreach (var node in _nodes)
            {
                foreach (int input in node.Inputs) read[input] = true;
            }

            for (int p = 0; p < _inputs.Count; p++)
            {
                // An input the output does not read keeps its place in the packed row; its slice nodes are pruned.
                int node = _unpacked[p];
                if (!kept[node]) _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusedInput, _inputNodes[node], _inputs[p].Name));
            }

            for (int i = 1; i < _nodes.Count; i++)
            {
                if (kept[i] || read[i] || _inputNodes.ContainsKey(i)) continue;
                var lost = new List<string>();
                CollectPrunedLayers(i, kept, lost);
                string suffix = lost.Count == 0 ? "" : " with " + (lost.Count == 1 ? "the layer " : "the layers ") + string.Join(", ", lost.Select(l => "'" + l + "'"));
                var arguments = new List<string> { _texts.TryGetValue(i, out string? text) ? text : _nodes[i].Name, suffix };
                arguments.AddRange(lost);
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PrunedValue, _nodes[i].Location, arguments.ToArray()));
            }

            var nodes = GraphPruning.KeepAncestorsOf(_nodes, output);

            // A layer's first application is named after it (taps read "fc"); when that one was pruned, the first
            // application that stays takes the name over instead of keeping "fc_2".
            for (int i = 0; i < nodes.Count; i++)
            {
                if (nodes[i].Layer is { } layer && nodes[i].Name != layer.Name && !nodes.Any(n => n.Name == layer.Name)
                    && _nodes.Any(n => n.Name == layer.Name && n.Layer?.Name == layer.Name))
                {
                    nodes[i] = nodes[i] with { Name = layer.Name };
                }
            }

            return nodes;
        }

        /// <summary>The layers applied in the pruned part that ends at <paramref name="node"/> and nowhere in the network.</summary>
        private void CollectPrunedLayers(int node, bool[] kept, List<string> lost)
        {
            var stack = new Stack<int>();
            var seen = new HashSet<int>();
            stack.Push(node);
            while (stack.Count > 0)
            {
                int n = stack.Pop();
                if (kept[n] || !seen.Add(n)) continue;
                if (_nodes[n].Layer is { } layer && !lost.Contains(layer.Name)
                    && !_nodes.Where((d, k) => kept[k] && d.Layer?.Name == layer.Name).Any()) lost.Add(layer.Name);
                foreach (int input in _nodes[n].Inputs) stack.Push(input);
            }
        }

        private void Report(SyntaxNode node, string what)
        {
            _failed = true;
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedForwardConstruct, node, what));
        }

        private static string FirstLine(SyntaxNode node)
        {
            string text = node.ToString();
            int newline = text.IndexOf('\n');
            return (newline < 0 ? text : text.Substring(0, newline)).Trim();
        }
    }
}
