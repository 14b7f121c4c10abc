namespace Axon.Samples.Reporting.Tests;

public class ValidationTests
{
    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "+Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void NonFiniteMapValue_NamesTheMapAndThePosition(float bad, string shown)
    {
        float[] values = new float[28 * 28];
        values[3 * 28 + 5] = bad;
        var error = Assert.Throws<ArgumentException>(() => new Heatmap(28, 28, values, "IG of test image #17"));
        Assert.Equal("values", error.ParamName);
        Assert.Contains("'IG of test image #17'", error.Message);
        Assert.Contains(shown, error.Message);
        Assert.Contains("row 3, column 5", error.Message);
    }

    [Fact]
    public void UnnamedMap_IsNamedByItsSize()
    {
        var error = Assert.Throws<ArgumentException>(() => new Heatmap(2, 3, [0f, 1f, float.NaN, 0f, 0f, 0f]));
        Assert.Contains("'heatmap 2×3'", error.Message);
        Assert.Contains("row 0, column 2", error.Message);
    }

    [Fact]
    public void MapLengthMismatch_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new Heatmap(28, 28, new float[783], "input"));
        Assert.Equal("values", error.ParamName);
        Assert.Contains("28×28", error.Message);
        Assert.Contains("784", error.Message);
        Assert.Contains("783", error.Message);
    }

    [Fact]
    public void NonPositiveMapSize_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Heatmap(0, 1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Heatmap(1, -1, []));
    }

    [Fact]
    public void Heatmap_CopiesItsValues_AndKnowsItsRange()
    {
        float[] values = [0.5f, -2f, 1f, 0f];
        var map = new Heatmap(2, 2, values);
        values[0] = 100f;

        Assert.Equal(0.5f, map[0, 0]);
        Assert.Equal(1f, map[1, 0]);
        Assert.Equal((-2f, 1f, 2f), (map.Min, map.Max, map.MaxAbs));
        Assert.Throws<ArgumentOutOfRangeException>(() => map[2, 0]);
    }

    [Fact]
    public void BarChart_RejectsMismatchedLengthsNonFiniteValuesAndNoFilters()
    {
        var lengths = Assert.Throws<ArgumentException>(() => new FilterBarChart(["a", "b"], [1.0, 2.0], [1.0]));
        Assert.Equal("ablationDrop", lengths.ParamName);
        Assert.Contains("'Ablation drop' has 1 values for 2 filter labels", lengths.Message);

        var nan = Assert.Throws<ArgumentException>(() => new FilterBarChart(["a", "b"], [1.0, double.NaN], [1.0, 2.0]));
        Assert.Equal("conductance", nan.ParamName);
        Assert.Contains("NaN for filter 'b'", nan.Message);

        Assert.Throws<ArgumentException>(() => new FilterBarChart([], Array.Empty<double>(), Array.Empty<double>()));
    }

    [Fact]
    public void Table_RejectsRowsOfTheWrongWidth()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new ReportTable("Ablation agreement (Pearson r)", ["Method", "r"], [["Conductance", 0.9], ["Activation"]]));
        Assert.Equal("rows", error.ParamName);
        Assert.Contains("'Ablation agreement (Pearson r)': row 1 has 1 cells for 2 columns", error.Message);
        Assert.Throws<ArgumentException>(() => new ReportTable("t", [], []));
    }

    [Fact]
    public void Case_WithNullTitleOrNullEntries_IsRejected()
    {
        var report = new HtmlReport("r");
        Assert.Throws<ArgumentException>(() => report.AddCase(new ReportCase { Title = null! }));
        var patch = Assert.Throws<ArgumentException>(() => report.AddCase(new ReportCase { Title = "c", PatchMaps = [null!] }));
        Assert.Contains("Case 'c': patch map 0 is null", patch.Message);
        Assert.Throws<ArgumentException>(() => report.AddCase(new ReportCase { Title = "c", Facts = null! }));
        Assert.Equal(0, report.CaseCount);
    }
}
