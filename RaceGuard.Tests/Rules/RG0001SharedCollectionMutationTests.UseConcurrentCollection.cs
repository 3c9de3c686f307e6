using System.Threading.Tasks;
using VerifyConcurrent = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseConcurrentCollectionCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0001 "Use ConcurrentDictionary/Queue/Stack/Bag": offered only when every use translates.</summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        [Fact]
        public async Task Fix_LocalDictionaryBecomesConcurrentDictionary()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    int Count(string[] words)
                    {
                        var counts = new Dictionary<string, int>();
                        Parallel.ForEach(words, w => [|counts[w] = w.Length|]);
                        return counts.ContainsKey("a") ? counts["a"] : counts.Count;
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    int Count(string[] words)
                    {
                        var counts = new ConcurrentDictionary<string, int>();
                        Parallel.ForEach(words, w => counts[w] = w.Length);
                        return counts.ContainsKey("a") ? counts["a"] : counts.Count;
                    }
                }
                """;

            await VerifyConcurrent.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_FieldAddAndRemoveBecomeTryAddAndTryRemove()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                class Sessions
                {
                    private readonly Dictionary<string, DateTime> _sessions = new Dictionary<string, DateTime>(StringComparer.Ordinal);
                    private readonly Timer _timer;

                    public Sessions() => _timer = new Timer(_ => Expire(), null, 1000, 1000);

                    public void Open(string id) => {|RG0001:_sessions.Add(id, DateTime.UtcNow)|};

                    public bool Close(string id) => {|RG0001:_sessions.Remove(id)|};

                    private void Expire()
                    {
                        foreach (var pair in _sessions)
                        {
                            if (pair.Value < DateTime.UtcNow.AddMinutes(-5))
                            {
                                {|RG0001:_sessions.Remove(pair.Key)|};
                            }
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Collections.Concurrent;
                using System.Collections.Generic;
                using System.Threading;

                class Sessions
                {
                    private readonly ConcurrentDictionary<string, DateTime> _sessions = new ConcurrentDictionary<string, DateTime>(StringComparer.Ordinal);
                    private readonly Timer _timer;

                    public Sessions() => _timer = new Timer(_ => Expire(), null, 1000, 1000);

                    public void Open(string id) => _sessions.TryAdd(id, DateTime.UtcNow);

                    public bool Close(string id) => _sessions.TryRemove(id, out _);

                    private void Expire()
                    {
                        foreach (var pair in _sessions)
                        {
                            if (pair.Value < DateTime.UtcNow.AddMinutes(-5))
                            {
                                _sessions.TryRemove(pair.Key, out _);
                            }
                        }
                    }
                }
                """;

            var test = new VerifyConcurrent.Test { TestCode = source, FixedCode = fixedSource, BatchFixedCode = fixedSource };
            await test.RunAsync();
        }

        [Fact]
        public async Task Fix_QueueBecomesConcurrentQueue()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    int Drain(int n)
                    {
                        Queue<int> pending = new Queue<int>();
                        Parallel.For(0, n, i => [|pending.Enqueue(i)|]);
                        var total = 0;
                        while (pending.TryDequeue(out var item))
                        {
                            total += item;
                        }

                        return total;
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    int Drain(int n)
                    {
                        ConcurrentQueue<int> pending = new ConcurrentQueue<int>();
                        Parallel.For(0, n, i => pending.Enqueue(i));
                        var total = 0;
                        while (pending.TryDequeue(out var item))
                        {
                            total += item;
                        }

                        return total;
                    }
                }
                """;

            await VerifyConcurrent.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_ListUsedOnlyForAddAndEnumerationBecomesConcurrentBag()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    int[] Squares(int[] items)
                    {
                        var squares = new List<int>();
                        Parallel.ForEach(items, item => [|squares.Add(item * item)|]);
                        return squares.OrderBy(x => x).ToArray();
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    int[] Squares(int[] items)
                    {
                        var squares = new ConcurrentBag<int>();
                        Parallel.ForEach(items, item => squares.Add(item * item));
                        return squares.OrderBy(x => x).ToArray();
                    }
                }
                """;

            await VerifyConcurrent.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task NoConcurrentFix_WhenListIsIndexed()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    int First(int[] items)
                    {
                        var squares = new List<int>();
                        Parallel.ForEach(items, item => [|squares.Add(item * item)|]);
                        return squares[0];
                    }
                }
                """;

            await VerifyConcurrent.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task NoConcurrentFix_WhenQueueIsDequeuedOrPassedAsQueue()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    int Drain(int n)
                    {
                        var pending = new Queue<int>();
                        Parallel.For(0, n, i => [|pending.Enqueue(i)|]);
                        Consume(pending);
                        return pending.Dequeue();
                    }

                    static void Consume(Queue<int> queue) { }
                }
                """;

            await VerifyConcurrent.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task NoConcurrentFix_ForPublicFieldOrHashSet()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    public Dictionary<string, int> Counts = new Dictionary<string, int>();

                    void Count(string[] words)
                    {
                        var seen = new HashSet<string>();
                        Parallel.ForEach(words, w => [|Counts[w] = w.Length|]);
                        Parallel.ForEach(words, w => [|seen.Add(w)|]);
                    }
                }
                """;

            await VerifyConcurrent.VerifyCodeFixAsync(source, source);
        }
    }
}
