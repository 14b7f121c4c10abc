using Axon.Model;

namespace Axon.Attribution;

public sealed partial class Attributor<T>
{
    /// <summary>
    /// Refuses DeepLIFT when a node its reverse pass crosses (nodes <paramref name="first"/> to <paramref name="last"/>) has no
    /// DeepLIFT rule (<see cref="LayerKindFacts.HasDeepLiftRule"/>): the pass would silently fall back to the
    /// gradient there and the result would be neither DeepLIFT nor complete.
    /// </summary>
    private void CheckDeepLiftRules(int first, int last)
    {
        for (int i = Math.Max(first, 1); i <= last; i++)
        {
            var node = _model.Layers[i];
            if (!node.Kind.HasDeepLiftRule())
            {
                throw new NotSupportedException(
                    $"DeepLIFT has no rule for layer '{node.Name}' ({node.Kind}) of model '{_model.Name}': use integrated gradients, or attribute at a layer after it.");
            }
        }
    }
}
