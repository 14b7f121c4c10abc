// Axon's main job: load the shipped Fashion-MNIST CNN, explain its predictions with Integrated Gradients, filter
// conductance, ablation and patch IG, print a summary per image and write a self-contained HTML report.
// `--help` lists the options (MainJobCommand); MainJob does the work.
using Axon.Samples.Fashion;

return MainJobCommand.Run(args, Console.Out, Console.Error);
