// TorchSharp peer benchmark: Captum-style LayerConductance and IntegratedGradients on small models,
// plus SGEMM throughput of libtorch's CPU matmul (MKL). Written from scratch for performance anchoring.
// Copied from shared/peers/torchsharp-bench; what this copy adds is --compare and --dump (the libtorch side of
// scripts/bench-vs-libtorch.sh, read by benchmarks/Peer.Compare); the computations are unchanged.
//
//   dotnet run -c Release -- [--threads N] [--reps N] [--no-attr] [--no-gemm] [--padded] [--deep]
//   dotnet run -c Release -- --compare [--dump DIR] [--threads N] [--reps N]
//
// --compare: FashionCnn exactly (padding 1) and the MLP, in one process: CNN IG, CNN LayerConductance at conv1's
// output (pre-ReLU) and at conv2's output, MLP IG, MLP LayerConductance at fc1's output; after the human-readable
// lines, one tab-separated line per work for the comparison program:
//   PEER <work> <median ms/input> <min ms/input> <model rows per input>
//   PEERCHECK OK|WRONG <max rel diff>          (the conv input-gradient self-check below)
//   PEER encoder-fb <median ms/sequence> <min ms/sequence> 1   (a pre-LN transformer encoder block, forward + backward)
// --dump DIR: also writes the weights (cnn.safetensors, mlp.safetensors, PyTorch names), the inputs (inputs.f32,
// batch x 784 little-endian float32) and each work's attributions (<work>.f32, untimed call), so the comparison
// runs Axon on the same weights and inputs and checks that both sides compute the same attributions.
//
// Captum semantics reproduced (captum.attr.LayerConductance / IntegratedGradients):
//  * LayerConductance: alphas = alphas_func(n_steps + 1); for riemann_trapezoid that is linspace(0,1,n_steps+1)
//    (51 points incl. baseline and input). Scaled inputs are concatenated along the batch dim
//    (one forward/backward over (n_steps+1)*N rows), gradients of output[:, target] w.r.t. the layer output are
//    taken at every point, and conductance = sum_{k<n_steps} grad_k * (layer_{k+1} - layer_k).
//  * IntegratedGradients: riemann_right (alphas = linspace(1/n, 1, n), step sizes 1/n), batched the same way,
//    attribution = (x - baseline) * sum_k step_k * dF/dx(scaled_k).
//    (Captum's riemann_trapezoid step sizes sum to (n-1)/n, a known bias, so riemann_right is used for IG.)
using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

int threads = 2, reps = 7, warm = 2, batch = 64, nSteps = 50, target = 0;
double warmSeconds = 0; // --warm-seconds: warm up for at least this long too (Peer.Compare passes its own, so both sides warm up alike)
bool doAttr = true, doGemm = true, doConv = false, doCompare = false;
string dumpDir = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--threads": threads = int.Parse(args[++i]); break;
        case "--reps": reps = int.Parse(args[++i]); break;
        case "--warm-seconds": warmSeconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--batch": batch = int.Parse(args[++i]); break;
        case "--no-attr": doAttr = false; break;
        case "--no-gemm": doGemm = false; break;
        case "--convergence": doConv = true; break;
        case "--padded": Cnn.Padded = true; break;
        case "--deep": Cnn.Deep = true; break;
        case "--compare": doCompare = true; Cnn.Padded = true; Cnn.Deep = false; break;
        case "--dump": dumpDir = args[++i]; break;       // attribute the CNN at conv2's output instead of conv1's   // Axon's FashionCnn shape: padding 1, 28->28->14->14->7, fc 784->64
        default: throw new ArgumentException($"unknown arg {args[i]}");
    }
}

Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch {torch.__version__}, " +
                  $".NET {Environment.Version}, {Environment.ProcessorCount} logical CPUs");
torch.set_num_threads(threads);
Console.WriteLine($"torch.get_num_threads() = {torch.get_num_threads()}, reps = {reps} (median reported), warmup = {warm} calls and {warmSeconds} s");

if (doCompare)
{
    RunCompare();
    return;
}

GradCheck();
if (doConv) RunConvergence();
if (doAttr) RunAttribution();
if (doGemm) RunGemm();
return;

void RunAttribution()
{
    torch.manual_seed(0);
    var cnn = new Cnn(); cnn.eval();
    var mlp = new Mlp(); mlp.eval();
    var gen = new Generator(1234);
    var xImg = torch.rand(new long[] { batch, 1, 28, 28 }, generator: gen); // Fashion-MNIST-shaped, [0,1)
    var xVec = xImg.reshape(batch, 784);
    var bImg = torch.zeros_like(xImg);
    var bVec = torch.zeros_like(xVec);

    Console.WriteLine();
    Console.WriteLine($"Attribution benchmark: batch = {batch}, n_steps = {nSteps}, target = {target}, zero baseline, threads = {threads}");
    Console.WriteLine("completeness: err_i = |sum over neurons/features of attr_i - (F(x_i)-F(0))_target|; rel = err_i/|F(x_i)-F(0)|;");
    Console.WriteLine("              'rel@500' = max rel err with n_steps=500 on the first 8 inputs (convergence check, untimed)");
    Console.WriteLine($"{"model",-5} {"method",-38} {"ms/batch",9} {"ms/input",9} {"min ms/in",9} {"max|Δ|",9} {"min|Δ|",9} {"max err",9} {"max rel",9} {"rel@500",9}");

    foreach (var (name, model, x, b, layerDesc) in new (string, IAttrModel, Tensor, Tensor, string)[]
             { ("CNN", cnn, xImg, bImg, "conv1 out 8x26x26"), ("MLP", mlp, xVec, bVec, "fc1 out 256") })
    {
        // completeness reference F(x) - F(b) for the target class (not timed)
        Tensor delta;
        using (torch.no_grad())
            delta = (model.Head(model.Layer(x)) - model.Head(model.Layer(b))).select(1, target);

        // forward only (context)
        var (fwdMed, fwdMin) = Time(() => { using (torch.no_grad()) model.Head(model.Layer(x)); });
        Report(name, "forward only, no grad (context)", fwdMed, fwdMin, null, null, null);

        // (a)/(c) LayerConductance
        var (cMed, cMin) = Time(() => LayerConductance(model, x, b, target, nSteps));
        var cSum = LayerConductance(model, x, b, target, nSteps).reshape(batch, -1).sum(1); // same computation, untimed
        var cSum500 = LayerConductance(model, x.narrow(0, 0, 8), b.narrow(0, 0, 8), target, 500).reshape(8, -1).sum(1);
        Report(name, $"LayerConductance [{layerDesc}] trapz", cMed, cMin, cSum, delta, cSum500);

        // (b)/(c) IntegratedGradients w.r.t. input
        var (iMed, iMin) = Time(() => IntegratedGradients(model, x, b, target, nSteps));
        var iSum = IntegratedGradients(model, x, b, target, nSteps).reshape(batch, -1).sum(1);
        var iSum500 = IntegratedGradients(model, x.narrow(0, 0, 8), b.narrow(0, 0, 8), target, 500).reshape(8, -1).sum(1);
        Report(name, $"IntegratedGradients [input {string.Join("x", x.shape.Skip(1))}] right", iMed, iMin, iSum, delta, iSum500);
    }
}

// The works of the comparison, on FashionCnn (padded) and the MLP; timed like RunAttribution (warm-up, median).
void RunCompare()
{
    string check = GradCheck();
    torch.manual_seed(0);
    var cnn = new Cnn(); cnn.eval();
    var mlp = new Mlp(); mlp.eval();
    var gen = new Generator(1234);
    var xImg = torch.rand(new long[] { batch, 1, 28, 28 }, generator: gen);
    var xVec = xImg.reshape(batch, 784);
    var bImg = torch.zeros_like(xImg);
    var bVec = torch.zeros_like(xVec);
    if (dumpDir is not null)
    {
        Directory.CreateDirectory(dumpDir);
        Safetensors.Save(Path.Combine(dumpDir, "cnn.safetensors"), cnn);
        Safetensors.Save(Path.Combine(dumpDir, "mlp.safetensors"), mlp);
        Safetensors.WriteRaw(Path.Combine(dumpDir, "inputs.f32"), xImg);
    }

    Console.WriteLine();
    Console.WriteLine($"Comparison works: FashionCnn (padding 1) and MLP 784-256-128-10, batch = {batch}, n_steps = {nSteps}, target = {target}, zero baseline, threads = {threads}, median of {reps}");
    var lines = new List<string>();
    foreach (var (work, model, x, b, ig) in new (string, IAttrModel, Tensor, Tensor, bool)[]
             {
                 ("cnn-ig", new CnnCut(cnn, deep: false), xImg, bImg, true),
                 ("cnn-lc-conv1", new CnnCut(cnn, deep: false), xImg, bImg, false),
                 ("cnn-lc-conv2", new CnnCut(cnn, deep: true), xImg, bImg, false),
                 ("mlp-ig", mlp, xVec, bVec, true),
                 ("mlp-lc-fc1", mlp, xVec, bVec, false),
             })
    {
        Func<Tensor> body = ig ? () => IntegratedGradients(model, x, b, target, nSteps) : () => LayerConductance(model, x, b, target, nSteps);
        var (med, min) = Time(() => body());
        int rows = ig ? nSteps : nSteps + 1;
        Console.WriteLine($"{work,-14} {med / batch,9:F4} ms/input (min {min / batch:F4}), {rows} model rows per input");
        lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PEER\t{work}\t{med / batch:R}\t{min / batch:R}\t{rows}"));
        if (dumpDir is not null)
        {
            using var scope = torch.NewDisposeScope();
            Safetensors.WriteRaw(Path.Combine(dumpDir, work + ".f32"), body());
        }
    }

    lines.Add(RunEncoderBlock());
    foreach (var line in lines) Console.WriteLine(line);
    Console.WriteLine(check);
}

// A pre-LN transformer encoder block, x + attn(ln1(x)); a + mlp(ln2(a)) with MLP 128 -> 512 -> 128 and exact GELU, at
// batch 64, sequence 64, width 128, 4 heads: forward + backward (the input gradient and every parameter gradient)
// of sum(y * seed), as one training step computes them. --dump writes its weights (Axon's parameter names), input,
// seed, and the untimed output and input gradient (encoder-*.f32).
string RunEncoderBlock()
{
    const int length = 64, width = 128, heads = 4;
    torch.manual_seed(0);
    var block = new EncoderBlock(width, heads); block.eval();
    var gen = new Generator(4321);
    var x = torch.randn(new long[] { batch, length, width }, generator: gen);
    var seed = torch.randn(new long[] { batch, length, width }, generator: gen);
    var parameters = block.parameters().ToArray();
    Tensor[] Step()
    {
        var input = x.detach().requires_grad_();
        var y = block.forward(input);
        var grads = torch.autograd.grad(new[] { (y * seed).sum() }, new[] { input }.Concat(parameters).ToArray());
        return new[] { y }.Concat(grads).ToArray();
    }

    var (med, min) = Time(() => Step());
    Console.WriteLine($"{"encoder-fb",-14} {med / batch,9:F4} ms/sequence (min {min / batch:F4}); {med,8:F2} ms per batch of {batch} x {length} x {width}, {heads} heads");
    if (dumpDir is not null)
    {
        using var scope = torch.NewDisposeScope();
        Safetensors.Save(Path.Combine(dumpDir, "encoder.safetensors"), block);
        Safetensors.WriteRaw(Path.Combine(dumpDir, "encoder-x.f32"), x);
        Safetensors.WriteRaw(Path.Combine(dumpDir, "encoder-seed.f32"), seed);
        var result = Step();
        Safetensors.WriteRaw(Path.Combine(dumpDir, "encoder-y.f32"), result[0]);
        Safetensors.WriteRaw(Path.Combine(dumpDir, "encoder-dx.f32"), result[1]);
    }

    return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PEER\tencoder-fb\t{med / batch:R}\t{min / batch:R}\t1");
}

// conv1 is affine, so dF/dx . (x-0) must equal dF/dh . (h(x)-h(0)) exactly (up to fp rounding).
// On this Zen5 VM, libtorch 2.10 / oneDNN 3.7.1 "jit:avx512_core backward_data" for the ic=1 conv breaks this
// (wrong input gradients); DNNL_MAX_CPU_ISA=AVX2 fixes it. Print which case we are in.
string GradCheck()
{
    if (Cnn.Deep) { Console.WriteLine("conv input-gradient self-check skipped (--deep: the attributed layer is not affine in x)"); return "PEERCHECK\tSKIPPED\tNaN"; }
    torch.manual_seed(0);
    var cnn = new Cnn(); cnn.eval();
    var x = torch.rand(new long[] { 16, 1, 28, 28 }, generator: new Generator(99));
    var xs = (0.5f * x).detach().requires_grad_();
    var h = cnn.Layer(xs);
    var gs = torch.autograd.grad(new[] { cnn.Head(h).select(1, target).sum() }, new[] { xs, h });
    Tensor viaInput, viaLayer;
    using (torch.no_grad())
    {
        viaInput = (gs[0] * x).reshape(16, -1).sum(1);
        viaLayer = (gs[1] * (cnn.Layer(x) - cnn.Layer(torch.zeros_like(x)))).reshape(16, -1).sum(1);
    }
    float rel = ((viaInput - viaLayer).abs().max() / viaLayer.abs().max()).item<float>();
    string isa = Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") ?? Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? "(default)";
    Console.WriteLine($"conv input-gradient self-check (DNNL_MAX_CPU_ISA={isa}): max rel diff {rel:E2} -> {(rel < 1e-4 ? "OK" : "WRONG (CNN IG results invalid; use DNNL_MAX_CPU_ISA=AVX2)")}");
    return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PEERCHECK\t{(rel < 1e-4 ? "OK" : "WRONG")}\t{rel:E2}");
}

// completeness error vs n_steps on the first 8 inputs (untimed): should shrink roughly like 1/n_steps
void RunConvergence()
{
    torch.manual_seed(0);
    var cnn = new Cnn(); cnn.eval();
    var mlp = new Mlp(); mlp.eval();
    var gen = new Generator(1234);
    var xImg = torch.rand(new long[] { batch, 1, 28, 28 }, generator: gen).narrow(0, 0, 8);
    var xVec = xImg.reshape(8, 784);
    Console.WriteLine("\nconvergence (first 8 inputs): max_i |sum attr_i - dF_i| / |dF_i|");
    foreach (var (name, model, x) in new (string, IAttrModel, Tensor)[] { ("CNN", cnn, xImg), ("MLP", mlp, xVec) })
    {
        var b = torch.zeros_like(x);
        Tensor delta;
        using (torch.no_grad()) delta = (model.Head(model.Layer(x)) - model.Head(model.Layer(b))).select(1, target);
        Console.WriteLine($"{name}: |dF| = [{string.Join(", ", delta.data<float>().ToArray().Select(v => v.ToString("E2")))}]");
        foreach (int ns in new[] { 10, 50, 200, 1000 })
        {
            using var scope = torch.NewDisposeScope();
            var c = LayerConductance(model, x, b, target, ns).reshape(8, -1).sum(1);
            var g = IntegratedGradients(model, x, b, target, ns).reshape(8, -1).sum(1);
            float rc = ((c - delta).abs() / delta.abs()).max().item<float>();
            float rg = ((g - delta).abs() / delta.abs()).max().item<float>();
            Console.WriteLine($"  n_steps={ns,5}: LayerConductance {rc:E2}   IG {rg:E2}");
        }
    }
}

void Report(string model, string method, double medMs, double minMs, Tensor sums, Tensor delta, Tensor sums500)
{
    string dMax = "", dMin = "", errAbs = "", errRel = "", errRel500 = "";
    if (sums is not null)
    {
        var err = (sums - delta).abs();
        dMax = delta.abs().max().item<float>().ToString("E2");
        dMin = delta.abs().min().item<float>().ToString("E2");
        errAbs = err.max().item<float>().ToString("E3");
        errRel = (err / delta.abs().clamp_min(1e-12)).max().item<float>().ToString("E2");
        var d8 = delta.narrow(0, 0, 8);
        errRel500 = ((sums500 - d8).abs() / d8.abs().clamp_min(1e-12)).max().item<float>().ToString("E2");
    }
    Console.WriteLine($"{model,-5} {method,-38} {medMs,9:F2} {medMs / batch,9:F4} {minMs / batch,9:F4} {dMax,9} {dMin,9} {errAbs,9} {errRel,9} {errRel500,9}");
}

(double median, double min) Time(Action body)
{
    var warmClock = Stopwatch.StartNew();
    for (int i = 0; i < warm || warmClock.Elapsed.TotalSeconds < warmSeconds; i++) { using var s = torch.NewDisposeScope(); body(); }
    var t = new double[reps];
    for (int i = 0; i < reps; i++)
    {
        using var s = torch.NewDisposeScope();
        var sw = Stopwatch.StartNew();
        body();
        t[i] = sw.Elapsed.TotalMilliseconds;
    }
    Array.Sort(t);
    return (t[reps / 2], t[0]);
}

// Captum LayerConductance, method="riemann_trapezoid": alphas = linspace(0, 1, n_steps + 1)
static Tensor LayerConductance(IAttrModel m, Tensor x, Tensor b, int target, int nSteps)
{
    long n = x.shape[0];
    var alphas = Enumerable.Range(0, nSteps + 1).Select(k => (double)k / nSteps).ToArray();
    var scaled = torch.cat(alphas.Select(a => b + a * (x - b)).ToArray(), 0).requires_grad_();
    var layer = m.Layer(scaled);                               // what Captum's forward hook captures
    var outT = m.Head(layer).select(1, target);                // output[:, target]
    var grad = torch.autograd.grad(new[] { outT.sum() }, new[] { layer })[0]; // == grad(unbind(outT), layer)
    var ev = layer.detach();
    var gradDiffs = ev.narrow(0, n, nSteps * n) - ev.narrow(0, 0, nSteps * n); // layer_eval[N:] - layer_eval[:-N]
    var prod = gradDiffs * grad.narrow(0, 0, nSteps * n);                      // * layer_gradient[:-N]
    var shape = new long[] { nSteps, n }.Concat(layer.shape.Skip(1)).ToArray();
    return prod.reshape(shape).sum(dim: 0L); // NB: .sum(0) would bind to sum(ScalarType?) (literal 0 -> enum)                          // _reshape_and_sum
}

// Captum IntegratedGradients, method="riemann_right": alphas = linspace(1/n, 1, n), step sizes 1/n
static Tensor IntegratedGradients(IAttrModel m, Tensor x, Tensor b, int target, int nSteps)
{
    long n = x.shape[0];
    var alphas = Enumerable.Range(1, nSteps).Select(k => (double)k / nSteps).ToArray();
    var steps = torch.full(new long[] { nSteps, 1 }, 1.0f / nSteps, dtype: ScalarType.Float32);
    var scaled = torch.cat(alphas.Select(a => b + a * (x - b)).ToArray(), 0).requires_grad_();
    var outT = m.Head(m.Layer(scaled)).select(1, target);
    var grads = torch.autograd.grad(new[] { outT.sum() }, new[] { scaled })[0];
    var scaledGrads = grads.contiguous().view(nSteps, -1) * steps;
    var total = scaledGrads.reshape(new long[] { nSteps, n }.Concat(x.shape.Skip(1)).ToArray()).sum(dim: 0L); // NB: .sum(0) would bind to sum(ScalarType?) (literal 0 -> enum)
    return total * (x - b);
}

void RunGemm()
{
    Console.WriteLine();
    Console.WriteLine("SGEMM via torch.mm (libtorch CPU, MKL), FP32, C = A*B, square n x n; GFLOP/s = 2n^3/t");
    Console.WriteLine($"{"n",6} {"threads",8} {"median GF/s",12} {"best GF/s",10} {"ms/call",9}");
    torch.manual_seed(0);
    foreach (int nt in new[] { 1, 2 })
    {
        torch.set_num_threads(nt);
        foreach (int n in new[] { 256, 512, 1024, 2048 })
        {
            using var scope = torch.NewDisposeScope();
            var a = torch.randn(n, n); var bm = torch.randn(n, n);
            var c = torch.empty(n, n);
            double flop = 2.0 * n * n * n;
            // calls per timed sample so that a sample lasts ~100+ ms
            int inner = Math.Max(1, (int)(0.15e9 * nt * 100 / flop * 1.0)); // assume ~150 GF/s/thread upper bound
            for (int i = 0; i < 3; i++) torch.mm(a, bm);
            var g = new double[Math.Max(reps, 5)];
            for (int r = 0; r < g.Length; r++)
            {
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < inner; i++) { using var t = torch.mm(a, bm); }
                g[r] = flop * inner / sw.Elapsed.TotalSeconds / 1e9;
            }
            Array.Sort(g);
            double med = g[g.Length / 2];
            Console.WriteLine($"{n,6} {nt,8} {med,12:F1} {g[^1],10:F1} {flop / med / 1e6,9:F3}");
        }
    }
    torch.set_num_threads(threads);
}

interface IAttrModel
{
    Tensor Layer(Tensor x);  // the attributed layer's output
    Tensor Head(Tensor h);   // rest of the network, layer output -> logits
}

sealed class Cnn : nn.Module<Tensor, Tensor>, IAttrModel
{
    private readonly Conv2d conv1, conv2;
    private readonly Linear fc1, fc2;
    public static bool Padded;
    public Cnn() : base("cnn")
    {
        conv1 = Padded ? nn.Conv2d(1, 8, 3, padding: 1) : nn.Conv2d(1, 8, 3);     // 28 -> 28 | 26
        conv2 = Padded ? nn.Conv2d(8, 16, 3, padding: 1) : nn.Conv2d(8, 16, 3);   // 14 -> 14 | 13 -> 11
        fc1 = nn.Linear(Padded ? 16 * 7 * 7 : 16 * 5 * 5, 64);
        fc2 = nn.Linear(64, 10);
        RegisterComponents();
    }
    public static bool Deep;
    public Tensor Layer(Tensor x) => LayerAt(x, Deep);
    public Tensor Head(Tensor h) => HeadAt(h, Deep);
    public Tensor LayerAt(Tensor x, bool deep) => deep ? conv2.forward(F.max_pool2d(F.relu(conv1.forward(x)), 2)) : conv1.forward(x);
    public Tensor HeadAt(Tensor h, bool deep)
    {
        var y = deep ? F.max_pool2d(F.relu(h), 2)                                        // 16x7x7 | 16x5x5
                     : F.max_pool2d(F.relu(conv2.forward(F.max_pool2d(F.relu(h), 2))), 2);
        y = F.relu(fc1.forward(y.flatten(1)));
        return fc2.forward(y);
    }
    public override Tensor forward(Tensor x) => Head(Layer(x));
}

sealed class Mlp : nn.Module<Tensor, Tensor>, IAttrModel
{
    private readonly Linear fc1, fc2, fc3;
    public Mlp() : base("mlp")
    {
        fc1 = nn.Linear(784, 256); fc2 = nn.Linear(256, 128); fc3 = nn.Linear(128, 10);
        RegisterComponents();
    }
    public Tensor Layer(Tensor x) => fc1.forward(x);
    public Tensor Head(Tensor h) => fc3.forward(F.relu(fc2.forward(F.relu(h))));
    public override Tensor forward(Tensor x) => Head(Layer(x));
}

// x + attn(ln1(x)); a + down(gelu(up(ln2(a)))), the parameters named as Axon's EncoderBlock names them.
sealed class EncoderBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm ln1, ln2;
    private readonly SelfAttention attn;
    private readonly Linear up, down;
    public EncoderBlock(int width, int heads) : base("encoder")
    {
        ln1 = nn.LayerNorm(width);
        attn = new SelfAttention(width, heads);
        ln2 = nn.LayerNorm(width);
        up = nn.Linear(width, 4 * width);
        down = nn.Linear(4 * width, width);
        RegisterComponents();
    }
    public override Tensor forward(Tensor x)
    {
        var a = x + attn.forward(ln1.forward(x));
        return a + down.forward(F.gelu(up.forward(ln2.forward(a))));
    }
}

// nn.MultiheadAttention's self-attention (batch first, no mask) written with matmul: in_proj_weight [3E, E],
// in_proj_bias, out_proj; softmax(q k^T / sqrt(d)) v per head.
sealed class SelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Parameter in_proj_weight, in_proj_bias;
    private readonly Linear out_proj;
    private readonly int heads;
    public SelfAttention(int width, int heads) : base("attn")
    {
        this.heads = heads;
        in_proj_weight = nn.Parameter(torch.empty(3 * width, width));
        in_proj_bias = nn.Parameter(torch.zeros(3 * width));
        nn.init.xavier_uniform_(in_proj_weight);
        out_proj = nn.Linear(width, width);
        RegisterComponents();
    }
    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], l = x.shape[1], e = x.shape[2], d = e / heads;
        var qkv = F.linear(x, in_proj_weight, in_proj_bias).view(b, l, 3, heads, d).permute(2, 0, 3, 1, 4); // [3, B, H, L, d]
        var q = qkv[0]; var k = qkv[1]; var v = qkv[2];
        var weights = torch.matmul(q, k.transpose(-2, -1)).mul(1.0 / Math.Sqrt(d)).softmax(-1);
        var o = torch.matmul(weights, v).transpose(1, 2).reshape(b, l, e);
        return out_proj.forward(o);
    }
}

// One network cut at conv1's output (deep: false) or conv2's output (deep: true), both in one process.
sealed class CnnCut(Cnn net, bool deep) : IAttrModel
{
    public Tensor Layer(Tensor x) => net.LayerAt(x, deep);
    public Tensor Head(Tensor h) => net.HeadAt(h, deep);
}

// safetensors (an 8-byte little-endian header length, a JSON header, the raw data) and raw float32 files.
static class Safetensors
{
    public static void Save(string path, nn.Module module)
    {
        var tensors = module.named_parameters().Select(p => (p.name, p.parameter.shape, Data: p.parameter.detach().contiguous().data<float>().ToArray())).ToList();
        var header = new System.Text.StringBuilder("{");
        long offset = 0;
        foreach (var (name, shape, data) in tensors)
        {
            if (header.Length > 1) header.Append(',');
            header.Append($"\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + 4L * data.Length}]}}");
            offset += 4L * data.Length;
        }

        header.Append('}');
        while (header.Length % 8 != 0) header.Append(' ');
        using var file = new BinaryWriter(File.Create(path));
        file.Write((ulong)header.Length);
        file.Write(System.Text.Encoding.ASCII.GetBytes(header.ToString()));
        foreach (var (_, _, data) in tensors) file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
    }

    public static void WriteRaw(string path, Tensor t) =>
        File.WriteAllBytes(path, System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.detach().contiguous().data<float>().ToArray().AsSpan()).ToArray());
}
