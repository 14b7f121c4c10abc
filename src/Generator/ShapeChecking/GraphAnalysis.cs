using System.Collections.Generic;

namespace Axon.Generator.ShapeChecking
{
    /// <summary>Structural facts about a network in topological order (input first, output last).</summary>
    internal static class GraphAnalysis
    {
        /// <summary>
        /// Node v is a cut when every path from the input to the output crosses it: then the network can be run
        /// onward from v alone, and attributions to v's neurons sum to F(x) − F(x').
        /// </summary>
        public static bool[] FindCuts(IReadOnlyList<IReadOnlyList<int>> inputs)
        {
            int count = inputs.Count;
            var cuts = new bool[count];
            for (int v = 0; v < count; v++)
            {
                if (v == 0 || v == count - 1)
                {
                    cuts[v] = true;
                    continue;
                }

                // Reachability from the input with v removed; v is a cut exactly when the output becomes unreachable.
                var reached = new bool[count];
                reached[0] = true;
                for (int n = 1; n < count; n++)
                {
                    if (n == v) continue;
                    foreach (int i in inputs[n])
                    {
                        if (reached[i])
                        {
                            reached[n] = true;
                            break;
                        }
                    }
                }

                cuts[v] = !reached[count - 1];
            }

            return cuts;
        }
    }
}
