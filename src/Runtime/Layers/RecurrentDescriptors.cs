namespace Axon.Layers;

// Recurrent layers, unrolled over the sequence length the model's input shape fixes at compile time. Per sample the
// input is [sequence, inputSize] (PyTorch's batch_first=True layout without the batch) and the output every hidden
// state, [sequence, hiddenSize]; the initial state is zero. Parameters carry PyTorch's names for layer 0.

/// <summary>
/// One-layer LSTM (PyTorch <c>nn.LSTM(inputSize, hiddenSize, batch_first=True)</c>): gates i, f, g, o in PyTorch's order;
/// parameters "weight_ih_l0" [4·hidden, input], "weight_hh_l0" [4·hidden, hidden], "bias_ih_l0" and "bias_hh_l0" [4·hidden].
/// </summary>
public sealed class LSTM(int inputSize, int hiddenSize) : Layer
{
    /// <summary>Features per time step: the second dimension of the per-sample input [sequence, inputSize].</summary>
    public int InputSize { get; } = inputSize;
    /// <summary>Hidden units: the second dimension of the output [sequence, hiddenSize].</summary>
    public int HiddenSize { get; } = hiddenSize;
}

/// <summary>
/// One-layer GRU (PyTorch <c>nn.GRU(inputSize, hiddenSize, batch_first=True)</c>): gates r, z, n in PyTorch's order;
/// parameters "weight_ih_l0" [3·hidden, input], "weight_hh_l0" [3·hidden, hidden], "bias_ih_l0" and "bias_hh_l0" [3·hidden].
/// </summary>
public sealed class GRU(int inputSize, int hiddenSize) : Layer
{
    /// <summary>Features per time step: the second dimension of the per-sample input [sequence, inputSize].</summary>
    public int InputSize { get; } = inputSize;
    /// <summary>Hidden units: the second dimension of the output [sequence, hiddenSize].</summary>
    public int HiddenSize { get; } = hiddenSize;
}
