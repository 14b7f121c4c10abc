using System.Collections.Immutable;

namespace Axon.Generator.Model
{
    /// <summary>
    /// The names of the members the generated part of a model declares. The emitter writes them from here and the
    /// parser refuses a user member (or a model) with one of them (AXN013), so the two cannot drift apart.
    /// </summary>
    internal static class GeneratedMembers
    {
        public const string InputSize = nameof(InputSize);
        public const string OutputSize = nameof(OutputSize);
        public const string ParameterCount = nameof(ParameterCount);
        public const string LayerIndex = nameof(LayerIndex);
        public const string LayersTable = "s_layers";
        public const string ParametersTable = "s_parameters";
        public const string Layers = nameof(Layers);
        public const string GetLayerDescriptors = nameof(GetLayerDescriptors);
        public const string ParameterTensors = nameof(ParameterTensors);
        public const string ParameterStorage = "_parameters";
        public const string Parameters = nameof(Parameters);
        public const string ResetParameters = nameof(ResetParameters);
        public const string CreateInitialParameters = nameof(CreateInitialParameters);
        public const string LayerSizes = "s_layerSizes";
        public const string IndexSizes = "s_indexSizes";
        public const string FirstGradientWriters = "s_firstGradientWriters";
        public const string CreateWorkspace = nameof(CreateWorkspace);
        public const string Forward = nameof(Forward);
        public const string ForwardFrom = nameof(ForwardFrom);
        public const string RunForward = nameof(RunForward);
        public const string Backward = nameof(Backward);
        public const string BackwardFrom = nameof(BackwardFrom);
        public const string RunBackward = nameof(RunBackward);
        public const string Tangent = nameof(Tangent);
        public const string TangentFrom = nameof(TangentFrom);
        public const string RunTangent = nameof(RunTangent);

        /// <summary>A several-input model's input descriptors (nested class), their table and the interface's list.</summary>
        public const string Inputs = nameof(Inputs);
        public const string InputsTable = "s_inputs";
        public const string InputLayout = nameof(InputLayout);

        /// <summary>The network facts (<c>Axon.Model.INetworkFacts</c>): a public constant and three private tables.</summary>
        public const string IsPiecewiseLinear = nameof(IsPiecewiseLinear);
        public const string BreakingNodesTable = "s_breakingNodes";
        public const string SmoothNodesTable = "s_smoothNodes";
        public const string ReceptiveFieldsTable = "s_receptiveFields";

        /// <summary>The nested class of element-wise ops for the model's [Differentiable] scalar functions.</summary>
        public const string ScalarActivations = nameof(ScalarActivations);

        /// <summary>An ONNX-imported model's weights (base64) and the method that decodes them into a parameter vector.</summary>
        public const string ImportedWeights = nameof(ImportedWeights);
        public const string CreateImportedParameters = nameof(CreateImportedParameters);

        /// <summary>The names only an ONNX-imported model's generated part adds (besides its layer fields).</summary>
        public static readonly ImmutableArray<string> ImportedOnly = ImmutableArray.Create(ImportedWeights, CreateImportedParameters);

        /// <summary>Every name above. (Name, InputSize and OutputSize of the interface are implemented explicitly.)</summary>
        public static readonly ImmutableArray<string> All = ImmutableArray.Create(
            InputSize, OutputSize, ParameterCount, LayerIndex, LayersTable, ParametersTable, Layers, GetLayerDescriptors,
            ParameterTensors, ParameterStorage, Parameters, ResetParameters, CreateInitialParameters, LayerSizes, IndexSizes,
            FirstGradientWriters, CreateWorkspace, Forward, ForwardFrom, RunForward, Backward, BackwardFrom, RunBackward, Tangent, TangentFrom, RunTangent, ScalarActivations,
            Inputs, InputsTable, InputLayout, IsPiecewiseLinear, BreakingNodesTable, SmoothNodesTable, ReceptiveFieldsTable);
    }
}
