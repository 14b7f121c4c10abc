using Axon.Data;

namespace Axon.Samples.Fashion;

/// <summary>The training and test splits of a data set.</summary>
public sealed record LabeledImageSplits(LabeledImages Train, LabeledImages Test);
