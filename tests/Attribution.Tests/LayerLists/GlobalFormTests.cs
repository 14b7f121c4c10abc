using Axon.Attribution.Tests.Generated;
using Axon.Attribution.Tests.MultiInput;
using Axon.Model;
using static Axon.Attribution.Tests.LayerLists.ChainNetwork;

namespace Axon.Attribution.Tests.LayerLists;

/// <summary>
/// The global forms (Captum's multiply_by_inputs = False): times x − x′ each gives the multiplied form back where that
/// identity holds (one baseline; GradientSHAP draw by draw, so here without noise), and each matches the hand-written chain
/// network: 4000-step midpoint integrals of its gradients, its DeepLIFT multipliers, its closed-form gradients. Double to
/// 1e-7 relative, float to 2e-4. [Fixed] inputs get 0, token models refuse.
/// </summary>
public sealed class GlobalFormTests
{
    private static readonly IntegrationOptions Gauss = new() { Steps = 48 };

    private static Attributor<T> Engine<T>() where T : unmanaged, IFloatingPointIeee754<T> => typeof(T) == typeof(double)
        ? new Attributor<T>((IDifferentiableModel<T>)(object)Built<ChainNet, double>(new ChainNet()), stepBatch: 7)
        : new Attributor<T>((IDifferentiableModel<T>)(object)Built<ChainNetF, float>(new ChainNetF()), stepBatch: 7);

    private static double Tolerance<T>() => typeof(T) == typeof(double) ? 1e-7 : 2e-4;

    private static double[] Input(int b) => X.AsSpan(b * 3, 3).ToArray();

    /// <summary>Per input b: f(b), one input after the other.</summary>
    private static double[] PerInput(Func<int, double[]> f) => [.. f(0), .. f(1)];

    /// <summary>global ⊙ (x − x′), input by input.</summary>
    private static double[] TimesChange(double[] global, double[] reference) =>
        [.. global.Select((g, i) => g * (X[i] - reference[i % 3]))];

    [Fact] public void Integrated_gradients_global_double() => IntegratedGradientsGlobal<double>();

    [Fact] public void Integrated_gradients_global_float() => IntegratedGradientsGlobal<float>();

    private static void IntegratedGradientsGlobal<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var engine = Engine<T>();
        var x = Cast<T>(X);
        var baseline = Cast<T>(Reference);
        var global = new T[6];
        var ig = new T[6];
        var globalErrors = new T[2];
        var errors = new T[2];
        var report = engine.IntegratedGradients(x, 0, Baseline<T>.Shared(baseline), global, Gauss, globalErrors, multiplyByInputs: false);
        engine.IntegratedGradients(x, 0, Baseline<T>.Shared(baseline), ig, Gauss, errors);
        var expected = PerInput(b => Midpoint(alpha => Gradients(Lerp(Reference, Input(b), alpha))[0]));
        Check.Close(expected, Double<T>(global), Tolerance<T>(), "∫∇F dα");
        Check.Close(Double<T>(ig), TimesChange(Double<T>(global), Reference), typeof(T) == typeof(double) ? 1e-12 : 1e-5, "global ⊙ (x − x′) = IG");
        Check.Close(Double<T>(errors), Double<T>(globalErrors), typeof(T) == typeof(double) ? 1e-12 : 1e-5, "the same path integral's error");
        Assert.Equal(Completeness.NotApplicable, report.Completeness);

        // A set of baselines: the mean over them of each path's integral (no per-element identity: the directions differ).
        double[] set = [.. Reference, -0.4, 0.0, 0.5];
        var mean = new T[6];
        engine.IntegratedGradients(x, 0, Baseline<T>.Distribution(Cast<T>(set)), mean, Gauss, multiplyByInputs: false);
        var expectedMean = PerInput(b =>
        {
            var first = Midpoint(alpha => Gradients(Lerp(Reference, Input(b), alpha))[0]);
            var second = Midpoint(alpha => Gradients(Lerp(set[3..], Input(b), alpha))[0]);
            return [.. first.Select((g, i) => (g + second[i]) / 2)];
        });
        Check.Close(expectedMean, Double<T>(mean), Tolerance<T>(), "mean over the set");
    }

    [Fact] public void Neuron_conductance_global_double() => NeuronConductanceGlobal<double>();

    [Fact] public void Neuron_conductance_global_float() => NeuronConductanceGlobal<float>();

    private static void NeuronConductanceGlobal<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var engine = Engine<T>();
        var x = Cast<T>(X);
        var baseline = Cast<T>(Reference);
        int[] neurons = [0, 2];
        var global = new T[6];
        var multiplied = new T[6];
        engine.NeuronConductance(Tanh1, neurons, x, 0, Baseline<T>.Shared(baseline), global, multiplyByInputs: false, Gauss);
        engine.NeuronConductance(Tanh1, neurons, x, 0, Baseline<T>.Shared(baseline), multiplied, Gauss);

        // Σ_{j∈S} ∂F/∂a₁ⱼ · (1 − a₁ⱼ²) · W₁[j, :], integrated along the input path.
        double[] Through(double[] point)
        {
            var a1 = Values(point)[Tanh1];
            var ga1 = Gradients(point)[Tanh1];
            var result = new double[3];
            foreach (int j in neurons)
                for (int i = 0; i < 3; i++) result[i] += ga1[j] * (1 - a1[j] * a1[j]) * W1[j * 3 + i];
            return result;
        }

        var expected = PerInput(b => Midpoint(alpha => Through(Lerp(Reference, Input(b), alpha))));
        Check.Close(expected, Double<T>(global), Tolerance<T>(), "global neuron conductance");
        Check.Close(Double<T>(multiplied), TimesChange(Double<T>(global), Reference), typeof(T) == typeof(double) ? 1e-12 : 1e-5, "global ⊙ (x − x′)");

        // Without the affine prefix (step by step) the same values; through input neurons, the gradient's selected elements.
        engine.UseAffinePrefix = false;
        var stepwise = new T[6];
        engine.NeuronConductance(Tanh1, neurons, x, 0, Baseline<T>.Shared(baseline), stepwise, multiplyByInputs: false, Gauss);
        Check.Close(Double<T>(global), Double<T>(stepwise), typeof(T) == typeof(double) ? 1e-12 : 1e-5, "stepwise");
        engine.UseAffinePrefix = true;
        var atInput = new T[6];
        engine.NeuronConductance(0, 1, x, 0, Baseline<T>.Shared(baseline), atInput, multiplyByInputs: false, Gauss);
        var gradient = PerInput(b => Midpoint(alpha => Gradients(Lerp(Reference, Input(b), alpha))[0]).Select((g, i) => i == 1 ? g : 0).ToArray());
        Check.Close(gradient, Double<T>(atInput), Tolerance<T>(), "input neuron 1");

        var untouched = new T[6];
        Assert.Throws<ArgumentException>(() => engine.NeuronConductance(
            Tanh1, 0, x, 0, Baseline<T>.Shared(baseline), untouched, multiplyByInputs: false, new IntegrationOptions { Rule = IntegrationRule.Exact }));
        Assert.All(untouched, v => Assert.Equal(T.Zero, v));
    }

    [Fact] public void Neuron_DeepLift_global_double() => NeuronDeepLiftGlobal<double>();

    [Fact] public void Neuron_DeepLift_global_float() => NeuronDeepLiftGlobal<float>();

    private static void NeuronDeepLiftGlobal<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var engine = Engine<T>();
        var x = Cast<T>(X);
        var baseline = Cast<T>(Reference);
        var multipliers = new T[6];
        var attributions = new T[6];
        engine.NeuronDeepLift(Fc2, 1, x, Baseline<T>.Shared(baseline), multipliers, multiplyByInputs: false);
        engine.NeuronDeepLift(Fc2, 1, x, Baseline<T>.Shared(baseline), attributions);

        // z₂₁ = W₂[1, :]·a₁ + b: the rescale multipliers are W₁ᵀ(W₂[1, :] ⊙ Δa₁/Δz₁).
        var expected = PerInput(b =>
        {
            var y = Values(Input(b));
            var y0 = Values(Reference);
            var result = new double[3];
            for (int j = 0; j < 3; j++)
            {
                double m = W2[3 + j] * (y[Tanh1][j] - y0[Tanh1][j]) / (y[Fc1][j] - y0[Fc1][j]);
                for (int i = 0; i < 3; i++) result[i] += W1[j * 3 + i] * m;
            }

            return result;
        });
        Check.Close(expected, Double<T>(multipliers), Tolerance<T>(), "multipliers");
        Check.Close(Double<T>(attributions), TimesChange(Double<T>(multipliers), Reference), typeof(T) == typeof(double) ? 1e-12 : 1e-5, "m ⊙ (x − x′)");
        Assert.Throws<ArgumentException>(() => engine.NeuronDeepLift(Fc2, 1, x, Baseline<T>.Shared(baseline), multipliers, new T[2], multiplyByInputs: false));
    }

    [Fact] public void Gradient_times_activation_and_GradientShap_global_double() => GradientFormsGlobal<double>();

    [Fact] public void Gradient_times_activation_and_GradientShap_global_float() => GradientFormsGlobal<float>();

    private static void GradientFormsGlobal<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var engine = Engine<T>();
        var x = Cast<T>(X);
        var baseline = Cast<T>(Reference);

        // Gradient × activation without the activation is the gradient: the hand-written ∂F/∂a₁ and ∂F/∂z₂.
        LayerHandle[] layers = [Tanh1, Fc2];
        var global = new T[2 * 5];
        engine.LayerGradientTimesActivation(layers, x, 0, global, multiplyByInputs: false);
        Check.Close(PerInput(b => [.. Gradients(Input(b))[Tanh1], .. Gradients(Input(b))[Fc2]]), Double<T>(global), Tolerance<T>(), "∂F/∂y");
        var one = new T[2 * 3];
        engine.LayerGradientTimesActivation(Tanh1, x, 0, one, multiplyByInputs: false);
        Check.Close(PerInput(b => Gradients(Input(b))[Tanh1]), Double<T>(one), Tolerance<T>(), "one layer");

        // GradientSHAP without noise from one baseline: every draw's direction is x − x′ (at a layer, y(x) − y(x′)), so the
        // identity holds for the mean; the global form is the mean gradient at the drawn points.
        var shap = new T[6];
        var shapGlobal = new T[6];
        engine.GradientShap(x, 0, Baseline<T>.Shared(baseline), shap, samples: 5, seed: 4);
        engine.GradientShap(x, 0, Baseline<T>.Shared(baseline), shapGlobal, samples: 5, seed: 4, multiplyByInputs: false);
        Check.Close(Double<T>(shap), TimesChange(Double<T>(shapGlobal), Reference), typeof(T) == typeof(double) ? 1e-12 : 1e-5, "GradientSHAP");
        var random = new SplitMix64(4);
        var draws = new double[2][];
        for (int b = 0; b < 2; b++)
        {
            draws[b] = new double[3];
            for (int s = 0; s < 5; s++)
            {
                double alpha = random.NextDouble();
                if (typeof(T) == typeof(float)) alpha = (float)alpha;
                var g = Gradients(Lerp(Reference, Input(b), alpha))[0];
                for (int i = 0; i < 3; i++) draws[b][i] += g[i] / 5;
            }
        }

        Check.Close([.. draws[0], .. draws[1]], Double<T>(shapGlobal), typeof(T) == typeof(double) ? 1e-12 : 2e-4, "replayed mean gradient");

        var layerShap = new T[2 * 5];
        var layerGlobal = new T[2 * 5];
        engine.LayerGradientShap(layers, x, 0, Baseline<T>.Shared(baseline), layerShap, samples: 5, seed: 4);
        engine.LayerGradientShap(layers, x, 0, Baseline<T>.Shared(baseline), layerGlobal, samples: 5, seed: 4, multiplyByInputs: false);
        var change = PerInput(b => [.. Values(Input(b))[Tanh1].Select((v, i) => v - Values(Reference)[Tanh1][i]), .. Values(Input(b))[Fc2].Select((v, i) => v - Values(Reference)[Fc2][i])]);
        Check.Close(Double<T>(layerShap), [.. Double<T>(layerGlobal).Select((g, i) => g * change[i])], typeof(T) == typeof(double) ? 1e-12 : 1e-5, "layer GradientSHAP");
    }

    [Fact]
    public void Global_forms_give_fixed_inputs_zero_and_SmoothGrad_over_them_is_the_weights_of_a_linear_model()
    {
        // F = w·image + u·(meta ⊙ mask): ∫∂F/∂image = w, ∫∂F/∂meta = u ⊙ mask, and the fixed mask gets 0.
        var model = new GatedLinearNetF();
        model.SetParameter<float>("image_fc.weight", [0.4f, -1.5f, 0.7f], [1, 3]);
        model.SetParameter<float>("meta_fc.weight", [2.0f, -0.6f], [1, 2]);
        var engine = new Attributor<float>(model);
        float[] x = [1.0f, 2.0f, -0.5f, 0.3f, -0.9f, 1.0f, 0.25f];
        float[] expected = [0.4f, -1.5f, 0.7f, 2.0f, -0.6f * 0.25f, 0, 0];
        var global = new float[7];
        engine.IntegratedGradients(x, 0, Baseline<float>.Zero, global, multiplyByInputs: false);
        Check.Close(Double<float>(expected), Double<float>(global), 1e-6, "∫∇F");
        var neuron = new float[7];
        engine.NeuronConductance(GatedLinearNetF.LayerIndex.image_fc, 0, x, 0, Baseline<float>.Zero, neuron, multiplyByInputs: false);
        Check.Close([0.4, -1.5, 0.7, 0, 0, 0, 0], Double<float>(neuron), 1e-6, "through image_fc");

        var smooth = new float[7];
        NoisyAttribution<float> globalIg = (inputs, copies, r) => engine.IntegratedGradients(inputs, 0, Baseline<float>.Zero, r, multiplyByInputs: false);
        new NoiseTunnel<float>(model).Attribute(NoiseTunnelKind.SmoothGrad, x, 7, smooth, globalIg, samples: 8, stdev: 0.4, seed: 3);
        Check.Close(Double<float>(expected), Double<float>(smooth), 1e-6, "SmoothGrad of global IG");
    }

    [Fact]
    public void Global_forms_at_the_input_refuse_token_ids()
    {
        var model = new DlEmbedding();
        var engine = new Attributor<double>(model);
        var tokens = new double[DlEmbedding.InputSize];
        var result = new double[DlEmbedding.InputSize];
        var error = Assert.Throws<NotSupportedException>(() => engine.IntegratedGradients(tokens, 0, Baseline<double>.Zero, result, multiplyByInputs: false));
        Assert.Contains("InternalInfluence", error.Message);
        Assert.Throws<NotSupportedException>(() => engine.NeuronConductance(DlEmbedding.LayerIndex.conv, 0, tokens, 0, Baseline<double>.Zero, result, multiplyByInputs: false));
    }
}
