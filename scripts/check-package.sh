#!/usr/bin/env bash
# Packs Axon.Runtime into a temporary folder feed, checks the package's layout and metadata, then creates a fresh
# console project from tests/Packaging/Consumer that takes Axon from that feed with ONE PackageReference (no
# ProjectReference), restores it into an empty package cache (so no stale copy of the package can be used),
# builds it — the generator inside the package must write the model's code — runs it and checks its output.
# Everything it makes goes to a temporary folder that is removed on exit (the build's own bin/ and obj/ folders
# under src/, which git ignores, aside).
# Usage: scripts/check-package.sh
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check-package: FAILED: $*" >&2; exit 1; }
pass() { echo "  ok: $*"; }

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/Runtime/Axon.Runtime.csproj | head -1)
[[ -n $version ]] || fail "no <Version> in src/Runtime/Axon.Runtime.csproj"
feed=$work/feed
mkdir -p "$feed"

echo "check-package: dotnet pack src/Runtime -c Release (Axon.Runtime $version)"
if ! dotnet pack src/Runtime/Axon.Runtime.csproj -c Release -o "$feed" -tl:off -nologo >"$work/pack.log" 2>&1; then
  cat "$work/pack.log" >&2
  fail "dotnet pack failed"
fi
warnings=$(grep -E ' warning [A-Z]+[0-9]+' "$work/pack.log" | sort -u || true)
[[ -z $warnings ]] || { echo "$warnings" >&2; fail "dotnet pack printed warnings"; }
package=$feed/Axon.Runtime.$version.nupkg
[[ -f $package ]] || fail "no $package (the feed holds: $(ls "$feed"))"
pass "packed $(basename "$package") ($(stat -c %s "$package") bytes), no warnings"

# Layout: the runtime and the attributes as libraries with their XML documentation (IntelliSense), the generator as
# a C# analyzer, the README and the diagnostics' pages.
unzip -l "$package" >"$work/layout.txt"
for entry in lib/net10.0/Axon.Runtime.dll lib/net10.0/Axon.Attributes.dll lib/net10.0/Axon.Runtime.xml lib/net10.0/Axon.Attributes.xml analyzers/dotnet/cs/Axon.Generator.dll README.md docs/diagnostics.md Axon.Runtime.nuspec; do
  grep -qE " $entry\$" "$work/layout.txt" || { cat "$work/layout.txt" >&2; fail "the package has no $entry"; }
done
if grep -qE ' (lib|analyzers)/.*(Microsoft\.CodeAnalysis|Axon\.Benchmarks|axon-edge)' "$work/layout.txt"; then
  cat "$work/layout.txt" >&2
  fail "the package carries assemblies it must not (Roslyn, samples or benchmarks)"
fi
# The runtime is general: the samples' data-set loader (class names, a Debian path) and report stay with the samples.
unzip -p "$package" lib/net10.0/Axon.Runtime.dll >"$work/Axon.Runtime.dll"
if grep -qaE 'FashionMnist|HtmlReport' "$work/Axon.Runtime.dll"; then
  fail "Axon.Runtime.dll carries sample code (FashionMnist or HtmlReport); it belongs under samples/"
fi
pass "layout: $(awk '$4 ~ /\.dll$/ {print $4}' "$work/layout.txt" | tr '\n' ' ')+ README.md"

# XML documentation (IntelliSense): every type an assembly exposes (public, or nested public or protected in one)
# has its T: entry in the packaged XML file. The build already fails on an undocumented member (CS1591 with
# TreatWarningsAsErrors); this catches a suppression of that warning, or an XML file that does not match the
# assembly. Reads the metadata with System.Reflection.Metadata from an F# script (dotnet fsi ships with the SDK).
cat >"$work/doc-types.fsx" <<'FSX'
open System.IO
open System.Reflection
open System.Reflection.Metadata
open System.Reflection.PortableExecutable
open System.Xml.Linq

let dll, xml = fsi.CommandLineArgs.[1], fsi.CommandLineArgs.[2]
let documented =
    XDocument.Load(xml).Descendants(XName.Get "member")
    |> Seq.map (fun m -> m.Attribute(XName.Get "name").Value)
    |> Set.ofSeq
let pe = new PEReader(File.OpenRead dll)
let md = pe.GetMetadataReader()
// The documentation ID of an exposed type (T:Namespace.Outer.Inner`1), or None when it is not visible outside.
let rec exposedName (h: TypeDefinitionHandle) : string option =
    let t = md.GetTypeDefinition h
    let visibility = t.Attributes &&& TypeAttributes.VisibilityMask
    let name = md.GetString t.Name
    if t.GetDeclaringType().IsNil then
        if visibility = TypeAttributes.Public then
            let ns = md.GetString t.Namespace
            Some(if ns = "" then name else ns + "." + name)
        else None
    elif visibility = TypeAttributes.NestedPublic || visibility = TypeAttributes.NestedFamily || visibility = TypeAttributes.NestedFamORAssem then
        exposedName (t.GetDeclaringType()) |> Option.map (fun outer -> outer + "." + name)
    else None
let exposed = md.TypeDefinitions |> Seq.choose exposedName |> Seq.map (fun n -> "T:" + n) |> Seq.toList
let missing = exposed |> List.filter (fun id -> not (documented.Contains id))
for id in missing do eprintfn "  %s: no documentation for %s" (Path.GetFileName xml) id
printfn "%d public types, %d documented members" exposed.Length documented.Count
exit (if missing.IsEmpty then 0 else 1)
FSX
check_docs() { # package assembly: the assembly's exposed types all have documentation in the package's XML file
  local dir=$work/docs-$(basename "$1" .nupkg)
  mkdir -p "$dir"
  unzip -o -q "$1" "lib/net10.0/$2.dll" "lib/net10.0/$2.xml" -d "$dir" || fail "cannot extract $2.dll and $2.xml from $(basename "$1")"
  local out
  out=$(dotnet fsi --quiet --nologo "$work/doc-types.fsx" "$dir/lib/net10.0/$2.dll" "$dir/lib/net10.0/$2.xml" 2>&1) \
    || { echo "$out" >&2; fail "$2.xml in $(basename "$1") does not document every public type of $2.dll"; }
  pass "XML docs: $2 ($(echo "$out" | grep -m1 "public types"))"
}
check_docs "$package" Axon.Runtime
check_docs "$package" Axon.Attributes

# Metadata: one dependency (System.Numerics.Tensors), none on the projects packed inside.
unzip -p "$package" Axon.Runtime.nuspec >"$work/package.nuspec"
grep -q '<dependency id="System.Numerics.Tensors"' "$work/package.nuspec" || fail "the nuspec does not depend on System.Numerics.Tensors"
if grep -qE '<dependency id="Axon\.' "$work/package.nuspec"; then
  cat "$work/package.nuspec" >&2
  fail "the nuspec depends on an Axon project that the package already contains"
fi
grep -q '<license type="expression">MIT</license>' "$work/package.nuspec" || fail "the nuspec has no MIT license expression"
grep -q '<readme>README.md</readme>' "$work/package.nuspec" || fail "the nuspec names no README"
pass "nuspec: version $version, MIT, README, depends only on $(grep -o '<dependency id="[^"]*" version="[^"]*"' "$work/package.nuspec" | sed 's/<dependency id="\([^"]*\)" version="\([^"]*\)"/\1 \2/' | tr '\n' ' ')"

# The consumer: a fresh project outside the repository that restores Axon.Runtime from the folder feed.
consumer=$work/consumer
mkdir -p "$consumer"
sed "s|@AXON_VERSION@|$version|" tests/Packaging/Consumer/Consumer.csproj.in >"$consumer/Consumer.csproj"
sed "s|@FEED@|$feed|" tests/Packaging/Consumer/NuGet.config.in >"$consumer/NuGet.config"
cp tests/Packaging/Consumer/Program.cs "$consumer/"
# Stop MSBuild's search for Directory.Build.* files at the consumer's folder.
echo '<Project />' >"$consumer/Directory.Build.props"
echo '<Project />' >"$consumer/Directory.Build.targets"

echo "check-package: building a fresh consumer of Axon.Runtime $version from the folder feed"
export NUGET_PACKAGES=$work/packages
if ! (cd "$consumer" && dotnet build -c Release -tl:off -nologo) >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  fail "the consumer does not build against the package"
fi
[[ -f $NUGET_PACKAGES/axon.runtime/$version/analyzers/dotnet/cs/Axon.Generator.dll ]] || fail "the consumer did not restore Axon.Runtime $version from the feed"
pass "consumer restored Axon.Runtime $version from the feed and built (the packaged generator wrote TinyNet)"

if ! (cd "$consumer" && dotnet run -c Release --no-build) >"$work/run.log" 2>&1; then
  cat "$work/run.log" >&2
  fail "the consumer failed"
fi
sed 's/^/    /' "$work/run.log"
grep -q '^package consumer: ok$' "$work/run.log" || fail "the consumer did not report ok"
grep -q '^completeness: .* -> ok$' "$work/run.log" || fail "no completeness check in the consumer's output"
# The GPU package: Axon.Gpu depends on Axon.Runtime (with its analyzer) and ILGPU; a fresh project that references
# only Axon.Gpu gets the generator, which writes the model's CPU code and its GPU kernels.
echo "check-package: dotnet pack src/Gpu -c Release (Axon.Gpu $version)"
if ! dotnet pack src/Gpu/Axon.Gpu.csproj -c Release -o "$feed" -tl:off -nologo >"$work/pack-gpu.log" 2>&1; then
  cat "$work/pack-gpu.log" >&2
  fail "dotnet pack src/Gpu failed"
fi
gpu_package=$feed/Axon.Gpu.$version.nupkg
[[ -f $gpu_package ]] || fail "no $gpu_package"
unzip -l "$gpu_package" | grep -qE ' lib/net10.0/Axon.Gpu.xml$' || fail "Axon.Gpu carries no XML documentation"
check_docs "$gpu_package" Axon.Gpu
unzip -p "$gpu_package" Axon.Gpu.nuspec >"$work/gpu.nuspec"
grep -q '<dependency id="Axon.Runtime" version="'"$version"'"' "$work/gpu.nuspec" || { cat "$work/gpu.nuspec" >&2; fail "Axon.Gpu does not depend on Axon.Runtime $version"; }
grep -q '<dependency id="ILGPU"' "$work/gpu.nuspec" || fail "Axon.Gpu does not depend on ILGPU"
if grep -E '<dependency id="Axon.Runtime"[^>]*exclude="[^"]*Analyzers' "$work/gpu.nuspec"; then fail "Axon.Gpu's dependency on Axon.Runtime excludes the analyzer (the generator)"; fi
pass "packed $(basename "$gpu_package"): depends on Axon.Runtime $version (with the generator) and ILGPU"

gpu_consumer=$work/gpu-consumer
mkdir -p "$gpu_consumer"
sed "s|@AXON_VERSION@|$version|" tests/Packaging/GpuConsumer/GpuConsumer.csproj.in >"$gpu_consumer/GpuConsumer.csproj"
cp "$consumer/NuGet.config" "$consumer/Directory.Build.props" "$consumer/Directory.Build.targets" "$gpu_consumer/"
cp tests/Packaging/GpuConsumer/Program.cs "$gpu_consumer/"
if ! (cd "$gpu_consumer" && dotnet build -c Release -tl:off -nologo) >"$work/gpu-build.log" 2>&1; then
  cat "$work/gpu-build.log" >&2
  fail "the GPU consumer does not build against Axon.Gpu"
fi
if ! (cd "$gpu_consumer" && dotnet run -c Release --no-build) >"$work/gpu-run.log" 2>&1; then
  cat "$work/gpu-run.log" >&2
  fail "the GPU consumer failed"
fi
sed 's/^/    /' "$work/gpu-run.log"
grep -q '^gpu package consumer: ok$' "$work/gpu-run.log" || fail "the GPU consumer did not report ok"
echo "check-package: Axon.Runtime and Axon.Gpu $version pack and work from a package feed"
