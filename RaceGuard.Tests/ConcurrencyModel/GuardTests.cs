using System.Linq;
using System.Threading.Tasks;
using RaceGuard.ConcurrencyModel;
using static RaceGuard.Tests.ConcurrencyModel.ModelHarness;

namespace RaceGuard.Tests.ConcurrencyModel
{
    /// <summary>Which accesses the model treats as protected, and which are not shared at all.</summary>
    public class GuardTests
    {
        private const string Members = """
            private readonly object _gate = new object();
            private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
            private readonly Mutex _mutex = new Mutex();
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private SpinLock _spin = new SpinLock();
            private int _count;
            private volatile bool _stop;
            [ThreadStatic] private static List<int>? s_perThread;
            """;

        [Theory]
        [InlineData("lock (_gate) { list.Add(1); }", GuardKind.Lock, true)]
        [InlineData("Monitor.Enter(_gate); try { list.Add(1); } finally { Monitor.Exit(_gate); }", GuardKind.Monitor, true)]
        [InlineData("var taken = false; try { Monitor.Enter(_gate, ref taken); list.Add(1); } finally { if (taken) Monitor.Exit(_gate); }", GuardKind.Monitor, true)]
        [InlineData("_semaphore.Wait(); try { list.Add(1); } finally { _semaphore.Release(); }", GuardKind.Semaphore, true)]
        [InlineData("await _semaphore.WaitAsync(); try { list.Add(1); } finally { _semaphore.Release(); }", GuardKind.Semaphore, true)]
        [InlineData("if (!_semaphore.Wait(100)) return; try { list.Add(1); } finally { _semaphore.Release(); }", GuardKind.Semaphore, true)]
        [InlineData("_mutex.WaitOne(); try { list.Add(1); } finally { _mutex.ReleaseMutex(); }", GuardKind.Mutex, true)]
        [InlineData("_rw.EnterWriteLock(); try { list.Add(1); } finally { _rw.ExitWriteLock(); }", GuardKind.ReaderWriterLock, true)]
        [InlineData("_rw.EnterReadLock(); try { list.Add(1); } finally { _rw.ExitReadLock(); }", GuardKind.ReaderWriterLock, false)]
        [InlineData("var taken = false; _spin.Enter(ref taken); try { list.Add(1); } finally { _spin.Exit(); }", GuardKind.SpinLock, true)]
        public async Task GuardIsHeld(string body, GuardKind kind, bool exclusive)
        {
            var facts = await FactsOfAsync(InMethod(body, Members));
            var guard = Assert.Single(facts.Access("list.Add(1)").Guards);
            Assert.Equal(kind, guard.Kind);
            Assert.Equal(exclusive, guard.Exclusive);
        }

        [Theory]
        [InlineData("new SemaphoreSlim(1, 1)", true)]
        [InlineData("new SemaphoreSlim(1)", true)]
        [InlineData("new SemaphoreSlim(4)", false)]
        [InlineData("new SemaphoreSlim(Environment.ProcessorCount)", false)]
        public async Task SemaphoreWithMoreThanOneSlot_Throttles(string creation, bool exclusive)
        {
            var facts = await FactsOfAsync(InMethod("await _gate.WaitAsync(); try { list.Add(1); } finally { _gate.Release(); }", "private readonly SemaphoreSlim _gate = " + creation + ";"));
            Assert.Equal(exclusive, Assert.Single(facts.Access("list.Add(1)").Guards).Exclusive);
        }

        [Fact]
        public async Task ReleasedGuard_NoLongerHeld()
        {
            var facts = await FactsOfAsync(InMethod("_semaphore.Wait(); list.Add(1); _semaphore.Release(); list.Add(2);", Members));
            Assert.Single(facts.Access("list.Add(1)").Guards);
            Assert.Empty(facts.Access("list.Add(2)").Guards);
        }

        [Fact]
        public async Task LockOutsideTheRegion_DoesNotHoldInside()
        {
            var facts = await FactsOfAsync(InMethod("lock (_gate) { _ = Task.Run(() => list.Add(1)); }", Members));
            Assert.Empty(facts.Access("list.Add(1)").Guards);
        }

        [Fact]
        public async Task InterlockedVolatileAndVolatileFields_AreAtomic()
        {
            var facts = await FactsOfAsync(InMethod("Interlocked.Increment(ref _count); Volatile.Write(ref _count, 2); _stop = true; var s = _stop; _count++;", Members));
            var accesses = facts.Members.SelectMany(m => m.Accesses).ToList();
            Assert.True(accesses.Single(a => a.ReportOperation.Syntax.ToString() == "Interlocked.Increment(ref _count)").IsAtomic);
            Assert.True(accesses.Single(a => a.ReportOperation.Syntax.ToString() == "Volatile.Write(ref _count, 2)").IsAtomic);
            Assert.True(accesses.Single(a => a.ReportOperation.Syntax.ToString() == "_stop = true").IsAtomic);
            var increment = accesses.Single(a => a.ReportOperation.Syntax.ToString() == "_count++");
            Assert.Equal(AccessKind.ReadModifyWrite, increment.Kind);
            Assert.False(increment.IsAtomic);
        }

        [Fact]
        public async Task CommonGuard_ProtectsBothSides()
        {
            var facts = await FactsOfAsync(InMethod("var t = Task.Run(() => { lock (_gate) { list.Add(1); } }); lock (_gate) { list.Add(2); } list.Add(3); await t;", Members));
            var inside = facts.Access("list.Add(1)");
            Assert.True(ParallelismQuery.IsProtected(inside, facts.Access("list.Add(2)")));
            Assert.False(ParallelismQuery.IsProtected(inside, facts.Access("list.Add(3)")));
            Assert.True(ParallelismQuery.Races(inside, facts.Access("list.Add(3)")));
        }

        [Fact]
        public async Task ThreadStaticFields_AreNotShared()
        {
            var facts = await FactsOfAsync(InMethod("Parallel.ForEach(items, i => (s_perThread ??= new List<int>()).Add(i));", Members));
            Assert.DoesNotContain(facts.Members.SelectMany(m => m.Accesses), a => a.Path.Root?.Name == "s_perThread");
        }

        [Fact]
        public async Task ParallelForIndex_PartitionsArrayElements()
        {
            var facts = await FactsOfAsync(InMethod("var results = new int[10]; Parallel.For(0, 10, i => { results[i] = i; results[0] = i; });"));
            var own = facts.Access("results[i] = i");
            Assert.True(own.IsPartitionedByParallelIndex);
            Assert.False(facts.Access("results[0] = i").IsPartitionedByParallelIndex);
        }

        [Fact]
        public async Task LockTakenInCallee_GuardsTheInlinedAccess()
        {
            const string members = "private readonly object _gate = new object(); private readonly List<int> _items = new List<int>(); private void Add(int x) { lock (_gate) { _items.Add(x); } }";
            var facts = await FactsOfAsync(InMethod("Parallel.ForEach(items, i => Add(i));", members));
            var access = facts.Access("_items.Add(x)");
            Assert.NotNull(access.Region);
            Assert.Single(access.Guards);
            Assert.False(ParallelismQuery.Races(access, access));
        }

        [Fact]
        public async Task LockOfAGenericBaseClass_NamedByItsDefinitionInADerivedGenericType()
        {
            // Derived<T> names Base<T>'s _lock through its own T: the key must be the one lock the base's own code takes.
            const string source = """
                using System.Collections.Generic;

                public abstract class Base<T>
                {
                    protected readonly object _lock = new object();
                    protected readonly List<T> _items = new List<T>();

                    public void Clear()
                    {
                        lock (_lock)
                        {
                            _items.Clear();
                        }
                    }
                }

                public sealed class Derived<T> : Base<T>
                {
                    public void Add(T item)
                    {
                        lock (_lock)
                        {
                            _items.Add(item);
                        }
                    }
                }
                """;

            var derived = await FactsOfAsync(source, "Derived`1");
            var key = Assert.Single(derived.Access("_items.Add(item)").Guards).Key;
            Assert.NotNull(key.Symbol);
            Assert.True(Microsoft.CodeAnalysis.SymbolEqualityComparer.Default.Equals(key.Symbol, key.Symbol!.OriginalDefinition));
        }
    }
}
