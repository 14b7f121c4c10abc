using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Axon.Generator.Differentiation
{
    /// <summary>
    /// Turns a differentiated <see cref="ScalarProgram"/> into the locals and return expression to print, in time
    /// linear in the size of the program:
    /// <list type="number">
    /// <item>value numbering: every local is inlined and structurally equal subexpressions become one node of a
    /// DAG (keys are made of child numbers, so equal subtrees are found without comparing trees);</item>
    /// <item>a node used twice or more (counting each distinct parent once per operand) that is not a
    /// constant, the parameter, or a negation or conversion of those becomes a local, in first-use order, named
    /// after the user's local (or its derivative's) that holds this value, or t0, t1, ... otherwise;</item>
    /// <item>every other node is printed in place, so locals read once are inlined and unread ones vanish.</item>
    /// </list>
    /// Nothing in the IR has side effects or throws, so computing a shared value once, before the conditional
    /// that needs it, never changes a result.
    /// </summary>
    internal static class ScalarProgramOptimizer
    {
        public static ScalarProgram Optimize(ScalarProgram program, NameAllocator names)
        {
            var dag = new Dag();
            var localIds = new Dictionary<string, int>(StringComparer.Ordinal);
            var nameOfValue = new Dictionary<int, string>();
            foreach (var binding in program.Bindings)
            {
                int id = dag.Add(binding.Value, localIds);
                localIds[binding.Name] = id;
                if (!nameOfValue.ContainsKey(id)) nameOfValue[id] = binding.Name;
            }

            int root = dag.Add(program.Result, localIds);
            var uses = dag.CountUses(root);

            var bindings = new List<ScalarBinding>();
            var locals = new Dictionary<int, LocalExpr>();
            var visited = new HashSet<int>();
            int temporary = 0;

            // Post-order from the result: a node's operands are bound before it.
            void Bind(int id)
            {
                if (!visited.Add(id)) return;
                foreach (int child in dag.Children(id)) Bind(child);
                if (id == root || uses[id] < 2 || !dag.IsExpression(id)) return;

                if (!nameOfValue.TryGetValue(id, out var name))
                {
                    do
                    {
                        name = "t" + (temporary++).ToString(CultureInfo.InvariantCulture);
                    }
                    while (names.IsUsed(name));
                    names.Reserve(name);
                }

                var value = (ScalarExpr)Rebuild(id);
                bindings.Add(new ScalarBinding(name, value));
                locals[id] = new LocalExpr(name, value.Type);
            }

            object Rebuild(int id)
            {
                var shape = dag.Shape(id);
                var children = dag.Children(id);
                ScalarExpr Operand(int i) => locals.TryGetValue(children[i], out var local) ? local : (ScalarExpr)Rebuild(children[i]);
                ScalarCondition Condition(int i) => (ScalarCondition)Rebuild(children[i]);
                switch (shape)
                {
                    case NegateExpr _:
                        return new NegateExpr(Operand(0));
                    case BinaryExpr b:
                        return new BinaryExpr(b.Operator, Operand(0), Operand(1));
                    case ConvertExpr c:
                        return new ConvertExpr(c.Target, Operand(0));
                    case CallExpr call:
                        var arguments = new ScalarExpr[children.Length];
                        for (int i = 0; i < arguments.Length; i++) arguments[i] = Operand(i);
                        return new CallExpr(call.Function, new Model.EquatableArray<ScalarExpr>(arguments), call.Type);
                    case FunctionCallExpr f:
                        return f with { Argument = Operand(0) };
                    case ConditionalExpr _:
                        return new ConditionalExpr(Condition(0), Operand(1), Operand(2));
                    case ComparisonCondition c:
                        return new ComparisonCondition(c.Operator, Operand(0), Operand(1));
                    case LogicalCondition l:
                        return new LogicalCondition(l.IsAnd, Condition(0), Condition(1));
                    case NotCondition _:
                        return new NotCondition(Condition(0));
                    default:
                        // Leaves: constants, the parameter, locals, constant conditions.
                        return shape;
                }
            }

            Bind(root);
            return new ScalarProgram(program.Parameter, bindings, (ScalarExpr)Rebuild(root));
        }

        private static bool IsTrivial(object shape) => shape is ConstExpr || shape is ParamExpr || shape is LocalExpr;

        /// <summary>
        /// Hash-consed nodes. A node's shape is the IR object it came from (only its own fields matter: operator,
        /// function, value, type); its operands are node numbers. Constants, the parameter, and negations and
        /// conversions of those are trivial: cheaper to repeat than to hold in a local.
        /// </summary>
        private sealed class Dag
        {
            private readonly List<object> _shapes = new List<object>();
            private readonly List<int[]> _children = new List<int[]>();
            private readonly List<bool> _trivial = new List<bool>();
            private readonly Dictionary<string, int> _ids = new Dictionary<string, int>(StringComparer.Ordinal);
            private readonly Dictionary<object, int> _seen = new Dictionary<object, int>(ReferenceComparer.Instance);

            public object Shape(int id) => _shapes[id];

            public int[] Children(int id) => _children[id];

            public bool IsExpression(int id) => _shapes[id] is ScalarExpr && !_trivial[id];

            public int Add(ScalarExpr expr, Dictionary<string, int> locals)
            {
                if (expr is LocalExpr local && locals.TryGetValue(local.Name, out int bound)) return bound;
                if (_seen.TryGetValue(expr, out int known)) return known;

                int[] children;
                string key;
                switch (expr)
                {
                    case ConstExpr c:
                        children = Array.Empty<int>();
                        key = "c" + (int)c.Type + ":" + c.Value.ToString("R", CultureInfo.InvariantCulture) + (c.Value == 0 && double.IsNegativeInfinity(1 / c.Value) ? "-" : "");
                        break;
                    case ParamExpr p:
                        children = Array.Empty<int>();
                        key = "p" + (int)p.Type + ":" + p.Name;
                        break;
                    case LocalExpr l:
                        children = Array.Empty<int>();
                        key = "l" + (int)l.Type + ":" + l.Name;
                        break;
                    case NegateExpr n:
                        children = new[] { Add(n.Operand, locals) };
                        key = "n";
                        break;
                    case BinaryExpr b:
                        children = new[] { Add(b.Left, locals), Add(b.Right, locals) };
                        key = "b" + (int)b.Operator;
                        break;
                    case ConvertExpr c:
                        children = new[] { Add(c.Operand, locals) };
                        key = "v" + (int)c.Target;
                        break;
                    case CallExpr call:
                        children = new int[call.Arguments.Count];
                        for (int i = 0; i < children.Length; i++) children[i] = Add(call.Arguments[i], locals);
                        key = "m" + (int)call.Function + ":" + (int)call.Type;
                        break;
                    case FunctionCallExpr f:
                        children = new[] { Add(f.Argument, locals) };
                        key = "f" + (int)f.Type + ":" + f.Method + ":" + f.DerivativeMethod;
                        break;
                    case ConditionalExpr c:
                        children = new[] { AddCondition(c.Condition, locals), Add(c.WhenTrue, locals), Add(c.WhenFalse, locals) };
                        key = "?";
                        break;
                    default:
                        throw new InvalidOperationException("Unexpected node " + expr.GetType().Name);
                }

                int id = Intern(expr, key, children);
                _seen[expr] = id;
                return id;
            }

            private int AddCondition(ScalarCondition condition, Dictionary<string, int> locals)
            {
                switch (condition)
                {
                    case ComparisonCondition c:
                        return Intern(c, "C" + (int)c.Operator, new[] { Add(c.Left, locals), Add(c.Right, locals) });
                    case LogicalCondition l:
                        return Intern(l, l.IsAnd ? "&" : "|", new[] { AddCondition(l.Left, locals), AddCondition(l.Right, locals) });
                    case NotCondition n:
                        return Intern(n, "!", new[] { AddCondition(n.Operand, locals) });
                    case BoolConstCondition b:
                        return Intern(b, b.Value ? "T" : "F", Array.Empty<int>());
                    default:
                        throw new InvalidOperationException("Unexpected condition " + condition.GetType().Name);
                }
            }

            private int Intern(object shape, string kind, int[] children)
            {
                var key = new StringBuilder(kind);
                foreach (int child in children) key.Append(',').Append(child.ToString(CultureInfo.InvariantCulture));
                string text = key.ToString();
                if (_ids.TryGetValue(text, out int id)) return id;

                id = _shapes.Count;
                _shapes.Add(shape);
                _children.Add(children);
                _trivial.Add(IsTrivialNode(shape, children));
                _ids.Add(text, id);
                return id;
            }

            private bool IsTrivialNode(object shape, int[] children)
            {
                if (IsTrivial(shape)) return true;
                return (shape is NegateExpr || shape is ConvertExpr) && _trivial[children[0]];
            }

            /// <summary>For every node reachable from <paramref name="root"/>, how many operand slots of reachable nodes refer to it.</summary>
            public int[] CountUses(int root)
            {
                var uses = new int[_shapes.Count];
                var reached = new bool[_shapes.Count];
                var stack = new Stack<int>();
                stack.Push(root);
                reached[root] = true;
                while (stack.Count > 0)
                {
                    int id = stack.Pop();
                    foreach (int child in _children[id])
                    {
                        uses[child]++;
                        if (!reached[child])
                        {
                            reached[child] = true;
                            stack.Push(child);
                        }
                    }
                }

                return uses;
            }
        }

        private sealed class ReferenceComparer : IEqualityComparer<object>
        {
            public static readonly ReferenceComparer Instance = new ReferenceComparer();

            public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
