using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.CheckThenActRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0006 near misses: the atomic forms, one lock around both steps, different keys, single-threaded code.</summary>
    public partial class RG0006CheckThenActTests
    {
        [Fact]
        public async Task Silent_TryAddBranchingOnItsResult()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class GenerationGate
                {
                    private readonly ConcurrentDictionary<string, int> _inProgress = new ConcurrentDictionary<string, int>();

                    public bool TryStart(string userId) => _inProgress.TryAdd(userId, 0);

                    public void Finish(string userId) => _inProgress.TryRemove(userId, out _);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_GetOrAddAndAddOrUpdate()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Cache
                {
                    private readonly ConcurrentDictionary<string, string> _values = new ConcurrentDictionary<string, string>();
                    private readonly ConcurrentDictionary<string, int> _hits = new ConcurrentDictionary<string, int>();

                    public string Get(string key)
                    {
                        _hits.AddOrUpdate(key, 1, (_, n) => n + 1);
                        return _values.GetOrAdd(key, k => k.ToUpperInvariant());
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_CheckAndActUnderOneLock()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Registry
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<string, int> _ids = new Dictionary<string, int>();

                    public bool Add(string name, int id)
                    {
                        lock (_gate)
                        {
                            if (_ids.ContainsKey(name))
                            {
                                return false;
                            }

                            _ids.Add(name, id);
                            return true;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TryRemoveOnItsOwn()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Sessions
                {
                    private readonly ConcurrentDictionary<int, string> _sessions = new ConcurrentDictionary<int, string>();

                    public bool End(int id) => _sessions.TryRemove(id, out _);

                    public void Start(int id, string user) => _sessions[id] = user;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_CheckAndActOnDifferentKeys()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Aliases
                {
                    private readonly ConcurrentDictionary<string, string> _map = new ConcurrentDictionary<string, string>();

                    public void Link(string from, string to)
                    {
                        if (_map.ContainsKey(to))
                        {
                            _map[from] = to;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_LocalConcurrentDictionaryUsedByOneThread()
        {
            const string source = """
                using System.Collections.Concurrent;

                class C
                {
                    ConcurrentDictionary<string, int> Index(string[] words)
                    {
                        var first = new ConcurrentDictionary<string, int>();
                        for (var i = 0; i < words.Length; i++)
                        {
                            if (!first.ContainsKey(words[i]))
                            {
                                first[words[i]] = i;
                            }
                        }

                        return first;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ReadAfterTheCheckIsNoAct()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Lookup
                {
                    private readonly ConcurrentDictionary<string, string> _values = new ConcurrentDictionary<string, string>();

                    public string Describe(string key)
                    {
                        if (_values.ContainsKey(key))
                        {
                            return "has " + _values[key];
                        }

                        return "none";
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_PlainDictionaryWithoutAnyLockIsRG0001s()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    Dictionary<string, int> Index(string[] words)
                    {
                        var first = new Dictionary<string, int>();
                        Parallel.For(0, words.Length, i =>
                        {
                            if (!first.ContainsKey(words[i]))
                            {
                                first[words[i]] = i;
                            }
                        });
                        return first;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ActNotControlledByTheCheck()
        {
            const string source = """
                using System;
                using System.Collections.Concurrent;

                public sealed class Tracker
                {
                    private readonly ConcurrentDictionary<string, DateTime> _seen = new ConcurrentDictionary<string, DateTime>();

                    public bool Touch(string key)
                    {
                        var existed = _seen.ContainsKey(key);
                        _seen[key] = DateTime.UtcNow;
                        return existed;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ImmutableDictionaryUpdatedWithImmutableInterlocked()
        {
            const string source = """
                using System.Collections.Immutable;

                public sealed class Routes
                {
                    private ImmutableDictionary<string, string> _routes = ImmutableDictionary<string, string>.Empty;

                    public bool Add(string path, string target) => ImmutableInterlocked.TryAdd(ref _routes, path, target);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_CacheFilledWithTryAddOrGetOrAddAfterATryGetValueMiss()
        {
            const string source = """
                using System;
                using System.Collections.Concurrent;

                public sealed class Mapper
                {
                    private readonly ConcurrentDictionary<Type, string> _names = new ConcurrentDictionary<Type, string>();
                    private readonly ConcurrentDictionary<Type, int> _sizes = new ConcurrentDictionary<Type, int>();

                    public string NameOf(Type type)
                    {
                        if (_names.TryGetValue(type, out var name))
                        {
                            return name;
                        }

                        name = type.FullName ?? type.Name;
                        _names.TryAdd(type, name);
                        return name;
                    }

                    public int SizeOf(Type type)
                    {
                        if (_sizes.TryGetValue(type, out var size))
                        {
                            return size;
                        }

                        return _sizes.GetOrAdd(type, t => t.Name.Length);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_MemoCacheFilledWithAValueComputedFromTheKeyAlone()
        {
            // Two threads that both miss compute equal values and store one of them: nothing is lost (RULES.md).
            const string source = """
                using System.Collections.Concurrent;

                public sealed class NameCache
                {
                    private readonly ConcurrentDictionary<string, string> _normalized = new ConcurrentDictionary<string, string>();

                    public string Normalize(string name)
                    {
                        if (!_normalized.TryGetValue(name, out var value))
                        {
                            value = name.Trim().ToUpperInvariant();
                            _normalized[name] = value;
                        }

                        return value;
                    }

                    public string Resolve(string name)
                    {
                        if (_normalized.TryGetValue(name, out var cached))
                        {
                            return cached;
                        }

                        var computed = string.Intern(name);
                        _normalized[name] = computed;
                        return computed;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string FactoryCacheSource = """
            using System;
            using System.Collections.Concurrent;
            using System.Threading;
            using System.Threading.Tasks;

            public static class ClonerCache
            {
                private static readonly ConcurrentDictionary<Type, object> _cloners = new ConcurrentDictionary<Type, object>();
                private static readonly ConcurrentDictionary<string, string> _hashes = new ConcurrentDictionary<string, string>();

                public static object GetOrAddCloner<T>(Type type, Func<Type, T> create)
                {
                    if (_cloners.TryGetValue(type, out var value))
                    {
                        return value;
                    }

                    value = create(type);
                    _cloners.TryAdd(type, value);
                    return value;
                }

                public static async Task<string> HashOfAsync(string script, Func<string, CancellationToken, Task<string>> load, CancellationToken token)
                {
                    if (!_hashes.TryGetValue(script, out var hash))
                    {
                        _hashes[script] = hash = await load(script, token).ConfigureAwait(false);
                    }

                    return hash;
                }
            }
            """;

        [Fact]
        public async Task Silent_CacheFilledByTheCallersFactoryOrAnAwaitedLoadOfTheKey()
        {
            // value = create(type) is what GetOrAdd(type, create) would run, twice under the same race; so is an awaited load.
            await VerifyCS.VerifyAnalyzerAsync(FactoryCacheSource);
        }

        [Fact]
        public async Task Reports_CacheFilledByAFactoryGivenSomethingOtherThanTheKey()
        {
            var source = FactoryCacheSource
                .Edit("    public static object GetOrAddCloner<T>(Type type, Func<Type, T> create)", "    public static object GetOrAddCloner<T>(Type type, Type template, Func<Type, T> create)")
                .Edit("        value = create(type);\n        _cloners.TryAdd(type, value);", "        value = create(template);\n        {|#0:_cloners.TryAdd(type, value)|};");
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                "_cloners",
                "ConcurrentDictionary<Type, object>",
                "checked with TryGetValue() and then changed with TryAdd() in GetOrAddCloner(), not atomically",
                "GetOrAdd"));
        }

        [Fact]
        public async Task Reports_MemoCacheFilledWithADisposableValue()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Threading;

                public sealed class Gates
                {
                    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new ConcurrentDictionary<string, SemaphoreSlim>();

                    public SemaphoreSlim For(string key)
                    {
                        if (!_gates.TryGetValue(key, out var gate))
                        {
                            gate = new SemaphoreSlim(1, 1);
                            [|_gates[key] = gate|];
                        }

                        return gate;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string OneGenerationPerUser = """
            using System;
            using System.Collections.Concurrent;
            using System.Threading.Tasks;

            public sealed class Generator
            {
                private readonly ConcurrentDictionary<Guid, bool> _running = new ConcurrentDictionary<Guid, bool>();

                public async Task<string> GenerateAsync(Guid user, string prompt)
                {
                    if (_running.ContainsKey(user))
                    {
                        throw new InvalidOperationException("A generation is already running for this user.");
                    }

                    {|#0:_running[user] = true|};
                    try
                    {
                        await Task.Delay(10);
                        return prompt.ToUpperInvariant();
                    }
                    finally
                    {
                        _running.TryRemove(user, out _);
                    }
                }
            }
            """;

        [Fact]
        public async Task ReportsOnlyTheClaim_TryRemoveInAFinallyReleasesTheEntryTheSameMemberAdded()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                OneGenerationPerUser,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_running",
                    "ConcurrentDictionary<Guid, bool>",
                    "checked with ContainsKey() and then changed with the indexer in GenerateAsync(), not atomically",
                    "TryAdd"));
        }

        [Fact]
        public async Task NoDiagnostic_ClaimWithTryAddAndReleaseInAFinally()
        {
            var source = OneGenerationPerUser
                .Replace("if (_running.ContainsKey(user))", "if (!_running.TryAdd(user, true))")
                .Replace("        {|#0:_running[user] = true|};\n", string.Empty);
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TryRemoveInAFinallyOfAnotherKey()
        {
            var source = OneGenerationPerUser
                .Replace("public async Task<string> GenerateAsync(Guid user, string prompt)", "public async Task<string> GenerateAsync(Guid user, Guid other, string prompt)")
                .Replace("if (_running.ContainsKey(user))", "if (_running.ContainsKey(other))")
                .Replace("{|#0:_running[user] = true|}", "_running[user] = true")
                .Replace("_running.TryRemove(user, out _);", "{|#0:_running.TryRemove(other, out _)|};");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_running",
                    "ConcurrentDictionary<Guid, bool>",
                    "checked with ContainsKey() and then changed with TryRemove() in GenerateAsync(), not atomically",
                    "TryRemove"));
        }

        private const string SessionCache = """
            using System.Collections.Concurrent;

            public sealed class Session
            {
                public Session(string user, string region)
                {
                    User = user;
                    Region = region;
                }

                public string User { get; }

                public string Region { get; }
            }

            public sealed class Sessions
            {
                private readonly ConcurrentDictionary<string, Session> _byUser = new ConcurrentDictionary<string, Session>();

                public Session Open(string user, string region)
                {
                    if (!_byUser.TryGetValue(user, out var session))
                    {
                        session = new Session(user, region);
                        {|#0:_byUser.TryAdd(user, session)|};
                    }

                    return session;
                }
            }
            """;

        [Fact]
        public async Task Reports_TryGetValueThenAnIgnoredTryAddOfAValueThatDependsOnMoreThanTheKey()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                SessionCache,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_byUser",
                    "ConcurrentDictionary<string, Session>",
                    "checked with TryGetValue() and then changed with TryAdd() in Open(), not atomically",
                    "GetOrAdd"));
        }

        [Fact]
        public async Task NoDiagnostic_TryGetValueThenATryAddWhoseResultDecides()
        {
            var source = SessionCache.Edit(
                "            {|#0:_byUser.TryAdd(user, session)|};",
                "            if (!_byUser.TryAdd(user, session))\n            {\n                session = _byUser[user];\n            }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_TryGetValueThenAnIgnoredTryAddOfAValueFromTheKeyAlone()
        {
            var source = SessionCache
                .Edit("session = new Session(user, region);", "session = new Session(user, user.ToUpperInvariant());")
                .Edit("{|#0:_byUser.TryAdd(user, session)|}", "_byUser.TryAdd(user, session)");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string Throttle = """
            using System.Threading;

            public sealed class Throttle
            {
                private const int Max = 10;
                private int _active;

                public bool TryEnter()
                {
                    if (Volatile.Read(ref _active) >= Max)
                    {
                        return false;
                    }

                    {|#0:Interlocked.Increment(ref _active)|};
                    return true;
                }

                public void Leave() => Interlocked.Decrement(ref _active);
            }
            """;

        [Fact]
        public async Task Reports_BoundCheckThenInterlockedIncrement()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                Throttle,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_active",
                    "int",
                    "checked against a bound and then changed with Interlocked.Increment() in TryEnter(), not atomically",
                    "a CompareExchange loop that re-checks the bound"));
        }

        [Fact]
        public async Task NoDiagnostic_BoundCheckedInACompareExchangeLoop()
        {
            var source = Throttle.Edit(
                "        if (Volatile.Read(ref _active) >= Max)\n        {\n            return false;\n        }\n\n        {|#0:Interlocked.Increment(ref _active)|};\n        return true;",
                "        while (true)\n        {\n            var current = Volatile.Read(ref _active);\n            if (current >= Max)\n            {\n                return false;\n            }\n\n            if (Interlocked.CompareExchange(ref _active, current + 1, current) == current)\n            {\n                return true;\n            }\n        }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_BoundCheckAndIncrementUnderOneLock()
        {
            var source = Throttle
                .Edit("    private int _active;", "    private readonly object _gate = new object();\n    private int _active;")
                .Edit(
                    "        if (Volatile.Read(ref _active) >= Max)\n        {\n            return false;\n        }\n\n        {|#0:Interlocked.Increment(ref _active)|};\n        return true;",
                    "        lock (_gate)\n        {\n            if (_active >= Max)\n            {\n                return false;\n            }\n\n            Interlocked.Increment(ref _active);\n            return true;\n        }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string DoubleCheckedSubscriptions = """
            using System.Collections.Concurrent;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Subscription
            {
                public Subscription(string queue) => Queue = queue;

                public string Queue { get; }
            }

            public sealed class Rpc
            {
                private readonly ConcurrentDictionary<string, Subscription> _queues = new ConcurrentDictionary<string, Subscription>();
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                public async Task<Subscription> SubscribeAsync(string key, string prefix)
                {
                    if (_queues.TryGetValue(key, out var queue))
                    {
                        return queue;
                    }

                    await _gate.WaitAsync();
                    try
                    {
                        if (_queues.TryGetValue(key, out queue))
                        {
                            return queue;
                        }

                        queue = new Subscription(prefix + key);
                        _queues.TryAdd(key, queue);
                        return queue;
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_DoubleCheckedFillWhoseReCheckUnderTheLockDecides()
        {
            await VerifyCS.VerifyAnalyzerAsync(DoubleCheckedSubscriptions);
        }

        [Fact]
        public async Task Reports_FillUnderTheLockWithoutAReCheck()
        {
            var source = DoubleCheckedSubscriptions
                .Edit("            if (_queues.TryGetValue(key, out queue))\n            {\n                return queue;\n            }\n\n", string.Empty)
                .Edit("            _queues.TryAdd(key, queue);", "            [|_queues.TryAdd(key, queue)|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_TryGetValueThenAnIgnoredTryAddOfAComputedFlag()
        {
            // Two callers that both miss compute the same answer: a bool has no identity to lose.
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Checker
                {
                    private readonly ConcurrentDictionary<string, bool> _allowed = new ConcurrentDictionary<string, bool>();

                    public bool IsAllowed(string grainType, string kind)
                    {
                        var key = grainType + "/" + kind;
                        if (!_allowed.TryGetValue(key, out var allowed))
                        {
                            allowed = !grainType.StartsWith("sys") && kind.Length > 0;
                            _allowed.TryAdd(key, allowed);
                        }

                        return allowed;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string Downloads = """
            using System;
            using System.Collections.Concurrent;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Downloader
            {
                private readonly ConcurrentDictionary<string, Task<string>> _downloads = new ConcurrentDictionary<string, Task<string>>();

                public Task<string> GetAsync(string url) => {|#0:_downloads.GetOrAdd(url, u => DownloadAsync(u))|};

                private static async Task<string> DownloadAsync(string url)
                {
                    await Task.Delay(10);
                    return url;
                }
            }
            """;

        [Fact]
        public async Task Reports_GetOrAddWithAFactoryThatStartsWork()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                Downloads,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_downloads",
                    "ConcurrentDictionary<string, Task<string>>",
                    "filled by GetOrAdd() here with a factory that starts work (DownloadAsync) and may run on several threads",
                    "Lazy<Task<string>> values"));
        }

        [Fact]
        public async Task NoDiagnostic_GetOrAddOfLazyValues()
        {
            var source = Downloads
                .Edit(
                    "ConcurrentDictionary<string, Task<string>> _downloads = new ConcurrentDictionary<string, Task<string>>();",
                    "ConcurrentDictionary<string, Lazy<Task<string>>> _downloads = new ConcurrentDictionary<string, Lazy<Task<string>>>();")
                .Edit(
                    "{|#0:_downloads.GetOrAdd(url, u => DownloadAsync(u))|}",
                    "_downloads.GetOrAdd(url, u => new Lazy<Task<string>>(() => DownloadAsync(u))).Value");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_GetOrAddOfASemaphorePerKey()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class KeyedLock
                {
                    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new ConcurrentDictionary<string, SemaphoreSlim>();

                    public Task EnterAsync(string key) => _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1)).WaitAsync();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_GetOrAddWithAFactoryThatOpensATimer()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Threading;

                public sealed class Heartbeats
                {
                    private readonly ConcurrentDictionary<string, Timer> _timers = new ConcurrentDictionary<string, Timer>();

                    public void Watch(string peer) => {|#0:_timers.GetOrAdd(peer, p => new Timer(_ => Ping(p), null, 0, 1000))|};

                    private static void Ping(string peer)
                    {
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_timers",
                    "ConcurrentDictionary<string, Timer>",
                    "filled by GetOrAdd() in Watch() with a factory that opens a Timer and may run on several threads",
                    "Lazy<Timer> values"));
        }

        private const string NameMapBuilderSource = """
            using System;
            using System.Collections.Concurrent;

            public class NameMapBuilder
            {
                private readonly ConcurrentDictionary<Type, string> _names = new ConcurrentDictionary<Type, string>();

                public NameMapBuilder Add(Type type, string name)
                {
                    if (_names.ContainsKey(type))
                    {
                        throw new ArgumentException("Already added: " + type);
                    }

                    _names[type] = name;
                    return this;
                }

                public NameMapBuilder AddShortName(Type type) => Add(type, type.Name);

                public ConcurrentDictionary<Type, string> Build() => _names;
            }
            """;

        [Fact]
        public async Task Silent_StepOfAFluentBuilder()
        {
            // builder.Add(..).AddShortName(..): a chain of calls on one object configures it from one thread.
            await VerifyCS.VerifyAnalyzerAsync(NameMapBuilderSource);
        }

        [Fact]
        public async Task Reports_TheSameCheckInAMethodThatDoesNotReturnItsObject()
        {
            var source = NameMapBuilderSource
                .Edit("    public NameMapBuilder Add(Type type, string name)", "    public void Add(Type type, string name)")
                .Edit("        _names[type] = name;\n        return this;", "        {|#0:_names[type] = name|};")
                .Edit("    public NameMapBuilder AddShortName(Type type) => Add(type, type.Name);\n", string.Empty);
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                "_names",
                "ConcurrentDictionary<Type, string>",
                "checked with ContainsKey() and then changed with the indexer in Add(), not atomically",
                "TryAdd"));
        }
    }
}
