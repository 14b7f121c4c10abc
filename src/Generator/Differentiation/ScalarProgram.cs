using System;
using System.Collections.Generic;

namespace Axon.Generator.Differentiation
{
    /// <summary>A local of the emitted body: <c>Type Name = Value;</c>.</summary>
    internal sealed record ScalarBinding(string Name, ScalarExpr Value);

    /// <summary>
    /// A straight-line scalar body: locals, each initialised once from the parameter, constants and earlier
    /// locals, then a returned expression. The parser produces one for the user's function; the differentiator
    /// produces one for its derivative.
    /// </summary>
    internal sealed class ScalarProgram
    {
        public ScalarProgram(ParamExpr parameter, IReadOnlyList<ScalarBinding> bindings, ScalarExpr result)
        {
            Parameter = parameter;
            Bindings = bindings;
            Result = result;
        }

        public ParamExpr Parameter { get; }

        public IReadOnlyList<ScalarBinding> Bindings { get; }

        public ScalarExpr Result { get; }
    }

    /// <summary>Hands out local names that collide neither with the user's names nor with each other.</summary>
    internal sealed class NameAllocator
    {
        private readonly HashSet<string> _used = new HashSet<string>(StringComparer.Ordinal);

        public void Reserve(string name) => _used.Add(name);

        public bool IsUsed(string name) => _used.Contains(name);

        /// <summary><paramref name="preferred"/> if free, else it with the smallest numeric suffix that is.</summary>
        public string Allocate(string preferred)
        {
            if (_used.Add(preferred)) return preferred;
            for (int i = 2; ; i++)
            {
                string candidate = preferred + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (_used.Add(candidate)) return candidate;
            }
        }
    }
}
