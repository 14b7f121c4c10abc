using System;
using Axon.Generator.Model;

namespace Axon.Generator.Emit
{
    /// <summary>
    /// The one place where the generator's <see cref="OpKind"/> meets the runtime's public <c>Axon.Model.LayerKind</c>.
    /// The generated layer catalogue names the runtime member, so the C# compiler checks every name the generator
    /// writes; an op added here without a mapping throws, which the generator tests enumerate.
    /// </summary>
    internal static class LayerKindNames
    {
        private const string LayerKind = "global::Axon.Model.LayerKind";

        /// <summary>The fully qualified runtime member for <paramref name="kind"/>, as generated code writes it.</summary>
        public static string Expression(OpKind kind) => LayerKind + "." + MemberName(kind);

        /// <summary>The name of the <c>Axon.Model.LayerKind</c> member that <paramref name="kind"/> is at run time.</summary>
        public static string MemberName(OpKind kind) => kind switch
        {
            OpKind.Input => "Input",
            OpKind.Dense => "Dense",
            OpKind.Conv1d => "Conv1d",
            OpKind.Conv2d => "Conv2d",
            OpKind.MaxPool2d => "MaxPool2d",
            OpKind.AvgPool2d => "AvgPool2d",
            OpKind.GlobalAvgPool => "GlobalAvgPool",
            OpKind.MaxOverTime => "MaxOverTime",
            OpKind.Flatten => "Flatten",
            OpKind.Reshape => "Reshape",
            OpKind.Embedding => "Embedding",
            OpKind.BatchNorm => "BatchNorm",
            OpKind.Add => "Add",
            OpKind.Concat => "Concat",
            OpKind.ReLU => "ReLU",
            OpKind.LeakyReLU => "LeakyReLU",
            OpKind.Sigmoid => "Sigmoid",
            OpKind.Tanh => "Tanh",
            OpKind.Gelu => "Gelu",
            OpKind.Softplus => "Softplus",
            OpKind.Softmax => "Softmax",
            OpKind.LogSoftmax => "LogSoftmax",
            OpKind.Activation => "Activation",
            OpKind.Subtract => "Subtract",
            OpKind.Scale => "Scale",
            OpKind.Multiply => "Multiply",
            OpKind.Channels => "Channels",
            OpKind.LayerNorm => "LayerNorm",
            OpKind.RMSNorm => "RMSNorm",
            OpKind.Identity => "Identity",
            OpKind.Dropout => "Dropout",
            OpKind.SiLU => "SiLU",
            OpKind.MultiHeadAttention => "MultiHeadAttention",
            OpKind.PositionalEmbedding => "PositionalEmbedding",
            OpKind.SinusoidalPositionalEncoding => "SinusoidalPositionalEncoding",
            OpKind.GroupedConv2d => "GroupedConv2d",
            OpKind.ConvTranspose2d => "ConvTranspose2d",
            OpKind.Upsample => "Upsample",
            OpKind.Lstm => "LSTM",
            OpKind.Gru => "GRU",
            OpKind.Transpose => "Transpose",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The op has no runtime LayerKind: add one to Axon.Model.LayerKind and map it here."),
        };
    }
}
