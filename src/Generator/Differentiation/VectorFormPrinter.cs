using System.Collections.Generic;
using System.Linq;
using System.Text;
using Axon.Generator.Model;

namespace Axon.Generator.Differentiation
{
    /// <summary>
    /// Prints a function and its derivative as vector code, or says they have none. Every operation becomes a call of
    /// the <c>IVectorMath</c> type parameter (<c>TMath.Multiply(a, b)</c>, <c>TMath.Exp(a)</c>), a conditional a
    /// <c>TMath.Select</c> of a comparison mask; the tree, its evaluation order and its locals are the scalar
    /// program's, so the vector form computes the same IEEE operations as the scalar code except inside the
    /// elementary functions. A program vectorises when it uses only + − × ÷, negation, constants, the parameter, its
    /// locals, conditionals of comparisons, and the functions in <see cref="IsVectorFunction"/>; a float/double
    /// conversion or a call of another [Differentiable] function keeps the scalar path.
    /// </summary>
    internal static class VectorFormPrinter
    {
        /// <summary>The elementary functions with a vector form in <c>IVectorMath</c>.</summary>
        public static bool IsVectorFunction(MathFunction function)
        {
            switch (function)
            {
                case MathFunction.Exp:
                case MathFunction.Log:
                case MathFunction.Log2:
                case MathFunction.Sqrt:
                case MathFunction.Abs:
                case MathFunction.Sin:
                case MathFunction.Cos:
                case MathFunction.Tanh:
                case MathFunction.Max:
                case MathFunction.Min:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>The vector form of <paramref name="value"/> and <paramref name="derivative"/>, or null if either does not vectorise.</summary>
        public static VectorForm? TryPrint(ScalarProgram value, ScalarProgram derivative)
        {
            if (!Vectorises(value) || !Vectorises(derivative)) return null;

            // The type parameters must not be hidden by a local or the parameter of the same name.
            var names = new NameAllocator();
            foreach (var program in new[] { value, derivative })
            {
                names.Reserve(program.Parameter.Name);
                foreach (var binding in program.Bindings) names.Reserve(binding.Name);
            }

            var printer = new Printer(names.Allocate("TVec"), names.Allocate("TMath"));
            return new VectorForm(
                ScalarExpressionPrinter.Identifier(value.Parameter.Name),
                printer.VectorType,
                printer.MathType,
                printer.Body(value).ToEquatableArray(),
                printer.Body(derivative).ToEquatableArray());
        }

        private static bool Vectorises(ScalarProgram program)
        {
            bool ok = true;
            void Check(ScalarExpr e)
            {
                switch (e)
                {
                    case ConvertExpr _:
                    case FunctionCallExpr _:
                        ok = false;
                        break;
                    case CallExpr call when !IsVectorFunction(call.Function):
                        ok = false;
                        break;
                    case ConditionalExpr conditional when !ConditionVectorises(conditional.Condition):
                        ok = false;
                        break;
                }
            }

            foreach (var binding in program.Bindings) ScalarExprTraversal.Visit(binding.Value, Check);
            ScalarExprTraversal.Visit(program.Result, Check);
            return ok;
        }

        private static bool ConditionVectorises(ScalarCondition condition)
        {
            switch (condition)
            {
                case ComparisonCondition _:
                    return true;
                case LogicalCondition logical:
                    return ConditionVectorises(logical.Left) && ConditionVectorises(logical.Right);
                case NotCondition not:
                    return ConditionVectorises(not.Operand);
                default:
                    return false; // a constant condition is folded away before it gets here
            }
        }

        private sealed class Printer
        {
            public Printer(string vectorType, string mathType)
            {
                VectorType = vectorType;
                MathType = mathType;
            }

            public string VectorType { get; }

            public string MathType { get; }

            public List<string> Body(ScalarProgram program)
            {
                var lines = new List<string>();
                foreach (var binding in program.Bindings)
                {
                    lines.Add(VectorType + " " + ScalarExpressionPrinter.Identifier(binding.Name) + " = " + Print(binding.Value) + ";");
                }

                lines.Add("return " + Print(program.Result) + ";");
                return lines;
            }

            private string Print(ScalarExpr e)
            {
                var builder = new StringBuilder();
                Write(builder, e);
                return builder.ToString();
            }

            private void Write(StringBuilder builder, ScalarExpr e)
            {
                switch (e)
                {
                    case ConstExpr c:
                        // A negative constant is exact as a literal: -1f, not Negate(1f).
                        builder.Append(MathType).Append(".Create(");
                        if (c.Value < 0 || (c.Value == 0 && double.IsNegativeInfinity(1 / c.Value))) builder.Append('-').Append(ScalarExpressionPrinter.Literal(-c.Value, c.Type));
                        else builder.Append(ScalarExpressionPrinter.Literal(c.Value, c.Type));
                        builder.Append(')');
                        break;
                    case ParamExpr p:
                        builder.Append(ScalarExpressionPrinter.Identifier(p.Name));
                        break;
                    case LocalExpr l:
                        builder.Append(ScalarExpressionPrinter.Identifier(l.Name));
                        break;
                    case NegateExpr n:
                        Call(builder, "Negate", n.Operand);
                        break;
                    case BinaryExpr b:
                        Call(builder, b.Operator.ToString(), b.Left, b.Right);
                        break;
                    case CallExpr call:
                        Call(builder, call.Function.ToString(), call.Arguments.ToArray());
                        break;
                    case ConditionalExpr c:
                        builder.Append(MathType).Append(".Select(");
                        WriteCondition(builder, c.Condition);
                        builder.Append(", ");
                        Write(builder, c.WhenTrue);
                        builder.Append(", ");
                        Write(builder, c.WhenFalse);
                        builder.Append(')');
                        break;
                    default:
                        throw new System.InvalidOperationException("Unexpected node " + e.GetType().Name);
                }
            }

            private void Call(StringBuilder builder, string name, params ScalarExpr[] arguments)
            {
                builder.Append(MathType).Append('.').Append(name).Append('(');
                for (int i = 0; i < arguments.Length; i++)
                {
                    if (i > 0) builder.Append(", ");
                    Write(builder, arguments[i]);
                }

                builder.Append(')');
            }

            private void WriteCondition(StringBuilder builder, ScalarCondition condition)
            {
                switch (condition)
                {
                    case ComparisonCondition c:
                        Call(builder, ComparisonName(c.Operator), c.Left, c.Right);
                        break;
                    case LogicalCondition l:
                        builder.Append(MathType).Append(l.IsAnd ? ".And(" : ".Or(");
                        WriteCondition(builder, l.Left);
                        builder.Append(", ");
                        WriteCondition(builder, l.Right);
                        builder.Append(')');
                        break;
                    case NotCondition n:
                        builder.Append(MathType).Append(".Not(");
                        WriteCondition(builder, n.Operand);
                        builder.Append(')');
                        break;
                    default:
                        throw new System.InvalidOperationException("Unexpected condition " + condition.GetType().Name);
                }
            }

            private static string ComparisonName(ComparisonOperator op)
            {
                switch (op)
                {
                    case ComparisonOperator.Less:
                        return "LessThan";
                    case ComparisonOperator.LessOrEqual:
                        return "LessThanOrEqual";
                    case ComparisonOperator.Greater:
                        return "GreaterThan";
                    case ComparisonOperator.GreaterOrEqual:
                        return "GreaterThanOrEqual";
                    case ComparisonOperator.Equal:
                        return "Equal";
                    default:
                        return "NotEqual";
                }
            }
        }
    }
}
