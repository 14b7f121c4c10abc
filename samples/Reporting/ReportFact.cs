namespace Axon.Samples.Reporting;

/// <summary>
/// One line of a case's key/value table (convergence delta, steps, runtime…). Tuples convert implicitly:
/// <c>Facts = [("Steps", 64), ("Convergence delta", 3.2e-4), ("Runtime", "12 ms")]</c>.
/// </summary>
public sealed class ReportFact
{
    /// <summary>Pairs a name with a value.</summary>
    public ReportFact(string name, TableCell value)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Value = value;
    }

    /// <summary>The key.</summary>
    public string Name { get; }

    /// <summary>The value (text or number).</summary>
    public TableCell Value { get; }

    /// <summary>A text fact.</summary>
    public static implicit operator ReportFact((string Name, string Value) fact) => new(fact.Name, fact.Value);

    /// <summary>A number fact.</summary>
    public static implicit operator ReportFact((string Name, double Value) fact) => new(fact.Name, fact.Value);

    /// <summary>A whole-number fact.</summary>
    public static implicit operator ReportFact((string Name, long Value) fact) => new(fact.Name, fact.Value);

    /// <summary>A whole-number fact.</summary>
    public static implicit operator ReportFact((string Name, int Value) fact) => new(fact.Name, fact.Value);
}
