namespace Axon.Attribution;

/// <summary>How the path integral ∫₀¹ f(α) dα of a path method is approximated.</summary>
public enum IntegrationRule
{
    /// <summary>Gauss–Legendre with n nodes: exact for polynomials of degree ≤ 2n − 1. The default.</summary>
    GaussLegendre,

    /// <summary>Left Riemann sum: nodes k/n for k = 0..n−1, weights 1/n. Exact for constants.</summary>
    RiemannLeft,

    /// <summary>Right Riemann sum: nodes k/n for k = 1..n, weights 1/n. Exact for constants.</summary>
    RiemannRight,

    /// <summary>Midpoint rule: nodes (k + ½)/n, weights 1/n. Exact for polynomials of degree ≤ 1.</summary>
    RiemannMiddle,

    /// <summary>
    /// Trapezoid rule on n nodes k/(n−1), k = 0..n−1 (n − 1 intervals, so n ≥ 2): weights 1/(n−1), halved at both
    /// ends. Exact for polynomials of degree ≤ 1.
    /// </summary>
    RiemannTrapezoid,

    /// <summary>
    /// No quadrature: for a piecewise-linear network (dense, convolution, ReLU, LeakyReLU, max and average pooling, flatten,
    /// reshape, +, concat, inference batch norm; the target a logit) F is piecewise linear along the straight path, so the
    /// engine walks α from 0 to 1 breakpoint by breakpoint — where a ReLU's input crosses zero or a max-pool's arg-max
    /// changes, all linear in α between breakpoints — and adds each segment's constant gradient times its length. The
    /// integral is exact: the quadrature error is rounding. Steps is ignored; the report's Steps is the most segments a
    /// path took (per path: <see cref="Attributor{T}.LastSegmentCounts"/>). A smooth layer is refused, naming it.
    /// </summary>
    Exact,
}

/// <summary>Nodes and weights of the integration rules on [0, 1], computed in double precision.</summary>
public static class Quadrature
{
    /// <summary>
    /// The largest node count any rule accepts: 4096. More nodes buy nothing — Gauss–Legendre converges spectrally on
    /// smooth networks and is at rounding level long before; the Riemann rules' O(1/n) error is 2·10⁻⁴ relative
    /// here, below what float sums resolve — while each node costs a forward and a backward pass per input, and
    /// Gauss–Legendre's nodes cost O(n²) to compute (Newton on the three-term recurrence, O(n) per evaluation, a few
    /// evaluations per node): at this bound about a tenth of a second.
    /// </summary>
    public const int MaxSteps = 4096;

    /// <summary>The smallest node count a rule accepts (2 for the trapezoid rule, 1 otherwise).</summary>
    public static int MinimumSteps(IntegrationRule rule) => rule == IntegrationRule.RiemannTrapezoid ? 2 : 1;

    /// <summary>The polynomial degree up to which an n-node rule is exact.</summary>
    public static int ExactDegree(IntegrationRule rule, int steps) => rule switch
    {
        IntegrationRule.GaussLegendre => 2 * steps - 1,
        IntegrationRule.RiemannMiddle or IntegrationRule.RiemannTrapezoid => 1,
        _ => 0,
    };

    /// <summary>
    /// Writes the <paramref name="steps"/> nodes (ascending, in [0, 1]) and weights (summing to 1) of
    /// <paramref name="rule"/>. Allocates nothing.
    /// </summary>
    public static void GetNodes(IntegrationRule rule, int steps, Span<double> nodes, Span<double> weights)
    {
        CheckSteps(rule, steps, nameof(steps));
        if (rule == IntegrationRule.Exact) throw new ArgumentException("The exact rule has no nodes: it integrates segment by segment.", nameof(rule));
        if (nodes.Length < steps) throw new ArgumentException($"'nodes' holds {nodes.Length} values; {steps} are needed.", nameof(nodes));
        if (weights.Length < steps) throw new ArgumentException($"'weights' holds {weights.Length} values; {steps} are needed.", nameof(weights));
        double n = steps;
        switch (rule)
        {
            case IntegrationRule.RiemannLeft:
                for (int k = 0; k < steps; k++) { nodes[k] = k / n; weights[k] = 1 / n; }
                break;
            case IntegrationRule.RiemannRight:
                for (int k = 0; k < steps; k++) { nodes[k] = (k + 1) / n; weights[k] = 1 / n; }
                break;
            case IntegrationRule.RiemannMiddle:
                for (int k = 0; k < steps; k++) { nodes[k] = (k + 0.5) / n; weights[k] = 1 / n; }
                break;
            case IntegrationRule.RiemannTrapezoid:
                for (int k = 0; k < steps; k++) { nodes[k] = k / (n - 1); weights[k] = 1 / (n - 1); }
                weights[0] *= 0.5;
                weights[steps - 1] *= 0.5;
                break;
            case IntegrationRule.GaussLegendre:
                GaussLegendre(steps, nodes, weights);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown integration rule.");
        }
    }

    /// <summary>Throws when <paramref name="steps"/> is below what <paramref name="rule"/> needs or above <see cref="MaxSteps"/>.</summary>
    public static void CheckSteps(IntegrationRule rule, int steps, string parameterName)
    {
        if ((uint)rule > (uint)IntegrationRule.Exact) throw new ArgumentOutOfRangeException(parameterName, rule, $"Unknown integration rule {rule}.");
        if (rule == IntegrationRule.Exact) return; // no nodes: the segments are found along the path
        int min = MinimumSteps(rule);
        if (steps < min)
            throw new ArgumentOutOfRangeException(parameterName, steps, $"The {rule} rule needs at least {min} step(s); got {steps}.");
        if (steps > MaxSteps)
        {
            throw new ArgumentOutOfRangeException(parameterName, steps,
                $"{steps} steps is more than the {MaxSteps} any rule takes: beyond that the quadrature error is far below rounding, while every step costs a forward and a backward pass per input.");
        }
    }

    /// <summary>
    /// Gauss–Legendre on [0, 1]: the roots tᵢ of the Legendre polynomial Pₙ by Newton's method from Tricomi's
    /// initial guesses, weights 2 / ((1 − tᵢ²) Pₙ′(tᵢ)²), then mapped by α = (1 + t)/2 with the weights halved.
    /// Each evaluation of Pₙ is O(n), and from Tricomi's guess Newton converges quadratically in a few iterations, so
    /// the n/2 roots cost O(n²) in all (about 2.5·10⁷ recurrence steps at n = <see cref="MaxSteps"/>).
    /// </summary>
    private static void GaussLegendre(int n, Span<double> nodes, Span<double> weights)
    {
        // Newton stops once a step is below the rounding of t (|t| ≤ 1); a few more iterations cannot improve on it,
        // so the cap only guards against a guess that is off, never the normal case.
        const double Converged = 4e-16;
        const int MaxIterations = 12;
        int half = (n + 1) / 2;
        for (int i = 0; i < half; i++)
        {
            // Root i counted from t = 1 downwards.
            double t = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            for (int iteration = 0; iteration < MaxIterations; iteration++)
            {
                (double p, double dp) = Legendre(n, t);
                double step = p / dp;
                t -= step;
                if (Math.Abs(step) <= Converged) break;
            }

            (_, double derivative) = Legendre(n, t);
            double w = 2 / ((1 - t * t) * derivative * derivative);

            // Symmetric pair ±t; ascending α: the negative root comes first.
            nodes[i] = (1 - t) / 2;
            weights[i] = w / 2;
            nodes[n - 1 - i] = (1 + t) / 2;
            weights[n - 1 - i] = w / 2;
        }

        if (n % 2 == 1) nodes[n / 2] = 0.5; // the middle root is exactly 0
    }

    /// <summary>Pₙ(t) and Pₙ′(t) by the three-term recurrence kPₖ = (2k − 1)tPₖ₋₁ − (k − 1)Pₖ₋₂.</summary>
    private static (double Value, double Derivative) Legendre(int n, double t)
    {
        double p0 = 1, p1 = t;
        if (n == 0) return (1, 0);
        for (int k = 2; k <= n; k++)
        {
            // 1/k does not depend on the previous terms, so the processor computes it off the recurrence's critical
            // path: the loop runs at multiply-add latency instead of waiting for a division every step.
            double inverse = 1.0 / k;
            double p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) * inverse;
            p0 = p1;
            p1 = p2;
        }

        double dp = n * (t * p1 - p0) / (t * t - 1);
        return (p1, dp);
    }
}
