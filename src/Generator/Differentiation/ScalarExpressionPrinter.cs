using System;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Axon.Generator.Differentiation
{
    /// <summary>
    /// Prints IR as C#, with the fewest parentheses that keep the tree's evaluation order (operands of the same
    /// precedence on the right are parenthesised: float addition does not associate). Calls go through
    /// <c>global::System.MathF</c> for float and <c>global::System.Math</c> for double; literals are written in the
    /// invariant culture, with an <c>f</c> suffix for float, and round-trip exactly.
    /// </summary>
    internal static class ScalarExpressionPrinter
    {
        private enum Precedence
        {
            Conditional,
            Or,
            And,
            Equality,
            Relational,
            Additive,
            Multiplicative,
            Unary,
            Primary,
        }

        public static string Print(ScalarExpr e)
        {
            var builder = new StringBuilder();
            Write(builder, e, Precedence.Conditional);
            return builder.ToString();
        }

        /// <summary>An identifier as C# source: reserved keywords get an <c>@</c>.</summary>
        public static string Identifier(string name)
            => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        public static string Literal(double value, ScalarType type)
        {
            string keyword = type.Keyword();
            if (double.IsNaN(value)) return keyword + ".NaN";
            if (double.IsPositiveInfinity(value)) return keyword + ".PositiveInfinity";
            if (double.IsNegativeInfinity(value)) return keyword + ".NegativeInfinity";
            if (type == ScalarType.Float)
            {
                float f = (float)value;
                string text = f.ToString("R", CultureInfo.InvariantCulture);
                if (float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) != f) text = f.ToString("G9", CultureInfo.InvariantCulture);
                return text + "f";
            }
            else
            {
                string text = value.ToString("R", CultureInfo.InvariantCulture);
                if (double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) != value) text = value.ToString("G17", CultureInfo.InvariantCulture);
                if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0) text += ".0";
                return text;
            }
        }

        private static Precedence PrecedenceOf(ScalarExpr e)
        {
            switch (e)
            {
                case ConstExpr c:
                    return c.Value < 0 || (c.Value == 0 && double.IsNegativeInfinity(1 / c.Value)) ? Precedence.Unary : Precedence.Primary;
                case NegateExpr _:
                case ConvertExpr _:
                    return Precedence.Unary;
                case BinaryExpr b:
                    return b.Operator == BinaryOperator.Add || b.Operator == BinaryOperator.Subtract ? Precedence.Additive : Precedence.Multiplicative;
                case ConditionalExpr _:
                    return Precedence.Conditional;
                default:
                    return Precedence.Primary;
            }
        }

        private static void Write(StringBuilder builder, ScalarExpr e, Precedence minimum)
        {
            bool parenthesize = PrecedenceOf(e) < minimum;
            if (parenthesize) builder.Append('(');
            WriteCore(builder, e);
            if (parenthesize) builder.Append(')');
        }

        private static void WriteCore(StringBuilder builder, ScalarExpr e)
        {
            switch (e)
            {
                case ConstExpr c:
                    if (c.Value < 0 || (c.Value == 0 && double.IsNegativeInfinity(1 / c.Value)))
                    {
                        builder.Append('-').Append(Literal(-c.Value, c.Type));
                    }
                    else
                    {
                        builder.Append(Literal(c.Value, c.Type));
                    }

                    break;
                case ParamExpr p:
                    builder.Append(Identifier(p.Name));
                    break;
                case LocalExpr l:
                    builder.Append(Identifier(l.Name));
                    break;
                case NegateExpr n:
                {
                    builder.Append('-');
                    var operand = new StringBuilder();
                    Write(operand, n.Operand, Precedence.Unary);
                    // "- -x" must not become the decrement token.
                    if (operand.Length > 0 && operand[0] == '-') builder.Append('(').Append(operand).Append(')');
                    else builder.Append(operand);
                    break;
                }

                case ConvertExpr c:
                    builder.Append('(').Append(c.Target.Keyword()).Append(')');
                    Write(builder, c.Operand, Precedence.Primary);
                    break;
                case BinaryExpr b:
                {
                    var precedence = PrecedenceOf(b);
                    Write(builder, b.Left, precedence);
                    builder.Append(' ').Append(OperatorText(b.Operator)).Append(' ');
                    Write(builder, b.Right, precedence + 1);
                    break;
                }

                case CallExpr call:
                    builder.Append(call.Type == ScalarType.Float ? "global::System.MathF." : "global::System.Math.").Append(call.Function.ToString()).Append('(');
                    for (int i = 0; i < call.Arguments.Count; i++)
                    {
                        if (i > 0) builder.Append(", ");
                        Write(builder, call.Arguments[i], Precedence.Conditional);
                    }

                    builder.Append(')');
                    break;
                case FunctionCallExpr f:
                    builder.Append(f.Method).Append('(');
                    Write(builder, f.Argument, Precedence.Conditional);
                    builder.Append(')');
                    break;
                case ConditionalExpr c:
                    WriteCondition(builder, c.Condition, Precedence.Or);
                    builder.Append(" ? ");
                    // A conditional in the middle operand is legal but hard to read: parenthesise it.
                    Write(builder, c.WhenTrue, Precedence.Or);
                    builder.Append(" : ");
                    Write(builder, c.WhenFalse, Precedence.Conditional);
                    break;
                default:
                    throw new InvalidOperationException("Unexpected node " + e.GetType().Name);
            }
        }

        private static void WriteCondition(StringBuilder builder, ScalarCondition condition, Precedence minimum)
        {
            switch (condition)
            {
                case BoolConstCondition b:
                    builder.Append(b.Value ? "true" : "false");
                    break;
                case ComparisonCondition c:
                {
                    var precedence = c.Operator == ComparisonOperator.Equal || c.Operator == ComparisonOperator.NotEqual ? Precedence.Equality : Precedence.Relational;
                    bool parenthesize = precedence < minimum;
                    if (parenthesize) builder.Append('(');
                    Write(builder, c.Left, Precedence.Additive);
                    builder.Append(' ').Append(ComparisonText(c.Operator)).Append(' ');
                    Write(builder, c.Right, Precedence.Additive);
                    if (parenthesize) builder.Append(')');
                    break;
                }

                case LogicalCondition l:
                {
                    var precedence = l.IsAnd ? Precedence.And : Precedence.Or;
                    bool parenthesize = precedence < minimum;
                    if (parenthesize) builder.Append('(');
                    // Operands of the other logical operator are parenthesised even where C# would not need it.
                    WriteCondition(builder, l.Left, l.IsAnd ? Precedence.Equality : Precedence.And + 1);
                    builder.Append(l.IsAnd ? " && " : " || ");
                    WriteCondition(builder, l.Right, l.IsAnd ? Precedence.Equality : Precedence.And + 1);
                    if (parenthesize) builder.Append(')');
                    break;
                }

                case NotCondition n:
                    builder.Append('!');
                    WriteCondition(builder, n.Operand, Precedence.Primary);
                    break;
                default:
                    throw new InvalidOperationException("Unexpected condition " + condition.GetType().Name);
            }
        }

        private static string OperatorText(BinaryOperator op)
        {
            switch (op)
            {
                case BinaryOperator.Add:
                    return "+";
                case BinaryOperator.Subtract:
                    return "-";
                case BinaryOperator.Multiply:
                    return "*";
                default:
                    return "/";
            }
        }

        private static string ComparisonText(ComparisonOperator op)
        {
            switch (op)
            {
                case ComparisonOperator.Less:
                    return "<";
                case ComparisonOperator.LessOrEqual:
                    return "<=";
                case ComparisonOperator.Greater:
                    return ">";
                case ComparisonOperator.GreaterOrEqual:
                    return ">=";
                case ComparisonOperator.Equal:
                    return "==";
                default:
                    return "!=";
            }
        }
    }
}
