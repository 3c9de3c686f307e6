// The growth benchmark: `RaceGuard.Bench growth [--sizes 100,200,400,800,1600] [--shapes ...] [--runs 3] [--no-peers] [--write <dir>]`.
// For each generated shape (Probes.cs) and size: the compiler's bind time, RaceGuard's analyzer time (the median of
// --runs runs), the peers' on the same compilation, ms per 1,000 lines and bytes allocated; then the issue-18 targets
// (at most 0.10x bind at every size, ms per 1,000 lines at the largest size within twice the smallest's) and whether a
// compilation is collected once analysed. With --write, only writes the probes' files under <dir>/<shape>-<size>/.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static Workbench;

internal static class GrowthCommand
{
    public static int Run(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var sizes = (Option("--sizes") ?? "100,200,400,800,1600").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var shapes = (Option("--shapes") ?? string.Join(",", Probes.Shapes)).Split(',');
        var runs = int.Parse(Option("--runs") ?? "3", CultureInfo.InvariantCulture);
        var peers = args.Contains("--no-peers") ? new List<(string Name, System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer> Analyzers)>() : Peers().ToList();
        var exceptions = new ConcurrentQueue<(string Analyzer, string Text)>();
        var allMet = true;
        if (Option("--write") is { } target)
        {
            // The probes as files, for `scan --profile` or a build: <target>/<shape>-<size>/*.cs.
            foreach (var shape in shapes)
            {
                foreach (var size in sizes)
                {
                    var directory = System.IO.Directory.CreateDirectory(System.IO.Path.Combine(target, $"{shape}-{size}")).FullName;
                    Probes.Generate(shape, size).ForEach(f => System.IO.File.WriteAllText(System.IO.Path.Combine(directory, f.Name), f.Text));
                }
            }

            return 0;
        }

        // Warm-up: the compiler's, RaceGuard's and the peers' code JIT-compiled before anything is measured.
        Progress("warming up");
        foreach (var shape in shapes)
        {
            var warm = ProbeCompilation(shape, sizes[0]);
            warm.GetDiagnostics();
            Workbench.Run(warm, RaceGuardAnalyzers(), exceptions);
            peers.ForEach(p => Workbench.Run(warm, p.Analyzers, exceptions));
        }

        Console.WriteLine($"Times are medians of {runs} runs (the peers run once) after a warm-up; x bind = RaceGuard ms / the compiler's bind ms of the same code.");
        foreach (var shape in shapes)
        {
            Console.WriteLine();
            Console.WriteLine($"## {shape}");
            Console.WriteLine($"| members | lines | bind ms | RaceGuard ms | x bind | wall RaceGuard adds, ms (x bind) | ms per 1,000 lines | KB allocated per 1,000 lines | diagnostics |{string.Concat(peers.Select(p => $" {Short(p.Name)} ms |"))}");
            Console.WriteLine($"|---|---|---|---|---|---|---|---|---|{string.Concat(peers.Select(_ => "---|"))}");
            var perThousand = new List<double>();
            foreach (var size in sizes)
            {
                Progress($"{shape} at {size} members");
                // The compiler's bind time: the median over as many fresh compilations (it caches what it bound).
                var binds = new List<TimeSpan>();
                Compilation compilation = null!;
                for (var run = 0; run < runs; run++)
                {
                    compilation = ProbeCompilation(shape, size);
                    Settle();
                    var watch = Stopwatch.StartNew();
                    var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                    binds.Add(watch.Elapsed);
                    if (errors.Count > 0)
                    {
                        Console.Error.WriteLine($"the {shape} probe does not compile: {errors[0]}");
                        return 1;
                    }
                }

                var bind = binds.OrderBy(t => t).ElementAt(runs / 2);
                var lines = compilation.SyntaxTrees.Sum(t => t.GetText().Lines.Count);

                // Alternating with the same analysis whose only action is an empty operation block action (the binding and
                // operation trees the driver spends anyway): the difference of the median wall times is what RaceGuard adds.
                var measured = new List<AnalyzerRun>();
                var floors = new List<TimeSpan>();
                for (var run = 0; run < runs; run++)
                {
                    measured.Add(Workbench.Run(compilation, RaceGuardAnalyzers(), exceptions, measureAllocations: run == 0));
                    floors.Add(Workbench.Run(compilation, Workbench.OperationBlocksFloor(), exceptions).Wall);
                }

                var time = measured.Select(m => m.Time).OrderBy(t => t).ElementAt(runs / 2);
                var adds = measured.Select(m => m.Wall).OrderBy(t => t).ElementAt(runs / 2) - floors.OrderBy(t => t).ElementAt(runs / 2);
                var ms = time.TotalMilliseconds;
                var xBind = ms / bind.TotalMilliseconds;
                perThousand.Add(ms / (lines / 1000.0));
                allMet &= xBind <= 0.10;
                var diagnostics = measured[0].Diagnostics.Count(d => d.Id.StartsWith("RG", StringComparison.Ordinal));
                var peerTimes = peers.Select(p => Workbench.Run(compilation, p.Analyzers, exceptions).Time).ToList();
                Console.WriteLine(
                    $"| {size:N0} | {lines:N0} | {bind.TotalMilliseconds:N0} | {ms:N0} | {xBind:N3}{(xBind > 0.10 ? " (over 0.10)" : "")} | {adds.TotalMilliseconds:N0} ({adds.TotalMilliseconds / bind.TotalMilliseconds:N3}x) | {perThousand[^1]:N1} | " +
                    $"{measured[0].AllocatedBytes / 1024.0 / (lines / 1000.0):N0} | {diagnostics} |{string.Concat(peerTimes.Select(t => $" {t.TotalMilliseconds:N0} |"))}");
            }

            var growth = perThousand[^1] / perThousand[0];
            allMet &= growth <= 2.0;
            Console.WriteLine($"ms per 1,000 lines at {sizes[^1]:N0} members / at {sizes[0]:N0}: {growth:N2} (target: at most 2)");
        }

        var collected = CompilationIsCollectedAfterAnalysis(() => ProbeCompilation(shapes[0], sizes[0]));
        Console.WriteLine();
        Console.WriteLine($"a compilation analysed by RaceGuard and then dropped is collected: {(collected ? "yes" : "no (something keeps it alive)")}");
        Console.WriteLine($"targets (at most 0.10x bind at every size, growth at most 2): {(allMet ? "met" : "not met")}");
        var ours = exceptions.Count(e => e.Analyzer.StartsWith("RaceGuard.", StringComparison.Ordinal));
        Console.WriteLine($"RaceGuard analyzer exceptions: {ours}");
        foreach (var exception in exceptions.Where(e => e.Analyzer.StartsWith("RaceGuard.", StringComparison.Ordinal)).Take(3))
        {
            Console.WriteLine(exception.Text);
        }

        return ours == 0 && collected ? 0 : 1;
    }

    private static Compilation ProbeCompilation(string shape, int size) =>
        Compile("Probe", Probes.Generate(shape, size).Select(f => CSharpSyntaxTree.ParseText(f.Text, Workbench.ParseOptions, path: "/probe/" + f.Name)));

    private static string Short(string peer) => peer.StartsWith("Microsoft.VisualStudio.Threading", StringComparison.Ordinal) ? "VSTHRD" : peer.Split('.')[0];
}
