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

/// <summary>What a path-method call did.</summary>
/// <param name="Steps">The n used (after the adaptive mode, the largest one any input needed).</param>
/// <param name="Evaluations">Model evaluations (batch rows) of every pass, endpoints excluded.</param>
/// <param name="MaxRelativeDelta">
/// max over inputs of |δ| / max(|F(x) − F(x′)|, tiny), δ being the convergence delta; NaN when no delta was computed.
/// </param>
/// <param name="Converged">False only when an adaptive call reached MaxSteps without meeting the tolerance.</param>
/// <param name="DeltaIsCompletenessGap">
/// What the deltas are. True: each input's attributions sum to the rule's ∫ dF/dα, so δ is also the completeness gap
/// Σ attributions − (F(x) − F(x′)) (IG; conductance of a layer every path crosses). False: δ is the rule's error on
/// the path integral only, and the attributions are not expected to sum to F(x) − F(x′) (neuron conductance of a few
/// neurons, patch IG of one region, internal influence, a layer that a skip connection bypasses).
/// </param>
public readonly record struct AttributionReport(int Steps, long Evaluations, double MaxRelativeDelta, bool Converged, bool DeltaIsCompletenessGap = true);
