namespace Axon.Generator.Tests.Models;

/// <summary>Model declarations the generator tests compile.</summary>
internal static class ModelSources
{
    public const string Mlp = """
        using Axon;
        using Axon.Layers;

        namespace Demo;

        [Differentiable, InputShape(784)]
        public partial class Mlp
        {
            [Layer] private readonly Dense fc1 = new(784, 128);
            [Layer] private readonly ReLU relu = new();
            [Layer] private readonly Dense fc2 = new(128, 10);
        }
        """;

    public const string Residual = """
        using System;
        using Axon;
        using Axon.Layers;

        namespace Demo.Nested
        {
            public static partial class Acts
            {
                [Differentiable] public static double Swish(double x) => x / (1 + Math.Exp(-x));
            }

            public partial class Outer
            {
                [Differentiable(ElementType = ElementType.Double), InputShape(16)]
                internal partial class ResidualNet
                {
                    [Layer] private readonly Dense a = new(16, 16);
                    [Layer] private readonly Activation act = new(nameof(Acts.Swish));
                    [Layer] private readonly Dense b = new(16, 16, bias: false);
                    [Layer] private readonly Dense head = new(32, 4);

                    private Tensor Forward(Tensor x)
                    {
                        var h = act.Apply(a.Apply(x));
                        h = b.Apply(h) + x;
                        return head.Apply(Tensor.Concat(h, x.Apply(Acts.Swish)));
                    }
                }
            }
        }
        """;

    public const string Ops = """
        using Axon;
        using Axon.Layers;

        namespace Demo;

        [Differentiable, InputShape(4, 5)]
        public partial class GatedOps
        {
            private const float Half = 0.5f;

            [Layer] private readonly Conv1d conv = new(4, 6, kernel: 3, padding: 1);
            [Layer] private readonly Tanh tanh = new();
            [Layer] private readonly Sigmoid gate = new();
            [Layer] private readonly Dense head = new(15, 2);

            private Tensor Forward(Tensor x)
            {
                var h = tanh.Apply(conv.Apply(x));
                var gated = h.Channels(0, 3) * gate.Apply(h.Channels(3, 3));
                var d = gated - Half * x.Channels(1, 3);
                return head.Apply((d * 0.25 - gated).Flatten());
            }
        }
        """;

    public const string Cnn = """
        using Axon;
        using Axon.Layers;

        [Differentiable, InputShape(1, 28, 28)]
        public partial class Cnn
        {
            [Layer] public Conv2d Conv1 { get; } = new(1, 8, kernel: 3, padding: 1);
            [Layer] public BatchNorm Bn1 { get; } = new(8);
            [Layer] public LeakyReLU Act1 { get; } = new(0.2);
            [Layer] public MaxPool2d Pool1 { get; } = new(2);
            [Layer] public Flatten Flat { get; } = new();
            [Layer] public Dense Fc { get; } = new(1568, 10);
            [Layer] public LogSoftmax Out { get; } = new();
        }
        """;

    public const string Text = """
        using Axon;
        using Axon.Layers;

        [Differentiable, InputShape(12)]
        public partial class TextCnn
        {
            [Layer] private readonly Embedding embedding = new(100, 8);
            [Layer] private readonly Conv1d conv = new(8, 6, kernel: 3);
            [Layer] private readonly Gelu gelu = new();
            [Layer] private readonly MaxOverTime pool = new();
            [Layer] private readonly Dense fc = new(6, 2);
        }
        """;
}
