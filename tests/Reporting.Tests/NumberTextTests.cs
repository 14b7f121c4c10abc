namespace Axon.Samples.Reporting.Tests;

public class NumberTextTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(64.0, "64")]
    [InlineData(-1234567.0, "-1234567")]
    [InlineData(0.98734, "0.9873")]
    [InlineData(0.5, "0.5")]
    [InlineData(-0.125, "-0.125")]
    [InlineData(12.5, "12.5")]
    [InlineData(1234.56, "1235")]
    [InlineData(9.99996, "10")]
    [InlineData(0.001, "0.001")]
    [InlineData(3.2e-4, "3.2e-4")]
    [InlineData(3.14159e-5, "3.142e-5")]
    [InlineData(123456.7, "1.235e+5")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "∞")]
    [InlineData(double.NegativeInfinity, "-∞")]
    public void Format_UsesFourSignificantDigitsInTheInvariantCulture(double value, string expected) =>
        Assert.Equal(expected, NumberText.Format(value));

    [Fact]
    public void FormatSigned_MarksPositiveValues()
    {
        Assert.Equal("+0.25", NumberText.FormatSigned(0.25));
        Assert.Equal("-0.25", NumberText.FormatSigned(-0.25));
        Assert.Equal("0", NumberText.FormatSigned(0));
        Assert.Equal("0", NumberText.Format(-0.0));
        Assert.Equal("0", NumberText.FormatSigned(-0.0));
    }

    [Fact]
    public void TableCells_ConvertFromStringsAndNumbers()
    {
        TableCell text = "Conductance", real = 0.9132, whole = 64, single = 0.5f;
        Assert.Equal(("Conductance", false), (text.Text, text.IsNumber));
        Assert.Equal(("0.9132", true, 0.9132), (real.Text, real.IsNumber, real.Value));
        Assert.Equal(("64", true), (whole.Text, whole.IsNumber));
        Assert.Equal("0.5", single.Text);
        Assert.Equal("91.3 %", TableCell.Number(0.9132, "P1").Text);
        Assert.Equal(string.Empty, default(TableCell).Text);
    }
}
