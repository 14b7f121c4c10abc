using Axon.Model;

namespace Axon.Attribution.Tests.MultiInput;

/// <summary>
/// Attribution on models with several inputs (an image, a metadata vector and a [Fixed] mask packed into one row), checked
/// against the network written out by hand in this file: Integrated Gradients against a 2000-step midpoint sum of central
/// differences of the hand-written F and, on the linear model, against the closed form; layer conductance against its
/// closed form v_j·Δtanh(h_j); neuron conductance against a brute-force loop. Tolerances: double with Gauss–Legendre
/// (48 nodes) 1e-6 relative to the largest value (the brute force's own error is about 1e-7); float 2e-4.
/// </summary>
public sealed class TwoInputAttributionTests
{
    private static readonly IntegrationOptions Gauss = new() { Steps = 48 };

    // The hand-built network: h = Wi·image + bi + Wm·(meta ⊙ mask), y = tanh(h), F = v·y + d.
    internal static readonly double[] ImageWeight = [0.5, -0.3, 0.8, 0.1, -0.6, 0.4, 0.2, -0.7]; // [2, 4], PyTorch's [out, in]
    internal static readonly double[] ImageBias = [0.1, -0.2];
    internal static readonly double[] MetaWeight = [0.9, -0.5, 0.3, 0.6]; // [2, 2]
    internal static readonly double[] HeadWeight = [1.2, -0.8];
    internal static readonly double[] HeadBias = [0.05];

    // Packed rows: image (4) at 0, meta (2) at 4, mask (2) at 6.
    internal static readonly double[] X = [0.7, -0.4, 1.1, 0.3, 0.8, -1.2, 1.0, 0.5];
    internal static readonly double[] Reference = [0.1, 0.2, -0.3, 0.0, -0.2, 0.4, 0.0, 0.0]; // its mask is ignored

    internal static double Hidden(ReadOnlySpan<double> z, int j)
    {
        double h = ImageBias[j];
        for (int i = 0; i < 4; i++) h += ImageWeight[j * 4 + i] * z[i];
        for (int k = 0; k < 2; k++) h += MetaWeight[j * 2 + k] * z[4 + k] * z[6 + k];
        return h;
    }

    internal static double Neuron(ReadOnlySpan<double> z, int j) => Math.Tanh(Hidden(z, j));

    internal static double F(ReadOnlySpan<double> z) => HeadBias[0] + HeadWeight[0] * Neuron(z, 0) + HeadWeight[1] * Neuron(z, 1);

    /// <summary>The baseline the path really starts from: the given one, with the fixed mask taken from the input.</summary>
    internal static double[] Pinned(double[] x, double[] baseline)
    {
        var pinned = (double[])baseline.Clone();
        pinned[6] = x[6];
        pinned[7] = x[7];
        return pinned;
    }

    /// <summary>(zᵢ − z′ᵢ)·(1/N)Σₖ ∂g/∂zᵢ(z′ + αₖ(z − z′)), αₖ = (k + ½)/N, each derivative a central difference.</summary>
    internal static double[] BruteForcePath(Func<double[], double> g, double[] x, double[] baseline, int steps = 2000, double h = 1e-5)
    {
        var result = new double[x.Length];
        var point = new double[x.Length];
        for (int k = 0; k < steps; k++)
        {
            double alpha = (k + 0.5) / steps;
            for (int i = 0; i < x.Length; i++) point[i] = baseline[i] + alpha * (x[i] - baseline[i]);
            for (int i = 0; i < x.Length; i++)
            {
                double keep = point[i];
                point[i] = keep + h;
                double up = g(point);
                point[i] = keep - h;
                double down = g(point);
                point[i] = keep;
                result[i] += (up - down) / (2 * h) / steps;
            }
        }

        for (int i = 0; i < x.Length; i++) result[i] *= x[i] - baseline[i];
        return result;
    }

    internal static TModel Built<TModel, T>(TModel model) where TModel : IDifferentiableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        model.SetParameter<T>("image_fc.weight", Cast<T>(ImageWeight), [2, 4]);
        model.SetParameter<T>("image_fc.bias", Cast<T>(ImageBias), [2]);
        model.SetParameter<T>("meta_fc.weight", Cast<T>(MetaWeight), [2, 2]);
        model.SetParameter<T>("head.weight", Cast<T>(HeadWeight), [1, 2]);
        model.SetParameter<T>("head.bias", Cast<T>(HeadBias), [1]);
        return model;
    }

    internal static T[] Cast<T>(double[] values) where T : unmanaged, IFloatingPointIeee754<T> => [.. values.Select(T.CreateChecked)];

    internal static double[] Double<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = double.CreateChecked(values[i]);
        return result;
    }

    [Fact]
    public void The_packed_layout_is_the_parameter_order_and_the_generated_forward_reads_each_input_from_its_slice()
    {
        var model = Built<TwoInputNet, double>(new TwoInputNet());
        Assert.Equal(8, TwoInputNet.InputSize);
        Assert.Equal(["image", "meta", "mask"], model.InputLayout.Select(i => i.Name));
        Assert.Equal([0, 4, 6], model.InputLayout.Select(i => i.Offset));
        Assert.Equal([false, false, true], model.InputLayout.Select(i => i.IsFixed));
        Assert.Equal([1, 2, 2], TwoInputNet.Inputs.image.Shape);
        Assert.Equal(TwoInputNet.LayerIndex.image.Index, model.Layers.Single(l => l.Name == "image").Index);

        var output = new double[1];
        model.Forward(model.CreateWorkspace(1), X, 1, output);
        Check.Close(F(X), output[0], 1e-14, "forward");
    }

    [Fact]
    public void Integrated_gradients_per_input_match_a_brute_force_loop_and_the_fixed_mask_gets_nothing()
    {
        var engine = new Attributor<double>(Built<TwoInputNet, double>(new TwoInputNet()));
        var ig = new double[8];
        var gaps = new double[1];
        engine.IntegratedGradients(X, 0, Baseline<double>.Shared(Reference), ig, Gauss, gaps);

        var expected = BruteForcePath(z => F(z), X, Pinned(X, Reference));
        Check.Close(expected, ig, 1e-6, "IG");
        Assert.Equal(0.0, ig[6]);
        Assert.Equal(0.0, ig[7]);

        // Per input, through the generated descriptors: image and meta are slices of the same result row.
        Check.Close(expected.AsSpan(0, 4), TwoInputNet.Inputs.image.Of<double>(ig), 1e-6, "image");
        Check.Close(expected.AsSpan(4, 2), TwoInputNet.Inputs.meta.Of<double>(ig), 1e-6, "meta");

        // Completeness across the attributed inputs: F(x) − F(x′) with x′ holding x's mask.
        double change = F(X) - F(Pinned(X, Reference));
        Check.Close(change, Check.Sum(TwoInputNet.Inputs.image.Of<double>(ig)) + Check.Sum(TwoInputNet.Inputs.meta.Of<double>(ig)), 1e-10, "completeness");
        Assert.True(Math.Abs(gaps[0]) < 1e-10, $"gap {gaps[0]}");
    }

    [Fact]
    public void The_fixed_mask_changes_F_and_the_attributions_but_is_never_attributed_and_the_baselines_mask_is_ignored()
    {
        var engine = new Attributor<double>(Built<TwoInputNet, double>(new TwoInputNet()));
        var other = (double[])X.Clone();
        other[7] = 0; // gate the second metadata value off

        var inputs = X.Concat(other).ToArray();
        var baselines = Reference.Concat(Reference).ToArray();
        baselines[8 + 6] = 3; // a baseline mask that differs from the input's: ignored
        var ig = new double[16];
        engine.IntegratedGradients(inputs, 0, Baseline<double>.PerInput(baselines), ig, Gauss);

        Assert.NotEqual(F(X), F(other), 6);
        Check.Close(BruteForcePath(z => F(z), X, Pinned(X, Reference)), ig.AsSpan(0, 8), 1e-6, "mask on");
        Check.Close(BruteForcePath(z => F(z), other, Pinned(other, Reference)), ig.AsSpan(8, 8), 1e-6, "mask off");
        Assert.Equal(0.0, ig[8 + 5]); // meta[1] is gated off: F does not depend on it
        Assert.NotEqual(ig[5], ig[8 + 5]);
        foreach (int row in new[] { 0, 1 })
        {
            Assert.Equal(0.0, TwoInputNet.Inputs.mask.Of<double>(ig, row)[0]);
            Assert.Equal(0.0, TwoInputNet.Inputs.mask.Of<double>(ig, row)[1]);
        }
    }

    [Fact]
    public void Integrated_gradients_of_the_gated_linear_model_are_the_closed_form_in_double_and_float()
    {
        double[] u = [0.4, -1.5, 0.7], w = [2.0, -0.6];
        double[] x = [1.0, 2.0, -0.5, 0.3, -0.9, 1.0, 0.25];
        double[] baseline = [0.5, -1.0, 0.0, 0.1, 0.2, 9.0, 9.0];
        double[] expected = [u[0] * 0.5, u[1] * 3.0, u[2] * -0.5, w[0] * 1.0 * 0.2, w[1] * 0.25 * -1.1, 0, 0];

        var model = new GatedLinearNet();
        model.SetParameter<double>("image_fc.weight", u, [1, 3]);
        model.SetParameter<double>("image_fc.bias", [0.3], [1]);
        model.SetParameter<double>("meta_fc.weight", w, [1, 2]);
        var ig = new double[7];
        new Attributor<double>(model).IntegratedGradients(x, 0, Baseline<double>.Shared(baseline), ig);
        Check.Close(expected, ig, 1e-13, "double");

        var modelF = new GatedLinearNetF();
        modelF.SetParameter<float>("image_fc.weight", Cast<float>(u), [1, 3]);
        modelF.SetParameter<float>("image_fc.bias", [0.3f], [1]);
        modelF.SetParameter<float>("meta_fc.weight", Cast<float>(w), [1, 2]);
        var igF = new float[7];
        new Attributor<float>(modelF).IntegratedGradients(Cast<float>(x), 0, Baseline<float>.Shared(Cast<float>(baseline)), igF);
        Check.Close(expected, Double<float>(igF), 1e-5, "float");
        Assert.Equal(0f, igF[5]);
        Assert.Equal(0f, igF[6]);
    }

    [Fact]
    public void Float_integrated_gradients_match_the_double_brute_force()
    {
        var engine = new Attributor<float>(Built<TwoInputNetF, float>(new TwoInputNetF()));
        var ig = new float[8];
        engine.IntegratedGradients(Cast<float>(X), 0, Baseline<float>.Shared(Cast<float>(Reference)), ig, Gauss);
        Check.Close(BruteForcePath(z => F(z), X, Pinned(X, Reference)), Double<float>(ig), 2e-4, "float IG");
        Assert.Equal(0f, ig[6]);
        Assert.Equal(0f, ig[7]);
    }

    [Fact]
    public void Layer_conductance_across_both_inputs_is_the_closed_form_and_sums_to_the_change()
    {
        var pinned = Pinned(X, Reference);
        double[] expected = new[] { 0, 1 }.Select(j => HeadWeight[j] * (Neuron(X, j) - Neuron(pinned, j))).ToArray();

        var engine = new Attributor<double>(Built<TwoInputNet, double>(new TwoInputNet()));
        var conductance = new double[2];
        var gaps = new double[1];
        engine.LayerConductance(TwoInputNet.LayerIndex.act, X, 0, Baseline<double>.Shared(Reference), conductance, Gauss, completenessGaps: gaps);
        Check.Close(expected, conductance, 1e-10, "double");
        Check.Close(F(X) - F(pinned), Check.Sum(conductance), 1e-10, "completeness");

        var engineF = new Attributor<float>(Built<TwoInputNetF, float>(new TwoInputNetF()));
        var conductanceF = new float[2];
        engineF.LayerConductance(TwoInputNetF.LayerIndex.act, Cast<float>(X), 0, Baseline<float>.Shared(Cast<float>(Reference)), conductanceF, Gauss);
        Check.Close(expected, Double<float>(conductanceF), 1e-5, "float");
    }

    [Fact]
    public void Neuron_conductance_per_input_matches_a_brute_force_loop_and_sums_to_the_neurons_conductance()
    {
        var pinned = Pinned(X, Reference);
        var engine = new Attributor<double>(Built<TwoInputNet, double>(new TwoInputNet()));
        var engineF = new Attributor<float>(Built<TwoInputNetF, float>(new TwoInputNetF()));
        for (int j = 0; j < 2; j++)
        {
            int neuron = j;
            // ∂F/∂y_j = v_j everywhere, so the conductance through y_j is v_j·(zᵢ − z′ᵢ)∫∂y_j/∂zᵢ dα.
            var expected = BruteForcePath(z => HeadWeight[neuron] * Neuron(z, neuron), X, pinned);
            var attributions = new double[8];
            engine.NeuronConductance(TwoInputNet.LayerIndex.act, neuron, X, 0, Baseline<double>.Shared(Reference), attributions, Gauss);
            Check.Close(expected, attributions, 1e-6, $"neuron {neuron}");
            Check.Close(HeadWeight[neuron] * (Neuron(X, neuron) - Neuron(pinned, neuron)), Check.Sum(attributions), 1e-10, $"sum {neuron}");
            Assert.Equal(0.0, attributions[6]);
            Assert.Equal(0.0, attributions[7]);

            var attributionsF = new float[8];
            engineF.NeuronConductance(TwoInputNetF.LayerIndex.act, neuron, Cast<float>(X), 0, Baseline<float>.Shared(Cast<float>(Reference)), attributionsF, Gauss);
            Check.Close(expected, Double<float>(attributionsF), 2e-4, $"float neuron {neuron}");
        }
    }

    [Fact]
    public void DeepLift_on_the_input_sums_to_the_change_from_the_pinned_baseline_and_leaves_the_mask_out()
    {
        var engine = new Attributor<double>(Built<TwoInputNet, double>(new TwoInputNet()));
        var attributions = new double[8];
        var gaps = new double[1];
        engine.DeepLift(0, X, 0, Baseline<double>.Shared(Reference), attributions, gaps);
        Check.Close(F(X) - F(Pinned(X, Reference)), Check.Sum(attributions), 1e-10, "summation to delta");
        Assert.Equal(0.0, attributions[6]);
        Assert.Equal(0.0, attributions[7]);
    }

    [Fact]
    public void Methods_that_cannot_keep_the_mask_fixed_refuse_up_front_and_write_nothing()
    {
        var engine = new Attributor<double>(Built<TwoInputNet, double>(new TwoInputNet()));
        var result = Enumerable.Repeat(7.0, 8).ToArray();
        var set = Reference.Concat(Reference).ToArray();

        var distribution = Assert.Throws<NotSupportedException>(() => engine.IntegratedGradients(X, 0, Baseline<double>.Distribution(set), result));
        Assert.Contains("'mask'", distribution.Message);
        var noisy = Assert.Throws<NotSupportedException>(() => engine.GradientShap(X, 0, Baseline<double>.Shared(Reference), result, samples: 4, stdev: 0.1, seed: 1));
        Assert.Contains("GradientShap", noisy.Message);
        var maps = new double[2 * 8];
        var mapsError = Assert.Throws<NotSupportedException>(() => engine.NeuronConductanceMaps(TwoInputNet.LayerIndex.act, X, 0, Baseline<double>.Shared(Reference), maps));
        Assert.Contains("NeuronConductanceMaps", mapsError.Message);
        Assert.All(result, v => Assert.Equal(7.0, v));
        Assert.All(maps, v => Assert.Equal(0.0, v));

        // The engine is still usable after a refusal.
        engine.IntegratedGradients(X, 0, Baseline<double>.Shared(Reference), result, Gauss);
        Check.Close(BruteForcePath(z => F(z), X, Pinned(X, Reference)), result, 1e-6, "after refusals");
    }

    [Fact]
    public void GradientShap_without_noise_keeps_the_mask_fixed()
    {
        var engine = new Attributor<double>(Built<TwoInputNet, double>(new TwoInputNet()));
        var result = new double[8];
        engine.GradientShap(X, 0, Baseline<double>.Shared(Reference), result, samples: 8, stdev: 0, seed: 3);
        Assert.Equal(0.0, result[6]);
        Assert.Equal(0.0, result[7]);
        Assert.Contains(result.Take(6), v => v != 0);
    }

    [Fact]
    public void Input_descriptors_slice_and_pack_rows_and_refuse_bad_spans()
    {
        var rows = new double[16];
        TwoInputNet.Inputs.meta.Pack<double>([1.5, -2.5], rows, 1);
        Assert.Equal(1.5, rows[8 + 4]);
        Assert.Equal(-2.5, rows[8 + 5]);
        Assert.Equal(2, rows.Count(v => v != 0));
        Assert.Equal([1.5, -2.5], TwoInputNet.Inputs.meta.Of<double>((ReadOnlySpan<double>)rows, 1).ToArray());
        Assert.Equal("mask [2] @ 6 (fixed)", TwoInputNet.Inputs.mask.ToString());

        Assert.Throws<ArgumentException>(() => TwoInputNet.Inputs.meta.Pack<double>([1.0], rows, 0));
        Assert.Throws<ArgumentException>(() => TwoInputNet.Inputs.meta.Of<double>(new double[9]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TwoInputNet.Inputs.meta.Of<double>(rows, 2));
    }
}
