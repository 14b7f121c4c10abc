using System.Linq;

namespace Axon.Generator.Model
{
    /// <summary>
    /// How LayerNorm and RMSNorm keep their constants in <see cref="NodeSpec.Hyper"/>: [elementwiseAffine, bias,
    /// normalized dims…] (RMSNorm's bias is always 0). Read in one place by the shape rules, the parameter layout
    /// and the emitters.
    /// </summary>
    internal static class NormalizationHyper
    {
        public static bool HasWeight(EquatableArray<int> hyper) => hyper[0] != 0;

        public static bool HasBias(EquatableArray<int> hyper) => hyper[0] != 0 && hyper[1] != 0;

        public static int[] Dims(EquatableArray<int> hyper) => hyper.Skip(2).ToArray();

        /// <summary>The number of values normalised together (the product of the dims, already known to fit int).</summary>
        public static int Width(EquatableArray<int> hyper)
        {
            int width = 1;
            for (int i = 2; i < hyper.Count; i++) width *= hyper[i];
            return width;
        }
    }
}
