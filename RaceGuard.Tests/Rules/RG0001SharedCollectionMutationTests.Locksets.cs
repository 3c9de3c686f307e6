using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Locks held on entry (RULES.md "Locks held on entry"): the caller, a base class, an assertion, a hand-written
    /// Monitor.Enter or a "lock held" parameter holds the lock; each negative has a twin where the lock is really missing
    /// on one path, which must still be reported.
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {

        private const string LockedCallersSource = """
            using System.Collections.Generic;

            public sealed class Registry
            {
                private readonly object _gate = new object();
                private readonly List<string> _names = new List<string>();

                public void Register(string name)
                {
                    lock (_gate)
                    {
                        AddCore(name);
                    }
                }

                public void RegisterAll(IEnumerable<string> names)
                {
                    lock (_gate)
                    {
                        foreach (var name in names)
                        {
                            AddCore(name);
                        }
                    }
                }

                public int Count()
                {
                    lock (_gate)
                    {
                        return _names.Count;
                    }
                }

                // Caller must hold _gate.
                internal void AddCore(string name) => _names.Add(name);
            }
            """;

        [Fact]
        public async Task NoDiagnostic_InternalHelperEveryCallerCallsUnderTheLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(LockedCallersSource);
        }

        [Fact]
        public async Task Reports_InternalHelperOneCallerCallsWithoutTheLock()
        {
            var source = LockedCallersSource
                .Edit("// Caller must hold _gate.", "public void RegisterFast(string name) => AddCore(name);")
                .Edit("internal void AddCore(string name) => _names.Add(name);", "internal void AddCore(string name) => [|_names.Add(name)|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_InternalHelperNamesTheCallerThatSkipsTheLock()
        {
            // Registry calls ClearAll() under its lock; Maintenance, another class, calls it without: the message names that path.
            var source = LockedCallersSource
                .Edit("// Caller must hold _gate.", "public void Clear()\n    {\n        lock (_gate)\n        {\n            ClearAll();\n        }\n    }\n\n    internal void ClearAll() => {|#0:_names.Clear()|};")
                + """

                public sealed class Maintenance
                {
                    private readonly Registry _registry = new Registry();

                    public void Sweep() => _registry.ClearAll();
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                    "_names",
                    "List<string>",
                    "in ClearAll() (called without '_gate' from Sweep())",
                    "AddCore() and others may use it",
                    "guard it with the lock '_gate'"));
        }

        [Fact]
        public async Task NoDiagnostic_HelperCalledUnderTheLockOfAnotherClass()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Subscription
                {
                    private readonly object _own = new object();
                    private readonly List<string> _pending = new List<string>();

                    // Only Connection calls this, under its lock.
                    internal void Deliver(string message) => _pending.Add(message);

                    public string[] Snapshot()
                    {
                        lock (_own)
                        {
                            return _pending.ToArray();
                        }
                    }
                }

                public sealed class Connection
                {
                    private readonly object _sync = new object();
                    private readonly Subscription _subscription = new Subscription();

                    public void OnMessage(string message)
                    {
                        lock (_sync)
                        {
                            _subscription.Deliver(message);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string ArchiveHandlerSource = """
            using System.Collections.Generic;

            internal interface IArchiveHandler
            {
                void BeforeOpen(string file);
            }

            internal sealed class RollingArchiveHandler : IArchiveHandler
            {
                private readonly FileTarget _target;

                public RollingArchiveHandler(FileTarget target) => _target = target;

                public void BeforeOpen(string file) => DeleteOldArchive(file);

                private void DeleteOldArchive(string file) => _target.CloseBeforeCleanup(file);
            }

            public sealed class FileTarget
            {
                private readonly object _syncRoot = new object();
                private readonly Dictionary<string, int> _openFiles = new Dictionary<string, int>();
                private readonly IArchiveHandler _archiveHandler;

                public FileTarget() => _archiveHandler = new RollingArchiveHandler(this);

                public void Write(string file)
                {
                    lock (_syncRoot)
                    {
                        _archiveHandler.BeforeOpen(file);
                        _openFiles[file] = 1;
                    }
                }

                internal void CloseBeforeCleanup(string file) => _openFiles.Remove(file);
            }
            """;

        [Fact]
        public async Task NoDiagnostic_HelperReachedThroughAnInternalInterfaceCalledUnderTheLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(ArchiveHandlerSource);
        }

        [Fact]
        public async Task Reports_TheSameHelperWhenTheInterfaceIsPublic()
        {
            // Another assembly may call BeforeOpen through the public interface, without the lock.
            var source = ArchiveHandlerSource
                .Edit("internal interface IArchiveHandler", "public interface IArchiveHandler")
                .Edit("internal void CloseBeforeCleanup(string file) => _openFiles.Remove(file);", "internal void CloseBeforeCleanup(string file) => [|_openFiles.Remove(file)|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TheSameHelperWhenOneCallThroughTheInterfaceSkipsTheLock()
        {
            var source = ArchiveHandlerSource
                .Edit("""
                    public void Write(string file)
                    {
                """, """
                    public void Prune(string file) => _archiveHandler.BeforeOpen(file);

                    public void Write(string file)
                    {
                """)
                .Edit("internal void CloseBeforeCleanup(string file) => _openFiles.Remove(file);", "internal void CloseBeforeCleanup(string file) => [|_openFiles.Remove(file)|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string HookSource = """
            using System.Collections.Generic;

            public abstract class Target
            {
                private readonly object _syncRoot = new object();

                protected object SyncRoot => _syncRoot;

                public void Write(string message)
                {
                    lock (SyncRoot)
                    {
                        WriteCore(message);
                    }
                }

                public void Flush()
                {
                    lock (SyncRoot)
                    {
                        FlushCore();
                    }
                }

                protected abstract void WriteCore(string message);

                protected virtual void FlushCore() { }
            }

            public sealed class MemoryTarget : Target
            {
                private readonly List<string> _logs = new List<string>();

                protected override void WriteCore(string message) => _logs.Add(message);

                protected override void FlushCore() => _logs.Clear();

                public int Count()
                {
                    lock (SyncRoot)
                    {
                        return _logs.Count;
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_HookOverrideTheBaseClassCallsUnderItsLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(HookSource);
        }

        [Fact]
        public async Task Reports_HookOverrideTheBaseClassAlsoCallsWithoutItsLock()
        {
            var source = HookSource
                .Edit("""
                    public void Flush()
                    {
                        lock (SyncRoot)
                        {
                            FlushCore();
                        }
                    }
                """, """
                    public void Flush()
                    {
                        FlushCore();
                    }
                """)
                .Edit("protected override void FlushCore() => _logs.Clear();", "protected override void FlushCore() => [|_logs.Clear()|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        internal const string BatchHookSource = """
            using System.Collections.Generic;

            public abstract class Appender
            {
                private readonly object _lockObj = new object();

                protected object LockObj => _lockObj;

                public void DoAppend(string item)
                {
                    lock (LockObj)
                    {
                        Append(item);
                    }
                }

                public int Pending()
                {
                    lock (LockObj)
                    {
                        return Count;
                    }
                }

                protected abstract int Count { get; }

                protected abstract void Append(string item);

                // An overload nobody in the compilation calls: its call of Append(item) is no way into the override.
                protected virtual void Append(string[] items)
                {
                    foreach (var item in items)
                    {
                        Append(item);
                    }
                }
            }

            public sealed class RollingAppender : Appender
            {
                private readonly List<string> _backups = new List<string>();

                protected override int Count => _backups.Count;

                protected override void Append(string item) => Roll(item);

                private void Roll(string item) => _backups.Add(item);
            }
            """;

        [Fact]
        public async Task NoDiagnostic_HookWhoseOtherCallerIsAnOverloadNobodyCalls()
        {
            await VerifyCS.VerifyAnalyzerAsync(BatchHookSource);
        }

        [Fact]
        public async Task NoDiagnostic_HookReachedThroughAnotherVirtualOfTheBaseClassAndASiblingsBaseCall()
        {
            // Target.WriteThreadSafe locks SyncRoot and calls Write(batch), which calls Write(item) for each item: the
            // override runs under the lock two virtual calls down. ConsoleTarget's base.Write(item) runs Target's Write,
            // never FileTarget's override.
            const string source = """
                using System.Collections.Generic;

                public abstract class Target
                {
                    private readonly object _syncRoot = new object();

                    protected object SyncRoot => _syncRoot;

                    public void WriteThreadSafe(IList<string> batch)
                    {
                        lock (SyncRoot)
                        {
                            Write(batch);
                        }
                    }

                    protected virtual void Write(IList<string> batch)
                    {
                        foreach (var item in batch)
                        {
                            Write(item);
                        }
                    }

                    protected virtual void Write(string item) { }
                }

                public sealed class ConsoleTarget : Target
                {
                    public void Echo(string item) => Write(item);

                    protected override void Write(string item) => base.Write(item);
                }

                public sealed class FileTarget : Target
                {
                    private readonly Dictionary<string, int> _openFiles = new Dictionary<string, int>();

                    protected override void Write(string item) => _openFiles[item] = item.Length;

                    public int OpenCount()
                    {
                        lock (SyncRoot)
                        {
                            return _openFiles.Count;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string AssertedSource = """
            using System.Collections.Generic;
            using System.Diagnostics;
            using System.Threading;

            public sealed class Batch
            {
                private readonly object _gate = new object();
                private readonly List<int> _items = new List<int>();

                public void Add(int item)
                {
                    lock (_gate)
                    {
                        _items.Add(item);
                    }
                }

                public void AddWhileLocked(int item)
                {
                    Debug.Assert(Monitor.IsEntered(_gate));
                    _items.Add(item);
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_MemberAssertsTheLockIsHeld()
        {
            await VerifyCS.VerifyAnalyzerAsync(AssertedSource);
        }

        [Fact]
        public async Task NoDiagnostic_MemberThrowsUnlessTheLockIsHeld()
        {
            var source = AssertedSource.Edit(
                "Debug.Assert(Monitor.IsEntered(_gate));",
                "if (!Monitor.IsEntered(_gate)) throw new SynchronizationLockException();");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_MemberAssertsSomethingElse()
        {
            var source = AssertedSource.Edit("Debug.Assert(Monitor.IsEntered(_gate));\n        _items.Add(item);", "Debug.Assert(_items.Count < 100);\n        [|_items.Add(item)|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_MonitorEnterWithTakenFlagInsideALoop()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Drainer
                {
                    private readonly object _gate = new object();
                    private readonly Queue<int> _queue = new Queue<int>();

                    public void Enqueue(int item)
                    {
                        lock (_gate)
                        {
                            _queue.Enqueue(item);
                        }
                    }

                    public int Drain(int max)
                    {
                        var drained = 0;
                        while (drained < max)
                        {
                            var taken = false;
                            try
                            {
                                Monitor.Enter(_gate, ref taken);
                                if (_queue.Count == 0)
                                {
                                    break;
                                }

                                _queue.Dequeue();
                                drained++;
                            }
                            finally
                            {
                                if (taken)
                                {
                                    Monitor.Exit(_gate);
                                }
                            }
                        }

                        return drained;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string HeldParameterSource = """
            using System.Collections.Generic;

            public sealed class Recorder
            {
                private readonly object _gate = new object();
                private readonly List<string> _events = new List<string>();

                public void Record(string name) => RecordCore(name, lockHeld: false);

                public void RecordMany(IEnumerable<string> names)
                {
                    lock (_gate)
                    {
                        foreach (var name in names)
                        {
                            RecordCore(name, lockHeld: true);
                        }
                    }
                }

                private void RecordCore(string name, bool lockHeld)
                {
                    if (lockHeld)
                    {
                        _events.Add(name);
                    }
                    else
                    {
                        lock (_gate)
                        {
                            _events.Add(name);
                        }
                    }
                }

                internal void Track(string name, bool held)
                {
                    if (!held)
                    {
                        throw new System.InvalidOperationException("Take the lock first.");
                    }

                    _events.Add(name);
                }

                public void TrackLocked(string name)
                {
                    lock (_gate)
                    {
                        Track(name, held: true);
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_LockHeldParameterTrueOnlyWhereTheLockIsHeld()
        {
            await VerifyCS.VerifyAnalyzerAsync(HeldParameterSource);
        }

        [Fact]
        public async Task Reports_LockHeldParameterPassedTrueWithoutTheLock()
        {
            var source = HeldParameterSource
                .Edit("public void Record(string name) => RecordCore(name, lockHeld: false);", "public void Record(string name) => RecordCore(name, lockHeld: true);")
                .Edit("""
                        if (lockHeld)
                        {
                            _events.Add(name);
                        }
                """, """
                        if (lockHeld)
                        {
                            [|_events.Add(name)|];
                        }
                """);
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_InternalMemberWithLockHeldParameterPassedTrueWithoutTheLock()
        {
            // Every caller of an internal member is in view: the call sites decide, not the other branch's lock.
            const string source = """
                using System.Collections.Generic;

                public sealed class Journal
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _lines = new List<string>();

                    public void Write(string line) => Append(line, lockHeld: true);

                    public void WriteAll(IEnumerable<string> lines)
                    {
                        lock (_gate)
                        {
                            foreach (var line in lines)
                            {
                                Append(line, lockHeld: true);
                            }
                        }
                    }

                    internal void Append(string line, bool lockHeld)
                    {
                        if (lockHeld)
                        {
                            [|_lines.Add(line)|];
                        }
                        else
                        {
                            lock (_gate)
                            {
                                _lines.Add(line);
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string ConditionalAcquireSource = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Topology
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private readonly Dictionary<string, string> _exchanges = new Dictionary<string, string>();

                public Task DeclareAsync(string name) => RecordAsync(name, held: false);

                public async Task RecoverAsync(IEnumerable<string> names, bool held)
                {
                    if (false == held)
                    {
                        await _gate.WaitAsync();
                    }

                    try
                    {
                        foreach (var name in names)
                        {
                            await RecordAsync(name, held: true);
                        }
                    }
                    finally
                    {
                        if (!held)
                        {
                            _gate.Release();
                        }
                    }
                }

                internal async Task RecordAsync(string name, bool held)
                {
                    if (held)
                    {
                        _exchanges[name] = name;
                    }
                    else
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            _exchanges[name] = name;
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_LockHeldParameterAndAnAcquireUnlessHeld()
        {
            await VerifyCS.VerifyAnalyzerAsync(ConditionalAcquireSource);
        }

        [Fact]
        public async Task Reports_LockHeldParameterPassedTrueByACallerThatNeverAcquires()
        {
            var source = ConditionalAcquireSource
                .Edit("        if (false == held)\n        {\n            await _gate.WaitAsync();\n        }\n\n", string.Empty)
                .Edit("        if (held)\n        {\n            _exchanges[name] = name;", "        if (held)\n        {\n            [|_exchanges[name] = name|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_PublicMemberWithLockHeldParameterWhoseOtherBranchTakesTheLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Ledger
                {
                    private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
                    private readonly List<decimal> _entries = new List<decimal>();

                    public async Task RecordAsync(decimal amount, bool semaphoreHeld)
                    {
                        if (semaphoreHeld)
                        {
                            _entries.Add(amount);
                        }
                        else
                        {
                            await _semaphore.WaitAsync();
                            try
                            {
                                _entries.Add(amount);
                            }
                            finally
                            {
                                _semaphore.Release();
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string ConfinedSource = """
            using System.Collections.Generic;

            public sealed class Dispatcher
            {
                public void VerifyAccess() { }
            }

            public sealed class ViewModel
            {
                private readonly object _gate = new object();
                private readonly Dispatcher _dispatcher = new Dispatcher();
                private readonly List<string> _items = new List<string>();
                private int _version;

                public void Add(string item)
                {
                    _dispatcher.VerifyAccess();
                    _items.Add(item);
                    lock (_gate)
                    {
                        _version++;
                    }
                }

                public void Clear()
                {
                    _dispatcher.VerifyAccess();
                    _items.Clear();
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_MembersConfinedToOneThread()
        {
            await VerifyCS.VerifyAnalyzerAsync(ConfinedSource);
        }

        [Fact]
        public async Task NoDiagnostic_HelperWhoseCallersTestTheThreadFirst()
        {
            var source = ConfinedSource.Edit("""
                    public void Clear()
                    {
                        _dispatcher.VerifyAccess();
                        _items.Clear();
                    }
                """, """
                    public void Clear()
                    {
                        if (_dispatcher.CheckAccess())
                        {
                            ClearCore();
                        }
                    }

                    internal void ClearCore() => _items.Clear();
                """).Edit("public void VerifyAccess() { }", "public void VerifyAccess() { }\n\n    public bool CheckAccess() => true;");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_OneMemberNotConfinedToTheThread()
        {
            var source = ConfinedSource
                .Edit("        _dispatcher.VerifyAccess();\n        _items.Clear();", "        [|_items.Clear()|];")
                .Edit("        _dispatcher.VerifyAccess();\n        _items.Add(item);", "        _dispatcher.VerifyAccess();\n        [|_items.Add(item)|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string PublishedSource = """
            using System.Collections.Generic;

            public sealed class Router
            {
                private readonly object _gate = new object();
                private readonly Dictionary<string, string> _routes = new Dictionary<string, string>();
                private volatile bool _ready;
                private int _misses;

                public void Configure(IEnumerable<KeyValuePair<string, string>> routes)
                {
                    foreach (var route in routes)
                    {
                        _routes[route.Key] = route.Value;
                    }

                    _ready = true;
                }

                public string? Route(string key)
                {
                    if (!_ready)
                    {
                        return null;
                    }

                    if (_routes.TryGetValue(key, out var target))
                    {
                        return target;
                    }

                    lock (_gate)
                    {
                        _misses++;
                    }

                    return null;
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_WritesPublishedByAVolatileFlagTheReaderTestsFirst()
        {
            await VerifyCS.VerifyAnalyzerAsync(PublishedSource);
        }

        [Fact]
        public async Task Reports_ReaderThatDoesNotTestThePublishingFlag()
        {
            var source = PublishedSource
                .Edit("""
                        if (!_ready)
                        {
                            return null;
                        }

                """, "")
                .Edit("_routes[route.Key] = route.Value;", "[|_routes[route.Key] = route.Value|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string StartedAfterSource = """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class HealthMonitor
            {
                private readonly object _gate = new object();
                private readonly List<string> _targets = new List<string>();
                private Timer? _timer;
                private int _failures;

                public void Initialize(IEnumerable<string> targets)
                {
                    _targets.Clear();
                    _targets.AddRange(targets);
                    _timer = new Timer(_ => Poll(), null, 0, 1000);
                }

                private void Poll()
                {
                    foreach (var target in _targets)
                    {
                        lock (_gate)
                        {
                            _failures++;
                        }
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_StateFilledBeforeTheTimerThatReadsItStarts()
        {
            await VerifyCS.VerifyAnalyzerAsync(StartedAfterSource);
        }

        [Fact]
        public async Task Reports_StateChangedAfterTheTimerThatReadsItStarts()
        {
            var source = StartedAfterSource.Edit(
                "        _timer = new Timer(_ => Poll(), null, 0, 1000);\n",
                "        _timer = new Timer(_ => Poll(), null, 0, 1000);\n        [|_targets.Add(\"localhost\")|];\n");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string TwoLocksSource = """
            using System.Collections.Generic;

            public sealed class Roster
            {
                private readonly object _gate = new object();
                private readonly object _statsGate = new object();
                private readonly List<string> _names = new List<string>();

                public void Register(string name)
                {
                    lock (_gate)
                    {
                        [|_names.Add(name)|];
                    }
                }

                public void Forget(string name)
                {
                    lock (_statsGate)
                    {
                        [|_names.Remove(name)|];
                    }
                }
            }
            """;

        [Fact]
        public async Task Reports_OneListChangedUnderTwoDifferentLocks()
        {
            // Which lock, not "a lock": Register locks _gate, Forget locks _statsGate; neither excludes the other.
            await VerifyCS.VerifyAnalyzerAsync(TwoLocksSource);
        }

        [Fact]
        public async Task NoDiagnostic_SecondLockTakenByACallerThatAlsoHoldsTheFirst()
        {
            // Locks held further up are protection, not evidence of a second lock: Forget's caller holds _gate too.
            var source = TwoLocksSource
                .Edit("[|_names.Add(name)|]", "_names.Add(name)")
                .Edit("    public void Forget(string name)\n    {\n        lock (_statsGate)\n        {\n            [|_names.Remove(name)|];\n        }\n    }",
                      "    public void Forget(string name)\n    {\n        lock (_gate)\n        {\n            lock (_statsGate)\n            {\n                ForgetCore(name);\n            }\n        }\n    }\n\n    private void ForgetCore(string name) => _names.Remove(name);");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_SecondLockTakenInsideTheFirst()
        {
            var source = LockedCallersSource
                .Edit("private readonly object _gate = new object();", "private readonly object _gate = new object();\n    private readonly object _statsGate = new object();")
                .Edit("// Caller must hold _gate.", "public void Forget(string name)\n    {\n        lock (_gate)\n        {\n            lock (_statsGate)\n            {\n                _names.Remove(name);\n            }\n        }\n    }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string LocalFunctionCallerSource = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Recorder
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private readonly Dictionary<string, string> _exchanges = new Dictionary<string, string>();
                private readonly List<string> _bindings = new List<string>();

                public Task DeclareAsync(string name) => ForgetAsync(name, held: false);

                public async Task DeleteExchangeAsync(string name, bool held)
                {
                    if (held)
                    {
                        await DeleteCoreAsync();
                    }
                    else
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            await DeleteCoreAsync();
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    async Task DeleteCoreAsync()
                    {
                        foreach (var binding in _bindings.ToArray())
                        {
                            await ForgetAsync(binding, held: true);
                        }
                    }
                }

                internal async Task ForgetAsync(string name, bool held)
                {
                    if (held)
                    {
                        _exchanges.Remove(name);
                    }
                    else
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            _exchanges.Remove(name);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_LockHeldParameterPassedTrueFromALocalFunctionEveryCallOfWhichHoldsTheLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(LocalFunctionCallerSource);
        }

        [Fact]
        public async Task Reports_LockHeldParameterPassedTrueFromALocalFunctionAlsoCalledWithoutTheLock()
        {
            var source = LocalFunctionCallerSource
                .Edit("        async Task DeleteCoreAsync()", "        _ = Task.Run(() => 0);\n        await DeleteCoreAsync();\n\n        async Task DeleteCoreAsync()")
                .Edit("        if (held)\n        {\n            _exchanges.Remove(name);", "        if (held)\n        {\n            [|_exchanges.Remove(name)|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string AsyncCalleeSource = """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            public sealed class Inbox
            {
                private readonly object _gate = new object();
                private readonly List<string> _pending = new List<string>();
                private Task _drain = Task.CompletedTask;

                public void Post(string message)
                {
                    lock (_gate)
                    {
                        _pending.Add(message);
                        if (_drain.IsCompleted)
                        {
                            _drain = DrainAsync();
                        }
                    }
                }

                private async Task DrainAsync()
                {
                    _pending.Remove(string.Empty);
                    await Task.Yield();
                    lock (_gate)
                    {
                        _pending.Clear();
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_AsyncCalleeBeforeItsFirstAwaitRunsUnderTheCallersLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(AsyncCalleeSource);
        }

        [Fact]
        public async Task Reports_AsyncCalleeAfterAnAwaitNoLongerHoldsTheCallersLock()
        {
            // The caller cannot await under its lock: the lock is released when DrainAsync first yields.
            var source = AsyncCalleeSource
                .Edit(
                    "        await Task.Yield();\n        lock (_gate)\n        {\n            _pending.Clear();\n        }",
                    "        await Task.Yield();\n        [|_pending.Clear()|];")
                .Edit(
                    "    private async Task DrainAsync()",
                    "    public void Discard(string message)\n    {\n        lock (_gate)\n        {\n            _pending.Remove(message);\n        }\n    }\n\n    private async Task DrainAsync()");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
