#!/usr/bin/env bash
# The GPU check: publishes benchmarks/Gpu.Check as one self-contained file (the GPU machine has no .NET) into
# artifacts/gpu-check/ with the Fashion-MNIST test files beside it, then — where nvidia-smi shows an NVIDIA GPU — runs
# it: GPU-vs-CPU comparisons of every node and method (exit 1 on a mismatch), then layer conductance and IG over the
# test set (images/s, GFLOP/s, share of FP32 peak). Without a GPU it publishes and says it skipped the run.
# Usage: scripts/check-gpu.sh [--no-publish] [options for axon-gpu-check, e.g. --limit 1000]
#   --no-publish  run what artifacts/gpu-check already holds (on the GPU machine, which cannot build)
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/gpu-check
publish=1
if [[ ${1:-} == --no-publish ]]; then publish=0; shift; fi

if [[ $publish -eq 1 ]]; then
  echo "check-gpu: dotnet publish benchmarks/Gpu.Check (self-contained, single file) -> $out"
  rm -rf "$out"
  dotnet publish benchmarks/Gpu.Check -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
    -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -o "$out" -tl:off -nologo >/dev/null
  data=/usr/share/datasets/fashion-mnist
  mkdir -p "$out/data"
  if ls "$data"/t10k-*-ubyte.gz >/dev/null 2>&1; then cp "$data"/t10k-*-ubyte.gz "$out/data/"; else echo "check-gpu: no Fashion-MNIST under $data: the speed part will be skipped"; fi
  echo "check-gpu: published $(du -sh "$out" | cut -f1) into $out"
fi

[[ -x $out/axon-gpu-check ]] || { echo "check-gpu: FAILED: no $out/axon-gpu-check (publish first)" >&2; exit 1; }
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  nvidia-smi -L
  "$out/axon-gpu-check" --device cuda --data "$out/data" "$@"
else
  echo "check-gpu: skipped the run: no NVIDIA GPU here (nvidia-smi shows none). On a GPU machine: scripts/check-gpu.sh --no-publish"
fi
