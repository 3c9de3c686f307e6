// The real-code scan: `RaceGuard.Bench scan <folder> [--peers] [--runs N] [--profile] [--explain <method>] [--explain-type <type>]`.
// Compiles every .cs under the folder (bin/ and obj/ left out) as one compilation against the net8.0 and ASP.NET Core
// reference assemblies (types from other packages become error types), runs RaceGuard through CompilationWithAnalyzers
// with execution-time logging, and prints the cost figures (time, bytes allocated), every RaceGuard diagnostic and every
// analyzer exception. With --peers, Microsoft.VisualStudio.Threading.Analyzers and Meziantou.Analyzer are measured on
// the same compilation. For triage: --explain <method name> prints the locks held on entry into every source method of
// that name and at each of its call sites; --explain-type <type name> prints every shared access the model records in
// that type, with its member, region and locks (then exits without running the analyzers).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using static Workbench;

internal static class ScanCommand
{
    public static int Run(string[] args)
    {
        var folder = Path.GetFullPath(args[1]);
        var withPeers = args.Contains("--peers");

        // 1. Parse.
        Progress($"parsing the files under {folder}");
        var (trees, fileCount, implicitUsings) = Workbench.ParseFolder(folder);
        var lines = trees.Sum(t => t.GetText().Lines.Count);
        var compilation = Workbench.Compile("Scan", trees);

        // --explain <name>: the locks held on entry into every source method of that name, and at each of its call sites (for
        // triage: which caller reaches a member without the lock).
        if (args.SkipWhile(a => a != "--explain").Skip(1).FirstOrDefault() is { } explained)
        {
            var summaries = RaceGuard.ConcurrencyModel.KnownSymbols.For(compilation).Summaries;
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
            var known = RaceGuard.ConcurrencyModel.KnownSymbols.For(compilation);
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
                    Console.WriteLine($"  {access.Path.DisplayName,-24} {access.Kind,-16} line {line,5} in {access.Member.Symbol.Name}{(access.Region is null ? "" : " (region)")}{(ReferenceEquals(access.Anchor, access.ReportOperation) ? "" : $" via line {access.Anchor.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1}")} held [{string.Join(", ", access.Guards.Select(g => g.Key.Text + (g.Exclusive ? "" : " (shared)")))}]{(access.IsAtomic ? " atomic" : "")}");
                }
            }

            return 0;
                }

        // 2. Bind: the compiler's own work for the declaration and method-body diagnostics. First a warm-up on generated
        // code (the compiler's, RaceGuard's and the peers' code JIT-compiled), so that neither side is measured cold: a
        // build server and the IDE run warm.
        var peers = withPeers ? Workbench.Peers() : Array.Empty<(string Name, ImmutableArray<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer> Analyzers)>();
        Progress("warming up");
        WarmUp(peers.Select(p => p.Analyzers).Prepend(Workbench.RaceGuardAnalyzers()));
        Progress($"binding {lines:N0} lines");

        // With --runs N, the median of N binds of fresh compilations and of N RaceGuard runs (this machine is noisy).
        var runs = int.Parse(args.SkipWhile(a => a != "--runs").Skip(1).FirstOrDefault() ?? "1", CultureInfo.InvariantCulture);
        var binds = new List<TimeSpan>();
        var errors = 0;
        for (var run = 0; run < runs; run++)
        {
            if (run > 0)
            {
                compilation = Workbench.Compile("Scan", trees);
            }

            Settle();
            var stopwatch = Stopwatch.StartNew();
            var compilerDiagnostics = compilation.GetDiagnostics();
            binds.Add(stopwatch.Elapsed);
            errors = compilerDiagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
            if (run == 0 && args.Contains("--errors"))
            {
                // For miniatures written by hand: the compiler errors themselves, so that a probe is known to compile.
                foreach (var error in compilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(50))
                {
                    var span = error.Location.GetLineSpan();
                    Console.WriteLine($"  error {Path.GetRelativePath(folder, span.Path)}:{span.StartLinePosition.Line + 1} {error.Id} {error.GetMessage(CultureInfo.InvariantCulture)}");
                }
            }
        }

        var bindTime = binds.OrderBy(t => t).ElementAt(runs / 2);

        // 3. The analyzers: RaceGuard (time, diagnostics, allocations), then the peers on the same compilation.
        var exceptions = new ConcurrentQueue<(string Analyzer, string Text)>();
        Progress("running RaceGuard");
        var raceGuard = Workbench.Run(compilation, Workbench.RaceGuardAnalyzers(), exceptions, measureAllocations: true);
        TimeSpan? floorWall = null;
        if (runs > 1)
        {
            // Alternating with the same analysis whose only action is an empty operation block action (what the driver
            // spends anyway, binding and operation trees): the difference of the medians is what RaceGuard adds.
            var floors = new List<TimeSpan>();
            var more = new List<AnalyzerRun> { raceGuard };
            for (var run = 1; run < runs; run++)
            {
                floors.Add(Workbench.Run(compilation, Workbench.OperationBlocksFloor(), exceptions).Wall);
                more.Add(Workbench.Run(compilation, Workbench.RaceGuardAnalyzers(), exceptions));
            }

            floors.Add(Workbench.Run(compilation, Workbench.OperationBlocksFloor(), exceptions).Wall);
            raceGuard = raceGuard with { Time = more.Select(r => r.Time).OrderBy(t => t).ElementAt(runs / 2), Wall = more.Select(r => r.Wall).OrderBy(t => t).ElementAt(runs / 2) };
            floorWall = floors.OrderBy(t => t).ElementAt(runs / 2);
        }

        var peerTimes = new List<(string Name, TimeSpan Time)>();
        if (withPeers)
        {
            foreach (var (name, analyzers) in peers)
            {
                Progress($"running {name} ({analyzers.Length} analyzers)");
                peerTimes.Add((name, Workbench.Run(compilation, analyzers, exceptions).Time));
            }
        }

        // With --profile: build the model of every type directly and list the types that cost the most (where to optimise).
        if (args.Contains("--profile"))
        {
            var known = RaceGuard.ConcurrencyModel.KnownSymbols.For(compilation);
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
        Console.WriteLine($"folder: {folder}");
        Console.WriteLine($"files: {fileCount}, lines: {lines:N0}, compiler errors (missing packages become error types): {errors:N0}{(implicitUsings ? ", with the SDK's implicit global usings" : string.Empty)}");
        Console.WriteLine($"bind (compilation.GetDiagnostics): {Ms(bindTime)}");
        Console.WriteLine($"RaceGuard: {Ms(raceGuard.Time)}, {raceGuard.Time.TotalMilliseconds / (lines / 1000.0):N2} ms per 1,000 lines, {raceGuard.Time.TotalMilliseconds / bindTime.TotalMilliseconds:N3}x bind");
                if (floorWall is { } floor)
        {
            Console.WriteLine($"RaceGuard wall: analysis {Ms(raceGuard.Wall)}, with an empty operation block action instead {Ms(floor)}: RaceGuard adds {Ms(raceGuard.Wall - floor)}, {(raceGuard.Wall - floor).TotalMilliseconds / bindTime.TotalMilliseconds:N3}x bind");
        }

        Console.WriteLine($"RaceGuard allocated: {raceGuard.AllocatedBytes / 1048576.0:N1} MB beyond an analyzer that does nothing, {raceGuard.AllocatedBytes / 1024.0 / (lines / 1000.0):N0} KB per 1,000 lines");
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
    }

    private static void WarmUp(IEnumerable<ImmutableArray<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>> analyzerSets)
    {
        var warm = Compile("WarmUp", Probes.Shapes.SelectMany(shape => Probes.Generate(shape, 100))
            .Select(f => Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(f.Text, Workbench.ParseOptions, path: "/warm-up/" + f.Name)));
        warm.GetDiagnostics();
        foreach (var analyzers in analyzerSets)
        {
            Workbench.Run(warm, analyzers, new ConcurrentQueue<(string, string)>());
        }
    }
}
