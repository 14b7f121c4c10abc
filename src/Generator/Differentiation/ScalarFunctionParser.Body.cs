using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using Axon.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator.Differentiation
{
    internal static partial class ScalarFunctionParser
    {
        /// <summary>
        /// Reads a function body into a <see cref="ScalarProgram"/>. The accepted subset: an expression body, or
        /// local declarations (float/double, each initialised once; const locals of any numeric type) followed by
        /// <c>return expr;</c>. Expressions: the parameter, those locals, numeric constants (literals, const fields
        /// and locals, folded constant expressions), + - * / and unary -, float/double casts, the elementary
        /// functions of System.Math, System.MathF, float and double that <see cref="MathFunction"/> lists (Pow
        /// and Log's base must not depend on the parameter), other [Differentiable] scalar functions, and
        /// <c>c ? a : b</c> with c a comparison (or !, &amp;&amp;, || of comparisons). Anything else is reported (AXN005)
        /// at its own node; the parser continues so that one build shows every problem.
        /// </summary>
        private sealed class BodyParser
        {
            private const int MaxDepth = 256;

            private readonly SemanticModel _model;
            private readonly IParameterSymbol _parameter;
            private readonly ScalarType _type;
            private readonly string _display;
            private readonly CancellationToken _cancellationToken;
            private readonly Dictionary<ISymbol, LocalExpr> _locals = new Dictionary<ISymbol, LocalExpr>(SymbolEqualityComparer.Default);
            private readonly HashSet<string> _dependentLocals = new HashSet<string>(StringComparer.Ordinal);
            private readonly HashSet<ISymbol> _rejectedLocals = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            private int _depth;
            private bool _reportedDepth;

            public BodyParser(SemanticModel model, IParameterSymbol parameter, ScalarType type, string display, CancellationToken cancellationToken)
            {
                _model = model;
                _parameter = parameter;
                _type = type;
                _display = display;
                _cancellationToken = cancellationToken;
            }

            public List<DiagnosticInfo> Diagnostics { get; } = new List<DiagnosticInfo>();

            /// <summary>Every local name the body declares (used or not, const or not): the derivative must not reuse them.</summary>
            public List<string> DeclaredNames { get; } = new List<string>();

            public ScalarProgram? Parse(SyntaxNode body)
            {
                var parameter = new ParamExpr(_parameter.Name, _type);
                var bindings = new List<ScalarBinding>();
                ScalarExpr? result = null;

                if (body is ArrowExpressionClauseSyntax arrow)
                {
                    result = ParseExpression(arrow.Expression, _type);
                }
                else if (body is BlockSyntax block)
                {
                    var statements = block.Statements;
                    for (int i = 0; i < statements.Count; i++)
                    {
                        var statement = statements[i];
                        if (i == statements.Count - 1 && statement is ReturnStatementSyntax { Expression: { } returned })
                        {
                            result = ParseExpression(returned, _type);
                        }
                        else if (statement is LocalDeclarationStatementSyntax declaration)
                        {
                            ParseDeclaration(declaration, bindings);
                        }
                        else
                        {
                            Report(statement);
                        }
                    }

                    if (statements.Count == 0 || statements[statements.Count - 1] is not ReturnStatementSyntax { Expression: not null })
                    {
                        Diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.InvalidDifferentiableFunction,
                            statements.Count == 0 ? (SyntaxNode)block : statements[statements.Count - 1],
                            _display,
                            "must end with 'return expression;' after its local declarations"));
                    }
                }

                if (result is null || Diagnostics.Count > 0) return null;
                return new ScalarProgram(parameter, bindings, result);
            }

            private void ParseDeclaration(LocalDeclarationStatementSyntax declaration, List<ScalarBinding> bindings)
            {
                if (declaration.UsingKeyword.RawKind != 0 || declaration.AwaitKeyword.RawKind != 0)
                {
                    Report(declaration);
                    return;
                }

                foreach (var variable in declaration.Declaration.Variables)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    DeclaredNames.Add(variable.Identifier.ValueText);

                    // A const local's every use is a constant: the compiler folds it, and so does ParseExpression.
                    if (declaration.IsConst) continue;

                    var symbol = _model.GetDeclaredSymbol(variable, _cancellationToken);
                    if (symbol is not ILocalSymbol local
                        || local.IsRef
                        || ToScalarType(local.Type) is not { } type
                        || variable.Initializer is null
                        || variable.ArgumentList is not null)
                    {
                        Report(variable);
                        if (symbol is not null) _rejectedLocals.Add(symbol);
                        continue;
                    }

                    var value = ParseExpression(variable.Initializer.Value, type);
                    if (value is null)
                    {
                        // Already reported; its uses are not reported again.
                        _rejectedLocals.Add(local);
                        continue;
                    }

                    var expr = new LocalExpr(local.Name, type);
                    _locals[local] = expr;
                    if (DependsOnParameter(value)) _dependentLocals.Add(local.Name);
                    bindings.Add(new ScalarBinding(local.Name, value));
                }
            }

            private bool DependsOnParameter(ScalarExpr expr)
                => ScalarExprTraversal.Any(expr, e => e is ParamExpr || (e is LocalExpr l && _dependentLocals.Contains(l.Name)));

            private void Report(SyntaxNode node)
                => Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonDifferentiableCall, node, Describe(node)));

            private static string Describe(SyntaxNode node)
            {
                const int MaxLength = 80;
                var text = new StringBuilder();
                bool space = false;
                foreach (char c in node.ToString())
                {
                    if (char.IsWhiteSpace(c))
                    {
                        space = text.Length > 0;
                        continue;
                    }

                    if (space) text.Append(' ');
                    space = false;
                    text.Append(c);
                }

                return text.Length <= MaxLength ? text.ToString() : text.ToString(0, MaxLength - 3) + "...";
            }

            /// <summary>
            /// The expression as IR of the type C# converts it to (<paramref name="expected"/> for integral
            /// constants in a context whose conversion C# applies further out, as in <c>c ? 1 : 0</c>).
            /// </summary>
            private ScalarExpr? ParseExpression(ExpressionSyntax syntax, ScalarType? expected = null)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (_depth >= MaxDepth)
                {
                    if (!_reportedDepth)
                    {
                        Diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.InvalidDifferentiableFunction,
                            syntax,
                            _display,
                            "nests expressions more than " + MaxDepth.ToString(CultureInfo.InvariantCulture) + " deep; split it with local variables"));
                        _reportedDepth = true;
                    }

                    return null;
                }

                _depth++;
                try
                {
                    var info = _model.GetTypeInfo(syntax, _cancellationToken);
                    var target = ToScalarType(info.ConvertedType) ?? ToScalarType(info.Type) ?? expected;
                    var constant = _model.GetConstantValue(syntax, _cancellationToken);
                    if (constant.HasValue && TryGetNumber(constant.Value, out double number))
                    {
                        if (target is not { } constantType)
                        {
                            Report(syntax);
                            return null;
                        }

                        return Expr.Const(number, constantType);
                    }

                    var parsed = ParseCore(syntax, target);
                    if (parsed is null || target is not { } type || parsed.Type == type) return parsed;
                    return Expr.Convert(type, parsed);
                }
                finally
                {
                    _depth--;
                }
            }

            private static bool TryGetNumber(object? value, out double number)
            {
                switch (value)
                {
                    case double d:
                        number = d;
                        return true;
                    case float f:
                        number = f;
                        return true;
                    case int _:
                    case long _:
                    case short _:
                    case sbyte _:
                    case uint _:
                    case ulong _:
                    case ushort _:
                    case byte _:
                    case decimal _:
                        number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                        return true;
                    case char c:
                        number = c;
                        return true;
                    default:
                        number = 0;
                        return false;
                }
            }

            private ScalarExpr? ParseCore(ExpressionSyntax syntax, ScalarType? target)
            {
                switch (syntax)
                {
                    case ParenthesizedExpressionSyntax parenthesized:
                        return ParseExpression(parenthesized.Expression, target);
                    case CheckedExpressionSyntax @checked:
                        return ParseExpression(@checked.Expression, target);
                    case IdentifierNameSyntax identifier:
                        return ParseIdentifier(identifier);
                    case PrefixUnaryExpressionSyntax unary when unary.IsKind(SyntaxKind.UnaryMinusExpression):
                        return ParseExpression(unary.Operand) is { } negated ? Expr.Negate(negated) : null;
                    case PrefixUnaryExpressionSyntax unary when unary.IsKind(SyntaxKind.UnaryPlusExpression):
                        return ParseExpression(unary.Operand);
                    case BinaryExpressionSyntax binary:
                        return ParseBinary(binary);
                    case CastExpressionSyntax cast:
                        return ParseCast(cast);
                    case InvocationExpressionSyntax invocation:
                        return ParseInvocation(invocation);
                    case ConditionalExpressionSyntax conditional:
                        return ParseConditional(conditional, target);
                    default:
                        Report(syntax);
                        return null;
                }
            }

            private ScalarExpr? ParseIdentifier(IdentifierNameSyntax identifier)
            {
                var symbol = _model.GetSymbolInfo(identifier, _cancellationToken).Symbol;
                if (symbol is IParameterSymbol parameter && SymbolEqualityComparer.Default.Equals(parameter, _parameter))
                {
                    return new ParamExpr(_parameter.Name, _type);
                }

                if (symbol is ILocalSymbol && _locals.TryGetValue(symbol, out var local)) return local;
                if (symbol is not null && _rejectedLocals.Contains(symbol)) return null;

                Report(identifier);
                return null;
            }

            private ScalarExpr? ParseBinary(BinaryExpressionSyntax binary)
            {
                BinaryOperator op;
                switch (binary.Kind())
                {
                    case SyntaxKind.AddExpression:
                        op = BinaryOperator.Add;
                        break;
                    case SyntaxKind.SubtractExpression:
                        op = BinaryOperator.Subtract;
                        break;
                    case SyntaxKind.MultiplyExpression:
                        op = BinaryOperator.Multiply;
                        break;
                    case SyntaxKind.DivideExpression:
                        op = BinaryOperator.Divide;
                        break;
                    default:
                        Report(binary);
                        return null;
                }

                if (ToScalarType(_model.GetTypeInfo(binary, _cancellationToken).Type) is not { } type)
                {
                    Report(binary);
                    return null;
                }

                var left = ParseExpression(binary.Left, type);
                var right = ParseExpression(binary.Right, type);
                if (left is null || right is null) return null;
                if (left.Type != type || right.Type != type)
                {
                    Report(binary);
                    return null;
                }

                return Expr.Binary(op, left, right);
            }

            private ScalarExpr? ParseCast(CastExpressionSyntax cast)
            {
                if (ToScalarType(_model.GetTypeInfo(cast.Type, _cancellationToken).Type) is not { } type)
                {
                    Report(cast);
                    return null;
                }

                var operand = ParseExpression(cast.Expression);
                return operand is null ? null : Expr.Convert(type, operand);
            }

            private ScalarExpr? ParseConditional(ConditionalExpressionSyntax conditional, ScalarType? target)
            {
                if ((ToScalarType(_model.GetTypeInfo(conditional, _cancellationToken).Type) ?? target) is not { } type)
                {
                    Report(conditional);
                    return null;
                }

                var condition = ParseCondition(conditional.Condition);
                var whenTrue = ParseExpression(conditional.WhenTrue, type);
                var whenFalse = ParseExpression(conditional.WhenFalse, type);
                if (condition is null || whenTrue is null || whenFalse is null) return null;
                return Expr.Conditional(condition, Expr.Convert(type, whenTrue), Expr.Convert(type, whenFalse));
            }

            private ScalarCondition? ParseCondition(ExpressionSyntax syntax)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var constant = _model.GetConstantValue(syntax, _cancellationToken);
                if (constant.HasValue && constant.Value is bool value) return new BoolConstCondition(value);

                switch (syntax)
                {
                    case ParenthesizedExpressionSyntax parenthesized:
                        return ParseCondition(parenthesized.Expression);
                    case PrefixUnaryExpressionSyntax negation when negation.IsKind(SyntaxKind.LogicalNotExpression):
                        return ParseCondition(negation.Operand) is { } operand ? Expr.Not(operand) : null;
                    case BinaryExpressionSyntax logical when logical.IsKind(SyntaxKind.LogicalAndExpression) || logical.IsKind(SyntaxKind.LogicalOrExpression):
                    {
                        var left = ParseCondition(logical.Left);
                        var right = ParseCondition(logical.Right);
                        if (left is null || right is null) return null;
                        return Expr.Logical(logical.IsKind(SyntaxKind.LogicalAndExpression), left, right);
                    }

                    case BinaryExpressionSyntax comparison when TryGetComparison(comparison.Kind(), out var op):
                    {
                        var left = ParseExpression(comparison.Left);
                        var right = ParseExpression(comparison.Right);
                        if (left is null || right is null) return null;
                        if (left.Type != right.Type)
                        {
                            Report(comparison);
                            return null;
                        }

                        return Expr.Compare(op, left, right);
                    }

                    default:
                        Report(syntax);
                        return null;
                }
            }

            private static bool TryGetComparison(SyntaxKind kind, out ComparisonOperator op)
            {
                switch (kind)
                {
                    case SyntaxKind.LessThanExpression:
                        op = ComparisonOperator.Less;
                        return true;
                    case SyntaxKind.LessThanOrEqualExpression:
                        op = ComparisonOperator.LessOrEqual;
                        return true;
                    case SyntaxKind.GreaterThanExpression:
                        op = ComparisonOperator.Greater;
                        return true;
                    case SyntaxKind.GreaterThanOrEqualExpression:
                        op = ComparisonOperator.GreaterOrEqual;
                        return true;
                    case SyntaxKind.EqualsExpression:
                        op = ComparisonOperator.Equal;
                        return true;
                    case SyntaxKind.NotEqualsExpression:
                        op = ComparisonOperator.NotEqual;
                        return true;
                    default:
                        op = default;
                        return false;
                }
            }

            private ScalarExpr? ParseInvocation(InvocationExpressionSyntax invocation)
            {
                if (_model.GetSymbolInfo(invocation, _cancellationToken).Symbol is not IMethodSymbol method)
                {
                    Report(invocation);
                    return null;
                }

                var arguments = OrderArguments(invocation, method);
                if (arguments is null)
                {
                    Report(invocation);
                    return null;
                }

                if (IsMathType(method.ContainingType) && TryGetFunction(method.Name, arguments.Length, out var function))
                {
                    return ParseMathCall(invocation, method, function, arguments);
                }

                if (method.IsStatic && arguments.Length == 1 && IsDifferentiableScalarFunction(method))
                {
                    var type = ToScalarType(method.ReturnType)!.Value;
                    var argument = ParseExpression(arguments[0], type);
                    if (argument is null) return null;
                    string container = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + ".";
                    return new FunctionCallExpr(
                        container + ScalarExpressionPrinter.Identifier(method.Name),
                        container + ScalarExpressionPrinter.Identifier(DerivativeName(method.Name)),
                        Expr.Convert(type, argument),
                        type);
                }

                Report(invocation);
                return null;
            }

            /// <summary>The argument expressions in parameter order (named arguments may come in any order).</summary>
            private static ExpressionSyntax[]? OrderArguments(InvocationExpressionSyntax invocation, IMethodSymbol method)
            {
                var arguments = invocation.ArgumentList.Arguments;
                if (arguments.Count != method.Parameters.Length) return null;
                var ordered = new ExpressionSyntax[arguments.Count];
                for (int i = 0; i < arguments.Count; i++)
                {
                    var argument = arguments[i];
                    if (argument.RefKindKeyword.RawKind != 0) return null;
                    int index = i;
                    if (argument.NameColon is { } nameColon)
                    {
                        index = -1;
                        for (int p = 0; p < method.Parameters.Length; p++)
                        {
                            if (method.Parameters[p].Name == nameColon.Name.Identifier.ValueText) index = p;
                        }
                    }

                    if (index < 0 || ordered[index] is not null) return null;
                    ordered[index] = argument.Expression;
                }

                return ordered;
            }

            private ScalarExpr? ParseMathCall(InvocationExpressionSyntax invocation, IMethodSymbol method, MathFunction function, ExpressionSyntax[] argumentSyntax)
            {
                if (ToScalarType(method.ReturnType) is not { } type)
                {
                    Report(invocation);
                    return null;
                }

                foreach (var parameter in method.Parameters)
                {
                    if (ToScalarType(parameter.Type) != type)
                    {
                        Report(invocation);
                        return null;
                    }
                }

                var arguments = new ScalarExpr[argumentSyntax.Length];
                bool failed = false;
                for (int i = 0; i < arguments.Length; i++)
                {
                    var argument = ParseExpression(argumentSyntax[i], type);
                    if (argument is null) failed = true;
                    else arguments[i] = Expr.Convert(type, argument);
                }

                if (failed) return null;

                if (function == MathFunction.Pow && DependsOnParameter(arguments[1]))
                {
                    // a^b with b depending on the parameter is outside the subset: report the call.
                    Report(invocation);
                    return null;
                }

                if (function == MathFunction.Log && arguments.Length == 2)
                {
                    if (DependsOnParameter(arguments[1]))
                    {
                        Report(invocation);
                        return null;
                    }

                    // log_b(a) = ln a / ln b.
                    return Expr.Divide(Expr.Call(MathFunction.Log, type, arguments[0]), Expr.Call(MathFunction.Log, type, arguments[1]));
                }

                return Expr.Call(function, type, arguments);
            }

            private static bool IsMathType(INamedTypeSymbol? type)
            {
                if (type is null) return false;
                if (type.SpecialType == SpecialType.System_Single || type.SpecialType == SpecialType.System_Double) return true;
                return (type.Name == "Math" || type.Name == "MathF")
                    && type.ContainingType is null
                    && type.ContainingNamespace is { Name: "System" } ns
                    && ns.ContainingNamespace is { IsGlobalNamespace: true };
            }

            private static bool TryGetFunction(string name, int arity, out MathFunction function)
            {
                switch (name)
                {
                    case "Exp": function = MathFunction.Exp; return arity == 1;
                    case "Log": function = MathFunction.Log; return arity == 1 || arity == 2;
                    case "Log2": function = MathFunction.Log2; return arity == 1;
                    case "Log10": function = MathFunction.Log10; return arity == 1;
                    case "Sqrt": function = MathFunction.Sqrt; return arity == 1;
                    case "Cbrt": function = MathFunction.Cbrt; return arity == 1;
                    case "Pow": function = MathFunction.Pow; return arity == 2;
                    case "Tanh": function = MathFunction.Tanh; return arity == 1;
                    case "Sinh": function = MathFunction.Sinh; return arity == 1;
                    case "Cosh": function = MathFunction.Cosh; return arity == 1;
                    case "Sin": function = MathFunction.Sin; return arity == 1;
                    case "Cos": function = MathFunction.Cos; return arity == 1;
                    case "Tan": function = MathFunction.Tan; return arity == 1;
                    case "Atan": function = MathFunction.Atan; return arity == 1;
                    case "Max": function = MathFunction.Max; return arity == 2;
                    case "Min": function = MathFunction.Min; return arity == 2;
                    case "Abs": function = MathFunction.Abs; return arity == 1;
                    default: function = default; return false;
                }
            }
        }
    }
}
