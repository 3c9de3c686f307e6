// The IDE benchmark: `RaceGuard.Bench ide <folder> [--runs 30] [--file <path>]`.
// The IDE re-analyses the open document after every edit, on a new compilation: its semantic diagnostics with the
// symbol-end actions of the types it declares, and whatever the analyzer binds elsewhere to answer them. This command
// picks documents of a real library (the file of its largest type, the file with a lock closest to 1,000 lines, a file
// of median size; or --file), and for each measures two scenarios, --runs times after three warm-up runs, RaceGuard and
// Microsoft.VisualStudio.Threading.Analyzers each on a compilation of its own:
//   open: the document parsed anew (a new tree, a new compilation; nothing bound yet),
//   edit: one statement inserted into the document's largest method body (a new compilation with one changed tree).
// It prints the analyzer time (the compiler's telemetry) and the wall time of the document's analysis, median and p95.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using static Workbench;

internal static class IdeCommand
{
    public static int Run(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var folder = Path.GetFullPath(args[1]);
        var runs = int.Parse(Option("--runs") ?? "30", CultureInfo.InvariantCulture);
        Progress($"parsing the files under {folder}");
        var (trees, _, _) = ParseFolder(folder);
        var compilation = Compile("Ide", trees);
        var vsthrd = Peers().First(p => p.Name.StartsWith("Microsoft.VisualStudio.Threading", StringComparison.Ordinal)).Analyzers;
        var exceptions = new ConcurrentQueue<(string Analyzer, string Text)>();

        Console.WriteLine($"folder: {folder}; {runs} runs after 3 warm-up runs; times in ms, median / p95");
        Console.WriteLine("| document | lines | scenario | RaceGuard analyzer | VSTHRD analyzer | RaceGuard wall | VSTHRD wall | RaceGuard diagnostics |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (label, tree) in Documents(trees, Option("--file")))
        {
            var lines = tree.GetText().Lines.Count;
            foreach (var scenario in new[] { "open", "edit" })
            {
                Progress($"{label}: {scenario}");
                var ours = Measure(compilation, tree, scenario, RaceGuardAnalyzers(), runs, exceptions);
                var theirs = Measure(compilation, tree, scenario, vsthrd, runs, exceptions);
                Console.WriteLine($"| {label} `{Path.GetRelativePath(folder, tree.FilePath)}` | {lines:N0} | {scenario} | {ours.Analyzer} | {theirs.Analyzer} | {ours.Wall} | {theirs.Wall} | {ours.Diagnostics} |");
            }
        }

        var crashes = exceptions.Where(e => e.Analyzer.StartsWith("RaceGuard.", StringComparison.Ordinal)).ToList();
        Console.WriteLine($"RaceGuard analyzer exceptions: {crashes.Count}");
        foreach (var crash in crashes.Take(3))
        {
            Console.WriteLine(crash.Text);
        }

        return crashes.Count == 0 ? 0 : 1;
    }

    /// <summary>The documents measured: --file, or the largest type's, a file with a lock near 1,000 lines, a median one.</summary>
    private static IEnumerable<(string Label, SyntaxTree Tree)> Documents(List<SyntaxTree> trees, string? file)
    {
        if (file is not null)
        {
            // A full path, or a path relative to the folder or to its subfolders (`LiteNetManager.cs`, `Internal/Foo.cs`).
            var path = Path.GetFullPath(file);
            var suffix = Path.DirectorySeparatorChar + file.Replace('/', Path.DirectorySeparatorChar);
            var chosen = trees.FirstOrDefault(t => t.FilePath == path) ?? trees.FirstOrDefault(t => t.FilePath.EndsWith(suffix, StringComparison.Ordinal))
                ?? throw new ArgumentException($"no file {file} under the folder");
            yield return ("chosen", chosen);
            yield break;
        }

        static int Lines(SyntaxNode node) => node.SyntaxTree.GetLineSpan(node.Span).EndLinePosition.Line - node.SyntaxTree.GetLineSpan(node.Span).StartLinePosition.Line + 1;
        var largest = trees
            .SelectMany(t => t.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>())
            .OrderByDescending(Lines)
            .First();
        yield return ($"largest type ({largest.Identifier.Text})", largest.SyntaxTree);

        var withLock = trees
            .Where(t => t != largest.SyntaxTree && t.GetRoot().DescendantNodes().OfType<LockStatementSyntax>().Any())
            .OrderBy(t => Math.Abs(t.GetText().Lines.Count - 1000))
            .FirstOrDefault();
        if (withLock is not null)
        {
            yield return ("a lock, near 1,000 lines", withLock);
        }

        var typical = trees
            .Where(t => t.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().Any())
            .OrderBy(t => t.GetText().Lines.Count)
            .ToList();
        yield return ("median file", typical[typical.Count / 2]);
    }

    private static (string Analyzer, string Wall, int Diagnostics) Measure(
        CSharpCompilation compilation, SyntaxTree tree, string scenario, ImmutableArray<DiagnosticAnalyzer> analyzers, int runs, ConcurrentQueue<(string Analyzer, string Text)> exceptions)
    {
        var analyzerTimes = new List<double>();
        var wallTimes = new List<double>();
        var diagnostics = 0;
        for (var run = -3; run < runs; run++)
        {
            var changed = scenario == "open" ? CSharpSyntaxTree.ParseText(tree.GetText(), Workbench.ParseOptions, tree.FilePath) : Edited(tree, run + 3);
            var edited = compilation.ReplaceSyntaxTree(tree, changed);
            var withAnalyzers = edited.WithAnalyzers(analyzers, Options(exceptions));
            var watch = Stopwatch.StartNew();
            var found = withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(edited.GetSemanticModel(changed), null, CancellationToken.None).GetAwaiter().GetResult();
            var wall = watch.Elapsed.TotalMilliseconds;
            var analyzerTime = analyzers.Sum(a => withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds);
            if (run >= 0)
            {
                analyzerTimes.Add(analyzerTime);
                wallTimes.Add(wall);
                diagnostics = found.Count(d => d.Id.StartsWith("RG", StringComparison.Ordinal));
            }
        }

        return (MedianP95(analyzerTimes), MedianP95(wallTimes), diagnostics);
    }

    /// <summary>The document with one statement inserted at the start of its largest method body (different each run).</summary>
    private static SyntaxTree Edited(SyntaxTree tree, int run)
    {
        var body = tree.GetRoot().DescendantNodes().OfType<BaseMethodDeclarationSyntax>()
            .Select(m => m.Body)
            .Where(b => b is not null)
            .OrderByDescending(b => b!.Span.Length)
            .FirstOrDefault();
        if (body is null)
        {
            return CSharpSyntaxTree.ParseText(tree.GetText(), Workbench.ParseOptions, tree.FilePath);
        }

        var text = tree.GetText().WithChanges(new TextChange(new TextSpan(body.OpenBraceToken.Span.End, 0), $" global::System.GC.KeepAlive({run});"));
        return tree.WithChangedText(text);
    }

    private static string MedianP95(List<double> times)
    {
        var sorted = times.OrderBy(t => t).ToList();
        var p95 = sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.95) - 1)];
        return $"{sorted[sorted.Count / 2]:N0} / {p95:N0}";
    }
}
