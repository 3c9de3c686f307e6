using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Tests.Meta;

namespace RaceGuard.Tests.ConcurrencyModel
{
    /// <summary>
    /// The region index across compilations, as in the IDE after an edit: what a tree's starts found is taken over when
    /// neither that tree, nor a tree whose code its search read, nor any declaration changed; otherwise it is found again.
    /// </summary>
    public class RegionIndexTests
    {
        // A pump whose task runs Loop, declared in a second file of the partial class, which calls the shared worker.
        private const string Pump = """
            using System.Threading.Tasks;

            partial class Pump
            {
                private readonly Worker _worker = new Worker();

                public void Start()
                {
                    Task.Run(() => Loop());
                }
            }
            """;

        private const string PumpLoop = """
            partial class Pump
            {
                private void Loop()
                {
                    while (true)
                    {
                        _worker.Send();
                    }
                }
            }
            """;

        private const string Worker = """
            class Worker
            {
                private int _sent;

                public void Send() => _sent++;
            }
            """;

        private const string Other = """
            class Other
            {
                public int Twice(int value) => value * 2;
            }
            """;

        [Fact]
        public async Task AnEditInAnUnrelatedBody_TakesTheStartsOver()
        {
            var before = await CompileAsync();
            var starts = StartsOfSend(before);
            Assert.Equal(0, KnownSymbols.For(before).Regions.TreesTakenOver);

            var after = Replace(before, "Other.cs", Other.Replace("value * 2", "value + value"));
            var again = StartsOfSend(after);

            Assert.Equal(1, KnownSymbols.For(after).Regions.TreesTakenOver);
            Assert.Equal(starts.Select(s => s.Describe()), again.Select(s => s.Describe()));
            Assert.Equal(starts.Select(s => (s.Kind, s.Escapes, s.SameObject, s.Multiplicity)), again.Select(s => (s.Kind, s.Escapes, s.SameObject, s.Multiplicity)));

            // The starting member is the new compilation's symbol, not the old one's.
            var start = Assert.Single(again);
            Assert.Same(after.GetTypeByMetadataName("Pump")!.GetMembers("Start").Single(), start.StartingMember);
        }

        [Fact]
        public async Task AnEditInABodyTheSearchRead_FindsTheStartsAgain()
        {
            var before = await CompileAsync();
            Assert.Single(StartsOfSend(before));

            // Loop no longer calls the worker: the region runs nothing of Worker's.
            var after = Replace(before, "PumpLoop.cs", PumpLoop.Replace("_worker.Send();", "System.Threading.Thread.Sleep(1);"));

            Assert.Empty(StartsOfSend(after));
            Assert.Equal(0, KnownSymbols.For(after).Regions.TreesTakenOver);
        }

        [Fact]
        public async Task AnEditOfADeclaration_FindsTheStartsAgain()
        {
            var before = await CompileAsync();
            var starts = StartsOfSend(before);

            var after = Replace(before, "Other.cs", Other.Replace("public int Twice", "public int Thrice(int value) => value * 3;\n\n    public int Twice"));

            Assert.Equal(starts.Select(s => s.Describe()), StartsOfSend(after).Select(s => s.Describe()));
            Assert.Equal(0, KnownSymbols.For(after).Regions.TreesTakenOver);
        }

        [Fact]
        public async Task AnEditOfTheStartsOwnTree_FindsTheStartsAgain()
        {
            var before = await CompileAsync();
            Assert.Single(StartsOfSend(before));

            var after = Replace(before, "Pump.cs", Pump.Replace("Task.Run(() => Loop());", "Loop();"));

            Assert.Empty(StartsOfSend(after));
            Assert.Equal(0, KnownSymbols.For(after).Regions.TreesTakenOver);
        }

        private static async Task<Compilation> CompileAsync()
        {
            var compilation = await Harness.CompileAsync(Pump);
            var parseOptions = (CSharpParseOptions)compilation.SyntaxTrees.Single().Options;
            compilation = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(), CSharpSyntaxTree.ParseText(Pump, parseOptions, path: "/0/Pump.cs"));
            compilation = compilation.AddSyntaxTrees(
                CSharpSyntaxTree.ParseText(PumpLoop, parseOptions, path: "/0/PumpLoop.cs"),
                CSharpSyntaxTree.ParseText(Worker, parseOptions, path: "/0/Worker.cs"),
                CSharpSyntaxTree.ParseText(Other, parseOptions, path: "/0/Other.cs"));
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            return compilation;
        }

        private static Compilation Replace(Compilation compilation, string file, string source)
        {
            var old = compilation.SyntaxTrees.Single(t => t.FilePath == "/0/" + file);
            return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(source, (CSharpParseOptions)old.Options, path: old.FilePath));
        }

        private static System.Collections.Immutable.ImmutableArray<ExternalStart> StartsOfSend(Compilation compilation) =>
            KnownSymbols.For(compilation).Regions.StartsOf(compilation.GetTypeByMetadataName("Worker")!.GetMembers("Send").Single());
    }
}
