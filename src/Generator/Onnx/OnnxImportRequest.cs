using Axon.Generator.Diagnostics;
using Axon.Generator.Model;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// A [Differentiable(Onnx = "...")] class as the syntax stage sees it: everything the import needs except the
    /// file, which arrives from the additional files in the next pipeline step.
    /// </summary>
    /// <param name="File">The path the attribute names, as written (e.g. "mlp.onnx" or "Models/mlp.onnx").</param>
    /// <param name="Location">The class identifier: every diagnostic about the import points there.</param>
    internal sealed record OnnxImportRequest(ModelIdentity Identity, ElementKind Element, string File, LocationInfo? Location);

    /// <summary>
    /// An additional file that may hold an ONNX model: its path and, for the base64 form the build writes
    /// (<c>*.onnx.base64</c>), its text. A binary <c>*.onnx</c> listed directly is kept by path only, so that the
    /// missing-file diagnostic can say how to list it instead.
    /// </summary>
    internal sealed record OnnxFile(string Path, string? Base64)
    {
        public const string Base64Suffix = ".base64";

        public static bool IsCandidate(string path)
            => path.EndsWith(".onnx", System.StringComparison.OrdinalIgnoreCase) || path.EndsWith(".onnx" + Base64Suffix, System.StringComparison.OrdinalIgnoreCase);

        /// <summary>The file as the pipeline keeps it: the text of a base64 file, the path alone of a binary one.</summary>
        public static OnnxFile From(Microsoft.CodeAnalysis.AdditionalText text, System.Threading.CancellationToken cancellationToken)
        {
            bool base64 = text.Path.EndsWith(Base64Suffix, System.StringComparison.OrdinalIgnoreCase);
            return new OnnxFile(text.Path, base64 ? text.GetText(cancellationToken)?.ToString() : null);
        }

        public bool IsBase64 => Path.EndsWith(Base64Suffix, System.StringComparison.OrdinalIgnoreCase);

        /// <summary>Whether this file is <paramref name="file"/> (as the attribute names it), path segments compared from the end.</summary>
        public bool Matches(string file, bool base64)
        {
            string wanted = Normalize(file) + (base64 ? Base64Suffix : "");
            string path = Normalize(Path);
            if (IsBase64 != base64) return false;
            return string.Equals(path, wanted, System.StringComparison.OrdinalIgnoreCase)
                || path.EndsWith("/" + wanted.TrimStart('/'), System.StringComparison.OrdinalIgnoreCase);
        }

        private static string Normalize(string path)
        {
            string p = path.Replace('\\', '/');
            while (p.StartsWith("./", System.StringComparison.Ordinal)) p = p.Substring(2);
            return p;
        }
    }
}
