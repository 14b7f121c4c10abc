using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace Axon.Samples.Tests;

/// <summary>
/// The main job runs without tiered compilation (issue 11): its time is in a few hot kernels, and with tiering the
/// test set's first seconds ran tier-0 and then instrumented code (docs/benchmarks.md, "JIT tiers"). The setting lives
/// in the project file, which writes it into the job's runtimeconfig.json; this keeps it from being dropped unnoticed.
/// </summary>
public sealed class JobRuntimeConfigTests
{
    [Fact]
    public void TheMainJobCompilesEveryMethodOptimizedOnFirstCall()
    {
        var project = XDocument.Load(ProjectFile("FashionAttribution", "FashionAttribution.csproj"));
        var setting = project.Descendants("TieredCompilation").SingleOrDefault();
        Assert.True(setting is not null, "FashionAttribution.csproj no longer sets TieredCompilation");
        Assert.Equal("false", setting.Value.Trim(), ignoreCase: true);
    }

    private static string ProjectFile(string project, string file, [CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", "samples", project, file));
}
