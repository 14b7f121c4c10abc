using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Axon.Generator.Emit
{
    /// <summary>Names as the emitted C# must spell them, and the generated file's hint name.</summary>
    internal static class Identifiers
    {
        /// <summary>A symbol name as an identifier: a keyword such as <c>class</c> becomes <c>@class</c>.</summary>
        public static string Escape(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        /// <summary>A dotted namespace with each part escaped.</summary>
        public static string EscapeNamespace(string name) => string.Join(".", name.Split('.').Select(Escape));

        /// <summary>
        /// A file name unique per type: <c>Namespace.Outer+Inner.Name.Axon.g.cs</c>. '+' separates containing
        /// types (no identifier contains it), so A.B.Net (namespace A.B) and A.B+Net (type B) differ.
        /// </summary>
        public static string HintName(string ns, System.Collections.Generic.IEnumerable<string> containingTypes, string name, string suffix)
        {
            var builder = new StringBuilder();
            if (ns.Length > 0) builder.Append(ns).Append('.');
            foreach (string type in containingTypes) builder.Append(type).Append('+');
            builder.Append(name);
            for (int i = 0; i < builder.Length; i++)
            {
                char c = builder[i];
                if (!char.IsLetterOrDigit(c) && c != '.' && c != '_' && c != '+') builder[i] = '_';
            }

            return builder.Append(suffix).ToString();
        }
    }
}
