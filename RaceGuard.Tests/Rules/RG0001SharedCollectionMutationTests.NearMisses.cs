using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0001 near misses: the fixed code and the safe look-alikes of RULES.md.</summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        private const string ContextFreeAwaits = """
            using System.Collections.Generic;
            using System.Runtime.CompilerServices;
            using System.Threading.Tasks;

            static class TaskExtensions
            {
                public static ConfiguredTaskAwaitable AnyContext(this Task task) => task.ConfigureAwait(false);

                public static void Forget(this Task task) { }
            }

            class Loader
            {
                private readonly List<string> _loaded = new List<string>();

                public async Task LoadBothAsync()
                {
                    await LoadAsync("a").AnyContext();
                    await LoadAsync("b").AnyContext();
                }

                private async Task LoadAsync(string key)
                {
                    await Task.Delay(10).AnyContext();
                    _loaded.Add(key);
                }
            }
            """;

        [Fact]
        public async Task Silent_CallsAwaitedThroughAConfigureAwaitExtensionOfTheProgram()
        {
            await VerifyCS.VerifyAnalyzerAsync(ContextFreeAwaits);
        }

        [Fact]
        public async Task Reports_CallsLeftRunningThroughAnExtensionThatReturnsNothing()
        {
            var source = ContextFreeAwaits
                .Replace("await LoadAsync(\"a\").AnyContext();", "LoadAsync(\"a\").Forget();")
                .Replace("await LoadAsync(\"b\").AnyContext();", "LoadAsync(\"b\").Forget();")
                .Replace("_loaded.Add(key);", "[|_loaded.Add(key)|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ConcurrentDictionary()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Threading.Tasks;

                class C
                {
                    void Count(string[] words)
                    {
                        var counts = new ConcurrentDictionary<string, int>();
                        Parallel.ForEach(words, w => counts[w] = w.Length);
                        Parallel.ForEach(words, w => counts.TryAdd(w + "!", 1));
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_CollectionCreatedInsideLambda()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    void Work(int[][] batches)
                    {
                        Parallel.ForEach(batches, batch =>
                        {
                            var local = new List<int>();
                            foreach (var item in batch)
                            {
                                local.Add(item);
                            }

                            local.Sort();
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ParallelForWritesOwnArrayElement()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    int[] Squares(int n)
                    {
                        var results = new int[n];
                        var names = new List<string>(new string[n]);
                        Parallel.For(0, n, i =>
                        {
                            results[i] = i * i;
                            names[i] = i.ToString();
                        });
                        return results;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_AccessAfterAwaitedJoin()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> RunAsync()
                    {
                        var list = new List<int>();
                        var worker = Task.Run(() => list.Add(1));
                        await worker;
                        list.Add(2);
                        return list.Count;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_AccessAfterWaitAll()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    int Run()
                    {
                        var list = new List<int>();
                        var a = Task.Run(() => list.Add(1));
                        Task.WaitAll(a);
                        var b = Task.Run(() => list.Add(2));
                        b.Wait();
                        list.Clear();
                        return list.Count;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_SemaphoreSlimAroundWrites()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1, 1);

                    async Task<List<string>> FetchAllAsync(IEnumerable<string> urls)
                    {
                        var pages = new List<string>();
                        await Task.WhenAll(urls.Select(async url =>
                        {
                            await Task.Delay(10);
                            await _mutex.WaitAsync();
                            try
                            {
                                pages.Add(url);
                            }
                            finally
                            {
                                _mutex.Release();
                            }
                        }));
                        return pages;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_MonitorEnterExit()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly object _sync = new object();

                    void Fill(int[] items)
                    {
                        var set = new HashSet<int>();
                        Parallel.ForEach(items, item =>
                        {
                            var taken = false;
                            try
                            {
                                Monitor.Enter(_sync, ref taken);
                                set.Add(item);
                            }
                            finally
                            {
                                if (taken)
                                {
                                    Monitor.Exit(_sync);
                                }
                            }
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_AwaitedOneAtATimeInLoop()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task RunAsync(int[] items)
                    {
                        var list = new List<int>();
                        foreach (var item in items)
                        {
                            await Task.Run(() => list.Add(item));
                        }

                        foreach (var task in items.Select(async item => { await Task.Delay(1); list.Add(item); }))
                        {
                            await task;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ThreadJoinedBeforeAccess()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                class C
                {
                    void Run()
                    {
                        var list = new List<int>();
                        var thread = new Thread(() => list.Add(1));
                        list.Add(0);
                        thread.Start();
                        thread.Join();
                        list.Add(2);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ImmutableAndThreadLocalState()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private ImmutableList<int> _all = ImmutableList<int>.Empty;
                    private readonly ThreadLocal<List<int>> _perThread = new ThreadLocal<List<int>>(() => new List<int>());

                    [System.ThreadStatic]
                    private static List<int>? s_scratch;

                    void Fill(int[] items)
                    {
                        Parallel.ForEach(items, item =>
                        {
                            ImmutableInterlocked.Update(ref _all, l => l.Add(item));
                            _perThread.Value!.Add(item);
                            (s_scratch ??= new List<int>()).Add(item);
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_TimerAndPublicMethodUnderSameLock()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                class Cache : IDisposable
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<string, DateTime> _entries = new();
                    private readonly Timer _timer;

                    public Cache()
                    {
                        _timer = new Timer(_ => Evict(), null, 1000, 1000);
                    }

                    public void Put(string key)
                    {
                        lock (_gate)
                        {
                            _entries[key] = DateTime.UtcNow;
                        }
                    }

                    private void Evict()
                    {
                        lock (_gate)
                        {
                            _entries.Clear();
                        }
                    }

                    public void Dispose() => _timer.Dispose();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ReaderWriterLockWriteAndReadLocks()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                    private readonly List<int> _items = new List<int>();

                    public void Fill(int[] items)
                    {
                        Parallel.ForEach(items, item =>
                        {
                            _rw.EnterWriteLock();
                            try
                            {
                                _items.Add(item);
                            }
                            finally
                            {
                                _rw.ExitWriteLock();
                            }
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

#if !OLDEST_ROSLYN // C# 13 (System.Threading.Lock) needs a newer compiler than the oldest Roslyn the analyzers support
        [Fact]
        public async Task NoDiagnostic_SystemThreadingLockAndEnterScope()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly Lock _gate = new();

                    void Fill(int[] items)
                    {
                        var a = new List<int>();
                        var b = new List<int>();
                        Parallel.ForEach(items, item =>
                        {
                            lock (_gate)
                            {
                                a.Add(item);
                            }

                            using (_gate.EnterScope())
                            {
                                b.Add(item);
                            }
                        });
                    }
                }
                """;

            var test = new VerifyCS.Test { TestCode = source, ReferenceAssemblies = Verifiers.TestReferences.Net90, LanguageVersion = Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp13 };
            await test.RunAsync();
        }
#endif

        [Fact]
        public async Task NoDiagnostic_SingleParallelInvokeActionAndSequentialAwaits()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task RunAsync()
                    {
                        var list = new List<int>();
                        Parallel.Invoke(() => list.Add(1));
                        await Task.Run(() => list.Add(2));
                        await Task.Run(() => list.Add(3));
                        await Task.Factory.StartNew(() => list.Remove(1));
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_LockTakenInCalledMethod()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Indexer
                {
                    private readonly object _gate = new object();
                    private readonly HashSet<string> _seen = new HashSet<string>();

                    public void IndexAll(string[] files)
                    {
                        Parallel.ForEach(files, file => Record(file));
                    }

                    public bool Seen(string file)
                    {
                        lock (_gate)
                        {
                            return _seen.Contains(file);
                        }
                    }

                    private void Record(string file)
                    {
                        lock (_gate)
                        {
                            _seen.Add(file);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ConstructorFillsBeforeTimerThatOnlyReads()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                class Poller
                {
                    private readonly List<string> _targets = new List<string>();
                    private readonly Timer _timer;

                    public Poller(IEnumerable<string> targets)
                    {
                        _targets.AddRange(targets);
                        _timer = new Timer(_ => Poll(), null, 0, 1000);
                    }

                    private void Poll()
                    {
                        foreach (var target in _targets)
                        {
                            Console.WriteLine(target);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_AfterAwaitingLoopKeptInField()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class Dispatcher
                {
                    private readonly List<string> _sent = new List<string>();
                    private Task _loop = Task.CompletedTask;

                    public void Start(CancellationToken ct) => _loop = Task.Run(() => LoopAsync(ct));

                    public async Task<int> StopAsync()
                    {
                        await _loop;
                        _sent.Clear();
                        return _sent.Count;
                    }

                    private async Task LoopAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            _sent.Add("tick");
                            await Task.Delay(10, ct);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_AsyncCallsAwaitedOneByOne()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Loader
                {
                    private readonly Dictionary<string, string> _cache = new Dictionary<string, string>();

                    public async Task LoadBothAsync()
                    {
                        await LoadAsync("a");
                        await LoadAsync("b").ConfigureAwait(false);
                    }

                    private async Task LoadAsync(string key)
                    {
                        await Task.Delay(10);
                        _cache[key] = key.ToUpperInvariant();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ObjectCreatedInsideRegion()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Batch
                {
                    public List<int> Items { get; } = new List<int>();
                }

                class C
                {
                    void Run(int[] values)
                    {
                        Parallel.ForEach(values, value =>
                        {
                            var batch = new Batch();
                            batch.Items.Add(value);
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string LocalFunctionHelperSource = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            public class Failover
            {
                private readonly string[] _hosts = { "a", "b" };

                public void Recover(int[] shards)
                {
                    Parallel.ForEach(shards, shard => Refresh());
                }

                private void Refresh()
                {
                    var stale = new List<string>(_hosts);
                    foreach (var host in _hosts)
                    {
                        Probe(host);
                    }

                    foreach (var host in stale)
                    {
                        System.Console.WriteLine(host);
                    }

                    void Probe(string host)
                    {
                        if (host.Length > 0)
                        {
                            stale.Remove(host);
                        }
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_LocalOfACalleeChangedByALocalFunctionItCallsDirectly()
        {
            // Every Parallel body calls Refresh, which declares its own list; the local function runs inside that call.
            await VerifyCS.VerifyAnalyzerAsync(LocalFunctionHelperSource);
        }

        [Fact]
        public async Task Reports_LocalOfACalleeChangedByALocalFunctionHandedToParallel()
        {
            var source = LocalFunctionHelperSource
                .Edit("        foreach (var host in _hosts)\n        {\n            Probe(host);\n        }", "        {|#1:Parallel.ForEach(_hosts, Probe)|};")
                .Edit("            stale.Remove(host);", "            {|#0:stale.Remove(host)|};")
                .Edit("Parallel.ForEach(shards, shard => Refresh())", "{|#2:Parallel.ForEach(shards, shard => Refresh())|}");
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0001").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("stale", "List<string>", "by a Parallel.ForEach body 'Probe'", "another run may change it", "guard it with a lock"));
        }

        [Fact]
        public async Task NoDiagnostic_ReadsOnlyInParallel()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    int Count(Dictionary<string, int> lookup, string[] keys)
                    {
                        var hits = 0;
                        Parallel.ForEach(keys, key =>
                        {
                            if (lookup.ContainsKey(key) && lookup.TryGetValue(key, out var value) && value > 0)
                            {
                                System.Threading.Interlocked.Increment(ref hits);
                            }
                        });
                        return hits + keys.AsParallel().Count(k => lookup.ContainsKey(k));
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_SequentialCodeWithoutRegions()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;

                class C
                {
                    private readonly List<int> _items = new List<int>();

                    public void Add(int x) => _items.Add(x);

                    public List<int> Doubled() => _items.Select(x => x * 2).ToList();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    
        [Fact]
        public async Task NoDiagnostic_AsyncLockLibraryScope()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                sealed class AsyncLock
                {
                    private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);

                    public async Task<IDisposable> LockAsync()
                    {
                        await _semaphore.WaitAsync();
                        return new Releaser(_semaphore);
                    }

                    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
                    {
                        public void Dispose() => semaphore.Release();
                    }
                }

                class C
                {
                    private readonly AsyncLock _mutex = new AsyncLock();

                    async Task<List<string>> FetchAllAsync(IEnumerable<string> urls)
                    {
                        var pages = new List<string>();
                        await Task.WhenAll(urls.Select(async url =>
                        {
                            await Task.Delay(10);
                            using (await _mutex.LockAsync())
                            {
                                pages.Add(url);
                            }
                        }));
                        return pages;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ClearAfterConditionalAwaitOfTheLoop()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class ChatClient
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _pending = new List<string>();
                    private readonly CancellationTokenSource _cts = new CancellationTokenSource();
                    private Task? _heartbeat;

                    public void Connect() => _heartbeat = Task.Run(async () =>
                    {
                        while (!_cts.IsCancellationRequested)
                        {
                            lock (_gate)
                            {
                                _pending.Add("ping");
                            }

                            await Task.Delay(1000);
                        }
                    });

                    public async Task StopAsync()
                    {
                        _cts.Cancel();
                        if (_heartbeat != null)
                        {
                            await _heartbeat;
                        }

                        _pending.Clear();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_MonitorWaitPulseWorkQueue()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                sealed class WorkQueue
                {
                    private readonly Queue<Action> _items = new Queue<Action>();
                    private readonly Thread _worker;

                    public WorkQueue()
                    {
                        _worker = new Thread(Run) { IsBackground = true };
                        _worker.Start();
                    }

                    public void Enqueue(Action action)
                    {
                        lock (_items)
                        {
                            _items.Enqueue(action);
                            Monitor.Pulse(_items);
                        }
                    }

                    private void Run()
                    {
                        while (true)
                        {
                            Action next;
                            lock (_items)
                            {
                                while (_items.Count == 0)
                                {
                                    Monitor.Wait(_items);
                                }

                                next = _items.Dequeue();
                            }

                            next();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_CopyOnWriteSnapshotSwappedWithInterlocked()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                sealed class Snapshotter
                {
                    private List<int> _data = new List<int>();

                    public Task RefreshAsync() => Task.Run(() =>
                    {
                        var fresh = new List<int> { 1, 2, 3 };
                        fresh.Add(4);
                        Interlocked.Exchange(ref _data, fresh);
                    });

                    public int Sum() => Volatile.Read(ref _data).Sum();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_TasksWriteTheirOwnListSlotByPerIterationIndex()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task<List<int>> SquaresAsync(int n)
                    {
                        var results = new List<int>(new int[n]);
                        var tasks = new List<Task>();
                        for (var i = 0; i < n; i++)
                        {
                            var slot = i;
                            tasks.Add(Task.Run(() => results[slot] = slot * slot));
                        }

                        await Task.WhenAll(tasks);
                        return results;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ConcurrentValuesOrLockedPlainValues()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    void Group(string[] words)
                    {
                        var bags = new ConcurrentDictionary<int, ConcurrentBag<string>>();
                        Parallel.ForEach(words, word => bags.GetOrAdd(word.Length, _ => new ConcurrentBag<string>()).Add(word));

                        var lists = new ConcurrentDictionary<int, List<string>>();
                        Parallel.ForEach(words, word =>
                        {
                            var list = lists.GetOrAdd(word.Length, _ => new List<string>());
                            lock (list)
                            {
                                list.Add(word);
                            }
                        });

                        var sequential = new ConcurrentDictionary<int, List<string>>();
                        foreach (var word in words)
                        {
                            sequential.GetOrAdd(word.Length, _ => new List<string>()).Add(word);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_AccessAfterTheWorkersLastSignal()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                class C
                {
                    int Load()
                    {
                        var rows = new List<string>();
                        using var done = new ManualResetEventSlim();
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            try
                            {
                                rows.Add("loaded");
                            }
                            finally
                            {
                                done.Set();
                            }
                        });
                        done.Wait();
                        rows.Add("after");
                        return rows.Count;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_LocalReassignedToItsOwnCollection()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    private readonly List<int> _all = new List<int>();

                    void Scan(int[] values)
                    {
                        Parallel.ForEach(values, value =>
                        {
                            var target = _all;
                            target = new List<int>();
                            target.Add(value);
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_LazyAsyncInitialisationAwaitedBeforeUse()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Catalog
                {
                    private readonly Dictionary<string, decimal> _prices = new Dictionary<string, decimal>();
                    private Task? _init;

                    public async Task<decimal> PriceAsync(string sku)
                    {
                        await EnsureLoadedAsync();
                        return _prices.TryGetValue(sku, out var price) ? price : 0m;
                    }

                    private Task EnsureLoadedAsync() => _init ??= LoadAsync();

                    private async Task LoadAsync()
                    {
                        await Task.Delay(10);
                        _prices["a"] = 1m;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
