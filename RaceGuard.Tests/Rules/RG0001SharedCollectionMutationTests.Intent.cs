using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Evidence that a member of a type built for concurrent use was written for concurrency, beyond a lock of its own
    /// (RULES.md, "Types built for concurrent use"; the model's README.md): a private helper it calls takes the type's
    /// dedicated lock object, or it works the type's concurrent collections beside the plain collection field it changes;
    /// a protected helper that a derived type's public member calls. The near misses: a helper that locks <c>this</c>
    /// around a lazily created object, a lock two calls down, an <c>Interlocked</c> counter beside the list, a concurrent
    /// queue reached only through a helper, a per-key value, another member that changes the plain collection without any
    /// of it, and a protected helper called under the base lock or from a constructor.
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        [Fact]
        public async Task Reports_MemberWhoseOnlyLockIsTakenInAPrivateHelper()
        {
            // EnsureStarted() locks the registry's own lock object: Record() was written to be called from many threads,
            // and two calls of it change _counts at once.
            const string source = """
                using System.Collections.Generic;

                public class MetricsRegistry
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();
                    private bool _started;

                    public void Record(string name)
                    {
                        EnsureStarted();
                        {|#1:_counts.TryGetValue(name, out var count)|};
                        {|#0:_counts[name] = count + 1|};
                    }

                    private void EnsureStarted()
                    {
                        lock (_gate)
                        {
                            _started = true;
                        }
                    }

                    public bool Started => _started;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.DiagnosticWithAdditionalLocations("RG0001").WithLocation(0).WithLocation(1).WithArguments(
                    "_counts",
                    "Dictionary<string, int>",
                    "in Record()",
                    "another call may use it",
                    "guard it with a lock or use ConcurrentDictionary<string, int>"));
        }

        [Fact]
        public async Task Reports_PlainListChangedBesideAConcurrentDictionary()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public sealed class SessionCache
                {
                    private readonly ConcurrentDictionary<string, object> _sessions = new ConcurrentDictionary<string, object>();
                    private readonly List<string> _order = new List<string>();

                    public void Put(string key, object session)
                    {
                        if (_sessions.TryAdd(key, session))
                        {
                            {|#0:_order.Add(key)|};
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.DiagnosticWithAdditionalLocations("RG0001").WithLocation(0).WithArguments(
                    "_order",
                    "List<string>",
                    "in Put()",
                    "another call of Put() may change it on another thread",
                    "guard it with a lock"));
        }

        [Fact]
        public async Task NoDiagnostic_PlainListChangedBesideAnInterlockedCounter()
        {
            // A priority queue that numbers its entries with Interlocked is still a queue its caller locks: an atomic
            // counter is no evidence for the list beside it.
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class StablePriorityQueue
                {
                    private readonly List<(int Sequence, string Item)> _data = new List<(int, string)>();
                    private int _sequence;

                    public void Enqueue(string item)
                    {
                        var sequence = Interlocked.Increment(ref _sequence);
                        _data.Add((sequence, item));
                    }

                    public string Dequeue()
                    {
                        var front = _data[0];
                        _data.RemoveAt(0);
                        return front.Item;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ValueOfAConcurrentDictionaryBuiltByTheThreadThatAddedIt()
        {
            // Only the caller whose new mapper won GetOrAdd builds it: the mapper's own list is not a field beside the
            // dictionary.
            const string source = """
                using System;
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public sealed class EntityMapper
                {
                    public List<string> Members { get; } = new List<string>();
                }

                public sealed class Mapper
                {
                    private readonly ConcurrentDictionary<Type, EntityMapper> _entities = new ConcurrentDictionary<Type, EntityMapper>();

                    public EntityMapper Get(Type type)
                    {
                        var created = new EntityMapper();
                        var mapper = _entities.GetOrAdd(type, created);
                        if (ReferenceEquals(mapper, created))
                        {
                            Build(mapper, type);
                        }

                        return mapper;
                    }

                    private void Build(EntityMapper mapper, Type type)
                    {
                        foreach (var property in type.GetProperties())
                        {
                            mapper.Members.Add(property.Name);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_LockTakenTwoCallsDown()
        {
            // Parse() reaches the cancellation lock only through Notice(): a lock some calls down says nothing about the
            // parser, whose connector has one owner at a time.
            const string source = """
                using System.Collections.Generic;

                public sealed class Connector
                {
                    private readonly object _cancelLock = new object();
                    private readonly List<string> _parameters = new List<string>();
                    private bool _cancelled;

                    public void Parse(string message)
                    {
                        if (message.Length == 0)
                        {
                            Notice();
                            return;
                        }

                        _parameters.Add(message);
                    }

                    public void Reset() => _parameters.Clear();

                    private void Notice() => Cancel();

                    private void Cancel()
                    {
                        lock (_cancelLock)
                        {
                            _cancelled = true;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_HelperLocksThisAroundALazilyCreatedObject()
        {
            // A header created under lock (this) by a helper of a compressor shows nothing about the rest of it.
            const string source = """
                using System.Collections.Generic;

                public sealed class Header { }

                public sealed class Compressor
                {
                    private readonly List<byte[]> _pending = new List<byte[]>();
                    private Header? _header;

                    public void Write(byte[] block)
                    {
                        var header = GetHeader();
                        _pending.Add(block);
                    }

                    public void Flush() => _pending.Clear();

                    private Header GetHeader()
                    {
                        lock (this)
                        {
                            if (_header == null)
                            {
                                _header = new Header();
                            }

                            return _header;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_HelperLocksAnObjectHandedIn()
        {
            // The helper locks the owner handed in, which guards the owner's state: Append() shows no intent of its own.
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Owner { }

                public sealed class Journal
                {
                    private readonly Owner _owner;
                    private readonly List<string> _lines = new List<string>();
                    private int _version;

                    public Journal(Owner owner) => _owner = owner;

                    public void Append(string line)
                    {
                        Touch();
                        _lines.Add(line);
                    }

                    public int Bump() => Interlocked.Increment(ref _version);

                    private void Touch()
                    {
                        lock (_owner)
                        {
                            _version = 0;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_PlainListOfAMemberThatUsesNoConcurrentState()
        {
            // Put() works the concurrent dictionary; Trace() changes the plain list and nothing else: no member shows the
            // list was meant for many threads.
            const string source = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public sealed class SessionCache
                {
                    private readonly ConcurrentDictionary<string, object> _sessions = new ConcurrentDictionary<string, object>();
                    private readonly List<string> _trace = new List<string>();

                    public bool Put(string key, object session) => _sessions.TryAdd(key, session);

                    public void Trace(string line) => _trace.Add(line);

                    public void ResetTrace() => _trace.Clear();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ConcurrentQueueReachedOnlyThroughAHelper()
        {
            // Post() hands work to the type's loop through Execute(): the queue is Execute()'s, not evidence for Post().
            const string source = """
                using System;
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public sealed class Mailbox
                {
                    private readonly ConcurrentQueue<Action> _work = new ConcurrentQueue<Action>();
                    private readonly List<string> _names = new List<string>();

                    public void Execute(Action action) => _work.Enqueue(action);

                    public void Name(string name)
                    {
                        Execute(() => { });
                        _names.Add(name);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string PoolWithProtectedHelper = """
            using System.Collections.Generic;

            public abstract class PoolBase
            {
                protected readonly object Sync = new object();
                private readonly List<string> _idle = new List<string>();

                public string? Rent()
                {
                    lock (Sync)
                    {
                        if ({|#1:_idle.Count|} == 0)
                        {
                            return null;
                        }

                        var item = {|#2:_idle[0]|};
                        {|#3:_idle.RemoveAt(0)|};
                        return item;
                    }
                }

                protected void AddIdle(string item) => {|#0:_idle.Add(item)|};
            }

            public sealed class TcpPool : PoolBase
            {
                public void Return(string connection) => AddIdle(connection);
            }
            """;

        [Fact]
        public async Task Reports_ProtectedHelperCalledByAPublicMemberOfADerivedType()
        {
            // Return() runs on whatever thread gives a connection back; the base class locks _idle everywhere else.
            await VerifyCS.VerifyAnalyzerAsync(
                PoolWithProtectedHelper,
                VerifyCS.DiagnosticWithAdditionalLocations("RG0001").WithLocation(0).WithLocation(1).WithLocation(2).WithLocation(3).WithArguments(
                    "_idle",
                    "List<string>",
                    "in AddIdle()",
                    "Rent() may use it on another thread",
                    "guard it with the lock 'Sync'"));
        }

        [Fact]
        public async Task NoDiagnostic_ProtectedHelperCalledUnderTheBaseLock()
        {
            var source = PoolWithProtectedHelper
                .Edit("{|#1:_idle.Count|}", "_idle.Count")
                .Edit("{|#0:_idle.Add(item)|}", "_idle.Add(item)")
                .Edit("{|#2:_idle[0]|}", "_idle[0]")
                .Edit("{|#3:_idle.RemoveAt(0)|}", "_idle.RemoveAt(0)")
                .Edit(
                    "    public void Return(string connection) => AddIdle(connection);",
                    "    public void Return(string connection)\n    {\n        lock (Sync)\n        {\n            AddIdle(connection);\n        }\n    }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ProtectedHelperCalledByTheDerivedConstructor()
        {
            var source = PoolWithProtectedHelper
                .Edit("{|#1:_idle.Count|}", "_idle.Count")
                .Edit("{|#0:_idle.Add(item)|}", "_idle.Add(item)")
                .Edit("{|#2:_idle[0]|}", "_idle[0]")
                .Edit("{|#3:_idle.RemoveAt(0)|}", "_idle.RemoveAt(0)")
                .Edit(
                    "    public void Return(string connection) => AddIdle(connection);",
                    "    public TcpPool(string[] seed)\n    {\n        foreach (var connection in seed)\n        {\n            AddIdle(connection);\n        }\n    }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_PlainListBesideAConcurrentDictionaryGetsALockOfItsOwn()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public sealed class SessionCache
                {
                    private readonly ConcurrentDictionary<string, object> _sessions = new ConcurrentDictionary<string, object>();
                    private readonly List<string> _order = new List<string>();

                    public void Put(string key, object session)
                    {
                        if (_sessions.TryAdd(key, session))
                        {
                            {|RG0001:_order.Add(key)|};
                        }
                    }
                }
                """;

            const string fixedSource = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public sealed class SessionCache
                {
                    private readonly ConcurrentDictionary<string, object> _sessions = new ConcurrentDictionary<string, object>();
                    private readonly List<string> _order = new List<string>();
                    private readonly object _orderLock = new object();

                    public void Put(string key, object session)
                    {
                        if (_sessions.TryAdd(key, session))
                        {
                            lock (_orderLock)
                            {
                                _order.Add(key);
                            }
                        }
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }
    }
}
