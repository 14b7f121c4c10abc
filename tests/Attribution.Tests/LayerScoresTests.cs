using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>The layer-shaped view of a result row: indexing, per-channel and per-position sums, top-k.</summary>
public class LayerScoresTests
{
    private static readonly LayerInfo Conv = new("conv", LayerKind.Conv1d, 2, [3, 4], 0, [1], true);
    private static readonly LayerInfo Flat = new("fc", LayerKind.Dense, 3, [5], 0, [2], true);

    // Channel c, position p holds 10c + p.
    private static readonly double[] Row = [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23];

    [Fact]
    public void IndexesChannelsFirstAndSumsPerChannelAndPerPosition()
    {
        var view = new LayerScores<double>(Conv, Row);
        Assert.Equal(3, view.Channels);
        Assert.Equal(4, view.Positions);
        Assert.Equal(12.0, view[1, 2]);
        Assert.Equal([20.0, 21, 22, 23], view.Channel(2).ToArray());

        var perChannel = new double[3];
        view.SumPerChannel(perChannel);
        Assert.Equal([6.0, 46, 86], perChannel);
        var perPosition = new double[4];
        view.SumPerPosition(perPosition);
        Assert.Equal([30.0, 33, 36, 39], perPosition);
    }

    [Fact]
    public void AFlatLayerHasOnePositionPerChannel()
    {
        var view = new LayerScores<double>(Flat, [1.0, 2, 3, 4, 5]);
        Assert.Equal(5, view.Channels);
        Assert.Equal(1, view.Positions);
        Assert.Equal(4.0, view[3, 0]);
    }

    [Fact]
    public void TopKTakesTheLargestFirstAndTheLowerIndexOnTies()
    {
        double[] scores = [0.5, 3, -1, 3, 2, 7];
        var top = new int[3];
        LayerScores<double>.TopK(scores, top);
        Assert.Equal([5, 1, 3], top);
        var all = new int[6];
        LayerScores<double>.TopK(scores, all);
        Assert.Equal([5, 1, 3, 4, 0, 2], all);
    }

    [Fact]
    public void BadShapesAndIndicesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new LayerScores<double>(Conv, new double[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LayerScores<double>(Conv, Row)[3, 0]);
        Assert.Throws<ArgumentException>(() => new LayerScores<double>(Conv, Row).SumPerChannel(new double[4]));
        Assert.Throws<ArgumentException>(() => LayerScores<double>.TopK([1.0], new int[2]));
    }
}
