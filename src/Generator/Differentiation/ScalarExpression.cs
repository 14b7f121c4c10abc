using System;
using Axon.Generator.Model;

namespace Axon.Generator.Differentiation
{
    /// <summary>The two element types a differentiable scalar function may compute in.</summary>
    internal enum ScalarType
    {
        Float,
        Double,
    }

    internal enum BinaryOperator
    {
        Add,
        Subtract,
        Multiply,
        Divide,
    }

    internal enum ComparisonOperator
    {
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
        Equal,
        NotEqual,
    }

    /// <summary>The elementary functions the differentiator knows the derivative of.</summary>
    internal enum MathFunction
    {
        Exp,
        Log,
        Log2,
        Log10,
        Sqrt,
        Cbrt,
        Pow,
        Tanh,
        Sinh,
        Cosh,
        Sin,
        Cos,
        Tan,
        Atan,
        Max,
        Min,
        Abs,
    }

    /// <summary>
    /// A node of the scalar expression IR. Every node carries the element type it computes in; operands of a
    /// binary node, the branches of a conditional and the arguments of a call already have the node's type
    /// (the parser makes C#'s implicit conversions explicit as <see cref="ConvertExpr"/>). Nodes are immutable
    /// records built through <see cref="Expr"/>, which simplifies as it builds; subtrees are shared by reference
    /// (a derivative reuses its primal's nodes), and <see cref="ScalarProgramOptimizer"/> turns the sharing
    /// and any structural repetition into locals.
    /// </summary>
    internal abstract record ScalarExpr(ScalarType Type);

    /// <summary>A constant, held as a double; for <see cref="ScalarType.Float"/> it is exactly a float value.</summary>
    internal sealed record ConstExpr(double Value, ScalarType Type) : ScalarExpr(Type);

    /// <summary>The function's parameter: the variable of differentiation.</summary>
    internal sealed record ParamExpr(string Name, ScalarType Type) : ScalarExpr(Type);

    /// <summary>A local variable of the emitted body (one the user declared, or one the optimiser introduced).</summary>
    internal sealed record LocalExpr(string Name, ScalarType Type) : ScalarExpr(Type);

    internal sealed record NegateExpr(ScalarExpr Operand) : ScalarExpr(Operand.Type);

    internal sealed record BinaryExpr(BinaryOperator Operator, ScalarExpr Left, ScalarExpr Right) : ScalarExpr(Left.Type);

    /// <summary>A conversion between float and double (an explicit cast, or an implicit widening made explicit).</summary>
    internal sealed record ConvertExpr(ScalarType Target, ScalarExpr Operand) : ScalarExpr(Target);

    /// <summary>A call of an elementary function, emitted as System.MathF (float) or System.Math (double).</summary>
    internal sealed record CallExpr(MathFunction Function, EquatableArray<ScalarExpr> Arguments, ScalarType Type) : ScalarExpr(Type);

    /// <summary>
    /// A call of another differentiable scalar function (or of its derivative): <paramref name="Method"/> is the
    /// fully qualified method to call, <paramref name="DerivativeMethod"/> that of its derivative
    /// (null on a call of a derivative, which is never differentiated again).
    /// </summary>
    internal sealed record FunctionCallExpr(string Method, string? DerivativeMethod, ScalarExpr Argument, ScalarType Type) : ScalarExpr(Type);

    /// <summary><c>condition ? whenTrue : whenFalse</c>.</summary>
    internal sealed record ConditionalExpr(ScalarCondition Condition, ScalarExpr WhenTrue, ScalarExpr WhenFalse) : ScalarExpr(WhenTrue.Type);

    /// <summary>A boolean condition of a conditional expression: not differentiated, only evaluated.</summary>
    internal abstract record ScalarCondition;

    internal sealed record BoolConstCondition(bool Value) : ScalarCondition;

    internal sealed record ComparisonCondition(ComparisonOperator Operator, ScalarExpr Left, ScalarExpr Right) : ScalarCondition;

    internal sealed record LogicalCondition(bool IsAnd, ScalarCondition Left, ScalarCondition Right) : ScalarCondition;

    internal sealed record NotCondition(ScalarCondition Operand) : ScalarCondition;

    internal static class ScalarTypeExtensions
    {
        public static string Keyword(this ScalarType type) => type == ScalarType.Float ? "float" : "double";

        /// <summary>Rounds a value to what the element type can hold.</summary>
        public static double Round(this ScalarType type, double value) => type == ScalarType.Float ? (float)value : value;
    }

    /// <summary>Traversal helpers over the IR.</summary>
    internal static class ScalarExprTraversal
    {
        /// <summary>Calls <paramref name="visit"/> on every expression node, parents before children.</summary>
        public static void Visit(ScalarExpr expr, Action<ScalarExpr> visit)
        {
            visit(expr);
            switch (expr)
            {
                case NegateExpr n:
                    Visit(n.Operand, visit);
                    break;
                case BinaryExpr b:
                    Visit(b.Left, visit);
                    Visit(b.Right, visit);
                    break;
                case ConvertExpr c:
                    Visit(c.Operand, visit);
                    break;
                case CallExpr call:
                    foreach (var arg in call.Arguments) Visit(arg, visit);
                    break;
                case FunctionCallExpr f:
                    Visit(f.Argument, visit);
                    break;
                case ConditionalExpr c:
                    Visit(c.Condition, visit);
                    Visit(c.WhenTrue, visit);
                    Visit(c.WhenFalse, visit);
                    break;
            }
        }

        public static void Visit(ScalarCondition condition, Action<ScalarExpr> visit)
        {
            switch (condition)
            {
                case ComparisonCondition c:
                    Visit(c.Left, visit);
                    Visit(c.Right, visit);
                    break;
                case LogicalCondition l:
                    Visit(l.Left, visit);
                    Visit(l.Right, visit);
                    break;
                case NotCondition n:
                    Visit(n.Operand, visit);
                    break;
            }
        }

        /// <summary>Whether any node of the tree satisfies <paramref name="predicate"/>.</summary>
        public static bool Any(ScalarExpr expr, Func<ScalarExpr, bool> predicate)
        {
            bool found = false;
            Visit(expr, e => found |= predicate(e));
            return found;
        }
    }
}
