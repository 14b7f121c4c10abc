using System;
using System.Collections.Generic;

namespace Axon.Generator.Differentiation
{
    /// <summary>
    /// Forward symbolic differentiation of a <see cref="ScalarProgram"/> with respect to its parameter. Each user
    /// local keeps its primal binding and gets a derivative binding after it (d + name), so a value shared by
    /// several uses is differentiated once; the derivative rules reuse the primal nodes (exp, tanh, sqrt, ...)
    /// so that <see cref="ScalarProgramOptimizer"/> can compute them once.
    /// </summary>
    internal static class SymbolicDifferentiator
    {
        public static ScalarProgram Differentiate(ScalarProgram primal, NameAllocator names)
        {
            var bindings = new List<ScalarBinding>();
            var derivatives = new Dictionary<string, ScalarExpr>(StringComparer.Ordinal);
            foreach (var local in primal.Bindings)
            {
                bindings.Add(local);
                var derivative = Derive(local.Value, derivatives);
                if (derivative is ConstExpr || derivative is ParamExpr || derivative is LocalExpr)
                {
                    derivatives[local.Name] = derivative;
                }
                else
                {
                    string name = names.Allocate("d" + Capitalize(local.Name));
                    bindings.Add(new ScalarBinding(name, derivative));
                    derivatives[local.Name] = new LocalExpr(name, derivative.Type);
                }
            }

            return new ScalarProgram(primal.Parameter, bindings, Derive(primal.Result, derivatives));
        }

        private static string Capitalize(string name)
            => name.Length > 0 && char.IsLower(name[0]) ? char.ToUpperInvariant(name[0]) + name.Substring(1) : name;

        private static ScalarExpr Derive(ScalarExpr e, Dictionary<string, ScalarExpr> locals)
        {
            switch (e)
            {
                case ConstExpr c:
                    return Expr.Zero(c.Type);
                case ParamExpr p:
                    return Expr.One(p.Type);
                case LocalExpr l:
                    return locals.TryGetValue(l.Name, out var dl) ? dl : Expr.Zero(l.Type);
                case NegateExpr n:
                    return Expr.Negate(Derive(n.Operand, locals));
                case ConvertExpr c:
                    return Expr.Convert(c.Target, Derive(c.Operand, locals));
                case BinaryExpr b:
                    return DeriveBinary(b, Derive(b.Left, locals), Derive(b.Right, locals));
                case CallExpr call:
                    return DeriveCall(call, locals);
                case FunctionCallExpr f when f.DerivativeMethod is not null:
                    var inner = Derive(f.Argument, locals);
                    if (Expr.IsZero(inner)) return Expr.Zero(f.Type);
                    return Expr.Multiply(new FunctionCallExpr(f.DerivativeMethod, null, f.Argument, f.Type), inner);
                case ConditionalExpr c:
                    return Expr.Conditional(c.Condition, Derive(c.WhenTrue, locals), Derive(c.WhenFalse, locals));
                default:
                    // Derivative calls only appear in derivatives; nothing differentiates them again.
                    throw new InvalidOperationException("Unexpected node " + e.GetType().Name);
            }
        }

        private static ScalarExpr DeriveBinary(BinaryExpr b, ScalarExpr da, ScalarExpr db)
        {
            var a = b.Left;
            var c = b.Right;
            switch (b.Operator)
            {
                case BinaryOperator.Add:
                    return Expr.Add(da, db);
                case BinaryOperator.Subtract:
                    return Expr.Subtract(da, db);
                case BinaryOperator.Multiply:
                    // (a c)' = a' c + a c'
                    return Expr.Add(Expr.Multiply(da, c), Expr.Multiply(a, db));
                default:
                    // (a / c)' = a' / c when c is constant, else (a' c - a c') / (c c)
                    if (Expr.IsZero(db)) return Expr.Divide(da, c);
                    return Expr.Divide(Expr.Subtract(Expr.Multiply(da, c), Expr.Multiply(a, db)), Expr.Multiply(c, c));
            }
        }

        private static ScalarExpr DeriveCall(CallExpr call, Dictionary<string, ScalarExpr> locals)
        {
            var t = call.Type;
            var a = call.Arguments[0];
            var da = Derive(a, locals);
            switch (call.Function)
            {
                case MathFunction.Max:
                case MathFunction.Min:
                {
                    // The derivative follows the argument the function picks; a tie picks the first.
                    var b = call.Arguments[1];
                    var db = Derive(b, locals);
                    var op = call.Function == MathFunction.Max ? ComparisonOperator.GreaterOrEqual : ComparisonOperator.LessOrEqual;
                    return Expr.Conditional(Expr.Compare(op, a, b), da, db);
                }

                case MathFunction.Pow:
                {
                    // The exponent does not depend on the parameter (the parser checks it): (a^p)' = p a^(p-1) a'.
                    var p = call.Arguments[1];
                    if (Expr.IsZero(da)) return Expr.Zero(t);
                    if (p is ConstExpr cp)
                    {
                        if (cp.Value == 0) return Expr.Zero(t);
                        if (cp.Value == 1) return da;
                        if (cp.Value == 2) return Expr.Multiply(Expr.Multiply(Expr.Const(2, t), a), da);
                        var power = cp.Value == 3 ? Expr.Multiply(a, a) : Expr.Call(MathFunction.Pow, t, a, Expr.Const(cp.Value - 1, t));
                        return Expr.Multiply(Expr.Multiply(cp, power), da);
                    }

                    return Expr.Multiply(Expr.Multiply(p, Expr.Call(MathFunction.Pow, t, a, Expr.Subtract(p, Expr.One(t)))), da);
                }
            }

            if (Expr.IsZero(da)) return Expr.Zero(t);
            switch (call.Function)
            {
                case MathFunction.Exp:
                    return Expr.Multiply(call, da);
                case MathFunction.Log:
                    return Expr.Divide(da, a);
                case MathFunction.Log2:
                    return Expr.Divide(da, Expr.Multiply(a, Expr.Const(Math.Log(2), t)));
                case MathFunction.Log10:
                    return Expr.Divide(da, Expr.Multiply(a, Expr.Const(Math.Log(10), t)));
                case MathFunction.Sqrt:
                    return Expr.Divide(da, Expr.Multiply(Expr.Const(2, t), call));
                case MathFunction.Cbrt:
                    return Expr.Divide(da, Expr.Multiply(Expr.Multiply(Expr.Const(3, t), call), call));
                case MathFunction.Tanh:
                    return Expr.Multiply(Expr.Subtract(Expr.One(t), Expr.Multiply(call, call)), da);
                case MathFunction.Sinh:
                    return Expr.Multiply(Expr.Call(MathFunction.Cosh, t, a), da);
                case MathFunction.Cosh:
                    return Expr.Multiply(Expr.Call(MathFunction.Sinh, t, a), da);
                case MathFunction.Sin:
                    return Expr.Multiply(Expr.Call(MathFunction.Cos, t, a), da);
                case MathFunction.Cos:
                    return Expr.Negate(Expr.Multiply(Expr.Call(MathFunction.Sin, t, a), da));
                case MathFunction.Tan:
                    return Expr.Multiply(Expr.Add(Expr.One(t), Expr.Multiply(call, call)), da);
                case MathFunction.Atan:
                    return Expr.Divide(da, Expr.Add(Expr.One(t), Expr.Multiply(a, a)));
                case MathFunction.Abs:
                    // |a|' = sign(a) a', written without Math.Sign (which throws on NaN).
                    var zero = Expr.Zero(t);
                    return Expr.Conditional(
                        Expr.Compare(ComparisonOperator.Greater, a, zero),
                        da,
                        Expr.Conditional(Expr.Compare(ComparisonOperator.Less, a, zero), Expr.Negate(da), zero));
                default:
                    throw new InvalidOperationException("Unexpected function " + call.Function);
            }
        }
    }
}
