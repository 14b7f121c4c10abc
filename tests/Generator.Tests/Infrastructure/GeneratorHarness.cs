using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Axon.Generator.Tests.Infrastructure;

/// <summary>
/// Runs <see cref="AxonGenerator"/> over C# sources the way a consumer's build would, without MSBuild: the
/// references are the running runtime's framework assemblies (from TRUSTED_PLATFORM_ASSEMBLIES) plus
/// Axon.Attributes and Axon.Runtime (and what Axon.Runtime references), step tracking is on, and the result
/// gives the generated sources, the generator's diagnostics, the output compilation's diagnostics and, for
/// numerical tests, the output compiled and loaded into a collectible <see cref="AssemblyLoadContext"/>.
/// </summary>
public static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    /// <summary>C# latest, with documentation comments checked (so that generated doc comments are too).</summary>
    public static CSharpParseOptions ParseOptions { get; } =
        new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);

    /// <summary>
    /// A library with nullable annotations on and every warning wave enabled. CS1701/CS1702 are off as in the
    /// SDK's defaults, and CS1591 (missing XML comment) is off so that test sources need no doc comments; use
    /// <see cref="StrictCompilationOptions"/> to check that generated code documents its public members.
    /// </summary>
    public static CSharpCompilationOptions CompilationOptions { get; } =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, deterministic: true)
            .WithWarningLevel(9999)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
                ["CS1591"] = ReportDiagnostic.Suppress,
            });

    /// <summary><see cref="CompilationOptions"/> with CS1591 reported too.</summary>
    public static CSharpCompilationOptions StrictCompilationOptions { get; } =
        CompilationOptions.WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
        {
            ["CS1701"] = ReportDiagnostic.Suppress,
            ["CS1702"] = ReportDiagnostic.Suppress,
        });

    /// <summary>Framework assemblies of the running runtime, Axon.Attributes, Axon.Runtime and Axon.Runtime's other dependencies.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>Parses one source file (paths default to Source0.cs, Source1.cs, ... in <see cref="CreateCompilation(string[])"/>).</summary>
    public static SyntaxTree Parse(string source, string path = "Source0.cs")
        => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>A compilation of <paramref name="sources"/>, named Source0.cs, Source1.cs, ... in order.</summary>
    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CreateCompilation(sources.Select((source, i) => Parse(source, $"Source{i}.cs")));

    /// <summary>A compilation of <paramref name="trees"/> against <see cref="References"/> (with <see cref="CompilationOptions"/> unless given).</summary>
    public static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees, CSharpCompilationOptions? options = null)
        => CSharpCompilation.Create("Axon.Tests.Generated" + Guid.NewGuid().ToString("N"), trees, References, options ?? CompilationOptions);

    /// <summary>A driver for <see cref="AxonGenerator"/> with incremental step tracking on; generated files are parsed with <paramref name="parseOptions"/> (default <see cref="ParseOptions"/>).</summary>
    public static GeneratorDriver CreateDriver(CSharpParseOptions? parseOptions = null)
        => CSharpGeneratorDriver.Create(
            new[] { new AxonGenerator().AsSourceGenerator() },
            parseOptions: parseOptions ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Compiles <paramref name="sources"/> and runs the generator over them with a fresh driver.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));

    /// <summary>Runs the generator over <paramref name="compilation"/> with a fresh driver.</summary>
    public static GeneratorRun Run(Compilation compilation) => Run(CreateDriver(), compilation);

    /// <summary>
    /// Runs <paramref name="driver"/> (e.g. <see cref="GeneratorRun.Driver"/> of an earlier run, for incremental
    /// tests) over <paramref name="compilation"/>.
    /// </summary>
    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        var updated = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return new GeneratorRun(compilation, output, updated);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in trusted) byName.TryAdd(Path.GetFileNameWithoutExtension(path), path);

        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in trusted)
        {
            if (string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.OrdinalIgnoreCase)) paths.Add(path);
        }

        var attributes = typeof(DifferentiableAttribute).Assembly;
        var runtime = typeof(Axon.Layers.Dense).Assembly;
        paths.Add(attributes.Location);
        paths.Add(runtime.Location);
        foreach (var dependency in runtime.GetReferencedAssemblies())
        {
            if (dependency.Name is { } name && byName.TryGetValue(name, out var path)) paths.Add(path);
        }

        return paths.OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}

/// <summary>The outcome of one generator run.</summary>
public sealed class GeneratorRun
{
    internal GeneratorRun(Compilation input, Compilation output, GeneratorDriver driver)
    {
        InputCompilation = input;
        OutputCompilation = output;
        Driver = driver;
        RunResult = driver.GetRunResult();
        Result = RunResult.Results.Single();
    }

    public Compilation InputCompilation { get; }

    /// <summary>The input plus the generated trees.</summary>
    public Compilation OutputCompilation { get; }

    /// <summary>The driver after the run: pass it to <see cref="GeneratorHarness.Run(GeneratorDriver, Compilation)"/> to run incrementally.</summary>
    public GeneratorDriver Driver { get; }

    public GeneratorDriverRunResult RunResult { get; }

    /// <summary>The <see cref="AxonGenerator"/>'s result: sources, diagnostics, exception, tracked steps.</summary>
    public GeneratorRunResult Result { get; }

    /// <summary>An exception the generator threw (it never should), or null.</summary>
    public Exception? Exception => Result.Exception;

    public ImmutableArray<GeneratedSourceResult> GeneratedSources => Result.GeneratedSources;

    public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    /// <summary>Every diagnostic of the output compilation (user code and generated code), hidden ones excluded.</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics
        => OutputCompilation.GetDiagnostics().Where(d => d.Severity != DiagnosticSeverity.Hidden).ToImmutableArray();

    /// <summary>The output compilation's diagnostics located in generated files.</summary>
    public ImmutableArray<Diagnostic> GeneratedCodeDiagnostics
    {
        get
        {
            var generated = GeneratedSources.Select(s => s.SyntaxTree).ToHashSet();
            return CompilationDiagnostics.Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree)).ToImmutableArray();
        }
    }

    /// <summary>
    /// The source text a diagnostic points at. Generator diagnostics carry file locations (path and span, not a
    /// tree), so the text is looked up by path among the input's syntax trees.
    /// </summary>
    public string LocationText(Diagnostic diagnostic)
    {
        var location = diagnostic.Location;
        var tree = location.SourceTree
            ?? InputCompilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == location.GetLineSpan().Path)
            ?? throw new InvalidOperationException($"No syntax tree for the location of {diagnostic}");
        return tree.GetText().ToString(location.SourceSpan);
    }

    /// <summary>The generated source with this hint name (exact, or ending with it), or null.</summary>
    public string? FindSource(string hintName)
    {
        foreach (var source in GeneratedSources)
        {
            if (source.HintName == hintName || source.HintName.EndsWith(hintName, StringComparison.Ordinal)) return source.SourceText.ToString();
        }

        return null;
    }

    /// <summary>The generated source with this hint name; fails if there is none.</summary>
    public string Source(string hintName)
        => FindSource(hintName) ?? throw new InvalidOperationException(
            $"No generated source '{hintName}'; generated: {string.Join(", ", GeneratedSources.Select(s => s.HintName))}");

    /// <summary>The tracked runs of the named pipeline step (empty if the step did not run).</summary>
    public ImmutableArray<IncrementalGeneratorRunStep> Steps(string trackingName)
        => Result.TrackedSteps.TryGetValue(trackingName, out var steps) ? steps : ImmutableArray<IncrementalGeneratorRunStep>.Empty;

    /// <summary>Every output of the named step, with why it was (or was not) recomputed.</summary>
    public IEnumerable<(object Value, IncrementalStepRunReason Reason)> StepOutputs(string trackingName)
        => Steps(trackingName).SelectMany(step => step.Outputs);

    /// <summary>
    /// The outputs of the source-output steps (RegisterSourceOutput) fed by the named step: Cached means the
    /// output was not regenerated.
    /// </summary>
    public IEnumerable<(object Value, IncrementalStepRunReason Reason)> SourceOutputsOf(string trackingName)
    {
        var steps = Result.TrackedOutputSteps.TryGetValue(WellKnownGeneratorOutputs.SourceOutput, out var all) ? all : ImmutableArray<IncrementalGeneratorRunStep>.Empty;
        return steps.Where(step => step.Inputs.Any(input => FedBy(input.Source, trackingName, 0))).SelectMany(step => step.Outputs);
    }

    private static bool FedBy(IncrementalGeneratorRunStep step, string trackingName, int depth)
        => step.Name == trackingName || (depth < 32 && step.Inputs.Any(input => FedBy(input.Source, trackingName, depth + 1)));

    /// <summary>Emits the output compilation and loads it into a collectible context; fails with the diagnostics if it does not compile.</summary>
    public LoadedAssembly Load()
    {
        using var stream = new MemoryStream(EmitImage());
        return new LoadedAssembly(stream);
    }

    /// <summary>
    /// The output compiled to an assembly image, as a metadata reference: for a second compilation that uses
    /// this one as a library (its symbols then come from metadata, as in a consumer of a package).
    /// </summary>
    public MetadataReference ToMetadataReference() => MetadataReference.CreateFromImage(EmitImage());

    private byte[] EmitImage()
    {
        using var stream = new MemoryStream();
        var emit = OutputCompilation.Emit(stream);
        if (!emit.Success)
        {
            throw new InvalidOperationException("The output compilation does not compile:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return stream.ToArray();
    }
}

/// <summary>A compiled output assembly loaded into its own collectible load context; dispose to unload it.</summary>
public sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    internal LoadedAssembly(Stream image)
    {
        // Dependencies (Axon.Runtime, Axon.Attributes, the framework) resolve from the default context.
        _context = new AssemblyLoadContext("GeneratorHarness", isCollectible: true);
        Assembly = _context.LoadFromStream(image);
    }

    public Assembly Assembly { get; }

    /// <summary>The type with this full name (namespace and, for nested types, '+' separators).</summary>
    public Type GetType(string fullName)
        => Assembly.GetType(fullName, throwOnError: false) ?? throw new InvalidOperationException($"No type '{fullName}' in the generated assembly");

    /// <summary>The static method <paramref name="name"/> of <paramref name="typeName"/> taking <paramref name="parameterTypes"/>.</summary>
    public MethodInfo GetMethod(string typeName, string name, params Type[] parameterTypes)
        => GetType(typeName).GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance, parameterTypes)
        ?? throw new InvalidOperationException($"No method {typeName}.{name}({string.Join(", ", parameterTypes.Select(t => t.Name))})");

    /// <summary>A delegate over a static method, e.g. <c>CreateDelegate&lt;Func&lt;double, double&gt;&gt;("Demo.Activations", "Mish")</c>.</summary>
    public TDelegate CreateDelegate<TDelegate>(string typeName, string name)
        where TDelegate : Delegate
    {
        var parameters = typeof(TDelegate).GetMethod("Invoke")!.GetParameters().Select(p => p.ParameterType).ToArray();
        return GetMethod(typeName, name, parameters).CreateDelegate<TDelegate>();
    }

    /// <summary>Calls a static method by reflection.</summary>
    public object? Invoke(string typeName, string name, params object[] arguments)
        => GetMethod(typeName, name, arguments.Select(a => a.GetType()).ToArray()).Invoke(null, arguments);

    public void Dispose() => _context.Unload();
}
