using System.Collections.Generic;
using Axon.Generator.Model;

namespace Axon.Generator.Graph
{
    /// <summary>Keeps only the nodes the output depends on (the input always stays at index 0).</summary>
    internal static class GraphPruning
    {
        /// <summary>Which nodes the output depends on (the input and the output included).</summary>
        public static bool[] AncestorsOf(IReadOnlyList<DraftNode> nodes, int output)
        {
            var keep = new bool[nodes.Count];
            keep[0] = true;
            keep[output] = true;
            for (int i = output; i >= 0; i--)
            {
                if (!keep[i]) continue;
                foreach (int input in nodes[i].Inputs) keep[input] = true;
            }

            return keep;
        }

        public static List<DraftNode> KeepAncestorsOf(IReadOnlyList<DraftNode> nodes, int output)
        {
            var keep = AncestorsOf(nodes, output);

            var newIndex = new int[nodes.Count];
            var kept = new List<DraftNode>();
            for (int i = 0; i <= output; i++)
            {
                if (!keep[i]) continue;
                newIndex[i] = kept.Count;
                var inputs = new List<int>();
                foreach (int input in nodes[i].Inputs) inputs.Add(newIndex[input]);
                kept.Add(nodes[i] with { Inputs = inputs.ToEquatableArray() });
            }

            return kept;
        }
    }
}
