using System;
using Axon.Generator.Model;

namespace Axon.Generator.Differentiation
{
    /// <summary>
    /// Simplifying constructors for the IR. Each folds constants (in the node's element type, as C# would at run
    /// time) and applies the algebraic identities that matter for derivatives: x + 0, x * 1, x * 0, x / 1, -(-x),
    /// moving negations outwards and constants to the left of a product. The identities are exact in IEEE
    /// arithmetic for finite values, so the emitted derivative computes what the unsimplified one would.
    /// </summary>
    internal static class Expr
    {
        public static ConstExpr Const(double value, ScalarType type) => new ConstExpr(type.Round(value), type);

        public static ConstExpr Zero(ScalarType type) => new ConstExpr(0, type);

        public static ConstExpr One(ScalarType type) => new ConstExpr(1, type);

        public static bool IsConst(ScalarExpr e, double value) => e is ConstExpr c && c.Value == value;

        public static bool IsZero(ScalarExpr e) => IsConst(e, 0);

        public static ScalarExpr Negate(ScalarExpr a)
        {
            switch (a)
            {
                case ConstExpr c:
                    return new ConstExpr(-c.Value, c.Type);
                case NegateExpr n:
                    return n.Operand;
                default:
                    return new NegateExpr(a);
            }
        }

        public static ScalarExpr Binary(BinaryOperator op, ScalarExpr a, ScalarExpr b)
        {
            switch (op)
            {
                case BinaryOperator.Add:
                    return Add(a, b);
                case BinaryOperator.Subtract:
                    return Subtract(a, b);
                case BinaryOperator.Multiply:
                    return Multiply(a, b);
                default:
                    return Divide(a, b);
            }
        }

        public static ScalarExpr Add(ScalarExpr a, ScalarExpr b)
        {
            if (a is ConstExpr ca && b is ConstExpr cb) return Const(ca.Value + cb.Value, a.Type);
            if (IsZero(a)) return b;
            if (IsZero(b)) return a;
            if (b is NegateExpr nb) return Subtract(a, nb.Operand);
            if (b is ConstExpr cn && cn.Value < 0) return Subtract(a, Negate(cn));
            if (a is NegateExpr na) return Subtract(b, na.Operand);
            return new BinaryExpr(BinaryOperator.Add, a, b);
        }

        public static ScalarExpr Subtract(ScalarExpr a, ScalarExpr b)
        {
            if (a is ConstExpr ca && b is ConstExpr cb) return Const(ca.Value - cb.Value, a.Type);
            if (IsZero(b)) return a;
            if (IsZero(a)) return Negate(b);
            if (b is NegateExpr nb) return Add(a, nb.Operand);
            if (b is ConstExpr cn && cn.Value < 0) return Add(a, Negate(cn));
            return new BinaryExpr(BinaryOperator.Subtract, a, b);
        }

        public static ScalarExpr Multiply(ScalarExpr a, ScalarExpr b)
        {
            if (a is ConstExpr ca && b is ConstExpr cb) return Const(ca.Value * cb.Value, a.Type);
            if (IsZero(a) || IsZero(b)) return Zero(a.Type);
            if (IsConst(a, 1)) return b;
            if (IsConst(b, 1)) return a;
            if (IsConst(a, -1)) return Negate(b);
            if (IsConst(b, -1)) return Negate(a);
            if (a is NegateExpr na) return Negate(Multiply(na.Operand, b));
            if (b is NegateExpr nb) return Negate(Multiply(a, nb.Operand));
            if (a is ConstExpr c1 && c1.Value < 0) return Negate(Multiply(Negate(c1), b));
            if (b is ConstExpr)
            {
                // Multiplication commutes exactly in IEEE arithmetic: write constants first (2 * x).
                return Multiply(b, a);
            }

            return new BinaryExpr(BinaryOperator.Multiply, a, b);
        }

        public static ScalarExpr Divide(ScalarExpr a, ScalarExpr b)
        {
            if (a is ConstExpr ca && b is ConstExpr cb) return Const(ca.Value / cb.Value, a.Type);
            if (IsZero(a)) return Zero(a.Type);
            if (IsConst(b, 1)) return a;
            if (IsConst(b, -1)) return Negate(a);
            if (a is NegateExpr na) return Negate(Divide(na.Operand, b));
            if (b is NegateExpr nb) return Negate(Divide(a, nb.Operand));
            if (a is ConstExpr c1 && c1.Value < 0) return Negate(Divide(Negate(c1), b));
            if (b is ConstExpr c2 && c2.Value < 0) return Negate(Divide(a, Negate(c2)));
            return new BinaryExpr(BinaryOperator.Divide, a, b);
        }

        public static ScalarExpr Convert(ScalarType target, ScalarExpr a)
        {
            if (a.Type == target) return a;
            switch (a)
            {
                case ConstExpr c:
                    return Const(c.Value, target);
                case NegateExpr n:
                    return Negate(Convert(target, n.Operand));
                case ConvertExpr inner when inner.Operand.Type == target && target == ScalarType.Float:
                    // float → double → float is exact.
                    return inner.Operand;
                default:
                    return new ConvertExpr(target, a);
            }
        }

        public static ScalarExpr Call(MathFunction function, ScalarType type, params ScalarExpr[] arguments)
            => new CallExpr(function, arguments.ToEquatableArray(), type);

        public static ScalarExpr Conditional(ScalarCondition condition, ScalarExpr whenTrue, ScalarExpr whenFalse)
        {
            if (condition is BoolConstCondition b) return b.Value ? whenTrue : whenFalse;
            if (whenTrue.Equals(whenFalse)) return whenTrue;
            return new ConditionalExpr(condition, whenTrue, whenFalse);
        }

        public static ScalarCondition Compare(ComparisonOperator op, ScalarExpr a, ScalarExpr b)
        {
            if (a is ConstExpr ca && b is ConstExpr cb) return new BoolConstCondition(Evaluate(op, ca.Value, cb.Value));
            return new ComparisonCondition(op, a, b);
        }

        public static ScalarCondition Logical(bool isAnd, ScalarCondition a, ScalarCondition b)
        {
            if (a is BoolConstCondition ca) return ca.Value == isAnd ? b : ca;
            if (b is BoolConstCondition cb && cb.Value == isAnd) return a;
            return new LogicalCondition(isAnd, a, b);
        }

        public static ScalarCondition Not(ScalarCondition a)
        {
            switch (a)
            {
                case BoolConstCondition c:
                    return new BoolConstCondition(!c.Value);
                case NotCondition n:
                    return n.Operand;
                default:
                    return new NotCondition(a);
            }
        }

        private static bool Evaluate(ComparisonOperator op, double a, double b)
        {
            switch (op)
            {
                case ComparisonOperator.Less:
                    return a < b;
                case ComparisonOperator.LessOrEqual:
                    return a <= b;
                case ComparisonOperator.Greater:
                    return a > b;
                case ComparisonOperator.GreaterOrEqual:
                    return a >= b;
                case ComparisonOperator.Equal:
                    return a == b;
                default:
                    return a != b;
            }
        }
    }
}
