namespace Axon.Attribution;

/// <summary>How layer methods integrate dy/dα along the path.</summary>
public enum LayerPathForm
{
    /// <summary>
    /// Σₖ wₖ ∂F/∂y(γ(αₖ)) · dy(γ(αₖ))/dα, with dy/dα = J_y(γ)·(x − x′) from one forward-mode (tangent) pass to the
    /// layer. Works with every rule and is exact whenever the rule is exact for the integrand (Gauss–Legendre on
    /// smooth networks converges spectrally). The default.
    /// </summary>
    Tangent,

    /// <summary>
    /// Shrikumar et al.'s difference form Σₖ ĝₖ · (y(x⁽ᵏ⁾) − y(x⁽ᵏ⁻¹⁾)) on the grid αₖ = k/n, k = 0..n (n + 1
    /// evaluations, no tangent pass), with ĝₖ the gradient at the interval's right end (RiemannRight), left end
    /// (RiemannLeft) or their mean (RiemannTrapezoid). The increments of y are exact, so the only error comes from
    /// the variation of ∂F/∂y over an interval: completeness is exact for any n when the network after the layer is
    /// affine. Other rules have no grid and are rejected.
    /// </summary>
    Difference,
}

/// <summary>Integration settings of a path method (IG, conductance, patch IG, internal influence).</summary>
public sealed record IntegrationOptions
{
    /// <summary>The settings used when a call passes none: Gauss–Legendre with 50 nodes, not adaptive.</summary>
    public static IntegrationOptions Default { get; } = new();

    /// <summary>The quadrature rule; Gauss–Legendre by default.</summary>
    public IntegrationRule Rule { get; init; } = IntegrationRule.GaussLegendre;

    /// <summary>
    /// n: nodes of the rule (the difference form: intervals, so n + 1 evaluations), 1 (2 for the trapezoid rule) to
    /// <see cref="Quadrature.MaxSteps"/>. The adaptive mode starts here.
    /// </summary>
    public int Steps { get; init; } = 50;

    /// <summary>
    /// When positive, the adaptive mode: n doubles until every input's |convergence delta| /
    /// max(|F(x) − F(x′)|, tiny) is at most this, or until <see cref="MaxSteps"/>.
    /// </summary>
    public double Tolerance { get; init; }

    /// <summary>The largest n the adaptive mode tries (at most <see cref="Quadrature.MaxSteps"/>).</summary>
    public int MaxSteps { get; init; } = 1024;

    /// <summary>How layer methods integrate (layer conductance only; other methods ignore it).</summary>
    public LayerPathForm PathForm { get; init; } = LayerPathForm.Tangent;

    internal void Validate(string parameterName)
    {
        Quadrature.CheckSteps(Rule, Steps, parameterName);
        if (double.IsNaN(Tolerance) || Tolerance < 0)
            throw new ArgumentOutOfRangeException(parameterName, Tolerance, "The tolerance must be ≥ 0 (0 turns the adaptive mode off).");
        if (Tolerance > 0 && MaxSteps < Steps)
            throw new ArgumentOutOfRangeException(parameterName, MaxSteps, $"MaxSteps ({MaxSteps}) is below Steps ({Steps}).");
        if (Tolerance > 0 && MaxSteps > Quadrature.MaxSteps)
            throw new ArgumentOutOfRangeException(parameterName, MaxSteps, $"MaxSteps ({MaxSteps}) is above the {Quadrature.MaxSteps} steps any rule takes.");
        if ((uint)PathForm > (uint)LayerPathForm.Difference) throw new ArgumentOutOfRangeException(parameterName, PathForm, "Unknown path form.");
    }
}

/// <summary>Whether a call's attributions are meant to add up to F(x) − F(x′), and so what its completeness gap means.</summary>
public enum Completeness
{
    /// <summary>
    /// They are: each input's attributions sum to the rule's ∫ dF/dα, so the completeness gap Σ attributions − (F(x) − F(x′))
    /// equals the quadrature error and vanishes as n grows (Integrated Gradients; conductance of a layer that every path to
    /// the output crosses).
    /// </summary>
    Holds,

    /// <summary>
    /// They are not, even with exact integration: a skip connection bypasses the layer, so part of F(x) − F(x′) flows
    /// around it. The completeness gap is that part (plus the quadrature error); only the quadrature error says how
    /// accurate the integral is.
    /// </summary>
    NotExpected,

    /// <summary>
    /// The attributions explain part of the change by design (neuron conductance of a neuron set, patch IG of regions,
    /// internal influence): no completeness gap is computed; the quadrature error says how accurate the integral is.
    /// </summary>
    NotApplicable,
}

/// <summary>What a path-method call did, with its two error measures under their own names.</summary>
/// <param name="Steps">The n used (after the adaptive mode, the largest one any input needed).</param>
/// <param name="Evaluations">Model evaluations (batch rows) of every pass, endpoints excluded.</param>
/// <param name="MaxRelativeQuadratureError">
/// max over inputs of |Q[dF/dα] − (F(x) − F(x′))| / max(|F(x) − F(x′)|, tiny): the rule's error on the path integral,
/// what the adaptive mode drives below its tolerance (the per-input values are the call's <c>quadratureErrors</c>);
/// NaN when it was not computed (no quadrature errors asked for, not adaptive).
/// </param>
/// <param name="Converged">False only when an adaptive call reached MaxSteps without meeting the tolerance.</param>
/// <param name="Completeness">Whether the attributions are meant to sum to F(x) − F(x′); see <see cref="Attribution.Completeness"/>.</param>
/// <param name="MaxRelativeCompletenessGap">
/// max over inputs (and layers) of |Σ attributions − (F(x) − F(x′))| / max(|F(x) − F(x′)|, tiny). Equal to
/// <paramref name="MaxRelativeQuadratureError"/> where completeness holds; the part that bypasses the layer where it is
/// not expected; NaN where it does not apply or the endpoints were not computed.
/// </param>
public readonly record struct AttributionReport(
    int Steps, long Evaluations, double MaxRelativeQuadratureError, bool Converged,
    Completeness Completeness = Completeness.Holds, double MaxRelativeCompletenessGap = double.NaN)
{
    /// <summary>True when the quadrature errors are also the completeness gaps (<see cref="Completeness"/> is Holds).</summary>
    public bool DeltaIsCompletenessGap => Completeness == Completeness.Holds;

    /// <summary>
    /// A sentence for a user when completeness cannot hold (null when it holds): what the attributions add up to instead.
    /// </summary>
    public string? CompletenessWarning => Completeness switch
    {
        Completeness.NotExpected =>
            "A skip connection bypasses the attributed layer: its attributions do not sum to F(x) − F(x′) (the completeness gap is the part " +
            "that flows around it); only the quadrature error measures the integral's accuracy.",
        Completeness.NotApplicable =>
            "These attributions explain part of F(x) − F(x′) by design (a neuron set, regions, or influence): no completeness gap applies; " +
            "the quadrature error measures the integral's accuracy.",
        _ => null,
    };
}
