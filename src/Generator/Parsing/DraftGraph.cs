using System.Collections.Generic;
using Axon.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Parsing
{
    /// <summary>A [Layer] member as declared: its op, constant hyper-parameters and where it is.</summary>
    internal sealed class LayerDeclaration
    {
        public LayerDeclaration(string name, OpKind kind, int[] hyper, double scalar, string function, SyntaxNode syntax)
        {
            Name = name;
            Kind = kind;
            Hyper = hyper;
            Scalar = scalar;
            Function = function;
            Syntax = syntax;
        }

        public string Name { get; }

        public OpKind Kind { get; }

        public int[] Hyper { get; }

        public double Scalar { get; }

        /// <summary>For <see cref="OpKind.Activation"/>: the fully qualified function, e.g. global::N.Acts.Swish.</summary>
        public string Function { get; }

        public SyntaxNode Syntax { get; }
    }

    /// <summary>
    /// A node of the network while it is being parsed; it still carries syntax for diagnostics. The shape checker
    /// turns a list of these into <see cref="NodeSpec"/>s.
    /// </summary>
    internal sealed class DraftNode
    {
        public DraftNode(OpKind kind, string name, List<int> inputs, int[] hyper, double scalar, string function, LayerDeclaration? layer, SyntaxNode? syntax)
        {
            Kind = kind;
            Name = name;
            Inputs = inputs;
            Hyper = hyper;
            Scalar = scalar;
            Function = function;
            Layer = layer;
            Syntax = syntax;
        }

        public OpKind Kind { get; }

        public string Name { get; }

        public List<int> Inputs { get; }

        public int[] Hyper { get; }

        public double Scalar { get; }

        public string Function { get; }

        /// <summary>The layer this node applies, when it applies one (its parameters belong to the layer).</summary>
        public LayerDeclaration? Layer { get; }

        public SyntaxNode? Syntax { get; }

        public static DraftNode Input() => new DraftNode(OpKind.Input, "input", new List<int>(), new int[0], 0, "", null, null);

        public static DraftNode Apply(LayerDeclaration layer, string name, int input, SyntaxNode syntax)
            => new DraftNode(layer.Kind, name, new List<int> { input }, layer.Hyper, layer.Scalar, layer.Function, layer, syntax);
    }
}
