using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Axon.Generator.Model
{
    /// <summary>
    /// The network part of a <see cref="ModelSpec"/> (element type, nodes, parameters) as one line of text. The model
    /// emitter stores it on the generated class (<c>[Axon.Model.GeneratedNetwork("…")]</c>) so that the GPU pipeline of
    /// another project, which sees the model only as metadata, rebuilds the same spec without its source.
    /// </summary>
    /// <remarks>
    /// Format, version 1: <c>1;Float|Double;node;node;…;#;parameter;…</c>. A node is
    /// <c>index|name|kind|inputs|shape|hyper|scalar|firstParameter|function|cut</c> (kinds by name), a parameter
    /// <c>name|node|shape|offset|length|trainable|init|bound</c>; lists are comma-separated, reals round-trip ("R").
    /// Identifiers and qualified names never contain the separators. A custom activation's vector form
    /// (<see cref="NodeSpec.VectorForm"/>) is CPU code and not part of the description: decoded nodes have none.
    /// </remarks>
    internal static class NetworkDescriptionCodec
    {
        private const string Version = "1";

        public static string Encode(ModelSpec model)
        {
            var text = new StringBuilder();
            text.Append(Version).Append(';').Append(model.Element.ToString());
            foreach (var n in model.Nodes)
            {
                text.Append(';').Append(n.Index).Append('|').Append(n.Name).Append('|').Append(n.Kind.ToString()).Append('|')
                    .Append(List(n.Inputs)).Append('|').Append(List(n.Shape)).Append('|').Append(List(n.Hyper)).Append('|')
                    .Append(Real(n.Scalar)).Append('|').Append(n.FirstParameter).Append('|').Append(n.Function).Append('|')
                    .Append(n.IsCut ? '1' : '0');
            }

            text.Append(";#");
            foreach (var p in model.Parameters)
            {
                text.Append(';').Append(p.Name).Append('|').Append(p.Node).Append('|').Append(List(p.Shape)).Append('|')
                    .Append(p.Offset).Append('|').Append(p.Length).Append('|').Append(p.Trainable ? '1' : '0').Append('|')
                    .Append(p.Init.ToString()).Append('|').Append(Real(p.Bound));
            }

            return text.ToString();
        }

        /// <summary>
        /// Rebuilds the spec of a model named by the other arguments; null when the text is not a description this
        /// version reads (a model compiled by another generator version), so the caller reports a diagnostic.
        /// </summary>
        public static ModelSpec? TryDecode(string text, string ns, EquatableArray<ContainingTypeSpec> containers, string className, string typeKeyword)
        {
            try
            {
                var records = text.Split(';');
                if (records.Length < 3 || records[0] != Version) return null;
                var element = Parse<ElementKind>(records[1]);
                int marker = Array.IndexOf(records, "#");
                if (marker < 3) return null;
                var nodes = new List<NodeSpec>();
                for (int i = 2; i < marker; i++)
                {
                    var f = records[i].Split('|');
                    if (f.Length != 10) return null;
                    nodes.Add(new NodeSpec(Int(f[0]), f[1], Parse<OpKind>(f[2]), Ints(f[3]), Ints(f[4]), Ints(f[5]), Double(f[6]), Int(f[7]), f[8], f[9] == "1"));
                }

                var parameters = new List<ParameterSpec>();
                for (int i = marker + 1; i < records.Length; i++)
                {
                    var f = records[i].Split('|');
                    if (f.Length != 8) return null;
                    parameters.Add(new ParameterSpec(f[0], Int(f[1]), Ints(f[2]), Int(f[3]), Int(f[4]), f[5] == "1", Parse<InitKind>(f[6]), Double(f[7])));
                }

                if (!Consistent(nodes, parameters)) return null;
                return new ModelSpec(ns, containers, className, typeKeyword, element, nodes[0].Shape, nodes.ToEquatableArray(), parameters.ToEquatableArray(), EquatableArray<string>.Empty, EquatableArray<InputSpec>.Empty);
            }
            catch (FormatException)
            {
                return null;
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        /// <summary>Indices in range and in order, so the emitter can index without checking again.</summary>
        private static bool Consistent(List<NodeSpec> nodes, List<ParameterSpec> parameters)
        {
            if (nodes.Count < 2) return false;
            for (int i = 0; i < nodes.Count; i++)
            {
                var n = nodes[i];
                if (n.Index != i || n.Shape.Count == 0 || n.Shape.Any(d => d < 1)) return false;
                if (n.Inputs.Any(input => input < 0 || input >= i)) return false;
                if (!Enum.IsDefined(typeof(OpKind), n.Kind)) return false;
            }

            foreach (var p in parameters)
            {
                if (p.Node < 0 || p.Node >= nodes.Count || p.Offset < 0 || p.Length < 0) return false;
            }

            return true;
        }

        /// <summary>An enum member by name: ops are stored by name so that reordering the enum cannot misread them.</summary>
        private static TEnum Parse<TEnum>(string text) where TEnum : struct
        {
            if (text.Length > 0 && char.IsLetter(text[0]) && Enum.TryParse(text, out TEnum value)) return value;
            throw new FormatException($"'{text}' is not a {typeof(TEnum).Name}.");
        }

        private static string List(EquatableArray<int> values) => string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

        private static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        private static int Int(string text) => int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

        private static double Double(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

        private static EquatableArray<int> Ints(string text) =>
            text.Length == 0 ? EquatableArray<int>.Empty : text.Split(',').Select(Int).ToEquatableArray();
    }
}
