using System.Collections.Generic;

namespace Axon.Generator.Graph
{
    /// <summary>
    /// Names the nodes of one network so that no two share a name (they become the constants of the generated
    /// LayerIndex class). Every [Layer] member's name is claimed up front: a layer's first application keeps it,
    /// so taps read "conv1"; the names the generator invents ("input", "add1", "fc_2", …) step around the claims.
    /// </summary>
    internal sealed class NodeNamer
    {
        private const string InputName = "input";

        private readonly HashSet<string> _taken = new HashSet<string>();
        private readonly HashSet<string> _layers = new HashSet<string>();
        private readonly HashSet<string> _applied = new HashSet<string>();
        private readonly Dictionary<string, int> _counters = new Dictionary<string, int>();

        public NodeNamer(IEnumerable<LayerDeclaration> layers)
        {
            foreach (var layer in layers)
            {
                _layers.Add(layer.Name);
                _taken.Add(layer.Name);
            }
        }

        /// <summary>The model input: "input", unless a layer has that name (then input_1, …).</summary>
        public string Input() => _taken.Add(InputName) ? InputName : Numbered(InputName, "_", 1);

        /// <summary>An application of <paramref name="layer"/>: its own name the first time, then layer_2, layer_3, ….</summary>
        public string Layer(string layer)
        {
            if (_layers.Contains(layer) && _applied.Add(layer)) return layer;

            return Numbered(layer, "_", 2);
        }

        /// <summary>A node named after something the user named (a Forward parameter): that name, or name_1, … when it is taken.</summary>
        public string Named(string name) => _taken.Add(name) ? name : Numbered(name, "_", 1);

        /// <summary>A node the generator adds (add, concat, flatten, reshape, a function): add1, add2, ….</summary>
        public string Structural(string baseName) => Numbered(baseName, "", 1);

        /// <summary>The first free name baseName + separator + n, with n from <paramref name="first"/> on.</summary>
        private string Numbered(string baseName, string separator, int first)
        {
            string key = baseName + separator;
            _counters.TryGetValue(key, out int n);
            if (n < first - 1) n = first - 1;
            string name;
            do
            {
                name = key + (++n).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            while (!_taken.Add(name));

            _counters[key] = n;
            return name;
        }
    }
}
