using Axon.Generator.Emit;
using Axon.Generator.Model;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// The members an ONNX-imported model needs beside the shared ones: the layer descriptor fields a hand-written
    /// model declares itself (GetLayerDescriptors returns them), and the imported weights, which replace PyTorch's
    /// default initialisation as the parameters a new instance starts with.
    /// </summary>
    internal static class OnnxPartEmitter
    {
        /// <summary>The expression that initialises the parameter storage of <paramref name="model"/>.</summary>
        public static string InitialParameters(ModelSpec model)
            => model.Import is null ? GeneratedMembers.CreateInitialParameters + "(0)" : GeneratedMembers.CreateImportedParameters + "()";

        public static void Write(SourceWriter w, ModelSpec model)
        {
            var import = model.Import;
            if (import is null) return;
            string t = model.ElementTypeName;
            int width = model.Element == ElementKind.Double ? 8 : 4;
            string read = model.Element == ElementKind.Double ? "ReadDoubleLittleEndian" : "ReadSingleLittleEndian";

            w.Line();
            w.Line("// Imported from the ONNX file " + import.Source + ": the layers the graph's operators map to.");
            foreach (var layer in import.Layers)
                w.Line($"private readonly global::Axon.Layers.{layer.TypeName} {Identifiers.Escape(layer.Name)} = new({layer.Arguments});");
            w.Line();
            w.Line($"/// <summary>The graph's initializers in parameter order: base64 of little-endian {t} values.</summary>");
            w.Line($"private const string {GeneratedMembers.ImportedWeights} = \"{import.Weights}\";");
            w.Line();
            w.Line("/// <summary>The imported weights as a new parameter vector (ResetParameters still initialises as PyTorch does).</summary>");
            using (w.Block($"private static {t}[] {GeneratedMembers.CreateImportedParameters}()"))
            {
                w.Line($"var bytes = global::System.Convert.FromBase64String({GeneratedMembers.ImportedWeights});");
                w.Line($"var values = new {t}[ParameterCount];");
                w.Line($"for (int i = 0; i < values.Length; i++) values[i] = global::System.Buffers.Binary.BinaryPrimitives.{read}(new global::System.ReadOnlySpan<byte>(bytes, {width} * i, {width}));");
                w.Line("return values;");
            }
        }
    }
}
