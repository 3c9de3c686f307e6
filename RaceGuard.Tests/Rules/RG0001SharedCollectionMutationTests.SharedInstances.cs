using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0001 in types built for concurrent use (RULES.md): their public members may run in parallel with each other,
    /// under the precision policy (a write, an unprotected access, and evidence that the member or the state was meant
    /// to be synchronised).
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        [Fact]
        public async Task Reports_ForgottenLockInTypeThatLocksItsState()
        {
            const string source = """
                using System.Collections.Generic;

                sealed class WorkItem { }

                sealed class WorkPool
                {
                    private readonly object _gate = new object();
                    private readonly List<WorkItem> _suspended = new List<WorkItem>();

                    public void Queue(WorkItem item) => {|#0:_suspended.Add(item)|};

                    public int Resume()
                    {
                        var resumed = 0;
                        lock (_gate)
                        {
                            foreach (var item in {|#1:_suspended|})
                            {
                                resumed++;
                            }
                        }

                        return resumed;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.DiagnosticWithAdditionalLocations("RG0001").WithLocation(0).WithLocation(1).WithArguments(
                    "_suspended",
                    "List<WorkItem>",
                    "in Queue()",
                    "Resume() may read it on another thread",
                    "guard it with the lock '_gate'"));
        }

        [Fact]
        public async Task Reports_RemoveWithoutTheLockTheOtherMembersTake()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class SessionCache
                {
                    private readonly object _sync = new object();
                    private readonly Dictionary<string, string> _sessions = new Dictionary<string, string>();

                    public string? Get(string id)
                    {
                        lock (_sync)
                        {
                            return _sessions.TryGetValue(id, out var session) ? session : null;
                        }
                    }

                    public void Put(string id, string session)
                    {
                        lock (_sync)
                        {
                            _sessions[id] = session;
                        }
                    }

                    public void Remove(string id) => [|_sessions.Remove(id)|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_MemberThatLocksForOneFieldButNotForTheList()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Recorder
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _entries = new List<string>();
                    private int _count;

                    public void Record(string entry)
                    {
                        lock (_gate)
                        {
                            _count++;
                        }

                        {|#0:_entries.Add(entry)|};
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                    "_entries",
                    "List<string>",
                    "in Record()",
                    "another call of Record() may change it on another thread",
                    "guard it with a lock"));
        }

        [Fact]
        public async Task Reports_LockOnTheCollectionItselfAndOneUnlockedAdd()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Metrics
                {
                    private readonly List<string> _log = new List<string>();
                    private long _hits;

                    public void Hit(string name)
                    {
                        Interlocked.Increment(ref _hits);
                        [|_log.Add(name)|];
                    }

                    public string[] Flush()
                    {
                        lock (_log)
                        {
                            var copy = _log.ToArray();
                            _log.Clear();
                            return copy;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_MonitorGuardedReadAndUnguardedClear()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Registry
                {
                    private readonly object _monitor = new object();
                    private readonly HashSet<int> _ids = new HashSet<int>();

                    public bool Contains(int id)
                    {
                        Monitor.Enter(_monitor);
                        try
                        {
                            return _ids.Contains(id);
                        }
                        finally
                        {
                            Monitor.Exit(_monitor);
                        }
                    }

                    public void Reset() => [|_ids.Clear()|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_SemaphoreGuardedAddAndUnguardedClear()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Outbox
                {
                    private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1, 1);
                    private readonly Queue<string> _pending = new Queue<string>();

                    public async Task EnqueueAsync(string message)
                    {
                        await _mutex.WaitAsync();
                        try
                        {
                            _pending.Enqueue(message);
                        }
                        finally
                        {
                            _mutex.Release();
                        }
                    }

                    public void Drop() => [|_pending.Clear()|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_StaticCacheWhoseStaticMemberForgetsTheLock()
        {
            const string source = """
                using System.Collections.Generic;

                public static class TypeNames
                {
                    private static readonly object s_gate = new object();
                    private static readonly Dictionary<string, string> s_names = new Dictionary<string, string>();

                    public static string Get(string key)
                    {
                        lock (s_gate)
                        {
                            return s_names.TryGetValue(key, out var name) ? name : key;
                        }
                    }

                    public static void Add(string key, string name) => [|s_names[key] = name|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_WriteUnderReadLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Routes
                {
                    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
                    private readonly Dictionary<string, int> _routes = new Dictionary<string, int>();

                    public int Find(string path)
                    {
                        _lock.EnterReadLock();
                        try
                        {
                            return _routes.TryGetValue(path, out var route) ? route : -1;
                        }
                        finally
                        {
                            _lock.ExitReadLock();
                        }
                    }

                    public void Add(string path, int route)
                    {
                        _lock.EnterReadLock();
                        try
                        {
                            [|_routes[path] = route|];
                        }
                        finally
                        {
                            _lock.ExitReadLock();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_PropertyGetterLocksAndMethodDoesNot()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;

                public sealed class Roster
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _names = new List<string>();

                    public IReadOnlyList<string> Names
                    {
                        get
                        {
                            lock (_gate)
                            {
                                return _names.ToList();
                            }
                        }
                    }

                    public void Join(string name) => [|_names.Add(name)|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TypeMarkedThreadSafeWithoutAnySynchronisation()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                [AttributeUsage(AttributeTargets.Class)]
                sealed class ThreadSafeAttribute : Attribute { }

                [ThreadSafe]
                public sealed class Lookup
                {
                    private readonly Dictionary<int, string> _values = new Dictionary<int, string>();

                    public void Set(int key, string value) => {|#0:_values[key] = value|};

                    public string? Get(int key) => _values.TryGetValue(key, out var value) ? value : null;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                    "_values",
                    "Dictionary<int, string>",
                    "in Set()",
                    "Get() and others may use it",
                    "guard it with a lock or use ConcurrentDictionary<int, string>"));
        }

        [Fact]
        public async Task Reports_TypeListedInThreadSafeTypes()
        {
            var test = new VerifyCS.Test
            {
                TestCode = """
                    using System.Collections.Generic;

                    namespace Shop
                    {
                        public sealed class Basket
                        {
                            private readonly List<string> _items = new List<string>();

                            public void Add(string item) => [|_items.Add(item)|];
                        }
                    }
                    """,
            };
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
                root = true

                [*.cs]
                raceguard.thread_safe_types = Shop.Basket
                """));
            await test.RunAsync();
        }

        [Fact]
        public async Task NoDiagnostic_InferenceTurnedOff()
        {
            var test = new VerifyCS.Test
            {
                TestCode = """
                    using System.Collections.Generic;

                    public sealed class SessionCache
                    {
                        private readonly object _sync = new object();
                        private readonly Dictionary<string, string> _sessions = new Dictionary<string, string>();

                        public void Put(string id, string session)
                        {
                            lock (_sync)
                            {
                                _sessions[id] = session;
                            }
                        }

                        public void Remove(string id) => _sessions.Remove(id);
                    }
                    """,
            };
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", """
                root = true

                [*.cs]
                raceguard.infer_thread_safe_types = false
                """));
            await test.RunAsync();
        }

        [Fact]
        public async Task NoDiagnostic_EveryAccessUnderTheLock()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class SessionCache
                {
                    private readonly object _sync = new object();
                    private readonly Dictionary<string, string> _sessions = new Dictionary<string, string>();

                    public void Put(string id, string session)
                    {
                        lock (_sync)
                        {
                            _sessions[id] = session;
                        }
                    }

                    public void Remove(string id)
                    {
                        lock (_sync)
                        {
                            _sessions.Remove(id);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_PlainTypeWithoutSynchronisation()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class ShoppingList
                {
                    private readonly List<string> _items = new List<string>();

                    public void Add(string item) => _items.Add(item);

                    public void Clear() => _items.Clear();

                    public int Count => _items.Count;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ImmutableSnapshotPublishedWithVolatileWrite()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Subscribers
                {
                    private readonly object _writeGate = new object();
                    private List<string> _snapshot = new List<string>();

                    public IReadOnlyList<string> Current => Volatile.Read(ref _snapshot);

                    public void Add(string name)
                    {
                        lock (_writeGate)
                        {
                            var copy = new List<string>(_snapshot);
                            copy.Add(name);
                            Volatile.Write(ref _snapshot, copy);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_CompareExchangeLoop()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Listeners
                {
                    private string[] _names = new string[0];

                    public void Add(string name)
                    {
                        while (true)
                        {
                            var current = Volatile.Read(ref _names);
                            var list = new List<string>(current);
                            list.Add(name);
                            if (Interlocked.CompareExchange(ref _names, list.ToArray(), current) == current)
                            {
                                return;
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ThreadStaticBufferInLockingType()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                public sealed class Formatter
                {
                    [ThreadStatic]
                    private static List<string>? t_parts;

                    private static readonly object s_gate = new object();
                    private static int s_calls;

                    public static string Format(string a, string b)
                    {
                        lock (s_gate)
                        {
                            s_calls++;
                        }

                        var parts = t_parts ??= new List<string>();
                        t_parts.Clear();
                        t_parts.Add(a);
                        t_parts.Add(b);
                        return string.Join(",", parts);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_LockOnAnObjectHandedInFromOutside()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Header
                {
                    public uint LastPage;
                }

                public sealed class Snapshot
                {
                    private readonly Header _header;
                    private readonly Dictionary<uint, string> _localPages = new Dictionary<uint, string>();

                    public Snapshot(Header header) => _header = header;

                    public uint NewPage()
                    {
                        lock (_header)
                        {
                            var id = ++_header.LastPage;
                            _localPages[id] = "new";
                            return id;
                        }
                    }

                    public void Clear() => _localPages.Clear();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_AtomicCounterAndSingleThreadedList()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public class Actor
                {
                    private readonly HashSet<Actor> _owned = new HashSet<Actor>();
                    private long _sequence;

                    public void IncrementSequence() => Interlocked.Increment(ref _sequence);

                    public void Own(Actor child) => _owned.Add(child);

                    public void Release(Actor child) => _owned.Remove(child);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ProtectedHelperAndDisposeInLockingType()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                public class Pool : IDisposable
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _items = new List<string>();

                    public string? Rent()
                    {
                        lock (_gate)
                        {
                            if (_items.Count == 0)
                            {
                                return null;
                            }

                            var item = _items[0];
                            _items.RemoveAt(0);
                            return item;
                        }
                    }

                    protected void Seed(string item) => _items.Add(item);

                    public void Dispose() => _items.Clear();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_LockViaPropertyThatReturnsTheLockField()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public sealed class Buffer
                {
                    private readonly object syncObject = new object();
                    private readonly List<byte[]> chunks = new List<byte[]>();

                    private object SyncObject => this.syncObject;

                    public async Task AppendTwiceAsync(byte[] chunk)
                    {
                        var background = Task.Run(() =>
                        {
                            lock (this.SyncObject)
                            {
                                this.chunks.Add(chunk);
                            }
                        });

                        lock (this.syncObject)
                        {
                            this.chunks.Add(chunk);
                        }

                        await background;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_GuardedMutationRacedOnlyByAnUnguardedRead()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Catalog
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _items = new List<string>();

                    public void Add(string item)
                    {
                        lock (_gate)
                        {
                            _items.Add(item);
                        }
                    }

                    public int Count => _items.Count;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_MemberWhoseHelperTakesNoLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public class MetricsRegistry
                {
                    private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();
                    private int _started;

                    public void Record(string name)
                    {
                        EnsureStarted();
                        _counts.TryGetValue(name, out var count);
                        _counts[name] = count + 1;
                    }

                    private void EnsureStarted()
                    {
                        Interlocked.Exchange(ref _started, 1);
                    }

                    public bool Started => Volatile.Read(ref _started) == 1;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
