using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Tests.Meta;

namespace RaceGuard.Tests.ConcurrencyModel
{
    /// <summary>The region-kind table and the recognition of types built for concurrent use, on their own.</summary>
    public class RegionKindsAndConcurrentUseTests
    {
        [Fact]
        public void EveryRegionKind_HasARowWithMessageNouns()
        {
            foreach (RegionKind kind in Enum.GetValues(typeof(RegionKind)))
            {
                Assert.True(RegionKinds.HasRow(kind), kind + " has no row in RegionKinds");
                var info = RegionKinds.Of(kind);
                Assert.False(string.IsNullOrWhiteSpace(info.LambdaNoun));
                Assert.False(string.IsNullOrWhiteSpace(info.MethodNoun));
            }
        }

        [Theory]
        [InlineData(RegionKind.TaskRun, "Task.Run", null, "Task.Run lambda")]
        [InlineData(RegionKind.Thread, "Thread", "Loop", "thread procedure 'Loop'")]
        [InlineData(RegionKind.TimerElapsed, "Timer.Elapsed", null, "Timer.Elapsed handler")]
        [InlineData(RegionKind.ParallelInvokeAction, "Parallel.Invoke", null, "Parallel.Invoke action")]
        [InlineData(RegionKind.MessageHandler, "SendAsync", null, "SendAsync override")]
        public async Task ConstructName_ReadsTheTable(RegionKind kind, string entry, string? methodName, string expected)
        {
            IMethodSymbol? method = null;
            if (methodName is not null)
            {
                var compilation = await Harness.CompileAsync("class C { void " + methodName + "() { } }");
                method = compilation.GetTypeByMetadataName("C")!.GetMembers(methodName).OfType<IMethodSymbol>().Single();
            }

            Assert.Equal(expected, RegionKinds.ConstructName(kind, entry, method));
        }

        [Theory]
        [InlineData("private readonly object _gate = new object(); public void M() { lock (_gate) { } }", SharedInstanceEvidence.LocksItsState)]
        [InlineData("public void M() { lock (this) { } }", SharedInstanceEvidence.LocksItsState)]
        [InlineData("private readonly object _gate; public C(object gate) { _gate = gate; } public void M() { lock (_gate) { } }", SharedInstanceEvidence.None)]
        [InlineData("private object? _sync; public void M() { lock (_sync ??= new object()) { } }", SharedInstanceEvidence.LocksItsState)]
        [InlineData("private object _sync = null!; public C() { _sync = new object(); } public void M() { lock (_sync) { } }", SharedInstanceEvidence.LocksItsState)]
        [InlineData("private int _count; public void M() { System.Threading.Interlocked.Increment(ref _count); }", SharedInstanceEvidence.AtomicFieldUpdates)]
        [InlineData("private readonly System.Threading.SemaphoreSlim _mutex = new System.Threading.SemaphoreSlim(1, 1); public void M() { _mutex.Wait(); _mutex.Release(); }", SharedInstanceEvidence.LocksItsState)]
        [InlineData("private readonly System.Threading.SemaphoreSlim _throttle = new System.Threading.SemaphoreSlim(4); public void M() { _throttle.Wait(); _throttle.Release(); }", SharedInstanceEvidence.None)]
        [InlineData("private readonly System.Threading.ReaderWriterLockSlim _rw = new System.Threading.ReaderWriterLockSlim(); public void M() { _rw.EnterReadLock(); _rw.ExitReadLock(); }", SharedInstanceEvidence.LocksItsState)]
        public async Task FromOperation_FindsOwnSynchronisation(string members, SharedInstanceEvidence expected)
        {
            var compilation = await Harness.CompileAsync("class C { " + members + " }");
            var type = compilation.GetTypeByMetadataName("C")!;
            var known = KnownSymbols.For(compilation);
            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var found = tree.GetRoot().DescendantNodes()
                .Select(node => model.GetOperation(node))
                .Where(operation => operation is ILockOperation or IInvocationOperation)
                .Select(operation => ConcurrentUse.FromOperation(operation!, type, known))
                .FirstOrDefault(evidence => evidence != SharedInstanceEvidence.None);
            Assert.Equal(expected, found);
        }

        [Theory]
        [InlineData("class C { private volatile bool _stop; }", SharedInstanceEvidence.VolatileField)]
        [InlineData("class C { private readonly System.Collections.Concurrent.ConcurrentQueue<int> _queue = new(); }", SharedInstanceEvidence.ConcurrentCollectionField)]
        [InlineData("[ThreadSafe] class C { } class ThreadSafeAttribute : System.Attribute { }", SharedInstanceEvidence.ThreadSafeAttribute)]
        [InlineData("class C { private readonly System.Collections.Generic.List<int> _items = new(); }", SharedInstanceEvidence.None)]
        public async Task FromDeclaration_ReadsFieldsAndAttributes(string source, SharedInstanceEvidence expected)
        {
            var compilation = await Harness.CompileAsync(source);
            var type = compilation.GetTypeByMetadataName("C")!;
            Assert.Equal(expected, ConcurrentUse.FromDeclaration(type, KnownSymbols.For(compilation), System.Collections.Immutable.ImmutableHashSet<string>.Empty, infer: true));
        }

        [Fact]
        public async Task FromDeclaration_ConfiguredTypeAndInferenceOff()
        {
            var compilation = await Harness.CompileAsync("namespace Shop { class Basket { private volatile bool _open; } }");
            var type = compilation.GetTypeByMetadataName("Shop.Basket")!;
            var known = KnownSymbols.For(compilation);
            Assert.Equal(SharedInstanceEvidence.Configured, ConcurrentUse.FromDeclaration(type, known, System.Collections.Immutable.ImmutableHashSet.Create("Shop.Basket"), infer: false));
            Assert.Equal(SharedInstanceEvidence.None, ConcurrentUse.FromDeclaration(type, known, System.Collections.Immutable.ImmutableHashSet<string>.Empty, infer: false));
        }
    }
}
