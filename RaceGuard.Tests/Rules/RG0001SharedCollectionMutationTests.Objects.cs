using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Non-thread-safe objects beyond collections (RULES.md, "Non-thread-safe objects"): a <c>Stopwatch</c> restarted by
    /// senders and read by a keep-alive loop, a <c>Random</c> shared by parallel bodies, a <c>StringBuilder</c> appended to
    /// by workers, a collection class of the program that guards nothing; and the safe look-alikes (one per run,
    /// <c>Random.Shared</c>, under one lock, a collection class over a concurrent dictionary).
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        [Fact]
        public async Task Reports_StopwatchRestartedBySendersAndReadByAKeepAliveLoop()
        {
            const string source = """
                using System;
                using System.Diagnostics;
                using System.Threading;
                using System.Threading.Tasks;

                class Connection
                {
                    private readonly Stopwatch _sinceLastSend = Stopwatch.StartNew();

                    public void Open(CancellationToken token)
                    {
                        _ = Task.Run(() => KeepAliveAsync(token));
                    }

                    public void Send(string message)
                    {
                        Console.WriteLine(message);
                        [|_sinceLastSend.Restart()|];
                    }

                    private async Task KeepAliveAsync(CancellationToken token)
                    {
                        while (!token.IsCancellationRequested)
                        {
                            await Task.Delay(1000, token);
                            if (_sinceLastSend.Elapsed > TimeSpan.FromSeconds(30))
                            {
                                Console.WriteLine("ping");
                                [|_sinceLastSend.Restart()|];
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_StopwatchOfAKeepAliveLoopUnderOneLock()
        {
            const string source = """
                using System;
                using System.Diagnostics;
                using System.Threading;
                using System.Threading.Tasks;

                class Connection
                {
                    private readonly object _gate = new object();
                    private readonly Stopwatch _sinceLastSend = Stopwatch.StartNew();

                    public void Open(CancellationToken token)
                    {
                        _ = Task.Run(() => KeepAliveAsync(token));
                    }

                    public void Send(string message)
                    {
                        Console.WriteLine(message);
                        lock (_gate)
                        {
                            _sinceLastSend.Restart();
                        }
                    }

                    private async Task KeepAliveAsync(CancellationToken token)
                    {
                        while (!token.IsCancellationRequested)
                        {
                            await Task.Delay(1000, token);
                            lock (_gate)
                            {
                                if (_sinceLastSend.Elapsed > TimeSpan.FromSeconds(30))
                                {
                                    Console.WriteLine("ping");
                                    _sinceLastSend.Restart();
                                }
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_RandomSharedByParallelBodies()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                class Sampler
                {
                    private readonly Random _random = new Random(42);

                    public double[] Sample(int count)
                    {
                        var values = new double[count];
                        Parallel.For(0, count, i => values[i] = [|_random.NextDouble()|]);
                        return values;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_RandomOfEachRunOrTheSharedOne()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                class Sampler
                {
                    public double[] Sample(int count)
                    {
                        var values = new double[count];
                        Parallel.For(0, count, i =>
                        {
                            var random = new Random(i);
                            values[i] = random.NextDouble() + Random.Shared.NextDouble();
                        });
                        return values;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_StringBuilderAppendedToByWorkers()
        {
            const string source = """
                using System.Text;
                using System.Threading.Tasks;

                class Report
                {
                    public string Build(string[] sections)
                    {
                        var text = new StringBuilder();
                        Parallel.ForEach(sections, section => [|text.AppendLine(section.Trim())|]);
                        return text.ToString();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_StringBuilderOfEachWorker()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Text;
                using System.Threading.Tasks;

                class Report
                {
                    public string Build(string[] sections)
                    {
                        var parts = new ConcurrentBag<string>();
                        Parallel.ForEach(sections, section =>
                        {
                            var text = new StringBuilder();
                            text.AppendLine(section.Trim());
                            parts.Add(text.ToString());
                        });
                        return string.Join("", parts);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string SourceCollection = """
            using System.Collections;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            public sealed class RecentList<T> : ICollection<T>
            {
                private readonly List<T> _items = new List<T>();
                private readonly int _capacity;

                public RecentList(int capacity) => _capacity = capacity;

                public int Count => _items.Count;

                public bool IsReadOnly => false;

                public void Add(T item)
                {
                    if (_items.Count == _capacity)
                    {
                        _items.RemoveAt(0);
                    }

                    _items.Add(item);
                }

                public void Clear() => _items.Clear();

                public bool Contains(T item) => _items.Contains(item);

                public void CopyTo(T[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);

                public bool Remove(T item) => _items.Remove(item);

                public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

                IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
            }

            public sealed class Crawler
            {
                private readonly RecentList<string> _recent = new RecentList<string>(100);

                public Task CrawlAsync(string[] urls)
                {
                    var tasks = new List<Task>();
                    foreach (var url in urls)
                    {
                        tasks.Add(Task.Run(() => {|#0:_recent.Add(url)|}));
                    }

                    return Task.WhenAll(tasks);
                }
            }
            """;

        [Fact]
        public async Task Reports_CollectionOfTheProgramChangedByTaskRunWorkers()
        {
            // RecentList implements ICollection<T> over a plain list and guards nothing: two workers adding at once
            // corrupt it like a List<T>.
            await VerifyCS.VerifyAnalyzerAsync(
                SourceCollection,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                    "_recent",
                    "RecentList<string>",
                    "by a Task.Run lambda",
                    "another run may change it",
                    "guard it with a lock"));
        }

        [Fact]
        public async Task Silent_CollectionOfTheProgramChangedUnderTheCallersLock()
        {
            var source = SourceCollection
                .Edit("    private readonly RecentList<string> _recent", "    private readonly object _gate = new object();\n    private readonly RecentList<string> _recent")
                .Edit("Task.Run(() => {|#0:_recent.Add(url)|})", "Task.Run(() => { lock (_gate) { _recent.Add(url); } })");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_CollectionOfTheProgramOverAConcurrentDictionary()
        {
            const string source = """
                using System.Collections;
                using System.Collections.Concurrent;
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public sealed class ConcurrentSet<T> : ICollection<T>
                    where T : notnull
                {
                    private readonly ConcurrentDictionary<T, byte> _items = new ConcurrentDictionary<T, byte>();

                    public int Count => _items.Count;

                    public bool IsReadOnly => false;

                    public void Add(T item) => _items.TryAdd(item, 0);

                    public void Clear() => _items.Clear();

                    public bool Contains(T item) => _items.ContainsKey(item);

                    public void CopyTo(T[] array, int arrayIndex) => _items.Keys.CopyTo(array, arrayIndex);

                    public bool Remove(T item) => _items.TryRemove(item, out _);

                    public IEnumerator<T> GetEnumerator() => _items.Keys.GetEnumerator();

                    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
                }

                public sealed class Crawler
                {
                    private readonly ConcurrentSet<string> _seen = new ConcurrentSet<string>();

                    public Task CrawlAsync(string[] urls)
                    {
                        var tasks = new List<Task>();
                        foreach (var url in urls)
                        {
                            tasks.Add(Task.Run(() => _seen.Add(url)));
                        }

                        return Task.WhenAll(tasks);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
