#!/usr/bin/env bash
# Axon against libtorch on the same attribution work, from one run on this machine (docs/benchmarks.md, "Against
# libtorch"). Builds the libtorch program (benchmarks/Peer.Libtorch: TorchSharp-cpu 0.107.0 with libtorch 2.10,
# about 600 MB restored into the NuGet cache, build output under /tmp/peer/artifacts, and the one-byte patch of its
# app-local libLibTorchSharp.so, see benchmarks/Peer.Libtorch/patch-libtorchsharp.sh) and benchmarks/Peer.Compare,
# then runs the comparison: it prints the libtorch program's output, then one markdown table with both sides, the
# speed-ups, Axon's default rule beside, the date and the machine's load; then a second table: a pre-LN transformer
# encoder block's forward + backward (batch 64, sequence 64, width 128, 4 heads) on both sides, with the ratio and
# how far Axon's output and input gradient are from libtorch's. A few minutes on 2 cores. Measure on a
# quiet machine: the load average is printed with the table. Not part of CI or of Generator.sln's tests.
#
# Usage: scripts/bench-vs-libtorch.sh [--no-build] [--axon-only] [Peer.Compare options: --reps N --rounds N --warm-seconds S --untuned --dump DIR]
#   --rounds N   N libtorch/Axon pairs of the same-rule works, each round's speed-ups and their median (the VM's timing drifts)
#   --no-build   run what was built last time
#   --axon-only  Axon's side only (no libtorch: nothing to restore), on Axon's own random weights
# Environment: THREADS (default 2: libtorch's threads and Axon's DOTNET_PROCESSOR_COUNT), DNNL_MAX_CPU_ISA (default
# AVX2, which libtorch needs here for right convolution gradients; DEFAULT = oneDNN's own choice), PEER_ARTIFACTS
# (default /tmp/peer/artifacts/peer-libtorch).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-2}
artifacts=${PEER_ARTIFACTS:-/tmp/peer/artifacts/peer-libtorch}
build=1 peer=1
args=()
for a in "$@"; do
  case $a in
    --no-build) build=0 ;;
    --axon-only) peer=0 ;;
    *) args+=("$a") ;;
  esac
done

if [[ $build -eq 1 ]]; then
  if [[ $peer -eq 1 ]]; then
    echo "bench-vs-libtorch: building benchmarks/Peer.Libtorch (TorchSharp-cpu 0.107.0) into $artifacts"
    dotnet build benchmarks/Peer.Libtorch -c Release -p:ArtifactsPath="$artifacts" -nologo -v q -tl:off >/dev/null
  fi
  echo "bench-vs-libtorch: building benchmarks/Peer.Compare"
  dotnet build benchmarks/Peer.Compare -c Release -nologo -v q -tl:off >/dev/null
fi

peer_args=()
if [[ $peer -eq 1 ]]; then
  dll=$artifacts/bin/Peer.Libtorch/release/peer-libtorch.dll
  [[ -f $dll ]] || { echo "bench-vs-libtorch: no $dll (build first)" >&2; exit 1; }
  peer_args=(--peer "$dll")
fi

echo "bench-vs-libtorch: $(date -u '+%Y-%m-%d %H:%M UTC'); uptime: $(uptime)"
DOTNET_PROCESSOR_COUNT=$threads dotnet benchmarks/Peer.Compare/bin/Release/net10.0/Axon.Peer.Compare.dll \
  "${peer_args[@]}" --threads "$threads" "${args[@]}"
