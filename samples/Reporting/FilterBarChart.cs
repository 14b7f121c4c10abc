using System.Collections.ObjectModel;
using System.Globalization;

namespace Axon.Samples.Reporting;

/// <summary>
/// Two values per filter drawn as paired bars on one signed axis: by default each filter's total conductance and
/// the drop of the target score when the filter is ablated. The values are copied at construction.
/// </summary>
public sealed class FilterBarChart
{
    private readonly double[] _first;
    private readonly double[] _second;

    /// <summary>Builds the chart from double-precision values.</summary>
    /// <param name="labels">One label per filter (for example "conv1 filter 3"); at least one.</param>
    /// <param name="conductance">The first bar of each filter.</param>
    /// <param name="ablationDrop">The second bar of each filter.</param>
    /// <param name="firstSeriesName">Legend text of the first bars.</param>
    /// <param name="secondSeriesName">Legend text of the second bars.</param>
    /// <param name="valueAxisTitle">Title of the value axis (its unit), if any.</param>
    /// <exception cref="ArgumentException">The lengths differ, there are no filters, or a value is NaN or infinite.</exception>
    public FilterBarChart(
        IReadOnlyList<string> labels,
        ReadOnlySpan<double> conductance,
        ReadOnlySpan<double> ablationDrop,
        string firstSeriesName = "Conductance",
        string secondSeriesName = "Ablation drop",
        string? valueAxisTitle = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(firstSeriesName);
        ArgumentNullException.ThrowIfNull(secondSeriesName);
        if (labels.Count == 0)
            throw new ArgumentException("A filter bar chart needs at least one filter.", nameof(labels));
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] is null)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Filter label {i} is null."), nameof(labels));
        }

        Check(labels, conductance, firstSeriesName, nameof(conductance));
        Check(labels, ablationDrop, secondSeriesName, nameof(ablationDrop));
        Labels = new ReadOnlyCollection<string>(labels.ToArray());
        _first = conductance.ToArray();
        _second = ablationDrop.ToArray();
        FirstSeriesName = firstSeriesName;
        SecondSeriesName = secondSeriesName;
        ValueAxisTitle = valueAxisTitle;
    }

    /// <summary>Builds the chart from single-precision values (see the double overload).</summary>
    public FilterBarChart(
        IReadOnlyList<string> labels,
        ReadOnlySpan<float> conductance,
        ReadOnlySpan<float> ablationDrop,
        string firstSeriesName = "Conductance",
        string secondSeriesName = "Ablation drop",
        string? valueAxisTitle = null)
        : this(labels, Widen(conductance), Widen(ablationDrop), firstSeriesName, secondSeriesName, valueAxisTitle)
    {
    }

    /// <summary>One label per filter.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The first bar of each filter (conductance by default).</summary>
    public ReadOnlySpan<double> Conductance => _first;

    /// <summary>The second bar of each filter (ablation drop by default).</summary>
    public ReadOnlySpan<double> AblationDrop => _second;

    /// <summary>Legend text of the first bars.</summary>
    public string FirstSeriesName { get; }

    /// <summary>Legend text of the second bars.</summary>
    public string SecondSeriesName { get; }

    /// <summary>Title of the value axis, if any.</summary>
    public string? ValueAxisTitle { get; }

    /// <summary>Number of filters.</summary>
    public int Count => _first.Length;

    /// <summary>
    /// How many filters the layer has: when more than <see cref="Count"/>, the chart shows the top <see cref="Count"/>
    /// of them by the first series, and its heading says so ("top 8 of 16 filters by conductance"). By default
    /// <see cref="Count"/> (every filter is shown).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below <see cref="Count"/>.</exception>
    public int TotalFilters
    {
        get => _totalFilters ?? Count;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, Count);
            _totalFilters = value;
        }
    }

    private readonly int? _totalFilters;

    private static double[] Widen(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }

    private static void Check(IReadOnlyList<string> labels, ReadOnlySpan<double> values, string series, string parameter)
    {
        if (values.Length != labels.Count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Series '{series}' has {values.Length} values for {labels.Count} filter labels."),
                parameter);
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Series '{series}' holds {values[i]} for filter '{labels[i]}'; every value must be finite."),
                    parameter);
            }
        }
    }
}
