using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.InconsistentSynchronizationRule>;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;
using VerifySemaphore = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseGuardingSemaphoreCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0007: a field guarded in most members and forgotten in one; the balanced and lifecycle look-alikes; the fix.</summary>
    public partial class RG0007InconsistentSynchronizationTests
    {
        private const string Account = """
            public sealed class Account
            {
                private readonly object _sync = new object();
                private decimal _balance;

                public void Deposit(decimal amount)
                {
                    lock (_sync)
                    {
                        _balance = _balance + amount;
                    }
                }

                public void Withdraw(decimal amount)
                {
                    lock (_sync)
                    {
                        if (_balance >= amount)
                        {
                            _balance = _balance - amount;
                        }
                    }
                }

                public decimal Balance => {|#0:_balance|};
            }
            """;

        [Fact]
        public async Task Reports_ReadOfABalanceEveryOtherMemberLocks()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                Account,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_balance", "decimal", "read in 'Balance'", "the lock '_sync'", "5 of its 5 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_ReferenceReplacedWholeReadWithoutTheLock()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Server
                {
                    private readonly object _gate = new object();
                    private string? _token;
                    private int _sessions;

                    public void Login(string token)
                    {
                        lock (_gate)
                        {
                            _token = token;
                            _sessions = _sessions + 1;
                        }
                    }

                    public void Logout()
                    {
                        lock (_gate)
                        {
                            _token = null;
                        }
                    }

                    public bool IsAuthorized(string token)
                    {
                        lock (_gate)
                        {
                            return _token == token;
                        }
                    }

                    public string Describe() => "token " + _token;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_PlainWriteOutsideTheLock()
        {
            const string source = """
                public sealed class Settings
                {
                    private readonly object _sync = new object();
                    private string _name = "";

                    public string Name
                    {
                        get { lock (_sync) { return _name; } }
                    }

                    public void Rename(string name)
                    {
                        lock (_sync)
                        {
                            _name = name;
                        }
                    }

                    public void Touch(string name)
                    {
                        lock (_sync)
                        {
                            _name = name + "!";
                        }
                    }

                    public void Reset() => [|_name|] = "";
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_CollectionCountReadOutsideTheLock()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Queue
                {
                    private readonly object _sync = new object();
                    private List<string> _items = new List<string>();

                    public void Push(string item)
                    {
                        lock (_sync)
                        {
                            _items.Add(item);
                        }
                    }

                    public string? Pop()
                    {
                        lock (_sync)
                        {
                            if (_items.Count == 0)
                            {
                                return null;
                            }

                            var last = _items[_items.Count - 1];
                            _items.RemoveAt(_items.Count - 1);
                            return last;
                        }
                    }

                    public void Replace(List<string> items)
                    {
                        lock (_sync)
                        {
                            _items = items;
                        }
                    }

                    public int Count => [|_items|].Count;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_SemaphoreGuardedFieldReadWithoutIt()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Session
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private System.Guid _user;

                    public async Task SignInAsync(System.Guid user)
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            _user = user;
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    public async Task SignOutAsync()
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            _user = System.Guid.Empty;
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    public async Task<System.Guid> UserAsync()
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            return _user;
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    public override string ToString() => {|#0:_user|}.ToString();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_user", "Guid", "read in ToString()", "the semaphore '_gate'", "3 of its 3 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_CopyOnWriteSnapshotReadWithoutTheStaticLock()
        {
            const string source = """
                using System.Collections.Generic;

                public static class Registry
                {
                    private static readonly object s_sync = new object();
                    private static Dictionary<string, int> s_ids = new Dictionary<string, int>();

                    public static void Register(string name, int id)
                    {
                        lock (s_sync)
                        {
                            var copy = new Dictionary<string, int>(s_ids);
                            copy[name] = id;
                            s_ids = copy;
                        }
                    }

                    public static void Clear()
                    {
                        lock (s_sync)
                        {
                            s_ids = new Dictionary<string, int>();
                        }
                    }

                    public static bool Contains(string name) => s_ids.ContainsKey(name);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ReadInATimerCallbackOfAFieldTheMembersLock()
        {
            const string source = """
                using System;
                using System.Threading;

                public sealed class Monitoring : IDisposable
                {
                    private readonly object _sync = new object();
                    private readonly Timer _timer;
                    private DateTimeOffset _lastSeen;

                    public Monitoring() => _timer = new Timer(_ => Check(), null, 1000, 1000);

                    public void Seen()
                    {
                        lock (_sync)
                        {
                            _lastSeen = DateTimeOffset.UtcNow;
                        }
                    }

                    public DateTimeOffset LastSeen
                    {
                        get { lock (_sync) { return _lastSeen; } }
                    }

                    public void Dispose() => _timer.Dispose();

                    private void Check()
                    {
                        if (DateTimeOffset.UtcNow - [|_lastSeen|] > TimeSpan.FromMinutes(1))
                        {
                            Console.WriteLine("stale");
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ReaderWriterLockGuardedFieldReadWithoutIt()
        {
            const string source = """
                using System.Threading;

                public sealed class Config
                {
                    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
                    private decimal _value;

                    public decimal Value
                    {
                        get
                        {
                            _lock.EnterReadLock();
                            try
                            {
                                return _value;
                            }
                            finally
                            {
                                _lock.ExitReadLock();
                            }
                        }
                    }

                    public void Set(decimal value)
                    {
                        _lock.EnterWriteLock();
                        try
                        {
                            _value = value;
                        }
                        finally
                        {
                            _lock.ExitWriteLock();
                        }
                    }

                    public decimal Half => [|_value|] / 2;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_EnumStateWrittenWithoutTheLockInOneMember()
        {
            const string source = """
                public enum Phase { Idle, Running, Done }

                public sealed class Job
                {
                    private readonly object _sync = new object();
                    private Phase _phase;

                    public void Begin()
                    {
                        lock (_sync)
                        {
                            if (_phase == Phase.Idle)
                            {
                                _phase = Phase.Running;
                            }
                        }
                    }

                    public void Finish()
                    {
                        lock (_sync)
                        {
                            _phase = Phase.Done;
                        }
                    }

                    public Phase Phase
                    {
                        get { lock (_sync) { return _phase; } }
                    }

                    public void Abort() => [|_phase|] = Phase.Idle;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ReadInAHelperReachedFromAnUnlockedMember()
        {
            const string source = """
                public sealed class Meter
                {
                    private readonly object _sync = new object();
                    private decimal _total;

                    public void Add(decimal value)
                    {
                        lock (_sync)
                        {
                            _total = _total + value;
                        }
                    }

                    public decimal Total()
                    {
                        lock (_sync)
                        {
                            return Read();
                        }
                    }

                    public string Report() => "total " + Read();

                    private decimal Read() => [|_total|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_EnumerationOfAListTheLockedMembersChangeInPlace()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Subscribers
                {
                    private readonly object _sync = new object();
                    private List<string> _names = new List<string>();

                    public void Add(string name)
                    {
                        lock (_sync)
                        {
                            _names.Add(name);
                        }
                    }

                    public void Remove(string name)
                    {
                        lock (_sync)
                        {
                            _names.Remove(name);
                        }
                    }

                    public void Reset()
                    {
                        lock (_sync)
                        {
                            _names = new List<string>();
                        }
                    }

                    public int Notify()
                    {
                        var count = 0;
                        foreach (var name in [|_names|])
                        {
                            count += name.Length;
                        }

                        return count;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_PairOfValuesReadHalfUpdated()
        {
            const string source = """
                public struct Range
                {
                    public int Low;
                    public int High;
                }

                public sealed class Window
                {
                    private readonly object _sync = new object();
                    private Range _range;

                    public void Move(int low, int high)
                    {
                        lock (_sync)
                        {
                            _range = new Range { Low = low, High = high };
                        }
                    }

                    public void Widen(int by)
                    {
                        lock (_sync)
                        {
                            _range = new Range { Low = _range.Low - by, High = _range.High + by };
                        }
                    }

                    public Range Current => [|_range|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_EveryAccessUnderTheLock()
        {
            const string source = """
                public sealed class Account
                {
                    private readonly object _sync = new object();
                    private decimal _balance;

                    public void Deposit(decimal amount)
                    {
                        lock (_sync)
                        {
                            _balance = _balance + amount;
                        }
                    }

                    public decimal Balance
                    {
                        get { lock (_sync) { return _balance; } }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_MostAccessesUnguarded()
        {
            const string source = """
                public sealed class Stats
                {
                    private readonly object _sync = new object();
                    private int _last;

                    public void Set(int value) => _last = value;

                    public void Reset() => _last = 0;

                    public int Last => _last;

                    public int Snapshot()
                    {
                        lock (_sync)
                        {
                            return _last;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ReadsOnlyUnderTheLockAndOutsideIt()
        {
            const string source = """
                public sealed class Constants
                {
                    private readonly object _sync = new object();
                    private string _name = "fixed";

                    public string A
                    {
                        get { lock (_sync) { return _name; } }
                    }

                    public string B
                    {
                        get { lock (_sync) { return _name + "b"; } }
                    }

                    public string C => _name;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ConstructorAndDisposeAccessesAndReadonlyFields()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                public sealed class Pool : IDisposable
                {
                    private readonly object _sync = new object();
                    private readonly List<string> _items = new List<string>();
                    private int _capacity;

                    public Pool(int capacity)
                    {
                        _capacity = capacity;
                    }

                    public void Grow()
                    {
                        lock (_sync)
                        {
                            _capacity = _capacity * 2;
                        }
                    }

                    public int Capacity
                    {
                        get { lock (_sync) { return _capacity; } }
                    }

                    public void Dispose()
                    {
                        _capacity = 0;
                        _items.Clear();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_BoolFlagIsRG0002s()
        {
            const string source = """
                public sealed class Breaker
                {
                    private readonly object _gate = new object();
                    private bool _open;

                    public void Trip()
                    {
                        lock (_gate)
                        {
                            _open = true;
                        }
                    }

                    public void Close()
                    {
                        lock (_gate)
                        {
                            _open = false;
                        }
                    }

                    public bool IsOpen => _open;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_InterlockedOrVolatileAccessOutsideTheLock()
        {
            const string source = """
                using System.Threading;

                public sealed class Version
                {
                    private readonly object _sync = new object();
                    private long _version;

                    public void Bump()
                    {
                        lock (_sync)
                        {
                            _version = _version + 1;
                        }
                    }

                    public void Set(long value)
                    {
                        lock (_sync)
                        {
                            _version = value;
                        }
                    }

                    public long Current => Interlocked.Read(ref _version);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_UnguardedCollectionMutationIsRG0001sAndIncrementRG0003s()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Tally
                {
                    private readonly object _sync = new object();
                    private readonly List<string> _names = new List<string>();
                    private int _count;

                    public void Add(string name)
                    {
                        lock (_sync)
                        {
                            _names.Add(name);
                            _count = _count + 1;
                        }
                    }

                    public int Count
                    {
                        get { lock (_sync) { return _count + _names.Count; } }
                    }

                    public void Reset()
                    {
                        lock (_sync)
                        {
                            _count = 0;
                        }
                    }

                    public void Quick(string name)
                    {
                        _names.Add(name);
                        _count++;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_FieldsOfTheControllersOwnRequest()
        {
            const string source = """
                public sealed class Local
                {
                    private int _n;

                    public int Next()
                    {
                        _n = _n + 1;
                        return _n;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_WriteUnderASecondLock()
        {
            const string source = """
                public sealed class Split
                {
                    private readonly object _a = new object();
                    private readonly object _b = new object();
                    private int _value;

                    public void SetA(int value)
                    {
                        lock (_a)
                        {
                            _value = value;
                        }
                    }

                    public void SetB(int value)
                    {
                        lock (_b)
                        {
                            {|#0:_value|} = value;
                        }
                    }

                    public int Get()
                    {
                        lock (_a)
                        {
                            return _value;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_value", "int", "written in SetB() under the lock '_b'", "the lock '_a'", "2 of its 2 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Reports_CounterResetUnderTheStatisticsLock()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class RequestLog
                {
                    private readonly object _sync = new object();
                    private readonly object _statsSync = new object();
                    private List<string> _entries = new List<string>();

                    public void Add(string entry)
                    {
                        lock (_sync)
                        {
                            _entries.Add(entry);
                        }
                    }

                    public string[] Snapshot()
                    {
                        lock (_sync)
                        {
                            return _entries.ToArray();
                        }
                    }

                    public void ResetStatistics()
                    {
                        lock (_statsSync)
                        {
                            {|#0:_entries|} = new List<string>();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_entries", "List<string>", "written in ResetStatistics() under the lock '_statsSync'", "the lock '_sync'", "2 of its 2 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_SecondLockAlwaysTakenInsideTheFirst()
        {
            const string source = """
                public sealed class Nested
                {
                    private readonly object _outer = new object();
                    private readonly object _inner = new object();
                    private long _total;

                    public void Add(long amount)
                    {
                        lock (_outer)
                        {
                            lock (_inner)
                            {
                                _total = _total + amount;
                            }
                        }
                    }

                    public void Subtract(long amount)
                    {
                        lock (_outer)
                        {
                            lock (_inner)
                            {
                                _total = _total - amount;
                            }
                        }
                    }

                    public long Peek()
                    {
                        lock (_inner)
                        {
                            return _total;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_SingleCallsOnAConcurrentDictionaryReplacedUnderTheLock()
        {
            // Each call on a ConcurrentDictionary is atomic, and the field is replaced whole under the lock: a reader sees
            // the old or the new dictionary (RULES.md: a single call on a thread-safe collection is no inconsistent access).
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Sessions
                {
                    private readonly object _gate = new object();
                    private ConcurrentDictionary<string, int> _byUser = new ConcurrentDictionary<string, int>();

                    public void Reset()
                    {
                        lock (_gate)
                        {
                            _byUser = new ConcurrentDictionary<string, int>();
                        }
                    }

                    public void Import(ConcurrentDictionary<string, int> sessions)
                    {
                        lock (_gate)
                        {
                            _byUser = sessions;
                        }
                    }

                    public int Count => _byUser.Count;

                    public void Drop(string user) => _byUser.TryRemove(user, out _);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string LazyListenersSource = """
            using System.Collections.Generic;
            using System.Linq;

            public sealed class ListenerRegistry
            {
                private readonly object _gate = new object();
                private Dictionary<string, string>? _listeners;

                public void Add(string name, string listener)
                {
                    lock (_gate)
                    {
                        _listeners ??= new Dictionary<string, string>();
                        _listeners[name] = listener;
                    }
                }

                public bool Remove(string name)
                {
                    if (_listeners is null)
                    {
                        return false;
                    }

                    lock (_gate)
                    {
                        return _listeners is not null && _listeners.Remove(name);
                    }
                }

                public List<string> All()
                {
                    if (_listeners == null)
                    {
                        return new List<string>();
                    }

                    lock (_gate)
                    {
                        return _listeners.Values.ToList();
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_DoubleCheckedFastPathOfALazilyCreatedCollection()
        {
            await VerifyCS.VerifyAnalyzerAsync(LazyListenersSource);
        }

        [Fact]
        public async Task Reports_FastPathThatUsesTheCollectionWithoutTheLock()
        {
            var source = LazyListenersSource
                .Edit("if (_listeners == null)", "if ([|_listeners|] == null)")
                .Edit("        lock (_gate)\n        {\n            return _listeners.Values.ToList();\n        }", "        return [|_listeners|].Values.ToList();");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string PrivateGetterSource = """
            using System.Collections.Generic;

            public sealed class Activation
            {
                private readonly object _lock = new object();
                private Dictionary<string, object>? _extras;

                private object? Timers => _extras is { } extras && extras.TryGetValue("timers", out var timers) ? timers : null;

                public void AddTimers(object timers)
                {
                    lock (_lock)
                    {
                        _extras ??= new Dictionary<string, object>();
                        _extras["timers"] = timers;
                    }
                }

                public bool RemoveTimers()
                {
                    lock (_lock)
                    {
                        return Timers is not null && _extras!.Remove("timers");
                    }
                }

                public object? CurrentTimers()
                {
                    lock (_lock)
                    {
                        return Timers;
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_PrivateGetterEveryCallerReadsUnderTheLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(PrivateGetterSource);
        }

        [Fact]
        public async Task Reports_PrivateGetterOneCallerReadsWithoutTheLock()
        {
            var source = PrivateGetterSource
                .Edit("    public object? CurrentTimers()", "    public bool HasTimers() => Timers is not null;\n\n    public object? CurrentTimers()")
                .Edit("private object? Timers => _extras is { } extras", "private object? Timers => {|#0:_extras|} is { } extras");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments(
                    "_extras",
                    "Dictionary<string, object>?",
                    "read here (called without '_lock' from HasTimers())",
                    "the lock '_lock'",
                    "3 of its 3 other accesses",
                    "take it here too"));
        }

        [Fact]
        public async Task Silent_PrivateHelperCalledOnlyUnderTheLock()
        {
            const string source = """
                public sealed class Meter
                {
                    private readonly object _sync = new object();
                    private double _total;

                    public void Add(double value)
                    {
                        lock (_sync)
                        {
                            _total = _total + value;
                        }
                    }

                    public double Total()
                    {
                        lock (_sync)
                        {
                            return Read();
                        }
                    }

                    private double Read() => _total;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_ArrowReadTakesTheLockOfTheOtherAccesses()
        {
            var source = Account.Replace("{|#0:_balance|}", "{|RG0007:_balance|}");
            const string fixedSource = """
                public sealed class Account
                {
                    private readonly object _sync = new object();
                    private decimal _balance;

                    public void Deposit(decimal amount)
                    {
                        lock (_sync)
                        {
                            _balance = _balance + amount;
                        }
                    }

                    public void Withdraw(decimal amount)
                    {
                        lock (_sync)
                        {
                            if (_balance >= amount)
                            {
                                _balance = _balance - amount;
                            }
                        }
                    }

                    public decimal Balance
                    {
                        get
                        {
                            lock (_sync)
                            {
                                return _balance;
                            }
                        }
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_FixAllWrapsEveryUnguardedAccessAndKeepsTheReturnedValue()
        {
            const string source = """
                public sealed class Server
                {
                    private readonly object _gate = new object();
                    private decimal _limit;

                    public void Raise(decimal limit)
                    {
                        lock (_gate)
                        {
                            _limit = limit;
                        }
                    }

                    public void Clear()
                    {
                        lock (_gate)
                        {
                            _limit = 0;
                        }
                    }

                    public bool Allows(decimal amount)
                    {
                        lock (_gate)
                        {
                            return _limit >= amount;
                        }
                    }

                    public bool Any()
                    {
                        lock (_gate)
                        {
                            return _limit != 0;
                        }
                    }

                    public bool Exactly(decimal amount)
                    {
                        return {|RG0007:_limit|} == amount;
                    }

                    public string Describe() => "limit " + {|RG0007:_limit|};
                }
                """;
            const string fixedSource = """
                public sealed class Server
                {
                    private readonly object _gate = new object();
                    private decimal _limit;

                    public void Raise(decimal limit)
                    {
                        lock (_gate)
                        {
                            _limit = limit;
                        }
                    }

                    public void Clear()
                    {
                        lock (_gate)
                        {
                            _limit = 0;
                        }
                    }

                    public bool Allows(decimal amount)
                    {
                        lock (_gate)
                        {
                            return _limit >= amount;
                        }
                    }

                    public bool Any()
                    {
                        lock (_gate)
                        {
                            return _limit != 0;
                        }
                    }

                    public bool Exactly(decimal amount)
                    {
                        lock (_gate)
                        {
                            return _limit == amount;
                        }
                    }

                    public string Describe()
                    {
                        lock (_gate)
                        {
                            return "limit " + _limit;
                        }
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Silent_GuardTakenInOneMemberOnly()
        {
            const string source = """
                public sealed class Counter
                {
                    private readonly object _sync = new object();
                    private int _count;

                    public void Hit()
                    {
                        lock (_sync)
                        {
                            _count = _count + 1;
                        }
                    }

                    public int Count => _count;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_SemaphoreGuardWaitsAsyncOrSync()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Session
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private Guid _user;

                    public async Task SignInAsync(Guid user)
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            _user = user;
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    public async Task SignOutAsync()
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            _user = Guid.Empty;
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    public async Task<bool> IsAsync(Guid user)
                    {
                        await Task.Yield();
                        return {|RG0007:_user|} == user;
                    }

                    public override string ToString() => {|RG0007:_user|}.ToString();
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Session
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private Guid _user;

                    public async Task SignInAsync(Guid user)
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            _user = user;
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    public async Task SignOutAsync()
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            _user = Guid.Empty;
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    public async Task<bool> IsAsync(Guid user)
                    {
                        await Task.Yield();
                        await _gate.WaitAsync();
                        try
                        {
                            return _user == user;
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    public override string ToString()
                    {
                        _gate.Wait();
                        try
                        {
                            return _user.ToString();
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }
                }
                """;

            await new VerifySemaphore.Test { TestCode = source, FixedCode = fixedSource }.RunAsync();
        }

        [Fact]
        public async Task Reports_PrivateGetterReadAfterAnAwaitOfALoopStartedUnderTheLock()
        {
            // RunLoopAsync is called under _gate, but the lock is released when it first awaits: Reason runs unlocked.
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public sealed class Activation
                {
                    private readonly object _gate = new object();
                    private Dictionary<string, string>? _extras;
                    private Task _loop = Task.CompletedTask;

                    public void Start()
                    {
                        lock (_gate)
                        {
                            _loop = RunLoopAsync();
                        }
                    }

                    public void Set(string key, string value)
                    {
                        lock (_gate)
                        {
                            _extras ??= new Dictionary<string, string>();
                            _extras[key] = value;
                        }
                    }

                    public void Clear()
                    {
                        lock (_gate)
                        {
                            _extras = null;
                        }
                    }

                    private string? Reason => {|#0:_extras|}?.GetValueOrDefault("reason");

                    private async Task RunLoopAsync()
                    {
                        while (true)
                        {
                            await Task.Delay(100);
                            System.Console.WriteLine(Reason);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_extras", "Dictionary<string, string>?", "read in 'Reason'", "the lock '_gate'", "3 of its 3 other accesses", "take it here too"));
        }

        private const string ReadonlyRegistry = """
            using System.Collections.Generic;

            public sealed class Registry
            {
                private readonly object _gate = new object();
                private readonly List<string> _names = new List<string>();

                public void Add(string name)
                {
                    lock (_gate)
                    {
                        _names.Add(name);
                    }
                }

                public void Remove(string name)
                {
                    lock (_gate)
                    {
                        _names.Remove(name);
                    }
                }

                public bool Contains(string name)
                {
                    lock (_gate)
                    {
                        return _names.Contains(name);
                    }
                }

                public string[] Snapshot() => {|#0:_names|}.ToArray();
            }
            """;

        [Fact]
        public async Task Reports_SnapshotOfAReadonlyListTheOtherMembersChangeUnderTheLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                ReadonlyRegistry,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_names", "List<string>", "read in Snapshot()", "the lock '_gate'", "3 of its 3 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_SnapshotOfAReadonlyListTakenUnderTheLock()
        {
            var source = ReadonlyRegistry.Edit(
                "    public string[] Snapshot() => {|#0:_names|}.ToArray();",
                "    public string[] Snapshot()\n    {\n        lock (_gate)\n        {\n            return _names.ToArray();\n        }\n    }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ReadonlyConcurrentCollectionReadWithoutTheLock()
        {
            var source = ReadonlyRegistry
                .Edit("using System.Collections.Generic;", "using System.Collections.Concurrent;\nusing System.Collections.Generic;\nusing System.Linq;")
                .Edit("private readonly List<string> _names = new List<string>();", "private readonly ConcurrentBag<string> _names = new ConcurrentBag<string>();")
                .Edit("            _names.Remove(name);", "            _names.TryTake(out _);")
                .Edit("{|#0:_names|}", "_names");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_HashtableReadWithoutTheLockOfItsWrites()
        {
            // Hashtable is documented safe for any number of readers alongside one writer at a time.
            var source = ReadonlyRegistry
                .Edit("using System.Collections.Generic;", "using System.Collections;")
                .Edit("private readonly List<string> _names = new List<string>();", "private readonly Hashtable _names = new Hashtable();")
                .Edit("            _names.Add(name);", "            _names[name] = name;")
                .Edit("{|#0:_names|}.ToArray()", "new string[] { (string)_names[\"first\"]! }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string WorkerGroup = """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class WorkerGroup
            {
                private readonly object _gate = new object();
                private readonly List<Thread> _threads = new List<Thread>();

                public void Spawn(int count)
                {
                    for (var i = 0; i < count; i++)
                    {
                        var thread = new Thread(Work);
                        lock (_gate)
                        {
                            _threads.Add(thread);
                        }

                        thread.Start();
                    }
                }

                private void Work()
                {
                    lock (_gate)
                    {
                        _threads.Remove(Thread.CurrentThread);
                    }
                }

                public int Running
                {
                    get
                    {
                        lock (_gate)
                        {
                            return _threads.Count;
                        }
                    }
                }

                public void StopAll()
                {
                    foreach (var thread in {|#0:_threads|})
                    {
                        thread.Join();
                    }
                }
            }
            """;

        [Fact]
        public async Task Reports_JoinLoopOverAListItsThreadsLockAdvisingACopyNotTheLock()
        {
            // A lock around the Join loop deadlocks: each thread takes _gate to remove itself before it can end.
            await VerifyCS.VerifyAnalyzerAsync(
                WorkerGroup,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_threads", "List<Thread>", "read in StopAll()", "the lock '_gate'", "3 of its 3 other accesses", "copy it under a lock and wait outside the lock"));
        }

        [Fact]
        public async Task Fix_NotOfferedAroundAStatementThatJoinsThreads()
        {
            await VerifyFix.VerifyCodeFixAsync(WorkerGroup.Replace("{|#0:_threads|}", "{|RG0007:_threads|}"), WorkerGroup.Replace("{|#0:_threads|}", "{|RG0007:_threads|}"));
        }

        private const string GrowingBuffer = """
            using System.Collections.Generic;

            public sealed class EventBuffer
            {
                private readonly object _lock = new object();
                private string[] _buffer = new string[4];
                private Dictionary<string, int> _counts = new Dictionary<string, int>(System.StringComparer.Ordinal);
                private int _next;

                public int Size => _buffer.Length;

                public IEqualityComparer<string> Comparer => _counts.Comparer;

                public void Append(string item)
                {
                    lock (_lock)
                    {
                        if (_next == _buffer.Length)
                        {
                            var bigger = new string[_buffer.Length * 2];
                            System.Array.Copy(_buffer, bigger, _buffer.Length);
                            _buffer = bigger;
                        }

                        _buffer[_next++] = item;
                        _counts[item] = 1;
                    }
                }

                public string[] Drain()
                {
                    lock (_lock)
                    {
                        var items = _buffer;
                        _buffer = new string[items.Length];
                        _counts.Clear();
                        _next = 0;
                        return items;
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_LengthAndComparerReadThroughOneSnapshotOfTheReference()
        {
            await VerifyCS.VerifyAnalyzerAsync(GrowingBuffer);
        }

        [Fact]
        public async Task Reports_AnElementOrCountReadOfTheSameFieldsWithoutTheLock()
        {
            var source = GrowingBuffer
                .Replace("public int Size => _buffer.Length;", "public string First => {|#0:_buffer|}[0];")
                .Replace("public IEqualityComparer<string> Comparer => _counts.Comparer;", "public int Distinct => {|#1:_counts|}.Count;");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_buffer", "string[]", "read in 'First'", "the lock '_lock'", "8 of its 8 other accesses", "take it here too"),
                VerifyCS.Diagnostic("RG0007").WithLocation(1).WithArguments("_counts", "Dictionary<string, int>", "read in 'Distinct'", "the lock '_lock'", "2 of its 2 other accesses", "take it here too"));
        }

        private const string BufferingWrapper = """
            using System.Collections.Generic;
            using System.Threading;

            internal sealed class RequestQueue
            {
                private readonly object _sync = new object();
                private readonly Queue<string> _items = new Queue<string>();

                public bool IsEmpty
                {
                    get
                    {
                        lock (_sync)
                        {
                            return _items.Count == 0;
                        }
                    }
                }

                public void Enqueue(string item)
                {
                    lock (_sync)
                    {
                        _items.Enqueue(item);
                    }
                }

                public void Clear()
                {
                    lock (_sync)
                    {
                        _items.Clear();
                    }
                }
            }

            public sealed class BufferingWrapper
            {
                private readonly object _syncRoot = new object();
                private RequestQueue _buffer = new RequestQueue();
                private Timer? _flushTimer;

                public void Initialize()
                {
                    _buffer = new RequestQueue();
                    _flushTimer = new Timer(FlushCallback, null, 1000, Timeout.Infinite);
                }

                public void Write(string item)
                {
                    lock (_syncRoot)
                    {
                        _buffer.Enqueue(item);
                    }
                }

                public void Reset()
                {
                    lock (_syncRoot)
                    {
                        _buffer.Clear();
                    }
                }

                private void FlushCallback(object? state)
                {
                    if (!{|#0:_buffer|}.IsEmpty)
                    {
                        _flushTimer?.Change(1000, Timeout.Infinite);
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_CallsOnAnObjectThatLocksItsOwnState()
        {
            await VerifyCS.VerifyAnalyzerAsync(BufferingWrapper.Replace("{|#0:_buffer|}", "_buffer"));
        }

        [Fact]
        public async Task Reports_TheSameCallsWhenTheObjectDoesNotLock()
        {
            var source = BufferingWrapper
                .Replace("""
                            lock (_sync)
                            {
                                return _items.Count == 0;
                            }
                """, """
                            return _items.Count == 0;
                """)
                .Replace("""
                        lock (_sync)
                        {
                            _items.Enqueue(item);
                        }
                """, """
                        _items.Enqueue(item);
                """)
                .Replace("""
                        lock (_sync)
                        {
                            _items.Clear();
                        }
                """, """
                        _items.Clear();
                """);
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_buffer", "RequestQueue", "read by the Timer callback 'FlushCallback'", "the lock '_syncRoot'", "2 of its 2 other accesses", "take it here too"));
        }

        private static Task VerifyWithRoslynAsync(string source)
        {
            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.AdditionalReferences.AddRange(TestReferences.CodeAnalysis);
            return test.RunAsync();
        }

        [Fact]
        public async Task NoDiagnostic_SetReadWithoutItsLockInTheCompilationEndAction()
        {
            // The compilation-end action runs after every other action of the compilation: the locks of the callbacks
            // are not needed there.
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class SealedAnalyzer : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterCompilationStartAction(start =>
                        {
                            var state = new State();
                            start.RegisterSymbolAction(state.AnalyzeType, SymbolKind.NamedType);
                            start.RegisterSymbolAction(state.AnalyzeMethod, SymbolKind.Method);
                            start.RegisterCompilationEndAction(state.Report);
                        });
                    }

                    private sealed class State
                    {
                        private readonly HashSet<ISymbol> _derived = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

                        public void AnalyzeType(SymbolAnalysisContext context)
                        {
                            lock (_derived)
                            {
                                _derived.Add(context.Symbol);
                            }
                        }

                        public void AnalyzeMethod(SymbolAnalysisContext context)
                        {
                            lock (_derived)
                            {
                                _derived.Remove(context.Symbol);
                            }
                        }

                        public void Report(CompilationAnalysisContext context)
                        {
                            foreach (var symbol in _derived)
                            {
                                System.Console.WriteLine(symbol.Name);
                            }
                        }
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task Reports_SetReadWithoutItsLockInAnotherCallback()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class SealedAnalyzer : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterCompilationStartAction(start =>
                        {
                            var state = new State();
                            start.RegisterSymbolAction(state.AnalyzeType, SymbolKind.NamedType);
                            start.RegisterSymbolAction(state.AnalyzeMethod, SymbolKind.Method);
                            start.RegisterSymbolAction(state.Report, SymbolKind.Property);
                        });
                    }

                    private sealed class State
                    {
                        private readonly HashSet<ISymbol> _derived = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

                        public void AnalyzeType(SymbolAnalysisContext context)
                        {
                            lock (_derived)
                            {
                                _derived.Add(context.Symbol);
                            }
                        }

                        public void AnalyzeMethod(SymbolAnalysisContext context)
                        {
                            lock (_derived)
                            {
                                _derived.Remove(context.Symbol);
                            }
                        }

                        public void Report(SymbolAnalysisContext context)
                        {
                            foreach (var symbol in [|_derived|])
                            {
                                System.Console.WriteLine(symbol.Name);
                            }
                        }
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task Silent_DisposePatternAndExplicitAsyncDispose()
        {
            // Dispose(bool) of the dispose pattern and an explicit IAsyncDisposable.DisposeAsync are teardown, whatever
            // their parameters and however they are declared.
            const string source = """
                using System;
                using System.Threading.Tasks;

                public class Pool : IDisposable, IAsyncDisposable
                {
                    private readonly object _sync = new object();
                    private int _size;

                    public void Grow()
                    {
                        lock (_sync)
                        {
                            _size = _size + 1;
                        }
                    }

                    public int Size
                    {
                        get { lock (_sync) { return _size; } }
                    }

                    public void Dispose()
                    {
                        Dispose(true);
                    }

                    protected virtual void Dispose(bool disposing)
                    {
                        _size = 0;
                    }

                    ValueTask IAsyncDisposable.DisposeAsync()
                    {
                        _size = -1;
                        return default;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_DisposeOfOneLeaseIsNotTheTeardown()
        {
            // Dispose(Lease) returns one lease while other callers take leases: it is not the pool's teardown.
            const string source = """
                public sealed class Lease
                {
                }

                public sealed class Pool
                {
                    private readonly object _sync = new object();
                    private Lease _last;

                    public Lease Take()
                    {
                        lock (_sync)
                        {
                            _last = new Lease();
                            return _last;
                        }
                    }

                    public Lease Last
                    {
                        get { lock (_sync) { return _last; } }
                    }

                    public void Dispose(Lease lease)
                    {
                        {|#0:_last|} = null;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_last", "Lease", "written in Dispose()", "the lock '_sync'", "3 of its 3 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Reports_ResetForgottenInOneMemberBesideTwoThatLock()
        {
            // Two members lock for _count, Reset forgets: the unguarded write is a third of the weight, but it is all in
            // the one member that takes no lock.
            const string source = """
                public sealed class RequestStats
                {
                    private readonly object _sync = new object();
                    private int _count;

                    public void Record()
                    {
                        lock (_sync)
                        {
                            _count++;
                        }
                    }

                    public int Count
                    {
                        get { lock (_sync) { return _count; } }
                    }

                    public void Reset()
                    {
                        {|#0:_count|} = 0;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_count", "int", "written in Reset()", "the lock '_sync'", "2 of its 2 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_UnguardedAccessesSpreadOverTwoMembers()
        {
            // Two members lock, two do not: no single forgotten member, and the unguarded writes outweigh the guarded ones.
            const string source = """
                public sealed class RequestStats
                {
                    private readonly object _sync = new object();
                    private int _count;

                    public void Record()
                    {
                        lock (_sync)
                        {
                            _count++;
                        }
                    }

                    public int Count
                    {
                        get { lock (_sync) { return _count; } }
                    }

                    public void Reset()
                    {
                        _count = 0;
                    }

                    public void Restore(int value)
                    {
                        _count = value;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_CopiesOfALockedCollectionTakenWithoutTheLock()
        {
            // new List<T>(_entries) and a LINQ ToArray() enumerate the collection another member changes under the lock.
            const string source = """
                using System.Collections.Generic;
                using System.Linq;

                public sealed class AuditLog
                {
                    private readonly object _sync = new object();
                    private readonly List<string> _entries = new List<string>();
                    private readonly HashSet<string> _users = new HashSet<string>();

                    public void Add(string user, string entry)
                    {
                        lock (_sync)
                        {
                            _entries.Add(entry);
                            _users.Add(user);
                        }
                    }

                    public void Clear()
                    {
                        lock (_sync)
                        {
                            _entries.Clear();
                            _users.Clear();
                        }
                    }

                    public List<string> Snapshot() => new List<string>({|#0:_entries|});

                    public string[] Users() => {|#1:_users|}.ToArray();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_entries", "List<string>", "read in Snapshot()", "the lock '_sync'", "2 of its 2 other accesses", "take it here too"),
                VerifyCS.Diagnostic("RG0007").WithLocation(1).WithArguments("_users", "HashSet<string>", "read in Users()", "the lock '_sync'", "2 of its 2 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_CopiesTakenUnderTheLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;

                public sealed class AuditLog
                {
                    private readonly object _sync = new object();
                    private readonly List<string> _entries = new List<string>();

                    public void Add(string entry)
                    {
                        lock (_sync)
                        {
                            _entries.Add(entry);
                        }
                    }

                    public void Clear()
                    {
                        lock (_sync)
                        {
                            _entries.Clear();
                        }
                    }

                    public List<string> Snapshot()
                    {
                        lock (_sync)
                        {
                            return new List<string>(_entries);
                        }
                    }

                    public string[] Recent()
                    {
                        lock (_sync)
                        {
                            return _entries.Skip(1).ToArray();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_AbortBesideAStartThatLocks()
        {
            // StartAsync takes the lock for _status: its locked accesses show the policy, and Abort forgets it.
            const string source = """
                using System.Threading.Tasks;

                public sealed class UploadJob
                {
                    private readonly object _stateLock = new object();
                    private string _status = "idle";

                    public Task StartAsync()
                    {
                        lock (_stateLock)
                        {
                            _status = "running";
                        }

                        return Task.Run(async () =>
                        {
                            await Task.Delay(1000);
                            lock (_stateLock)
                            {
                                _status = "done";
                            }
                        });
                    }

                    public string Status
                    {
                        get { lock (_stateLock) { return _status; } }
                    }

                    public void Abort()
                    {
                        {|#0:_status|} = "aborted";
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_status", "string", "written in Abort()", "the lock '_stateLock'", "3 of its 3 other accesses", "take it here too"));
        }

        private const string ConfigHolder = """
            using System.Threading;

            public sealed class ConfigHolder
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private string _connectionString = "";

                public void Update(string value)
                {
                    _rw.EnterWriteLock();
                    try
                    {
                        _connectionString = value;
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                }

                public string Get()
                {
                    _rw.EnterReadLock();
                    try
                    {
                        return _connectionString;
                    }
                    finally
                    {
                        _rw.ExitReadLock();
                    }
                }

                public void Override(string value)
                {
                    _rw.EnterReadLock();
                    try
                    {
                        {|#0:_connectionString|} = value;
                    }
                    finally
                    {
                        _rw.ExitReadLock();
                    }
                }
            }
            """;

        [Fact]
        public async Task Reports_WriteUnderTheReadLockOfAReaderWriterLock()
        {
            // Override takes the read lock to write: it runs beside every reader and beside another Override.
            await VerifyCS.VerifyAnalyzerAsync(
                ConfigHolder,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_connectionString", "string", "written in Override() under the read lock of '_rw'", "its write lock", "2 of its 2 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_WritesUnderTheWriteLockAndReadsUnderTheReadLock()
        {
            var source = ConfigHolder
                .Edit("        _rw.EnterReadLock();\n        try\n        {\n            {|#0:_connectionString|} = value;\n        }\n        finally\n        {\n            _rw.ExitReadLock();",
                      "        _rw.EnterWriteLock();\n        try\n        {\n            _connectionString = value;\n        }\n        finally\n        {\n            _rw.ExitWriteLock();");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
