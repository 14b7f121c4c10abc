using Axon.Attribution.Tests.Generated;
using Axon.Model;
using Xunit.Abstractions;

namespace Axon.Attribution.Tests;

/// <summary>
/// DeepLIFT's RevealCancel rule: summation-to-delta against F from plain forward passes, the paper's own
/// formulation with positive and negative multipliers on every neuron written out here in loops, and a network small
/// enough to work out by hand.
/// </summary>
public sealed class RevealCancelTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-10;
    private const int Count = 5;

    private static readonly Dictionary<string, Func<IDifferentiableModel<double>>> Models = new()
    {
        ["relu, tanh"] = () => new RcReluTanhMlp(),
        ["sigmoid, softplus, leaky relu"] = () => new RcSmoothMlp(),
        ["tiny relu"] = () => new RcTinyRelu(),
    };

    public static TheoryData<string> Networks => new(Models.Keys);

    [Theory]
    [MemberData(nameof(Networks))]
    public void AttributionsSumToTheChangeOfTheOutputAtEveryLayer(string network)
    {
        var model = Randomised(Models[network](), network.Length);
        var x = BruteForce.RandomVector(Count * model.InputSize, 2, 2);
        var shared = BruteForce.RandomVector(model.InputSize, 4, 1.5);
        var perInput = BruteForce.RandomVector(Count * model.InputSize, 6, 1.5);
        var engine = new Attributor<double>(model, stepBatch: 3); // batches of 3 and 2
        int target = model.OutputSize - 1;
        foreach (var (baseline, rows, kind) in new[] { (shared, 1, "shared"), (perInput, Count, "per-input") })
        {
            var change = OutputChange(model, x, baseline, rows, target);
            var chosen = rows == 1 ? Baseline<double>.Shared(baseline) : Baseline<double>.PerInput(baseline);
            foreach (var layer in model.Layers.Where(l => l.IsCut && l.Index < model.Layers.Count - 1))
            {
                var attributions = new double[Count * layer.Size];
                var gaps = new double[Count];
                engine.DeepLiftRevealCancel(layer.Index, x, target, chosen, attributions, gaps);
                for (int b = 0; b < Count; b++)
                {
                    double sum = Check.Sum(attributions.AsSpan(b * layer.Size, layer.Size));
                    string what = $"{network}, {kind} baseline, layer {layer.Name}, input {b}";
                    Check.Close(change[b], sum, Tolerance * Math.Max(1, Math.Abs(change[b])), what + ": Σ RevealCancel = F(x) − F(x′)");
                    Check.Close(sum - change[b], gaps[b], Tolerance, what + ": reported gap");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void InputAttributionsAreThePapersPositiveAndNegativeMultipliers(string network)
    {
        var model = Randomised(Models[network](), network.Length + 10);
        var x = BruteForce.RandomVector(Count * model.InputSize, 12, 2);
        var baseline = BruteForce.RandomVector(model.InputSize, 14, 1.5);
        int target = 0;
        var attributions = new double[Count * model.InputSize];
        new Attributor<double>(model).DeepLiftRevealCancel(0, x, target, Baseline<double>.Shared(baseline), attributions);
        var rescale = new double[Count * model.InputSize];
        new Attributor<double>(model).DeepLift(0, x, target, Baseline<double>.Shared(baseline), rescale);

        var mlp = Mlp.Read(model);
        double largestDifference = 0;
        for (int b = 0; b < Count; b++)
        {
            var expected = mlp.RevealCancel(x.AsSpan(b * model.InputSize, model.InputSize).ToArray(), baseline, target);
            Check.Close(expected, attributions.AsSpan(b * model.InputSize, model.InputSize), 1e-11, $"{network}, input {b}");
            for (int i = 0; i < model.InputSize; i++) largestDifference = Math.Max(largestDifference, Math.Abs(expected[i] - rescale[b * model.InputSize + i]));
        }

        // Otherwise the comparison would not tell the two rules apart.
        output.WriteLine($"{network}: largest |RevealCancel − rescale| at the input {largestDifference:E3}");
        Assert.True(largestDifference > 1e-3, $"{network}: RevealCancel and rescale agree to {largestDifference:E3}; the network does not exercise the rule");
    }

    [Fact]
    public void AboveTheFirstDenseLayerTheMultipliersAreTheRescaleOnes()
    {
        var model = Randomised(new RcReluTanhMlp(), 3);
        var x = BruteForce.RandomVector(Count * model.InputSize, 22, 2);
        var baseline = BruteForce.RandomVector(model.InputSize, 24, 1.5);

        // fc2 → tanh → fc3: fc2's output and everything above it see the same multipliers under both rules.
        foreach (string name in new[] { "fc2", "act2" })
        {
            var layer = model.Layers.Single(l => l.Name == name);
            var revealCancel = new double[Count * layer.Size];
            var rescale = new double[Count * layer.Size];
            new Attributor<double>(model).DeepLiftRevealCancel(layer.Index, x, 1, Baseline<double>.Shared(baseline), revealCancel);
            new Attributor<double>(model).DeepLift(layer.Index, x, 1, Baseline<double>.Shared(baseline), rescale);
            Check.Close(rescale, revealCancel, 1e-13, name);
        }
    }

    [Fact]
    public void ReluOfADifferenceSplitsAsWorkedOutByHand()
    {
        // y = ReLU(x₁ − x₂), x = (2, 1), x′ = 0: Δz⁺ = 2, Δz⁻ = −1, Δy = 1.
        // Δy⁺ = ½[ReLU(2) − ReLU(0)] + ½[ReLU(1) − ReLU(−1)] = 1.5; Δy⁻ = ½[ReLU(−1) − ReLU(0)] + ½[ReLU(1) − ReLU(2)] = −0.5.
        // x₁ gets (Δy⁺/Δz⁺)·2 = 1.5, x₂ gets (Δy⁻/Δz⁻)·(−1) = −0.5; rescale would give Δy/Δz·(2, −1) = (2, −1).
        var model = new RcDifference();
        model.Parameters[0] = 1;
        model.Parameters[1] = -1;
        model.Parameters[2] = 1;
        var attributions = new double[2];
        var gaps = new double[1];
        new Attributor<double>(model).DeepLiftRevealCancel(0, [2.0, 1.0], 0, Baseline<double>.Zero, attributions, gaps);
        Check.Close([1.5, -0.5], attributions, 1e-15, "RevealCancel");
        Assert.Equal(0, gaps[0], 15);

        var rescale = new double[2];
        new Attributor<double>(model).DeepLift(0, [2.0, 1.0], 0, Baseline<double>.Zero, rescale);
        Check.Close([2.0, -1.0], rescale, 1e-15, "rescale");
    }

    [Fact]
    public void TheRandomCnnLosesNothingWithRevealCancelOnItsDenseLayer()
    {
        var cnn = new DeepLiftCnn();
        cnn.ResetParameters(2026);
        IDifferentiableModel<double> model = cnn;
        const int count = 8;
        var images = BruteForce.RandomVector(count * model.InputSize, 7, 1).Select(v => (v + 1) / 2).ToArray();
        var baselines = BruteForce.RandomVector(count * model.InputSize, 8, 1).Select(v => (v + 1) / 2).ToArray();
        var targets = Enumerable.Range(0, count).Select(b => b % model.OutputSize).ToArray();
        var attributions = new double[count * model.InputSize];
        var rescale = new double[count * model.InputSize];
        var engine = new Attributor<double>(model);
        engine.DeepLiftRevealCancel(0, images, AttributionTarget<double>.Classes(targets), Baseline<double>.PerInput(baselines), attributions);
        engine.DeepLift(0, images, AttributionTarget<double>.Classes(targets), Baseline<double>.PerInput(baselines), rescale);

        var outputs = Outputs(model, images, count);
        var referenceOutputs = Outputs(model, baselines, count);
        double worst = 0, differs = 0;
        for (int b = 0; b < count; b++)
        {
            double change = outputs[b * model.OutputSize + targets[b]] - referenceOutputs[b * model.OutputSize + targets[b]];
            double error = Check.Sum(attributions.AsSpan(b * model.InputSize, model.InputSize)) - change;
            worst = Math.Max(worst, Math.Abs(error) / Math.Abs(change));
            for (int i = 0; i < model.InputSize; i++) differs = Math.Max(differs, Math.Abs(attributions[b * model.InputSize + i] - rescale[b * model.InputSize + i]));
        }

        output.WriteLine($"random CNN: max |Σ RevealCancel − ΔF| / |ΔF| = {worst:E3}; largest difference from rescale {differs:E3}");
        Assert.True(worst < 1e-12, $"summation-to-delta error {worst:E3} of ΔF");
        Assert.True(differs > 1e-6, "RevealCancel on the CNN's dense layer changed nothing at the input");
    }

    [Fact]
    public void InFloatOnlyRoundingIsLost()
    {
        var model = new RcReluTanhMlpFloat();
        var twin = new RcReluTanhMlp();
        Randomised(twin, 5);
        for (int i = 0; i < twin.Parameters.Length; i++) model.Parameters[i] = (float)twin.Parameters[i];
        for (int i = 0; i < twin.Parameters.Length; i++) twin.Parameters[i] = model.Parameters[i];
        var x = BruteForce.RandomVector(Count * 6, 32, 2).Select(v => (float)v).ToArray();
        var baseline = BruteForce.RandomVector(6, 34, 1.5).Select(v => (float)v).ToArray();
        var attributions = new float[Count * 6];
        new Attributor<float>(model).DeepLiftRevealCancel(0, x, 2, Baseline<float>.Shared(baseline), attributions);
        var change = OutputChange(twin, x.Select(v => (double)v).ToArray(), baseline.Select(v => (double)v).ToArray(), 1, 2);
        for (int b = 0; b < Count; b++)
        {
            double sum = 0;
            foreach (float a in attributions.AsSpan(b * 6, 6)) sum += a;
            Assert.True(Math.Abs(sum - change[b]) <= 1e-4 * Math.Max(1, Math.Abs(change[b])), $"input {b}: Σ = {sum}, ΔF = {change[b]}");
        }
    }

    /// <summary>
    /// A dense network read out of a generated model, and DeepLIFT with RevealCancel as the paper states it: every
    /// neuron carries a positive and a negative multiplier; a dense layer's linear rule credits an input's part
    /// with the output's positive multiplier when the term wΔx is positive and the negative one when it is
    /// negative (half of each when zero); a nonlinearity passes m⁺·Δy⁺/Δz⁺ and m⁻·Δy⁻/Δz⁻.
    /// </summary>
    private sealed class Mlp(List<(double[,] W, double[] B)> layers, List<Func<double, double>> activations)
    {
        public static Mlp Read(IDifferentiableModel<double> model)
        {
            var layers = new List<(double[,], double[])>();
            var activations = new List<Func<double, double>>();
            foreach (var layer in model.Layers.Skip(1))
            {
                if (layer.Kind == LayerKind.Dense)
                {
                    var weight = model.ParameterTensors.Single(t => t.Name == layer.Name + ".weight");
                    var bias = model.ParameterTensors.SingleOrDefault(t => t.Name == layer.Name + ".bias");
                    int outputs = weight.Shape[0], inputs = weight.Shape[1];
                    var w = new double[outputs, inputs];
                    for (int j = 0; j < outputs; j++)
                        for (int i = 0; i < inputs; i++) w[j, i] = model.Parameters[weight.Offset + j * inputs + i];
                    var b = bias is null ? new double[outputs] : model.Parameters.Slice(bias.Offset, outputs).ToArray();
                    layers.Add((w, b));
                }
                else
                {
                    activations.Add(layer.Kind switch
                    {
                        LayerKind.ReLU => v => Math.Max(v, 0),
                        LayerKind.LeakyReLU => v => v > 0 ? v : 0.1 * v,
                        LayerKind.Tanh => Math.Tanh,
                        LayerKind.Sigmoid => v => 1 / (1 + Math.Exp(-v)),
                        LayerKind.Softplus => v => Math.Log(1 + Math.Exp(v)),
                        _ => throw new NotSupportedException(layer.Kind.ToString()),
                    });
                }
            }

            Assert.Equal(layers.Count - 1, activations.Count);
            return new Mlp(layers, activations);
        }

        public double[] RevealCancel(double[] x, double[] reference, int target)
        {
            // Forward at the input and the reference: a[l] is the input of dense layer l, z[l] its output.
            int depth = layers.Count;
            var a = new double[depth][];
            var ar = new double[depth][];
            var z = new double[depth][];
            var zr = new double[depth][];
            a[0] = x;
            ar[0] = reference;
            for (int l = 0; l < depth; l++)
            {
                z[l] = Affine(l, a[l]);
                zr[l] = Affine(l, ar[l]);
                if (l + 1 < depth)
                {
                    a[l + 1] = z[l].Select(activations[l]).ToArray();
                    ar[l + 1] = zr[l].Select(activations[l]).ToArray();
                }
            }

            // Multipliers of the output's positive and negative parts for the target.
            var mPlus = new double[z[depth - 1].Length];
            var mMinus = new double[z[depth - 1].Length];
            mPlus[target] = mMinus[target] = 1;
            for (int l = depth - 1; l >= 0; l--)
            {
                var (w, _) = layers[l];
                int outputs = w.GetLength(0), inputs = w.GetLength(1);
                var inPlus = new double[inputs];
                var inMinus = new double[inputs];
                for (int i = 0; i < inputs; i++)
                {
                    double delta = a[l][i] - ar[l][i];
                    for (int j = 0; j < outputs; j++)
                    {
                        double term = w[j, i] * delta;
                        double m = term > 0 ? mPlus[j] : term < 0 ? mMinus[j] : (mPlus[j] + mMinus[j]) / 2;
                        inPlus[i] += w[j, i] * m;
                        inMinus[i] += w[j, i] * m;
                    }
                }

                if (l == 0) return Enumerable.Range(0, inputs).Select(i => inPlus[i] * Math.Max(x[i] - reference[i], 0) + inMinus[i] * Math.Min(x[i] - reference[i], 0)).ToArray();

                // Through the nonlinearity after dense layer l − 1.
                var f = activations[l - 1];
                var (wPrevious, _) = layers[l - 1];
                mPlus = new double[inputs];
                mMinus = new double[inputs];
                for (int j = 0; j < inputs; j++)
                {
                    double plus = 0, minus = 0;
                    for (int i = 0; i < wPrevious.GetLength(1); i++)
                    {
                        double term = wPrevious[j, i] * (a[l - 1][i] - ar[l - 1][i]);
                        if (term > 0) plus += term;
                        else minus += term;
                    }

                    double r = zr[l - 1][j];
                    double upPlus = 0.5 * (f(r + plus) - f(r)) + 0.5 * (f(r + minus + plus) - f(r + minus));
                    double upMinus = 0.5 * (f(r + minus) - f(r)) + 0.5 * (f(r + plus + minus) - f(r + plus));
                    // A part with no terms carries nothing; its multiplier is then the derivative's (central difference).
                    double slope = (f(z[l - 1][j] + 1e-6) - f(z[l - 1][j] - 1e-6)) / 2e-6;
                    mPlus[j] = inPlus[j] * (plus == 0 ? slope : upPlus / plus);
                    mMinus[j] = inMinus[j] * (minus == 0 ? slope : upMinus / minus);
                }
            }

            throw new InvalidOperationException("unreachable");
        }

        private double[] Affine(int l, double[] input)
        {
            var (w, b) = layers[l];
            var result = new double[w.GetLength(0)];
            for (int j = 0; j < result.Length; j++)
            {
                result[j] = b[j];
                for (int i = 0; i < input.Length; i++) result[j] += w[j, i] * input[i];
            }

            return result;
        }
    }

    private static double[] OutputChange(IDifferentiableModel<double> model, double[] x, double[] baseline, int baselineRows, int target)
    {
        var fx = Outputs(model, x, Count);
        var fr = Outputs(model, baseline, baselineRows);
        return Enumerable.Range(0, Count)
            .Select(b => fx[b * model.OutputSize + target] - fr[(baselineRows == 1 ? 0 : b) * model.OutputSize + target])
            .ToArray();
    }

    private static double[] Outputs(IDifferentiableModel<double> model, double[] inputs, int count)
    {
        var result = new double[count * model.OutputSize];
        model.Forward(model.CreateWorkspace(count), inputs, count, result);
        return result;
    }

    /// <summary>Uniform parameters in ±0.8, seeded.</summary>
    private static IDifferentiableModel<double> Randomised(IDifferentiableModel<double> model, int seed)
    {
        var random = new Random(seed);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.8;
        return model;
    }
}
