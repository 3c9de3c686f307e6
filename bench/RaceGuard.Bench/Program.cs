// The real-code scan: `dotnet run -c Release --project bench/RaceGuard.Bench -- scan <folder> [--peers]`.
// Compiles every .cs under the folder (bin/ and obj/ left out) as one compilation against the net8.0 and ASP.NET Core
// reference assemblies (types from other packages become error types), runs RaceGuard through CompilationWithAnalyzers
// with execution-time logging, and prints the cost figures, every RaceGuard diagnostic and every analyzer exception.
// With --peers, Microsoft.VisualStudio.Threading.Analyzers and Meziantou.Analyzer are measured on the same compilation.
// For triage: --explain <method name> prints the locks held on entry into every source method of that name and at each
// of its call sites; --explain-type <type name> prints every shared access the model records in that type, with its
// member, region and locks (then exits without running the analyzers).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using RaceGuard.Analyzers;

if (args.Length < 2 || args[0] != "scan" || !Directory.Exists(args[1]))
{
    Console.Error.WriteLine("usage: RaceGuard.Bench scan <folder> [--peers] [--profile] [--explain <method>] [--explain-type <type>]");
    return 2;
}

var folder = Path.GetFullPath(args[1]);
var withPeers = args.Contains("--peers");
var packageRoot = Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "NuGetPackageRoot").Value!;

void Progress(string text) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {text}");

// 1. Parse.
var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
    .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
    .OrderBy(f => f, StringComparer.Ordinal)
    .ToList();
Progress($"parsing {files.Count} files under {folder}");
var parseOptions = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: new[]
{
    "NET", "NETCOREAPP", "NET8_0", "NET8_0_OR_GREATER", "NET7_0_OR_GREATER", "NET6_0_OR_GREATER", "NET5_0_OR_GREATER",
    "NETCOREAPP3_1_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP2_1_OR_GREATER", "NETSTANDARD2_1_OR_GREATER", "RELEASE",
});
var trees = files.AsParallel().AsOrdered()
    .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parseOptions, path: f))
    .ToList();
var lines = trees.Sum(t => t.GetText().Lines.Count);

// A project with <ImplicitUsings>enable</ImplicitUsings> (in its .csproj or a Directory.Build.props above it) compiles
// with the SDK's global usings; without them its SemaphoreSlim, Task or List<T> would be error types.
bool ImplicitUsings()
{
    var candidates = Directory.EnumerateFiles(folder, "*.csproj", SearchOption.TopDirectoryOnly).ToList();
    for (var directory = new DirectoryInfo(folder); directory is not null; directory = directory.Parent)
    {
        candidates.Add(Path.Combine(directory.FullName, "Directory.Build.props"));
    }

    foreach (var candidate in candidates.Where(File.Exists))
    {
        var match = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(candidate), @"<ImplicitUsings>\s*(\w+)\s*</ImplicitUsings>");
        if (match.Success)
        {
            return match.Groups[1].Value.Equals("enable", StringComparison.OrdinalIgnoreCase) || match.Groups[1].Value.Equals("true", StringComparison.OrdinalIgnoreCase);
        }
    }

    return false;
}

var implicitUsings = ImplicitUsings();
if (implicitUsings)
{
    trees.Add(CSharpSyntaxTree.ParseText(
        "global using global::System; global using global::System.Collections.Generic; global using global::System.IO; global using global::System.Linq; " +
        "global using global::System.Net.Http; global using global::System.Threading; global using global::System.Threading.Tasks;",
        parseOptions,
        path: Path.Combine(folder, "obj", "ImplicitUsings.g.cs")));
}

var references = new List<MetadataReference>();
foreach (var (package, version) in new[] { ("microsoft.netcore.app.ref", "8.0.0"), ("microsoft.aspnetcore.app.ref", "8.0.0") })
{
    var directory = Path.Combine(packageRoot, package, version, "ref", "net8.0");
    references.AddRange(Directory.EnumerateFiles(directory, "*.dll").Select(p => MetadataReference.CreateFromFile(p)));
}

var compilation = CSharpCompilation.Create(
    "Scan",
    trees,
    references,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true, concurrentBuild: false));

// --explain <name>: the locks held on entry into every source method of that name, and at each of its call sites (for
// triage: which caller reaches a member without the lock).
if (args.SkipWhile(a => a != "--explain").Skip(1).FirstOrDefault() is { } explained)
{
    var summaries = RaceGuard.ConcurrencyModel.KnownSymbols.Create(compilation).Summaries;
    foreach (var method in compilation.GetSymbolsWithName(explained, SymbolFilter.Member).OfType<IMethodSymbol>().OrderBy(m => Environment.GetEnvironmentVariable("EXPLAIN_FIRST") is { } first && m.ToDisplayString().Contains(first) ? 0 : 1))
    {
        var entry = summaries.EntryOf(method);
        Console.WriteLine($"{method.ToDisplayString()}: only visible callers {RaceGuard.ConcurrencyModel.MethodSummaries.HasOnlyVisibleCallers(method)}, held on entry [{string.Join(", ", entry.Locks.Select(g => g.Key.Text))}], one thread {entry.ConfinedToOneThread}");
        foreach (var site in summaries.CallSitesOf(method))
        {
            var span = site.Location.GetLineSpan();
            var held = site.Held is { } locks ? "[" + string.Join(", ", locks.Select(g => g.Key.Text)) + "]" : "construction/teardown";
            Console.WriteLine($"  {Path.GetRelativePath(folder, span.Path)}:{span.StartLinePosition.Line + 1} {(site.Call is null ? "callers not followed" : held)}");
        }
    }

    return 0;
}

// --explain-type <name>: every shared access the model records in the source types of that name, with its member,
// region and the locks held there (own, and held on entry by the callers).
if (args.SkipWhile(a => a != "--explain-type").Skip(1).FirstOrDefault() is { } explainedType)
{
    var known = RaceGuard.ConcurrencyModel.KnownSymbols.Create(compilation);
    foreach (var type in compilation.GetSymbolsWithName(explainedType, SymbolFilter.Type).OfType<INamedTypeSymbol>())
    {
        var blocks = new List<RaceGuard.ConcurrencyModel.MemberBlocks>();
        foreach (var member in type.GetMembers())
        {
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                var model = compilation.GetSemanticModel(reference.SyntaxTree);
                var operation = syntax switch
                {
                    Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { Initializer: { } initializer } => model.GetOperation(initializer),
                    Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax => null,
                    Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax { Initializer: { } initializer } => model.GetOperation(initializer),
                    Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax => null,
                    _ => model.GetOperation(syntax),
                };

                if (operation is not null)
                {
                    blocks.Add(new RaceGuard.ConcurrencyModel.MemberBlocks(member, ImmutableArray.Create(operation), ImmutableHashSet<string>.Empty));
                }
            }
        }

        var facts = RaceGuard.ConcurrencyModel.TypeFacts.Build(type, blocks, known);
        Console.WriteLine(type.ToDisplayString());
        foreach (var access in facts.Members.SelectMany(m => m.Accesses).OrderBy(a => a.Path.DisplayName, StringComparer.Ordinal).ThenBy(a => a.Location.SourceSpan.Start))
        {
            var line = access.Location.GetLineSpan().StartLinePosition.Line + 1;
            Console.WriteLine($"  {access.Path.DisplayName,-24} {access.Kind,-16} line {line,5} in {access.Member.Symbol.Name}{(access.Region is null ? "" : " (region)")} held [{string.Join(", ", access.Guards.Select(g => g.Key.Text + (g.Exclusive ? "" : " (shared)")))}]{(access.IsAtomic ? " atomic" : "")}");
        }
    }

    return 0;
}

// 2. Bind: the compiler's own work for the declaration and method-body diagnostics.
Progress($"binding {lines:N0} lines");
var stopwatch = Stopwatch.StartNew();
var compilerDiagnostics = compilation.GetDiagnostics();
var bindTime = stopwatch.Elapsed;
var errors = compilerDiagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);

// 3. The analyzers.
var exceptions = new ConcurrentQueue<(string Analyzer, string Text)>();
(TimeSpan Time, ImmutableArray<Diagnostic> Diagnostics) Run(string name, ImmutableArray<DiagnosticAnalyzer> analyzers)
{
    Progress($"running {name} ({analyzers.Length} analyzers)");
    var options = new CompilationWithAnalyzersOptions(
        new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
        onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue((analyzer.GetType().FullName ?? "", $"{analyzer.GetType().Name}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}\n{exception}")),
        concurrentAnalysis: false,
        logAnalyzerExecutionTime: true,
        reportSuppressedDiagnostics: false);
    var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
    var result = withAnalyzers.GetAnalysisResultAsync(CancellationToken.None).GetAwaiter().GetResult();
    var time = TimeSpan.Zero;
    foreach (var analyzer in analyzers)
    {
        if (result.AnalyzerTelemetryInfo.TryGetValue(analyzer, out var telemetry))
        {
            time += telemetry.ExecutionTime;
        }
    }

    return (time, result.GetAllDiagnostics());
}

// Both analyzers of the package: the host (RG0001-RG0007) and the stand-alone release check (RG0008).
var raceGuard = Run("RaceGuard", ImmutableArray.Create<DiagnosticAnalyzer>(new RaceGuardAnalyzer(), new LockReleaseAnalyzer()));

var peerTimes = new List<(string Name, TimeSpan Time)>();
if (withPeers)
{
    var peers = new[]
    {
        ("Microsoft.VisualStudio.Threading.Analyzers", Path.Combine(packageRoot, "microsoft.visualstudio.threading.analyzers", "17.6.40", "analyzers", "cs")),
        ("Meziantou.Analyzer", Path.Combine(packageRoot, "meziantou.analyzer", "3.0.321", "analyzers", "dotnet", "roslyn4.14", "cs")),
    };
    foreach (var (name, directory) in peers)
    {
        var analyzers = Directory.EnumerateFiles(directory, "*.dll")
            .Where(p => !p.Contains("CodeFix", StringComparison.Ordinal))
            .Select(Assembly.LoadFrom)
            .SelectMany(a => a.GetTypes())
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        peerTimes.Add((name, Run(name, analyzers).Time));
    }
}

// With --profile: build the model of every type directly and list the types that cost the most (where to optimise).
if (args.Contains("--profile"))
{
    var known = RaceGuard.ConcurrencyModel.KnownSymbols.Create(compilation);
    var costs = new List<(string Type, double Ms, int Members)>();
    foreach (var tree in compilation.SyntaxTrees)
    {
        var model = compilation.GetSemanticModel(tree);
        foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>())
        {
            if (model.GetDeclaredSymbol(declaration) is not INamedTypeSymbol type)
            {
                continue;
            }

            var blocks = new List<RaceGuard.ConcurrencyModel.MemberBlocks>();
            foreach (var member in declaration.Members)
            {
                var symbol = member is Microsoft.CodeAnalysis.CSharp.Syntax.FieldDeclarationSyntax field ? model.GetDeclaredSymbol(field.Declaration.Variables[0]) : model.GetDeclaredSymbol(member);
                if (symbol is not null && member is not Microsoft.CodeAnalysis.CSharp.Syntax.FieldDeclarationSyntax && model.GetOperation(member) is { } operation)
                {
                    blocks.Add(new RaceGuard.ConcurrencyModel.MemberBlocks(symbol, ImmutableArray.Create(operation), ImmutableHashSet<string>.Empty));
                }
            }

            var watch = Stopwatch.StartNew();
            var facts = RaceGuard.ConcurrencyModel.TypeFacts.Build(type, blocks, known, new RaceGuard.ConcurrencyModel.TypeContext(false, RaceGuard.ConcurrencyModel.SharedInstanceEvidence.LocksItsState));
            var built = watch.Elapsed.TotalMilliseconds;

            // The race query every rule asks, for every write.
            var races = facts.AccessesByPath.Values.SelectMany(a => a).Where(a => a.IsWrite).Sum(a => facts.RacesWith(a).Count());
            costs.Add((type.Name + " (" + Path.GetFileName(tree.FilePath) + $"), build {built:N1} ms, {races} races", watch.Elapsed.TotalMilliseconds, blocks.Count));
        }
    }

    Console.WriteLine($"model build, every type, as if shared: {costs.Sum(c => c.Ms):N0} ms; the costliest:");
    foreach (var cost in costs.OrderByDescending(c => c.Ms).Take(10))
    {
        Console.WriteLine($"  {cost.Ms,8:N1} ms  {cost.Type} ({cost.Members} members)");
    }
}

// 4. Report.
static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms";
Console.WriteLine($"folder: {folder}");
Console.WriteLine($"files: {files.Count}, lines: {lines:N0}, compiler errors (missing packages become error types): {errors:N0}{(implicitUsings ? ", with the SDK's implicit global usings" : string.Empty)}");
Console.WriteLine($"bind (compilation.GetDiagnostics): {Ms(bindTime)}");
Console.WriteLine($"RaceGuard: {Ms(raceGuard.Time)}, {raceGuard.Time.TotalMilliseconds / (lines / 1000.0):N2} ms per 1,000 lines, {raceGuard.Time.TotalMilliseconds / bindTime.TotalMilliseconds:N3}x bind");
foreach (var (name, time) in peerTimes)
{
    Console.WriteLine($"{name}: {Ms(time)}, RaceGuard / {name} = {raceGuard.Time.TotalMilliseconds / Math.Max(1, time.TotalMilliseconds):N3}");
}

var ours = raceGuard.Diagnostics.Where(d => d.Id.StartsWith("RG", StringComparison.Ordinal)).OrderBy(d => d.Location.SourceTree?.FilePath).ThenBy(d => d.Location.SourceSpan.Start).ToList();
Console.WriteLine($"RaceGuard diagnostics: {ours.Count}");
foreach (var diagnostic in ours)
{
    var span = diagnostic.Location.GetLineSpan();
    Console.WriteLine($"  {Path.GetRelativePath(folder, span.Path)}:{span.StartLinePosition.Line + 1} {diagnostic.Id} {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
    if (diagnostic.AdditionalLocations.Count > 0)
    {
        // The other side of the race, for triage: conflicting accesses, then region starts.
        Console.WriteLine("      other side: " + string.Join(", ", diagnostic.AdditionalLocations.Take(6).Select(l => l.GetLineSpan()).Select(l => $"{Path.GetFileName(l.Path)}:{l.StartLinePosition.Line + 1}")));
    }
}

var ourExceptions = exceptions.Where(e => e.Analyzer.StartsWith("RaceGuard.", StringComparison.Ordinal)).ToList();
Console.WriteLine($"RaceGuard analyzer exceptions: {ourExceptions.Count}; peers' analyzer exceptions: {exceptions.Count - ourExceptions.Count}");
foreach (var exception in ourExceptions)
{
    Console.WriteLine(exception.Text);
}

return ourExceptions.Count == 0 ? 0 : 1;
