using Microsoft.CodeAnalysis;

namespace Axon.Generator
{
    /// <summary>
    /// The Axon incremental generator. Two pipelines, each parse → equatable model → emit:
    /// [Differentiable] static scalar functions get a compile-time derivative (AxonGenerator.ScalarFunctions.cs);
    /// [Differentiable] model classes get specialised forward, reverse, forward-mode and tap code (AxonGenerator.Models.cs).
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class AxonGenerator : IIncrementalGenerator
    {
        internal const string DifferentiableAttributeName = "Axon.DifferentiableAttribute";

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            RegisterScalarFunctions(context);
            var models = RegisterModels(context);
            RegisterGpuModels(context, models);
        }

        static partial void RegisterScalarFunctions(IncrementalGeneratorInitializationContext context);

    }
}
