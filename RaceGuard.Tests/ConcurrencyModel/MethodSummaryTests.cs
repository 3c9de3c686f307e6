using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Tests.Meta;
using RaceGuard.Tests.Rules;

namespace RaceGuard.Tests.ConcurrencyModel
{
    /// <summary>The locks every caller holds on entry into a method, as the summaries compose them across the compilation.</summary>
    public class MethodSummaryTests
    {
        [Fact]
        public async Task AnOverloadNobodyCallsIsNoWayIntoTheHook()
        {
            // DoAppend locks and calls Append(item); Append(string[]) also calls it, unlocked, but nothing calls Append(string[]).
            Assert.Equal(new[] { "_lockObj" }, await EntryLocksOfRollAsync(RG0001SharedCollectionMutationTests.BatchHookSource));
        }

        [Fact]
        public async Task AnOverloadCalledWithoutTheLockTakesTheLockAwayFromTheHook()
        {
            var source = RG0001SharedCollectionMutationTests.BatchHookSource.Replace(
                "    public int Pending()",
                "    public void AppendAll(string[] items) => Append(items);\n\n    public int Pending()");
            Assert.Empty(await EntryLocksOfRollAsync(source));
        }

        [Fact]
        public async Task AnOverloadCalledUnderTheLockKeepsIt()
        {
            var source = RG0001SharedCollectionMutationTests.BatchHookSource.Replace(
                "    public int Pending()",
                "    public void AppendAll(string[] items)\n    {\n        lock (LockObj)\n        {\n            Append(items);\n        }\n    }\n\n    public int Pending()");
            Assert.Equal(new[] { "_lockObj" }, await EntryLocksOfRollAsync(source));
        }

        private static async Task<string[]> EntryLocksOfRollAsync(string source)
        {
            var compilation = await Harness.CompileAsync(source);
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            var roll = compilation.GetTypeByMetadataName("RollingAppender")!.GetMembers("Roll").OfType<IMethodSymbol>().Single();
            return KnownSymbols.For(compilation).Summaries.EntryOf(roll).Locks.Select(g => g.Key.Text).ToArray();
        }
    }
}
