using static Axon.Generator.Tests.Onnx.OnnxAttributeValue;

namespace Axon.Generator.Tests.Onnx;

/// <summary>Pooling with padding, as nn.MaxPool2d(padding=p) and nn.AvgPool2d(padding=p) export it.</summary>
public sealed partial class OnnxTestNetwork
{
    /// <summary>
    /// x [B, 2, 5, 5] → MaxPool(3×3, stride 2, pads 1) → AveragePool(3×3, stride 1, pads 1, count_include_pad = 1) →
    /// Flatten → Gemm(18 → 2). <paramref name="countIncludePad"/> = false writes count_include_pad = 0 (refused).
    /// </summary>
    public static OnnxTestNetwork PaddedPooling(bool countIncludePad = true)
    {
        var w = new Dictionary<string, float[]>
        {
            ["head.weight"] = Values(211, 2 * 18),
            ["head.bias"] = Values(212, 2),
        };
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 2, 5, 5 })
            .Output("y", null, 2)
            .Initializer("head.weight", new long[] { 2, 18 }, w["head.weight"])
            .Initializer("head.bias", new long[] { 2 }, w["head.bias"])
            .Node("MaxPool", "/maxpool/MaxPool", new[] { "x" }, new[] { "m" },
                Int("ceil_mode", 0), Ints("dilations", 1, 1), Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2))
            .Node("AveragePool", "/avgpool/AveragePool", new[] { "m" }, new[] { "a" },
                Int("ceil_mode", 0), Int("count_include_pad", countIncludePad ? 1 : 0), Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 1, 1))
            .Node("Flatten", "/flatten/Flatten", new[] { "a" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/head/Gemm", new[] { "f", "head.weight", "head.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "padded-pooling",
            Model = model,
            InputShape = "2, 5, 5",
            InputSize = 50,
            HandBody = "[Layer] readonly MaxPool2d maxpool = new(3, 2, 1); [Layer] readonly AvgPool2d avgpool = new(3, 1, 1); [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense head = new(18, 2);",
            Weights = w,
        };
    }
}
