using System.Collections.Generic;

namespace Axon.Generator.Parsing
{
    /// <summary>
    /// What to write instead of a PyTorch layer name: users port models from torch.nn, and a <c>[Layer] Linear fc</c>
    /// should hear "use Dense", not only the compiler's CS0246.
    /// </summary>
    internal static class PyTorchLayerNames
    {
        private static readonly Dictionary<string, string> Advice = new Dictionary<string, string>
        {
            ["Linear"] = "is PyTorch's name: use Dense(inFeatures, outFeatures)",
            ["LazyLinear"] = "is PyTorch's name: use Dense(inFeatures, outFeatures) with the input size written out",
            ["BatchNorm1d"] = "is PyTorch's name: use BatchNorm(channels) (inference form)",
            ["BatchNorm2d"] = "is PyTorch's name: use BatchNorm(channels) (inference form)",
            ["GELU"] = "is PyTorch's name: use Gelu",
            ["ELU"] = "is not a built-in layer: use Activation(nameof(Elu)) with a [Differentiable] static function",
            ["Mish"] = "is not a built-in layer: use Activation(nameof(Mish)) with a [Differentiable] static function",
            ["AdaptiveAvgPool2d"] = "is PyTorch's name: use GlobalAvgPool (output size 1); other output sizes are not supported yet",
            ["AdaptiveMaxPool1d"] = "is PyTorch's name: use MaxOverTime (output size 1)",
            ["Dropout2d"] = "is PyTorch's name: use Dropout (the identity at inference)",
            ["Sequential"] = "is not supported: declare its layers as [Layer] members in order (or apply them in a Forward method)",
            ["MultiheadAttention"] = "is PyTorch's name: use MultiHeadAttention(embedDim, numHeads) (self-attention, batch first)",
            ["RNN"] = "is not supported: use LSTM(inputSize, hiddenSize) or GRU(inputSize, hiddenSize)",
        };

        /// <summary>The advice for a torch.nn layer name, or null when the name is not one.</summary>
        public static string? For(string typeName) => Advice.TryGetValue(typeName, out var advice) ? advice : null;
    }
}
