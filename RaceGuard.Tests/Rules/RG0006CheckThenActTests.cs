using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.CheckThenActRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0006: check-then-act on concurrent collections and on collections locked twice; the atomic forms.</summary>
    public partial class RG0006CheckThenActTests
    {
        [Fact]
        public async Task Reports_GenerationInProgressMapWhereTwoRequestsPassTheCheck()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class GenerationGate
                {
                    private readonly ConcurrentDictionary<string, int> _inProgress = new ConcurrentDictionary<string, int>();

                    public bool TryStart(string userId)
                    {
                        if (_inProgress.ContainsKey(userId))
                        {
                            return false;
                        }

                        {|#0:_inProgress[userId] = 0|};
                        return true;
                    }

                    public void Finish(string userId) => _inProgress.TryRemove(userId, out _);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_inProgress",
                    "ConcurrentDictionary<string, int>",
                    "checked with ContainsKey() and then changed with the indexer in TryStart(), not atomically",
                    "TryAdd"));
        }

        [Fact]
        public async Task Reports_ContainsKeyThenTryAdd()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Registry
                {
                    private readonly ConcurrentDictionary<string, object> _items = new ConcurrentDictionary<string, object>();

                    public void Register(string name, object item)
                    {
                        if (!_items.ContainsKey(name))
                        {
                            [|_items.TryAdd(name, item)|];
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TryGetValueThenStoreAValueThatDependsOnMoreThanTheKey()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Cache
                {
                    private readonly ConcurrentDictionary<string, string> _values = new ConcurrentDictionary<string, string>();

                    public string Get(string key, string suffix)
                    {
                        if (!_values.TryGetValue(key, out var value))
                        {
                            value = key + suffix;
                            {|#0:_values[key] = value|};
                        }

                        return value;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_values",
                    "ConcurrentDictionary<string, string>",
                    "checked with TryGetValue() and then changed with the indexer in Get(), not atomically",
                    "GetOrAdd"));
        }

        [Fact]
        public async Task Reports_ContainsKeyThenTryRemove()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Sessions
                {
                    private readonly ConcurrentDictionary<int, string> _sessions = new ConcurrentDictionary<int, string>();

                    public bool End(int id)
                    {
                        if (_sessions.ContainsKey(id))
                        {
                            [|_sessions.TryRemove(id, out _)|];
                            return true;
                        }

                        return false;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_CheckThenAddInAParallelForEachOnALocalConcurrentDictionary()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Threading.Tasks;

                class C
                {
                    ConcurrentDictionary<string, int> FirstIndex(string[] words)
                    {
                        var first = new ConcurrentDictionary<string, int>();
                        Parallel.For(0, words.Length, i =>
                        {
                            if (!first.ContainsKey(words[i]))
                            {
                                [|first[words[i]] = i|];
                            }
                        });
                        return first;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TwoSeparateLocksOnAPlainDictionary()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Registry
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<string, int> _ids = new Dictionary<string, int>();

                    public bool Register(string name, int id)
                    {
                        bool exists;
                        lock (_gate)
                        {
                            exists = _ids.ContainsKey(name);
                        }

                        if (!exists)
                        {
                            lock (_gate)
                            {
                                if (!_ids.ContainsKey(name))
                                {
                                }
                            }
                        }

                        return !exists;
                    }

                    public void Add(string name, int id)
                    {
                        lock (_gate)
                        {
                            if (_ids.ContainsKey(name))
                            {
                                return;
                            }
                        }

                        lock (_gate)
                        {
                            {|#0:_ids.Add(name, id)|};
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_ids",
                    "Dictionary<string, int>",
                    "checked with ContainsKey() and then changed with Add() in Add(), not atomically",
                    "one lock around the check and the act"));
        }

        [Fact]
        public async Task Reports_ConcurrentBagLikeSetOfHandlersInMiddleware()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class FirstVisitMiddleware
                {
                    private readonly RequestDelegate _next;
                    private readonly ConcurrentDictionary<string, bool> _seen = new ConcurrentDictionary<string, bool>();

                    public FirstVisitMiddleware(RequestDelegate next) => _next = next;

                    public async Task InvokeAsync(HttpContext context)
                    {
                        var user = context.Request.Headers["X-User"].ToString();
                        if (!_seen.ContainsKey(user))
                        {
                            [|_seen.TryAdd(user, true)|];
                            context.Response.Headers["X-First"] = "1";
                        }

                        await _next(context);
                    }
                }
                """;

            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.AdditionalReferences.AddRange(Verifiers.TestReferences.AspNetCore80);
            await test.RunAsync();
        }

        [Fact]
        public async Task Reports_ElseBranchActsAfterTheCheck()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Counter
                {
                    private readonly ConcurrentDictionary<string, int> _counts = new ConcurrentDictionary<string, int>();

                    public void Hit(string key)
                    {
                        if (_counts.TryGetValue(key, out var count))
                        {
                            [|_counts[key] = count + 1|];
                        }
                        else
                        {
                            [|_counts[key] = 1|];
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TaskRunWorkersSharingACapturedConcurrentDictionary()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task Crawl(IEnumerable<string> urls)
                    {
                        var visited = new ConcurrentDictionary<string, bool>();
                        var tasks = new List<Task>();
                        foreach (var url in urls)
                        {
                            tasks.Add(Task.Run(() =>
                            {
                                if (visited.ContainsKey(url))
                                {
                                    return;
                                }

                                [|visited[url] = true|];
                            }));
                        }

                        await Task.WhenAll(tasks);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_StaticConcurrentRegistryCheckedThenAdded()
        {
            const string source = """
                using System;
                using System.Collections.Concurrent;

                public static class Plugins
                {
                    private static readonly ConcurrentDictionary<string, Type> s_plugins = new ConcurrentDictionary<string, Type>();

                    public static void Load(string name, Type type)
                    {
                        if (s_plugins.ContainsKey(name))
                        {
                            throw new InvalidOperationException("duplicate " + name);
                        }

                        [|s_plugins.TryAdd(name, type)|];
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_IndexerReadModifyWriteOfAValue()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Stats
                {
                    private readonly ConcurrentDictionary<string, int> _hits = new ConcurrentDictionary<string, int>();

                    public void Hit(string page) => {|#0:_hits[page] = _hits[page] + 1|};

                    public void Add(string page, int n) => [|_hits[page] += n|];

                    public void Count(string page) => [|_hits[page] = _hits.TryGetValue(page, out var c) ? c + 1 : 1|];

                    public void Bump(string page) => [|_hits[page]++|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_hits",
                    "ConcurrentDictionary<string, int>",
                    "read with the indexer and written back with the indexer in Hit(), not atomically",
                    "AddOrUpdate"));
        }
    }
}
