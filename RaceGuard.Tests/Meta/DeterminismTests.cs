using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.Tests.Meta
{
    /// <summary>
    /// Every analyzer over one compilation of several hundred files (the rule tests' inputs, each in a namespace of its
    /// own, plus partial classes split across files), with concurrent analysis on and off, ten times each: the same
    /// diagnostics every time.
    /// </summary>
    public class DeterminismTests
    {
        private const int Runs = 10;

        [Fact]
        public async Task SameDiagnosticsEveryRunWithAndWithoutConcurrentAnalysis()
        {
            var compilation = await BuildCompilationAsync();
            Assert.True(compilation.SyntaxTrees.Count() >= 200, "only " + compilation.SyntaxTrees.Count() + " files");

            string? first = null;
            foreach (var concurrent in new[] { true, false })
            {
                for (var run = 0; run < Runs; run++)
                {
                    var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrent, logAnalyzerExecutionTime: false);
                    var diagnostics = await compilation.WithAnalyzers(Harness.Analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
                    Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
                    var text = Describe(diagnostics.Where(d => d.Id.StartsWith("RG", StringComparison.Ordinal)));
                    first ??= text;
                    Assert.True(first == text, "run " + run + (concurrent ? " (concurrent)" : " (sequential)") + " differs from the first run:\n" + Difference(first, text));
                }
            }

            Assert.Contains("RG0001", first, StringComparison.Ordinal);
        }

        /// <summary>Id, location, message and additional locations of every diagnostic, in a stable order.</summary>
        private static string Describe(IEnumerable<Diagnostic> diagnostics) => string.Join(
            "\n",
            diagnostics
                .Select(d => d.Id + " " + Where(d.Location) + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture) + " [" + string.Join(", ", d.AdditionalLocations.Select(Where)) + "]")
                .OrderBy(s => s, StringComparer.Ordinal));

        private static string Difference(string expected, string actual)
        {
            var before = expected.Split('\n');
            var after = actual.Split('\n');
            return string.Join("\n", before.Except(after).Take(5).Select(l => "- " + l).Concat(after.Except(before).Take(5).Select(l => "+ " + l)));
        }

        private static string Where(Location location) => location.SourceTree?.FilePath + ":" + location.SourceSpan;

        /// <summary>One compilation of every rule test input (each in a namespace of its own) and partial classes split across files.</summary>
        internal static async Task<Compilation> BuildCompilationAsync()
        {
            var trees = new List<SyntaxTree>();
            var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp12);
            var index = 0;
            foreach (var (name, source, _) in Harness.RuleTestInputs)
            {
                var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(source, parseOptions).GetRoot();
                if (root.Members.Any(m => m is GlobalStatementSyntax or FileScopedNamespaceDeclarationSyntax))
                {
                    continue;
                }

                // Each input in a namespace of its own, so that its types do not collide with the others'.
                var wrapped = root.WithMembers(SingletonList<MemberDeclarationSyntax>(NamespaceDeclaration(IdentifierName("Case" + index)).WithMembers(root.Members)));
                trees.Add(CSharpSyntaxTree.Create(wrapped.NormalizeWhitespace(), parseOptions, path: "/cases/" + index + "_" + name + ".cs"));
                index++;
            }

            // Partial classes split across files: the lock in one part, the forgotten accesses in the other.
            for (var i = 0; i < 30; i++)
            {
                trees.Add(CSharpSyntaxTree.ParseText(
                    "namespace Filler" + i + " { public partial class Store { private readonly object _gate = new object(); private readonly System.Collections.Generic.List<int> _items = new System.Collections.Generic.List<int>(); private decimal _total; " +
                    "public void Add(int x) { lock (_gate) { _items.Add(x); _total = _total + x; } } public decimal Total { get { lock (_gate) { return _total; } } } } }",
                    parseOptions,
                    path: "/filler/Store" + i + ".a.cs"));
                trees.Add(CSharpSyntaxTree.ParseText(
                    "namespace Filler" + i + " { public partial class Store { public void Clear() => _items.Clear(); public decimal Peek() => _total; " +
                    "public void Count(int[] values) { var n = 0; System.Threading.Tasks.Parallel.For(0, values.Length, j => n++); } } }",
                    parseOptions,
                    path: "/filler/Store" + i + ".b.cs"));
            }

            var single = await Harness.CompileAsync("class Seed { }");
            return CSharpCompilation.Create(
                "Determinism",
                trees,
                single.References,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        }
    }
}
