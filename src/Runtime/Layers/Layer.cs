namespace Axon.Layers;

/// <summary>
/// Base of the layer descriptors that a <see cref="DifferentiableAttribute"/> model declares with
/// <see cref="LayerAttribute"/>. A descriptor only carries constant hyper-parameters: the generator reads them
/// from the initializer at compile time and emits the specialised code; parameters live in the generated model.
/// </summary>
public abstract class Layer
{
    /// <summary>
    /// Symbolic application inside a model's <c>Forward(Tensor)</c> definition. That method is analysed at
    /// compile time and is not meant to run: calling it throws and points at the generated API.
    /// </summary>
    public Tensor Apply(Tensor input) => throw Tensor.NotExecutable();
}
