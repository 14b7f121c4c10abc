# The PyTorch export that gives the graph of tiny_mlp.onnx (Gemm → Relu → Gemm, parameters named fc1.*, fc2.*).
# The checked-in file itself is written by tests/Generator.Tests/Onnx/OnnxSampleFileTests.cs with seeded weights,
# so that it is reproducible without PyTorch; run this to import a model of your own the same way.
import torch
from torch import nn


class TinyMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


model = TinyMlp().eval()
torch.onnx.export(
    model,
    torch.zeros(1, 6),                      # an example input: fixes every dimension but the batch
    "tiny_mlp.onnx",
    input_names=["x"],
    output_names=["y"],
    dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
    do_constant_folding=True,               # folds shape computations into constants
    opset_version=17,
    dynamo=False,                           # the TorchScript exporter, which keeps the module names on nodes
)
