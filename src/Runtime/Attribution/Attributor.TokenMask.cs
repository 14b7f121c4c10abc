using Axon.Model;

namespace Axon.Attribution;

// Token models whose attention masks PAD keys (MultiHeadAttention with padTokenId) read the model input's ids at every
// evaluation, not only at the embedding. Paths run in embedding space, so the ids stay those of the explained input
// along the whole path and at both ends, as Captum keeps BERT's attention_mask fixed while the baseline replaces the
// tokens: otherwise an all-PAD baseline would mask every key at α = 0 only, and the steps, which run onward from the
// embedding, would read whatever ids the workspace held last. For token models without a mask nothing reads node 0
// above the embedding, so pinning the ids changes nothing there.
public sealed partial class Attributor<T>
{
    private T[] _baselineEmbedding = [];

    /// <summary>Writes input <c>inputOf(r)</c>'s ids into row r of node 0 of <paramref name="ws"/>, for rows 0..rows−1 (token models only).</summary>
    private void PinTokenIds(ModelWorkspace<T> ws, ReadOnlySpan<T> inputs, int rows, ReadOnlySpan<int> inputOf)
    {
        if (_tokenEmbedding == 0) return;
        var ids = ws.ActivationFor(0, rows);
        for (int r = 0; r < rows; r++) inputs.Slice(inputOf[r] * _inputSize, _inputSize).CopyTo(Row(ids, r, _inputSize));
    }

    /// <summary>
    /// The baseline rows just run forward in <paramref name="ws"/> (ids in node 0), run again from the embedding with
    /// the explained inputs' ids pinned, so that every node at and above the embedding, and the outputs, see the
    /// inputs' padding mask. Nothing to do for a model without token ids.
    /// </summary>
    private void RerunBaselinesWithInputIds(ModelWorkspace<T> ws, ReadOnlySpan<T> inputs, int rows, ReadOnlySpan<int> inputOf, Span<T> outputs)
    {
        if (_tokenEmbedding == 0) return;
        int width = _sizes[_tokenEmbedding];
        var embedding = Grow(ref _baselineEmbedding, (long)rows * width);
        ws.ActivationFor(_tokenEmbedding, rows).CopyTo(embedding);
        PinTokenIds(ws, inputs, rows, inputOf);
        _model.ForwardFrom(ws, _tokenEmbedding, embedding, rows, outputs);
    }

    /// <summary>F(x′) of a token model, averaged over each input's baselines: the baseline's embedding, run onward with the input's ids.</summary>
    private void TokenBaselineValues(ref PathCall call, Span<T> fr)
    {
        int m = call.PathsPerInput;
        T perPath = T.One / T.CreateChecked(m);
        long total = (long)call.Count * m;
        var ws = HostWorkspace;
        for (long first = 0; first < total; first += HostBatch)
        {
            int rows = (int)Math.Min(HostBatch, total - first);
            for (int r = 0; r < rows; r++)
            {
                int path = (int)(first + r);
                _rowInput[r] = path / m;
                CopyBaseline(BaselineOf(ref call, path), Row(Host.Points, r, _inputSize));
            }

            var outputs = _outputs.AsSpan(0, rows * _outputSize);
            _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, outputs);
            RerunBaselinesWithInputIds(ws, call.Inputs, rows, _rowInput, outputs);
            for (int r = 0; r < rows; r++) fr[_rowInput[r]] += perPath * call.Target.Evaluate(_rowInput[r], Row(outputs, r, _outputSize));
        }
    }
}
