using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0001 "Guard with a lock": exact fixed code, one lock object per collection, Fix All.</summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        [Fact]
        public async Task Fix_ExpressionLambdaGetsBlockAndNewLocalLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    List<int> Squares(int[] items)
                    {
                        var results = new List<int>();
                        Parallel.ForEach(items, item => [|results.Add(item * item)|]);
                        return results;
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    List<int> Squares(int[] items)
                    {
                        var results = new List<int>();
                        var resultsLock = new object();
                        Parallel.ForEach(items, item =>
                        {
                            lock (resultsLock)
                            {
                                results.Add(item * item);
                            }
                        });
                        return results;
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_SharedInstanceReusesTheLockThatGuardsTheOtherAccesses()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                public sealed class PresenceRegistry
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<string, DateTime> _online = new Dictionary<string, DateTime>();

                    public void Join(string user)
                    {
                        lock (_gate)
                        {
                            _online[user] = DateTime.UtcNow;
                        }
                    }

                    public void Leave(string user) => [|_online.Remove(user)|];
                }
                """;
            const string fixedSource = """
                using System;
                using System.Collections.Generic;

                public sealed class PresenceRegistry
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<string, DateTime> _online = new Dictionary<string, DateTime>();

                    public void Join(string user)
                    {
                        lock (_gate)
                        {
                            _online[user] = DateTime.UtcNow;
                        }
                    }

                    public void Leave(string user)
                    {
                        lock (_gate)
                        {
                            _online.Remove(user);
                        }
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_ReusesLockObjectTheTypeAlreadyUses()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Indexer
                {
                    private readonly object _sync = new object();
                    private readonly HashSet<string> _seen = new HashSet<string>();
                    private int _count;

                    public void IndexAll(string[] files)
                    {
                        Parallel.ForEach(files, file =>
                        {
                            [|_seen.Add(file)|];
                            lock (_sync)
                            {
                                _count++;
                            }
                        });
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Indexer
                {
                    private readonly object _sync = new object();
                    private readonly HashSet<string> _seen = new HashSet<string>();
                    private int _count;

                    public void IndexAll(string[] files)
                    {
                        Parallel.ForEach(files, file =>
                        {
                            lock (_sync)
                            {
                                _seen.Add(file);
                            }
                            lock (_sync)
                            {
                                _count++;
                            }
                        });
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_FieldGetsLockFieldAndBothSidesAreGuarded()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                class Cache : IDisposable
                {
                    private readonly Dictionary<string, DateTime> _entries = new();
                    private readonly Timer _timer;

                    public Cache()
                    {
                        _timer = new Timer(_ => Evict(), null, 1000, 1000);
                    }

                    public void Put(string key) => {|RG0001:_entries[key] = DateTime.UtcNow|};

                    private void Evict() => {|RG0001:_entries.Clear()|};

                    public void Dispose() => _timer.Dispose();
                }
                """;
            const string fixedSource = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                class Cache : IDisposable
                {
                    private readonly Dictionary<string, DateTime> _entries = new();
                    private readonly object _entriesLock = new object();
                    private readonly Timer _timer;

                    public Cache()
                    {
                        _timer = new Timer(_ => Evict(), null, 1000, 1000);
                    }

                    public void Put(string key)
                    {
                        lock (_entriesLock)
                        {
                            _entries[key] = DateTime.UtcNow;
                        }
                    }

                    private void Evict()
                    {
                        lock (_entriesLock)
                        {
                            _entries.Clear();
                        }
                    }

                    public void Dispose() => _timer.Dispose();
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_RacingReadInDeclarationIsSplit()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> RunAsync()
                    {
                        var seen = new HashSet<int>();
                        var worker = Task.Run(() =>
                        {
                            for (var i = 0; i < 100; i++)
                            {
                                [|seen.Add(i)|];
                            }
                        });
                        var count = seen.Count;
                        await worker;
                        return count + seen.Count;
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> RunAsync()
                    {
                        var seen = new HashSet<int>();
                        var seenLock = new object();
                        var worker = Task.Run(() =>
                        {
                            for (var i = 0; i < 100; i++)
                            {
                                lock (seenLock)
                                {
                                    seen.Add(i);
                                }
                            }
                        });
                        int count;
                        lock (seenLock)
                        {
                            count = seen.Count;
                        }
                        await worker;
                        return count + seen.Count;
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

#if !OLDEST_ROSLYN // C# 13 (System.Threading.Lock) needs a newer compiler than the oldest Roslyn the analyzers support
        [Fact]
        public async Task Fix_UsesSystemThreadingLockOnCSharp13()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly List<string> _names = new List<string>();

                    public void Load(string[] names)
                    {
                        Parallel.ForEach(names, name => [|_names.Add(name)|]);
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly List<string> _names = new List<string>();
                    private readonly Lock _namesLock = new();

                    public void Load(string[] names)
                    {
                        Parallel.ForEach(names, name =>
                        {
                            lock (_namesLock)
                            {
                                _names.Add(name);
                            }
                        });
                    }
                }
                """;

            var test = new VerifyFix.Test
            {
                TestCode = source,
                FixedCode = fixedSource,
                ReferenceAssemblies = Verifiers.TestReferences.Net90,
                LanguageVersion = Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp13,
            };
            await test.RunAsync();
        }
#endif

        [Fact]
        public async Task FixAll_OneLockForEveryWorker()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task BuildAsync()
                    {
                        var partCacheKeys = new Dictionary<string, string>();
                        var t1 = Task.Run(() => [|partCacheKeys["a"] = "1"|]);
                        var t2 = Task.Run(() => [|partCacheKeys["b"] = "2"|]);
                        var t3 = Task.Run(() => [|partCacheKeys["c"] = "3"|]);
                        await Task.WhenAll(t1, t2, t3);
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task BuildAsync()
                    {
                        var partCacheKeys = new Dictionary<string, string>();
                        var partCacheKeysLock = new object();
                        var t1 = Task.Run(() =>
                        {
                            lock (partCacheKeysLock)
                            {
                                return partCacheKeys["a"] = "1";
                            }
                        });
                        var t2 = Task.Run(() =>
                        {
                            lock (partCacheKeysLock)
                            {
                                return partCacheKeys["b"] = "2";
                            }
                        });
                        var t3 = Task.Run(() =>
                        {
                            lock (partCacheKeysLock)
                            {
                                return partCacheKeys["c"] = "3";
                            }
                        });
                        await Task.WhenAll(t1, t2, t3);
                    }
                }
                """;

            var test = new VerifyFix.Test { TestCode = source, FixedCode = fixedSource, BatchFixedCode = fixedSource };
            test.CodeActionValidationMode = CodeActionValidationMode.SemanticStructure;
            await test.RunAsync();
        }

        [Fact]
        public async Task NoFix_WhenTheGuardedStatementAwaits()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task RunAsync()
                    {
                        var list = new List<int>();
                        var worker = Task.Run(() => [|list.Add(1)|]);
                        await Task.Delay(list.Count);
                        await worker;
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task Fix_StaticFieldGetsStaticLockNamedAfterIt()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                static class EventBus
                {
                    private static readonly List<Action<string>> s_handlers = new List<Action<string>>();

                    public static void Subscribe(Action<string> handler) => [|s_handlers.Add(handler)|];

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
            const string fixedSource = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                static class EventBus
                {
                    private static readonly List<Action<string>> s_handlers = new List<Action<string>>();
                    private static readonly object s_handlersLock = new object();

                    public static void Subscribe(Action<string> handler)
                    {
                        lock (s_handlersLock)
                        {
                            s_handlers.Add(handler);
                        }
                    }

                    public static void PublishInBackground(string message) =>
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            lock (s_handlersLock)
                            {
                                foreach (var handler in s_handlers)
                                {
                                    handler(message);
                                }
                            }
                        });
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_CheckThenActBecomesOneLockedBlock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    Dictionary<string, int> FirstSeen(string[] words)
                    {
                        var firstSeen = new Dictionary<string, int>();
                        Parallel.For(0, words.Length, i =>
                        {
                            if (!firstSeen.ContainsKey(words[i]))
                            {
                                [|firstSeen.Add(words[i], i)|];
                            }
                        });
                        return firstSeen;
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    Dictionary<string, int> FirstSeen(string[] words)
                    {
                        var firstSeen = new Dictionary<string, int>();
                        var firstSeenLock = new object();
                        Parallel.For(0, words.Length, i =>
                        {
                            lock (firstSeenLock)
                            {
                                if (!firstSeen.ContainsKey(words[i]))
                                {
                                    firstSeen.Add(words[i], i);
                                }
                            }
                        });
                        return firstSeen;
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_FieldReachedThroughGetterGetsTheFieldsLock()
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
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Inventory
                {
                    private readonly List<string> _items = new List<string>();
                    private readonly object _itemsLock = new object();

                    private List<string> Items => _items;

                    public void Load(string[] names) => Parallel.ForEach(names, name =>
                    {
                        lock (_itemsLock)
                        {
                            Items.Add(name);
                        }
                    });
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task FixAll_OneLockPerCollection_AndOneFixAtATimeReusesTheLockAlreadyThere()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    private readonly List<string> _names = new List<string>();

                    public void Load(string[] names)
                    {
                        var lengths = new List<int>();
                        Parallel.ForEach(names, name =>
                        {
                            [|_names.Add(name)|];
                            [|lengths.Add(name.Length)|];
                        });
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    private readonly List<string> _names = new List<string>();
                    private readonly object _namesLock = new object();

                    public void Load(string[] names)
                    {
                        var lengths = new List<int>();
                        var lengthsLock = new object();
                        Parallel.ForEach(names, name =>
                        {
                            lock (_namesLock)
                            {
                                _names.Add(name);
                            }
                            lock (lengthsLock)
                            {
                                lengths.Add(name.Length);
                            }
                        });
                    }
                }
                """;

            // Fixing one diagnostic at a time, the second fix finds the lock the first one introduced in this method and
            // reuses it, as it would reuse any lock the method already takes.
            const string oneAtATime = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    private readonly List<string> _names = new List<string>();
                    private readonly object _namesLock = new object();

                    public void Load(string[] names)
                    {
                        var lengths = new List<int>();
                        Parallel.ForEach(names, name =>
                        {
                            lock (_namesLock)
                            {
                                _names.Add(name);
                            }
                            lock (_namesLock)
                            {
                                lengths.Add(name.Length);
                            }
                        });
                    }
                }
                """;

            var test = new VerifyFix.Test { TestCode = source, FixedCode = oneAtATime, BatchFixedCode = fixedSource };
            await test.RunAsync();
        }
    }
}
