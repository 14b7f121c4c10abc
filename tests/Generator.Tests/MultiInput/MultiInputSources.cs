namespace Axon.Generator.Tests.MultiInput;

/// <summary>Models with several inputs, shared by the snapshot and diagnostic tests.</summary>
public static class MultiInputSources
{
    /// <summary>An image and a metadata vector, with a fixed mask that gates the metadata.</summary>
    public const string ImageAndMeta = """
        using Axon;
        using Axon.Layers;

        namespace Demo;

        [Differentiable]
        public partial class ImageAndMeta
        {
            [Layer] private readonly Conv2d conv = new(1, 2, kernel: 3, padding: 1);
            [Layer] private readonly ReLU relu = new();
            [Layer] private readonly Dense image_fc = new(32, 3);
            [Layer] private readonly Dense meta_fc = new(4, 3);
            [Layer] private readonly Tanh tanh = new();
            [Layer] private readonly Dense head = new(3, 2);

            private Tensor Forward([InputShape(1, 4, 4)] Tensor image, [InputShape(4)] Tensor meta, [InputShape(4), Fixed] Tensor mask)
            {
                var a = image_fc.Apply(relu.Apply(conv.Apply(image)).Flatten());
                var b = meta_fc.Apply(meta * mask);
                return head.Apply(tanh.Apply(a + b));
            }
        }
        """;
}
