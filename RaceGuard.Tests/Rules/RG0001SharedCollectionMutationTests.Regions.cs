using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0001 positives, one or more per entry-point kind of RULES.md.</summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        [Fact]
        public async Task Reports_TaskFactoryStartNewSiblingsJoinedByWaitAll()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    void Build()
                    {
                        var queue = new Queue<int>();
                        var a = Task.Factory.StartNew(() => [|queue.Enqueue(1)|]);
                        var b = Task.Factory.StartNew(() => [|queue.Enqueue(2)|]);
                        Task.WaitAll(a, b);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_NewTaskStartedThenStarterWritesBeforeWait()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    void Build()
                    {
                        var names = new List<string>();
                        var task = new Task(() => [|names.Add("worker")|]);
                        task.Start();
                        [|names.Add("main")|];
                        task.Wait();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ContinueWithWhileStarterWrites()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    void Build()
                    {
                        var log = new List<string>();
                        var continuation = Task.Delay(10).ContinueWith(_ => [|log.Add("done")|]);
                        [|log.Add("waiting")|];
                        continuation.Wait();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ParallelForAddingToList()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    List<int> Evens(int n)
                    {
                        var evens = new List<int>();
                        Parallel.For(0, n, i =>
                        {
                            if (i % 2 == 0)
                            {
                                [|evens.Add(i)|];
                            }
                        });
                        return evens;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ParallelForEachAsyncIndexerSet()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task<Dictionary<string, int>> LengthsAsync(IEnumerable<string> urls)
                    {
                        var lengths = new Dictionary<string, int>();
                        await Parallel.ForEachAsync(urls, async (url, ct) =>
                        {
                            await Task.Delay(1, ct);
                            [|lengths[url] = url.Length|];
                        });
                        return lengths;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ParallelInvokeSiblingActions()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    void Load()
                    {
                        var stack = new Stack<string>();
                        Parallel.Invoke(
                            () => [|stack.Push("a")|],
                            () => [|stack.Push("b")|]);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ThreadPoolWorkItemAndPublicReader()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                class Recorder
                {
                    private readonly List<string> _events = new List<string>();

                    public void Record(string name) => ThreadPool.QueueUserWorkItem(_ => [|_events.Add(name)|]);

                    public int Count => _events.Count;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ThreadMethodGroupAndStarterBeforeJoin()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                class Crawler
                {
                    private readonly HashSet<string> _visited = new HashSet<string>();

                    public void Crawl()
                    {
                        var thread = new Thread(Work);
                        thread.Start();
                        [|_visited.Add("root")|];
                        thread.Join();
                    }

                    private void Work() => [|_visited.Add("child")|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TimersTimerElapsedHandlerAndPublicMethod()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Timers;

                class Sampler
                {
                    private readonly List<double> _samples = new List<double>();
                    private readonly Timer _timer = new Timer(100);

                    public Sampler()
                    {
                        _timer.Elapsed += OnElapsed;
                        _timer.Start();
                    }

                    public void Reset() => [|_samples.Clear()|];

                    private void OnElapsed(object sender, ElapsedEventArgs e) => [|_samples.Add(e.SignalTime.Second)|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_PlinqForAll()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;

                class C
                {
                    List<int> Positives(int[] values)
                    {
                        var positives = new List<int>();
                        values.AsParallel().Where(v => v > 0).ForAll(v => [|positives.Add(v)|]);
                        return positives;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_UnawaitedAsyncCallsJoinedLater()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Loader
                {
                    private readonly Dictionary<string, string> _cache = new Dictionary<string, string>();

                    public async Task LoadBothAsync()
                    {
                        var first = LoadAsync("a");
                        var second = LoadAsync("b");
                        await Task.WhenAll(first, second);
                    }

                    private async Task LoadAsync(string key)
                    {
                        await Task.Delay(10);
                        [|_cache[key] = key.ToUpperInvariant()|];
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ConfiguredEntryPoint()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                namespace MyLib
                {
                    static class Jobs
                    {
                        public static void Schedule(Action job) { }
                    }

                    class C
                    {
                        void Plan()
                        {
                            var done = new List<string>();
                            Jobs.Schedule(() => [|done.Add("a")|]);
                            Jobs.Schedule(() => [|done.Add("b")|]);
                        }
                    }
                }
                """;

            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
                root = true

                [*.cs]
                raceguard.concurrent_entry_points = MyLib.Jobs.Schedule
                """));
            await test.RunAsync();
        }

        [Fact]
        public async Task NoDiagnostic_UnconfiguredMethodTakingDelegate()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                static class Jobs
                {
                    public static void Schedule(Action job) => job();
                }

                class C
                {
                    void Plan()
                    {
                        var done = new List<string>();
                        Jobs.Schedule(() => done.Add("a"));
                        Jobs.Schedule(() => done.Add("b"));
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TasksStartedInLoopAndWaitedAfter()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    Dictionary<int, int> Squares(int n)
                    {
                        var squares = new Dictionary<int, int>();
                        var tasks = new List<Task>();
                        for (var i = 0; i < n; i++)
                        {
                            var k = i;
                            tasks.Add(Task.Run(() => [|squares.Add(k, k * k)|]));
                        }

                        Task.WaitAll(tasks.ToArray());
                        return squares;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_FireAndForgetInPublicMethod()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class AuditLog
                {
                    private readonly List<string> _lines = new List<string>();

                    public void Write(string line)
                    {
                        _ = Task.Run(() => {|#0:_lines.Add(line)|});
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments("_lines", "List<string>", "by a Task.Run lambda", "another call of Write() may change it", "guard it with a lock"));
        }

        [Fact]
        public async Task Reports_InterfaceTypedFieldHoldingDictionary()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    private readonly IDictionary<string, int> _counts = new Dictionary<string, int>();

                    void Count(string[] words)
                    {
                        Parallel.ForEach(words, w => [|_counts[w] = w.Length|]);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_MutationInMethodCalledFromParallelBody()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Indexer
                {
                    private readonly HashSet<string> _seen = new HashSet<string>();

                    public void IndexAll(string[] files)
                    {
                        Parallel.ForEach(files, file => Record(file));
                    }

                    private void Record(string file) => [|_seen.Add(file)|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_CapturedListPassedToHelper()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task RunAsync()
                    {
                        var results = new List<int>();
                        await Task.WhenAll(Task.Run(() => Append(results, 1)), Task.Run(() => Append(results, 2)));
                    }

                    private static void Append(List<int> target, int value) => [|target.Add(value)|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_BackgroundLoopKeptInFieldAndPublicProducer()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class Dispatcher
                {
                    private readonly Queue<string> _pending = new Queue<string>();
                    private Task _loop = Task.CompletedTask;

                    public void Start(CancellationToken ct) => _loop = Task.Run(() => LoopAsync(ct));

                    public void Post(string message) => [|_pending.Enqueue(message)|];

                    private async Task LoopAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            if (_pending.Count > 0)
                            {
                                [|_pending.Dequeue()|];
                            }

                            await Task.Delay(10, ct);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_LockOnOneSideOnly_AtTheUnlockedSide()
        {
            // The locked Add is correct code: the finding (and its fix) is the unlocked Add.
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    private readonly object _gate = new object();

                    async Task RunAsync()
                    {
                        var items = new List<int>();
                        var worker = Task.Run(() =>
                        {
                            lock (_gate)
                            {
                                items.Add(1);
                            }
                        });
                        [|items.Add(2)|];
                        await worker;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_WriteUnderReaderLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();

                    void Fill(int[] items)
                    {
                        var list = new LinkedList<int>();
                        Parallel.ForEach(items, item =>
                        {
                            _rw.EnterReadLock();
                            try
                            {
                                [|list.AddLast(item)|];
                            }
                            finally
                            {
                                _rw.ExitReadLock();
                            }
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TopLevelStatements()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                var totals = new SortedDictionary<string, int>();
                var north = Task.Run(() => [|totals["north"] = 1|]);
                var south = Task.Run(() => [|totals["south"] = 2|]);
                await Task.WhenAll(north, south);
                System.Console.WriteLine(totals.Count);
                """;

            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
            await test.RunAsync();
        }
    
        [Fact]
        public async Task Reports_DelegateLocalStartedTwice()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task RunAsync()
                    {
                        var log = new List<string>();
                        Action work = () => [|log.Add("tick")|];
                        var first = Task.Run(work);
                        var second = Task.Run(work);
                        await Task.WhenAll(first, second);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ParallelForLocalFinallyWithoutLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    List<int> Collect(int n)
                    {
                        var all = new List<int>();
                        Parallel.For(0, n, () => new List<int>(), (i, state, local) =>
                        {
                            local.Add(i);
                            return local;
                        },
                        local => [|all.AddRange(local)|]);
                        return all;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_StaticSubscribersEnumeratedByThreadPool()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                static class EventBus
                {
                    private static readonly List<Action<string>> s_handlers = new List<Action<string>>();

                    public static void Subscribe(Action<string> handler) => {|#0:s_handlers.Add(handler)|};

                    public static void PublishInBackground(string message) =>
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            foreach (var handler in s_handlers)
                            {
                                handler(message);
                            }
                        });
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments("s_handlers", "List<Action<string>>", "in Subscribe()", "a ThreadPool work item may read it on another thread", "guard it with a lock"));
        }

        [Fact]
        public async Task Reports_BackgroundServiceLoopAndPublicReader()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                namespace Microsoft.Extensions.Hosting
                {
                    public abstract class BackgroundService
                    {
                        protected abstract Task ExecuteAsync(CancellationToken stoppingToken);
                    }
                }

                namespace App
                {
                    sealed class PriceFeed : Microsoft.Extensions.Hosting.BackgroundService
                    {
                        private readonly Dictionary<string, decimal> _prices = new Dictionary<string, decimal>();

                        public decimal? Price(string symbol) => _prices.TryGetValue(symbol, out var price) ? price : null;

                        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                        {
                            while (!stoppingToken.IsCancellationRequested)
                            {
                                {|#0:_prices["MSFT"] = 420m|};
                                await Task.Delay(1000, stoppingToken);
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments("_prices", "Dictionary<string, decimal>", "by the BackgroundService.ExecuteAsync loop", "Price() may read it", "guard it with a lock or use a ConcurrentDictionary"));
        }

        [Fact]
        public async Task Reports_PlainListHandedOutByConcurrentDictionary()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    ConcurrentDictionary<int, List<string>> ByLength(string[] words)
                    {
                        var groups = new ConcurrentDictionary<int, List<string>>();
                        Parallel.ForEach(words, word => {|#0:groups.GetOrAdd(word.Length, _ => new List<string>()).Add(word)|});
                        return groups;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments("groups[…]", "List<string>", "by a Parallel.ForEach body", "another run may change it", "guard it with a lock"));
        }

        [Fact]
        public async Task Reports_FieldReachedThroughItsGetter()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Inventory
                {
                    private readonly List<string> _items = new List<string>();

                    private List<string> Items => _items;

                    public void Load(string[] names) => Parallel.ForEach(names, name => [|Items.Add(name)|]);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_LocalThatNamesTheSharedCollection()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    private readonly HashSet<int> _seen = new HashSet<int>();

                    void Scan(int[] values, ConcurrentDictionary<int, List<int>> byDigit)
                    {
                        Parallel.ForEach(values, value =>
                        {
                            var seen = _seen;
                            [|seen.Add(value)|];
                            var bucket = byDigit.GetOrAdd(value % 10, _ => new List<int>());
                            [|bucket.Add(value)|];
                            if (byDigit.TryGetValue(value % 7, out var other))
                            {
                                [|other.Remove(value)|];
                            }
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_AsyncCallsStartedBySelectLambda()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                sealed class Crawler
                {
                    private readonly HashSet<string> _visited = new HashSet<string>();

                    public async Task CrawlAsync(IEnumerable<string> seeds)
                    {
                        var visits = seeds.Select(seed => VisitAsync(seed)).ToList();
                        await Task.WhenAll(visits);
                    }

                    private async Task VisitAsync(string url)
                    {
                        await Task.Delay(10);
                        if (_visited.Contains(url))
                        {
                            return;
                        }

                        [|_visited.Add(url)|];
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_AsyncCallsThatTouchTheSetBeforeTheirFirstAwait()
        {
            // An async method runs synchronously until its first await: Select(..).ToList() makes these calls one after
            // the other, so the Contains/Add pairs never overlap.
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                sealed class Crawler
                {
                    private readonly HashSet<string> _visited = new HashSet<string>();

                    public async Task CrawlAsync(IEnumerable<string> seeds)
                    {
                        var visits = seeds.Select(seed => VisitAsync(seed)).ToList();
                        await Task.WhenAll(visits);
                    }

                    private async Task VisitAsync(string url)
                    {
                        if (_visited.Contains(url))
                        {
                            return;
                        }

                        _visited.Add(url);
                        await Task.Delay(10);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_AsyncLambdaThatAddsInALoopWithAnAwait()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                sealed class Batcher
                {
                    public async Task<List<int>> RunAsync(int[][] batches)
                    {
                        var results = new List<int>();
                        await Task.WhenAll(batches.Select(async batch =>
                        {
                            foreach (var item in batch)
                            {
                                [|results.Add(item)|];
                                await Task.Yield();
                            }
                        }));
                        return results;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_WritesUnderAThrottlingSemaphore()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                sealed class Throttled
                {
                    private readonly SemaphoreSlim _throttle = new SemaphoreSlim(4);

                    public async Task<List<int>> RunAsync(IEnumerable<int> ids)
                    {
                        var results = new List<int>();
                        await Task.WhenAll(ids.Select(async id =>
                        {
                            await _throttle.WaitAsync();
                            try
                            {
                                await Task.Delay(1);
                                [|results.Add(id)|];
                            }
                            finally
                            {
                                _throttle.Release();
                            }
                        }));
                        return results;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_AsyncLambdaLocalCalledTwiceAndJoinedLater()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task<Dictionary<int, string>> FetchAsync()
                    {
                        var pages = new Dictionary<int, string>();
                        Func<int, Task> fetch = async id =>
                        {
                            await Task.Delay(10);
                            [|pages[id] = "page " + id|];
                        };
                        await Task.WhenAll(fetch(1), fetch(2));
                        return pages;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
