// What every bench command shares: the reference assemblies code compiles against, the analyzers measured (RaceGuard
// and its peers), and one measured analyzer run (execution time from the compiler's own telemetry, bytes allocated).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using RaceGuard.Analyzers;

internal static class Workbench
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        var references = ImmutableArray.CreateBuilder<MetadataReference>();
        foreach (var (package, version) in new[] { ("microsoft.netcore.app.ref", "8.0.0"), ("microsoft.aspnetcore.app.ref", "8.0.0") })
        {
            var directory = Path.Combine(PackageRoot!, package, version, "ref", "net8.0");
            references.AddRange(Directory.EnumerateFiles(directory, "*.dll").Select(p => MetadataReference.CreateFromFile(p)));
        }

        // Roslyn itself, for the analyzer packages of the scan (their analyzers run concurrently by contract): the
        // netstandard2.0 build of the version the analyzers target, whose dependencies the net8.0 reference pack
        // satisfies (the bench's own, newer Roslyn wants newer System.Collections.Immutable and leaves every call on an
        // analysis context unbound).
        foreach (var (package, file) in new[] { ("microsoft.codeanalysis.common", "Microsoft.CodeAnalysis.dll"), ("microsoft.codeanalysis.csharp", "Microsoft.CodeAnalysis.CSharp.dll") })
        {
            var path = Path.Combine(PackageRoot!, package, "4.8.0", "lib", "netstandard2.0", file);
            if (File.Exists(path))
            {
                references.Add(MetadataReference.CreateFromFile(path));
            }
        }

        return references.ToImmutable();
    });

    public static string PackageRoot { get; } = Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "NuGetPackageRoot").Value!;

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest, preprocessorSymbols: new[]
    {
        "NET", "NETCOREAPP", "NET8_0", "NET8_0_OR_GREATER", "NET7_0_OR_GREATER", "NET6_0_OR_GREATER", "NET5_0_OR_GREATER",
        "NETCOREAPP3_1_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP2_1_OR_GREATER", "NETSTANDARD2_1_OR_GREATER", "RELEASE",
    });

    /// <summary>The net8.0 and ASP.NET Core reference assemblies and Roslyn (types of other packages become error types).</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>Both analyzers of the package: the host (RG0001-RG0007) and the stand-alone release check (RG0008).</summary>
    public static ImmutableArray<DiagnosticAnalyzer> RaceGuardAnalyzers() => ImmutableArray.Create<DiagnosticAnalyzer>(new RaceGuardAnalyzer(), new LockReleaseAnalyzer());

    public static CSharpCompilation Compile(string name, IEnumerable<SyntaxTree> trees) => CSharpCompilation.Create(
        name,
        trees,
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true, concurrentBuild: false));

    /// <summary>
    /// Every .cs under the folder (bin/ and obj/ left out), parsed; with the SDK's implicit global usings when the project
    /// (its .csproj or a Directory.Build.props above it) enables them, as without them its Task or List&lt;T&gt; would be error types.
    /// </summary>
    public static (List<SyntaxTree> Trees, int Files, bool ImplicitUsings) ParseFolder(string folder)
    {
        var separator = Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}obj{separator}") && !f.Contains($"{separator}bin{separator}"))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        var trees = files.AsParallel().AsOrdered()
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), ParseOptions, path: f))
            .ToList();
        var implicitUsings = ImplicitUsings(folder);
        if (implicitUsings)
        {
            trees.Add(CSharpSyntaxTree.ParseText(
                "global using global::System; global using global::System.Collections.Generic; global using global::System.IO; global using global::System.Linq; " +
                "global using global::System.Net.Http; global using global::System.Threading; global using global::System.Threading.Tasks;",
                ParseOptions,
                path: Path.Combine(folder, "obj", "ImplicitUsings.g.cs")));
        }

        return (trees, files.Count, implicitUsings);
    }

    private static bool ImplicitUsings(string folder)
    {
        var candidates = Directory.EnumerateFiles(folder, "*.csproj", SearchOption.TopDirectoryOnly).ToList();
        for (var directory = new DirectoryInfo(folder); directory is not null; directory = directory.Parent)
        {
            candidates.Add(Path.Combine(directory.FullName, "Directory.Build.props"));
        }

        foreach (var candidate in candidates.Where(File.Exists))
        {
            var match = Regex.Match(File.ReadAllText(candidate), @"<ImplicitUsings>\s*(\w+)\s*</ImplicitUsings>");
            if (match.Success)
            {
                return match.Groups[1].Value.Equals("enable", StringComparison.OrdinalIgnoreCase) || match.Groups[1].Value.Equals("true", StringComparison.OrdinalIgnoreCase);
            }
        }

        return false;
    }

    /// <summary>The peers measured beside RaceGuard, each loaded once from its package.</summary>
    public static IReadOnlyList<(string Name, ImmutableArray<DiagnosticAnalyzer> Analyzers)> Peers()
    {
        var peers = new[]
        {
            ("Microsoft.VisualStudio.Threading.Analyzers", Path.Combine(PackageRoot, "microsoft.visualstudio.threading.analyzers", "17.6.40", "analyzers", "cs")),
            ("Meziantou.Analyzer", Path.Combine(PackageRoot, "meziantou.analyzer", "3.0.321", "analyzers", "dotnet", "roslyn4.14", "cs")),
        };

        return peers.Select(peer => (peer.Item1, Directory.EnumerateFiles(peer.Item2, "*.dll")
                .Where(p => !p.Contains("CodeFix", StringComparison.Ordinal))
                .Select(Assembly.LoadFrom)
                .SelectMany(a => a.GetTypes())
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)) && t.GetConstructor(Type.EmptyTypes) is not null)
                .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
                .ToImmutableArray()))
            .ToList();
    }

    public static CompilationWithAnalyzersOptions Options(ConcurrentQueue<(string Analyzer, string Text)> exceptions) => new(
        new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
        onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue((analyzer.GetType().FullName ?? "", $"{analyzer.GetType().Name}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}\n{exception}")),
        concurrentAnalysis: false,
        logAnalyzerExecutionTime: true,
        reportSuppressedDiagnostics: false);

    /// <summary>
    /// Runs the analyzers over the whole compilation: their execution time (the compiler's telemetry: callbacks only, the
    /// compiler's own binding excluded) and every diagnostic. With <paramref name="measureAllocations"/>, also the bytes
    /// the run allocated beyond the same run with an analyzer that does nothing (the driver's own work).
    /// </summary>
    public static AnalyzerRun Run(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, ConcurrentQueue<(string Analyzer, string Text)> exceptions, bool measureAllocations = false)
    {
        long baseline = 0;
        if (measureAllocations)
        {
            baseline = Allocated(compilation, ImmutableArray.Create<DiagnosticAnalyzer>(new DoNothingAnalyzer(operationBlocks: false)), exceptions).Bytes;
        }

        var (bytes, time, wall, diagnostics) = Allocated(compilation, analyzers, exceptions);
        return new AnalyzerRun(time, diagnostics, measureAllocations ? Math.Max(0, bytes - baseline) : -1, wall);
    }

    private static (long Bytes, TimeSpan Time, TimeSpan Wall, ImmutableArray<Diagnostic> Diagnostics) Allocated(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, ConcurrentQueue<(string Analyzer, string Text)> exceptions)
    {
        compilation = WithFreshTrees(compilation);
        Settle();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = compilation.WithAnalyzers(analyzers, Options(exceptions)).GetAnalysisResultAsync(CancellationToken.None).GetAwaiter().GetResult();
        var wall = watch.Elapsed;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        var time = TimeSpan.Zero;
        foreach (var analyzer in analyzers)
        {
            if (result.AnalyzerTelemetryInfo.TryGetValue(analyzer, out var telemetry))
            {
                time += telemetry.ExecutionTime;
            }
        }

        return (bytes, time, wall, result.GetAllDiagnostics());
    }

    /// <summary>
    /// The same compilation over new tree objects of the same syntax. What RaceGuard keeps per tree while the tree lives
    /// (for the IDE, where an edit replaces one tree) then starts empty in every run, as in a build, which analyses each
    /// compilation once: a run does not profit from the run before it.
    /// </summary>
    public static Compilation WithFreshTrees(Compilation compilation) =>
        compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(tree =>
            CSharpSyntaxTree.Create((CSharpSyntaxNode)tree.GetRoot(), (CSharpParseOptions)tree.Options, tree.FilePath, tree.Encoding)));

    /// <summary>
    /// True when nothing keeps a compilation alive once RaceGuard has analysed it and every reference to it is gone (no
    /// static cache keyed by compilations or symbols): the compilation is built, analysed and dropped in a frame of its own.
    /// </summary>
    public static bool CompilationIsCollectedAfterAnalysis(Func<Compilation> create)
    {
        var weak = AnalyseAndDrop(create);
        for (var i = 0; i < 3 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return !weak.IsAlive;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference AnalyseAndDrop(Func<Compilation> create)
    {
        var compilation = create();
        compilation.WithAnalyzers(RaceGuardAnalyzers(), Options(new ConcurrentQueue<(string, string)>())).GetAnalysisResultAsync(CancellationToken.None).GetAwaiter().GetResult();
        return new WeakReference(compilation);
    }

    /// <summary>Collects what earlier measurements left behind, so that a collection they owe does not land in the next one.</summary>
    public static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    public static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms";

    public static void Progress(string text) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {text}");

    /// <summary>
    /// The floor of an analyzer built on operation blocks, as RaceGuard is: one operation block action that does nothing.
    /// The driver binds every member and builds its IOperation tree for it; what RaceGuard binds itself (callers in other
    /// members) the floor's analysis binds too, outside the analyzer's time. Its wall time against RaceGuard's is the
    /// cost RaceGuard adds to a build, whoever the telemetry charges the binding to.
    /// </summary>
    public static ImmutableArray<DiagnosticAnalyzer> OperationBlocksFloor() => ImmutableArray.Create<DiagnosticAnalyzer>(new DoNothingAnalyzer(operationBlocks: true));

    /// <summary>An analyzer whose one action does nothing: on named types (the baseline of the allocation figure), or on operation blocks (the floor above).</summary>
#pragma warning disable RS1036, RS1041, RS2008 // a measuring aid of the bench, never shipped
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class DoNothingAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Nothing = new("BENCH0", "Nothing", "Nothing", "Bench", DiagnosticSeverity.Hidden, isEnabledByDefault: true);
        private readonly bool operationBlocks;

        public DoNothingAnalyzer(bool operationBlocks) => this.operationBlocks = operationBlocks;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Nothing);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            if (operationBlocks)
            {
                context.RegisterOperationBlockAction(_ => { });
            }
            else
            {
                context.RegisterSymbolAction(_ => { }, SymbolKind.NamedType);
            }
        }
    }
#pragma warning restore RS1036, RS1041, RS2008
}

/// <summary>
/// One measured analyzer run: the analyzers' execution time (telemetry), their diagnostics, the bytes they allocated
/// (-1 when not measured), and the wall time of the whole analysis (the driver's own work included).
/// </summary>
internal sealed record AnalyzerRun(TimeSpan Time, ImmutableArray<Diagnostic> Diagnostics, long AllocatedBytes, TimeSpan Wall);
