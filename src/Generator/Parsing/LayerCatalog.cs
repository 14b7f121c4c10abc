using System.Collections.Generic;
using Axon.Generator.Model;

namespace Axon.Generator.Parsing
{
    /// <summary>
    /// The layer descriptor types of Axon.Runtime (Axon.Layers) the generator understands, and which constructor
    /// parameters become the op's integer hyper-parameters (in <see cref="OpKind"/>'s documented order) or its
    /// one real-valued parameter.
    /// </summary>
    internal static class LayerCatalog
    {
        public sealed class Entry
        {
            public Entry(OpKind kind, string[] intParameters, string? scalarParameter = null, double scalarDefault = 0)
            {
                Kind = kind;
                IntParameters = intParameters;
                ScalarParameter = scalarParameter;
                ScalarDefault = scalarDefault;
            }

            public OpKind Kind { get; }

            /// <summary>Constructor parameter names read as integers (bool as 0/1), in hyper-parameter order.</summary>
            public string[] IntParameters { get; }

            public string? ScalarParameter { get; }

            public double ScalarDefault { get; }
        }

        private static readonly Dictionary<string, Entry> s_entries = new Dictionary<string, Entry>
        {
            ["Dense"] = new Entry(OpKind.Dense, new[] { "inFeatures", "outFeatures", "bias" }),
            ["Conv1d"] = new Entry(OpKind.Conv1d, new[] { "inChannels", "outChannels", "kernel", "stride", "padding", "bias" }),
            ["Conv2d"] = new Entry(OpKind.Conv2d, new[] { "inChannels", "outChannels", "kernel", "stride", "padding", "bias", "groups" }),
            ["MaxPool2d"] = new Entry(OpKind.MaxPool2d, new[] { "kernel", "stride", "padding" }),
            ["AvgPool2d"] = new Entry(OpKind.AvgPool2d, new[] { "kernel", "stride", "padding" }),
            ["GlobalAvgPool"] = new Entry(OpKind.GlobalAvgPool, new string[0]),
            ["MaxOverTime"] = new Entry(OpKind.MaxOverTime, new string[0]),
            ["Flatten"] = new Entry(OpKind.Flatten, new string[0]),
            ["Reshape"] = new Entry(OpKind.Reshape, new string[0]),
            ["Embedding"] = new Entry(OpKind.Embedding, new[] { "count", "dim" }),
            ["BatchNorm"] = new Entry(OpKind.BatchNorm, new[] { "channels" }, "epsilon", 1e-5),
            ["ReLU"] = new Entry(OpKind.ReLU, new string[0]),
            ["LeakyReLU"] = new Entry(OpKind.LeakyReLU, new string[0], "slope", 0.01),
            ["Sigmoid"] = new Entry(OpKind.Sigmoid, new string[0]),
            ["Tanh"] = new Entry(OpKind.Tanh, new string[0]),
            ["Gelu"] = new Entry(OpKind.Gelu, new string[0]),
            ["Softplus"] = new Entry(OpKind.Softplus, new string[0]),
            ["Softmax"] = new Entry(OpKind.Softmax, new string[0]),
            ["LogSoftmax"] = new Entry(OpKind.LogSoftmax, new string[0]),
            ["Activation"] = new Entry(OpKind.Activation, new string[0]),
            ["LayerNorm"] = new Entry(OpKind.LayerNorm, new[] { "elementwiseAffine", "bias" }, "epsilon", 1e-5),
            ["RMSNorm"] = new Entry(OpKind.RMSNorm, new[] { "elementwiseAffine", "bias" }, "epsilon", 0),
            ["Identity"] = new Entry(OpKind.Identity, new string[0]),
            ["Dropout"] = new Entry(OpKind.Dropout, new string[0], "p", 0.5),
            ["SiLU"] = new Entry(OpKind.SiLU, new string[0]),
            ["PositionalEmbedding"] = new Entry(OpKind.PositionalEmbedding, new[] { "sequence", "width" }),
            ["SinusoidalPositionalEncoding"] = new Entry(OpKind.SinusoidalPositionalEncoding, new[] { "sequence", "width" }),
            ["MultiHeadAttention"] = new Entry(OpKind.MultiHeadAttention, new[] { "embedDim", "numHeads", "bias", "causal", "padTokenId", "separateProjections" }),
            ["ConvTranspose2d"] = new Entry(OpKind.ConvTranspose2d, new[] { "inChannels", "outChannels", "kernel", "stride", "padding", "outputPadding", "bias" }),
            ["Upsample"] = new Entry(OpKind.Upsample, new[] { "scale", "mode" }),
            ["LSTM"] = new Entry(OpKind.Lstm, new[] { "inputSize", "hiddenSize" }),
            ["GRU"] = new Entry(OpKind.Gru, new[] { "inputSize", "hiddenSize" }),
        };

        public const string Namespace = "Axon.Layers";

        public static bool TryGet(string typeName, out Entry entry) => s_entries.TryGetValue(typeName, out entry!);

        /// <summary>
        /// The descriptor type that declares <paramref name="kind"/> and its entry, for code that writes a declaration of
        /// an op (the ONNX importer); false for ops no descriptor declares (residual +, concat) or that another type's
        /// arguments select (grouped convolution).
        /// </summary>
        public static bool TryGetByKind(OpKind kind, out string typeName, out Entry entry)
        {
            foreach (var pair in s_entries)
            {
                if (pair.Value.Kind != kind) continue;
                typeName = pair.Key;
                entry = pair.Value;
                return true;
            }

            typeName = "";
            entry = null!;
            return false;
        }
    }
}
