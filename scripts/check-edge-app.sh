#!/usr/bin/env bash
# Publishes samples/EdgeApp with NativeAOT — it must publish with zero warnings — then runs the native binary,
# with an empty environment (no .NET on its path), on the shipped images and on broken ones, and checks what it
# prints and its exit codes. Everything it makes goes to a temporary folder that is removed on exit (the build's
# own bin/ and obj/ folders, which git ignores, aside).
# Needs: the .NET SDK, a C toolchain for the native link (gcc or clang, with libc6-dev and binutils).
# Usage: scripts/check-edge-app.sh
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checks=0
fail() { echo "check-edge-app: FAILED: $*" >&2; exit 1; }
pass() { checks=$((checks + 1)); echo "  ok: $*"; }

echo "check-edge-app: dotnet publish samples/EdgeApp -c Release -r linux-x64 (NativeAOT)"
start=$(date +%s)
if ! dotnet publish samples/EdgeApp -c Release -r linux-x64 -o "$work/publish" -tl:off -clp:Summary >"$work/publish.log" 2>&1; then
  cat "$work/publish.log" >&2
  fail "the publish failed"
fi
warnings=$(grep -E ' warning [A-Z]+[0-9]+' "$work/publish.log" | sort -u || true)
if [[ -n $warnings ]]; then
  echo "$warnings" >&2
  fail "the publish printed $(echo "$warnings" | wc -l) warning(s); it must print none"
fi
bin=$work/publish/axon-edge
[[ -x $bin ]] || fail "no native binary at $bin"
pass "published with 0 warnings in $(($(date +%s) - start)) s; native binary $(stat -c %s "$bin") bytes"

# The GPU backend (Axon.Gpu, ILGPU) needs dynamic code: a NativeAOT app must not carry any of it.
gpu_files=$(find "$work/publish" -iname '*ilgpu*' -o -iname 'Axon.Gpu*' | sort)
[[ -z $gpu_files ]] || fail "the publish output contains GPU assemblies: $gpu_files"
if grep -aqiE 'ILGPU|Axon\.Gpu' "$bin"; then fail "the native binary references ILGPU or Axon.Gpu"; fi
pass "no ILGPU or Axon.Gpu in the publish output or the binary"

# The binary runs with no .NET installation in its environment.
run() { env -i PATH=/usr/bin:/bin "$bin" "$@"; }

# expect_prediction IMAGE CLASS: exit code 0, the class, three filters, two completeness deltas under 5 % of F(x) - F(0).
expect_prediction() {
  local image=$1 class=$2 out
  out=$(run "$image" 2>&1) || { echo "$out" >&2; fail "$image: exit code $?"; }
  grep -q "^prediction: $class (" <<<"$out" || { echo "$out" >&2; fail "$image: expected the prediction '$class'"; }
  [[ $(grep -cE '^  [123]\. filter +[0-9]+  [+-][0-9]' <<<"$out") -eq 3 ]] || { echo "$out" >&2; fail "$image: expected three conv2 filters"; }
  grep -qE '^top input region by IG .*: patch \([0-6], [0-6]\) = rows [0-9]+-[0-9]+, columns [0-9]+-[0-9]+: IG [+-][0-9.]+$' <<<"$out" ||
    { echo "$out" >&2; fail "$image: expected the top IG patch"; }
  awk '/completeness delta/ {
         n++; change = $0; sub(/.*F\(x\) - F\(0\) = /, "", change); sub(/;.*/, "", change)
         delta = $0; sub(/.*completeness delta /, "", delta)
         change += 0; delta += 0
         if (change + 0 == 0 || (delta < 0 ? -delta : delta) > 0.05 * (change < 0 ? -change : change)) bad = 1
       }
       END { exit (n == 2 && !bad) ? 0 : 1 }' <<<"$out" || { echo "$out" >&2; fail "$image: completeness deltas missing or above 5 % of F(x) - F(0)"; }
  pass "$image: $(grep '^prediction:' <<<"$out"), $(grep -o 'IG [+-][0-9.]*$' <<<"$out" | head -1) in the top patch; $(grep -o '= [0-9.]* ms' <<<"$out" | tail -1 | cut -c3-) per attribution"
}

# expect_error FILE CODE TEXT: that exit code and one line on stderr naming the file and the problem.
expect_error() {
  local file=$1 code=$2 text=$3 err rc=0
  run "$file" >/dev/null 2>"$work/stderr" || rc=$?
  err=$(cat "$work/stderr")
  [[ $rc -eq $code ]] || fail "$file: exit code $rc, expected $code ($err)"
  [[ $(wc -l <"$work/stderr") -eq 1 ]] || fail "$file: expected one line on stderr, got: $err"
  grep -qF "'$file'" <<<"$err" && grep -qF "$text" <<<"$err" || fail "$file: the message should name the file and say '$text': $err"
  pass "$file: exit $rc, $err"
}

# The command line (System.CommandLine, trimmed and compiled ahead of time with the rest): help, and one line for a mistake.
help=$(run --help) || fail "--help: exit code $?"
grep -q -- '--repeat' <<<"$help" && grep -q -- '--export' <<<"$help" || { echo "$help" >&2; fail "--help does not list the options"; }
pass "--help lists the options"
rc=0
run samples/EdgeApp/images/09-ankle-boot.pgm --repeat 0 >/dev/null 2>"$work/stderr" || rc=$?
[[ $rc -eq 2 && $(wc -l <"$work/stderr") -eq 1 ]] && grep -qF -- "--repeat" "$work/stderr" ||
  fail "a bad --repeat: exit code $rc (expected 2) and one line on stderr expected, got: $(cat "$work/stderr")"
pass "a bad argument: exit 2, $(cat "$work/stderr")"

expect_prediction samples/EdgeApp/images/09-ankle-boot.pgm "Ankle boot"
expect_prediction samples/EdgeApp/images/01-trouser.pgm "Trouser"
tail -c 784 samples/EdgeApp/images/09-ankle-boot.pgm >"$work/ankle-boot.raw"
expect_prediction "$work/ankle-boot.raw" "Ankle boot"

expect_error "$work/missing.pgm" 3 "no such file"
head -c 300 samples/EdgeApp/images/09-ankle-boot.pgm >"$work/truncated.pgm"
expect_error "$work/truncated.pgm" 4 "truncated data"
printf 'P5\n32 32\n255\n' >"$work/wide.pgm" && head -c 1024 /dev/zero >>"$work/wide.pgm"
expect_error "$work/wide.pgm" 4 "wrong dimensions 32×32"
printf 'P6\n28 28\n255\n' >"$work/colour.pgm"
expect_error "$work/colour.pgm" 4 "bad magic number"
printf 'P2\n28 28\n1023\n' >"$work/deep.pgm"
expect_error "$work/deep.pgm" 4 "bad maxval 1023"
head -c 700 /dev/zero >"$work/short.raw"
expect_error "$work/short.raw" 4 "truncated"
# An endless file is rejected after the most a valid image file can hold, not read until the memory runs out.
expect_error /dev/zero 4 "too long"

# The text mode: the sample transformer (weights embedded in the TextModel assembly) and its per-token layer IG.
out=$(run --text the movie was very good 2>&1) || { echo "$out" >&2; fail "--text: exit code $?"; }
grep -q '^prediction: class 1 ' <<<"$out" && [[ $(grep -cE '^ +[0-9]+ [a-z]+ +[+-][0-9]+\.[0-9]{6}$' <<<"$out") -eq 5 ]] ||
  { echo "$out" >&2; fail "--text: expected class 1 and five per-token scores"; }
pass "--text: $(grep '^prediction:' <<<"$out"), very $(grep -E '^ +3 very' <<<"$out" | awk '{print $3}'), good $(grep -E '^ +4 good' <<<"$out" | awk '{print $3}')"

echo "check-edge-app: all $checks checks passed"
