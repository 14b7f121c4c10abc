using System;
using System.Collections.Generic;

namespace Axon.Generator.Differentiation
{
    /// <summary>
    /// Cleans up a differentiated <see cref="ScalarProgram"/> before it is printed:
    /// <list type="number">
    /// <item>propagates locals that are only a constant, the parameter or another local (folding what follows);</item>
    /// <item>replaces a recomputation of an earlier local's value by that local (e.g. exp(x) in its own derivative);</item>
    /// <item>hoists every other repeated subexpression into a temporary, largest first, so exp, tanh and the
    /// like are computed once;</item>
    /// <item>inlines locals read only once and drops locals never read.</item>
    /// </list>
    /// Hoisting moves pure arithmetic out of conditional branches; it never changes a result, since nothing in
    /// the IR has side effects or throws.
    /// </summary>
    internal static class ScalarProgramOptimizer
    {
        private const string TemporaryPrefix = "\u0001t";

        public static ScalarProgram Optimize(ScalarProgram program, NameAllocator names)
        {
            var bindings = new List<ScalarBinding>(program.Bindings);
            var result = program.Result;

            bool changed;
            do
            {
                changed = PropagateTrivialBindings(bindings, ref result);
                changed |= ReuseAvailableValues(bindings, ref result);
            }
            while (changed);

            RemoveDeadBindings(bindings, result);
            HoistCommonSubexpressions(bindings, ref result);
            InlineSingleUseBindings(bindings, ref result);
            RemoveDeadBindings(bindings, result);
            NameTemporaries(bindings, ref result, names);
            return new ScalarProgram(program.Parameter, bindings, result);
        }

        private static bool IsTrivial(ScalarExpr e)
        {
            switch (e)
            {
                case ConstExpr _:
                case ParamExpr _:
                case LocalExpr _:
                    return true;
                case NegateExpr n:
                    return IsTrivial(n.Operand);
                case ConvertExpr c:
                    return IsTrivial(c.Operand);
                default:
                    return false;
            }
        }

        private static ScalarExpr Substitute(ScalarExpr e, string name, ScalarExpr replacement)
            => ScalarExprTraversal.Rewrite(e, node => node is LocalExpr l && l.Name == name ? replacement : node);

        private static ScalarExpr Replace(ScalarExpr e, ScalarExpr target, ScalarExpr replacement)
            => ScalarExprTraversal.Rewrite(e, node => node.Equals(target) ? replacement : node);

        private static void SubstituteFrom(List<ScalarBinding> bindings, ref ScalarExpr result, int start, Func<ScalarExpr, ScalarExpr> rewrite)
        {
            for (int j = start; j < bindings.Count; j++)
            {
                bindings[j] = bindings[j] with { Value = rewrite(bindings[j].Value) };
            }

            result = rewrite(result);
        }

        private static bool PropagateTrivialBindings(List<ScalarBinding> bindings, ref ScalarExpr result)
        {
            bool changed = false;
            for (int i = 0; i < bindings.Count; i++)
            {
                var binding = bindings[i];
                if (!IsTrivial(binding.Value)) continue;
                bindings.RemoveAt(i);
                SubstituteFrom(bindings, ref result, i, e => Substitute(e, binding.Name, binding.Value));
                i--;
                changed = true;
            }

            return changed;
        }

        private static bool ReuseAvailableValues(List<ScalarBinding> bindings, ref ScalarExpr result)
        {
            bool changed = false;
            for (int i = 0; i < bindings.Count; i++)
            {
                var binding = bindings[i];
                var local = new LocalExpr(binding.Name, binding.Value.Type);
                for (int j = i + 1; j < bindings.Count; j++)
                {
                    if (Contains(bindings[j].Value, binding.Value))
                    {
                        bindings[j] = bindings[j] with { Value = Replace(bindings[j].Value, binding.Value, local) };
                        changed = true;
                    }
                }

                if (Contains(result, binding.Value))
                {
                    result = Replace(result, binding.Value, local);
                    changed = true;
                }
            }

            return changed;
        }

        private static bool Contains(ScalarExpr e, ScalarExpr target) => ScalarExprTraversal.Any(e, node => node.Equals(target));

        private static int CountReads(ScalarExpr e, string name)
        {
            int count = 0;
            ScalarExprTraversal.Visit(e, node =>
            {
                if (node is LocalExpr l && l.Name == name) count++;
            });
            return count;
        }

        private static int CountReads(List<ScalarBinding> bindings, ScalarExpr result, int start, string name)
        {
            int count = CountReads(result, name);
            for (int j = start; j < bindings.Count; j++) count += CountReads(bindings[j].Value, name);
            return count;
        }

        private static void RemoveDeadBindings(List<ScalarBinding> bindings, ScalarExpr result)
        {
            for (int i = bindings.Count - 1; i >= 0; i--)
            {
                if (CountReads(bindings, result, i + 1, bindings[i].Name) == 0) bindings.RemoveAt(i);
            }
        }

        private static void HoistCommonSubexpressions(List<ScalarBinding> bindings, ref ScalarExpr result)
        {
            int next = 0;
            while (true)
            {
                // Count every non-trivial subtree, in program order so that the choice is deterministic.
                var counts = new Dictionary<ScalarExpr, int>();
                var order = new List<ScalarExpr>();
                void Count(ScalarExpr node)
                {
                    if (IsTrivial(node)) return;
                    if (counts.TryGetValue(node, out int n))
                    {
                        counts[node] = n + 1;
                    }
                    else
                    {
                        counts[node] = 1;
                        order.Add(node);
                    }
                }

                foreach (var binding in bindings) ScalarExprTraversal.Visit(binding.Value, Count);
                ScalarExprTraversal.Visit(result, Count);

                ScalarExpr? best = null;
                int bestSize = 0;
                foreach (var candidate in order)
                {
                    if (counts[candidate] < 2) continue;
                    int size = ScalarExprTraversal.Size(candidate);
                    if (size > bestSize)
                    {
                        best = candidate;
                        bestSize = size;
                    }
                }

                if (best is null) return;

                int first = bindings.FindIndex(b => Contains(b.Value, best));
                if (first < 0) first = bindings.Count;
                string name = TemporaryPrefix + (next++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var local = new LocalExpr(name, best.Type);
                var target = best;
                SubstituteFrom(bindings, ref result, first, e => Replace(e, target, local));
                bindings.Insert(first, new ScalarBinding(name, best));
            }
        }

        private static void InlineSingleUseBindings(List<ScalarBinding> bindings, ref ScalarExpr result)
        {
            for (int i = bindings.Count - 1; i >= 0; i--)
            {
                var binding = bindings[i];
                if (CountReads(bindings, result, i + 1, binding.Name) != 1) continue;
                bindings.RemoveAt(i);
                SubstituteFrom(bindings, ref result, i, e => Substitute(e, binding.Name, binding.Value));
            }
        }

        private static void NameTemporaries(List<ScalarBinding> bindings, ref ScalarExpr result, NameAllocator names)
        {
            int index = 0;
            for (int i = 0; i < bindings.Count; i++)
            {
                var binding = bindings[i];
                if (!binding.Name.StartsWith(TemporaryPrefix, StringComparison.Ordinal)) continue;
                string name;
                do
                {
                    name = "t" + (index++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                while (names.IsUsed(name));
                names.Reserve(name);

                var local = new LocalExpr(name, binding.Value.Type);
                bindings[i] = new ScalarBinding(name, binding.Value);
                SubstituteFrom(bindings, ref result, i + 1, e => Substitute(e, binding.Name, local));
            }
        }
    }
}
