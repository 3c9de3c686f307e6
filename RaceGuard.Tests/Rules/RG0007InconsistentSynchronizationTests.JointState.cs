using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.InconsistentSynchronizationRule>;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;
using VerifySemaphore = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseGuardingSemaphoreCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Statistics reads of fields that one lock block changes together (RULES.md, RG0007 shapes: "statistics reads"): the
    /// sum read without the lock can pair the old value of one with the new value of the other; and the look-alikes (one
    /// field read alone, fields never written together).
    /// </summary>
    public partial class RG0007InconsistentSynchronizationTests
    {
        private const string CacheStatistics = """
            public sealed class CacheStatistics
            {
                private readonly object _lock = new object();
                private long _hits;
                private long _misses;

                public void Hit()
                {
                    lock (_lock)
                    {
                        _hits++;
                    }
                }

                public void Miss()
                {
                    lock (_lock)
                    {
                        _misses++;
                    }
                }

                public void Clear()
                {
                    lock (_lock)
                    {
                        _hits = 0;
                        _misses = 0;
                    }
                }

                public long Total()
                {
                    return {|#0:_hits|} + {|#1:_misses|};
                }
            }
            """;

        [Fact]
        public async Task Reports_TwoFieldsClearedTogetherAndSummedWithoutTheLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                CacheStatistics,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_hits", "long", "read in Total()", "the lock '_lock'", "2 of its 2 other accesses", "take it here too"),
                VerifyCS.Diagnostic("RG0007").WithLocation(1).WithArguments("_misses", "long", "read in Total()", "the lock '_lock'", "2 of its 2 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_OneFieldOfThePairReadAlone()
        {
            // One long read whole: stale at worst, no half of a joint change.
            var source = CacheStatistics.Edit("return {|#0:_hits|} + {|#1:_misses|};", "return _hits;");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_FieldsNeverWrittenTogether()
        {
            var source = CacheStatistics
                .Edit("            _hits = 0;\n            _misses = 0;", "            _hits = 0;\n        }\n\n        lock (_lock)\n        {\n            _misses = 0;")
                .Edit("return {|#0:_hits|} + {|#1:_misses|};", "return _hits + _misses;");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string LatencyStats = """
            public sealed class LatencyStats
            {
                private readonly object _lock = new object();
                private long _count;
                private double _totalMs;
                private double _maxMs;

                public void Record(double ms)
                {
                    lock (_lock)
                    {
                        _count++;
                        _totalMs += ms;
                        if (ms > _maxMs)
                        {
                            _maxMs = ms;
                        }
                    }
                }

                public double Average
                {
                    get
                    {
                        lock (_lock)
                        {
                            return _count == 0 ? 0 : _totalMs / _count;
                        }
                    }
                }

                public void Reset()
                {
                    {|#0:_count|} = 0;
                    {|#1:_totalMs|} = 0;
                    {|#2:_maxMs|} = 0;
                }
            }
            """;

        [Fact]
        public async Task Reports_EveryFieldAResetZeroesWithoutTheLock()
        {
            // _maxMs is locked in Record() alone, but Reset() forgets the same lock for its siblings: one forgotten lock.
            await VerifyCS.VerifyAnalyzerAsync(
                LatencyStats,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_count", "long", "written in Reset()", "the lock '_lock'", "3 of its 3 other accesses", "take it here too"),
                VerifyCS.Diagnostic("RG0007").WithLocation(1).WithArguments("_totalMs", "double", "written in Reset()", "the lock '_lock'", "2 of its 2 other accesses", "take it here too"),
                VerifyCS.Diagnostic("RG0007").WithLocation(2).WithArguments("_maxMs", "double", "written in Reset()", "the lock '_lock'", "2 of its 2 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_OneFieldLockedByOneMemberAndResetAlone()
        {
            // Only _maxMs is reset, and only Record() locks it: no member shows the policy twice.
            var source = LatencyStats
                .Edit("        {|#0:_count|} = 0;\n        {|#1:_totalMs|} = 0;\n", string.Empty)
                .Edit("{|#2:_maxMs|}", "_maxMs");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string MetricsRegistry = """
            using System.Collections.Generic;
            using System.Text;

            public sealed class MetricsRegistry
            {
                private readonly object _sync = new object();
                private readonly Dictionary<string, long> _counters = new Dictionary<string, long>();

                public void Increment(string name)
                {
                    lock (_sync)
                    {
                        _counters.TryGetValue(name, out var value);
                        _counters[name] = value + 1;
                    }
                }

                public string Export()
                {
                    var text = new StringBuilder();
                    foreach (var counter in {|#0:_counters|})
                    {
                        text.Append(counter.Key).Append(' ').Append(counter.Value).Append('\n');
                    }

                    return text.ToString();
                }
            }
            """;

        [Fact]
        public async Task Reports_ExportEnumeratingACollectionOneMemberChangesUnderTheLock()
        {
            // One member locks, but the foreach throws when Increment() adds a counter in the middle of it.
            await VerifyCS.VerifyAnalyzerAsync(
                MetricsRegistry,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_counters", "Dictionary<string, long>", "read in Export()", "the lock '_sync'", "2 of its 2 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_ArrayEnumeratedWhileOneMemberResizesItUnderTheLock()
        {
            // An array's foreach has no version check, and Array.Resize replaces the array whole: one locking member is
            // no evidence for the plain reads.
            const string source = """
                using System;
                using System.Collections.Generic;

                public sealed class Extensions
                {
                    private readonly object _lock = new object();
                    private object[] _items = new object[4];

                    public object Get(int id) => _items[id];

                    public void Register(int id, object item)
                    {
                        lock (_lock)
                        {
                            if (id >= _items.Length)
                            {
                                Array.Resize(ref _items, id * 2);
                            }

                            _items[id] = item;
                        }
                    }

                    public IEnumerable<object> GetAll()
                    {
                        foreach (var item in _items)
                        {
                            if (item is not null)
                            {
                                yield return item;
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ExportOfASnapshotTakenUnderTheLock()
        {
            var source = MetricsRegistry
                .Edit("        var text = new StringBuilder();", "        var text = new StringBuilder();\n        KeyValuePair<string, long>[] snapshot;\n        lock (_sync)\n        {\n            snapshot = new List<KeyValuePair<string, long>>(_counters).ToArray();\n        }\n")
                .Edit("foreach (var counter in {|#0:_counters|})", "foreach (var counter in snapshot)");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string HitRatio = """
            public sealed class LookupStatistics
            {
                private readonly object _lock = new object();
                private long _hits;
                private long _misses;

                public void Hit()
                {
                    lock (_lock)
                    {
                        _hits++;
                    }
                }

                public void Miss()
                {
                    lock (_lock)
                    {
                        _misses++;
                    }
                }

                public double Ratio
                {
                    get
                    {
                        return {|#0:_hits|} + {|#1:_misses|} == 0 ? 0 : (double)_hits / (_hits + _misses);
                    }
                }
            }
            """;

        [Fact]
        public async Task Reports_StatisticsReadThatReadsOneCounterTwiceWithoutTheLock()
        {
            // Each counter is changed only under the lock, by its own member; the ratio reads each twice in one expression and
            // can pass 1.
            await VerifyCS.VerifyAnalyzerAsync(
                HitRatio,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments(
                    "_hits", "long", "read in 'Ratio'", "the lock '_lock'", "1 of its 3 other accesses and every change of the fields read with it", "take it here too"),
                VerifyCS.Diagnostic("RG0007").WithLocation(1).WithArguments(
                    "_misses", "long", "read in 'Ratio'", "the lock '_lock'", "1 of its 2 other accesses and every change of the fields read with it", "take it here too"));
        }

        [Fact]
        public async Task Silent_StatisticsReadOfValuesCopiedOnce()
        {
            var source = HitRatio.Edit(
                "            return {|#0:_hits|} + {|#1:_misses|} == 0 ? 0 : (double)_hits / (_hits + _misses);",
                "            var hits = _hits;\n            var total = hits + _misses;\n            return total == 0 ? 0 : (double)hits / total;");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_StatisticsReadBesideACounterChangedWithoutTheLock()
        {
            // _misses is not kept under the lock: nothing shows the two counters are one state the lock guards.
            var source = HitRatio
                .Edit("    public void Miss()\n    {\n        lock (_lock)\n        {\n            _misses++;\n        }\n    }", "    public void Miss() => _misses++;")
                .Edit("{|#0:_hits|} + {|#1:_misses|}", "_hits + _misses");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string TokenProvider = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class TokenProvider
            {
                private readonly SemaphoreSlim _refresh = new SemaphoreSlim(1, 1);
                private string? _token;
                private DateTime _expires;

                public async Task<string> GetAsync()
                {
                    await _refresh.WaitAsync();
                    try
                    {
                        if (_token == null || DateTime.UtcNow >= _expires)
                        {
                            await Task.Delay(10);
                            _token = Guid.NewGuid().ToString();
                            _expires = DateTime.UtcNow.AddMinutes(5);
                        }

                        return _token;
                    }
                    finally
                    {
                        _refresh.Release();
                    }
                }

                public async Task InvalidateAsync()
                {
                    await _refresh.WaitAsync();
                    try
                    {
                        _token = null;
                    }
                    finally
                    {
                        _refresh.Release();
                    }
                }

                public bool IsExpired => {|#0:_token|} == null || DateTime.UtcNow >= _expires;
            }
            """;

        [Fact]
        public async Task Reports_TokenReadWithItsExpiryWithoutTheSemaphore()
        {
            // GetAsync() writes the token and its expiry together under the semaphore: IsExpired can pair a new token with
            // the old expiry. The expiry, taken by one member only, shows no policy of its own.
            await VerifyCS.VerifyAnalyzerAsync(
                TokenProvider,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments(
                    "_token", "string?", "read in 'IsExpired'", "the semaphore '_refresh'", "4 of its 4 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_TokenReadAloneWithoutTheSemaphore()
        {
            // The token alone is a reference replaced whole: a snapshot, stale at worst.
            var source = TokenProvider.Edit("{|#0:_token|} == null || DateTime.UtcNow >= _expires;", "_token == null;");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_FastPathOfAValueReCheckedUnderTheLock()
        {
            // An unlocked test, then the lock and the same test again: the locked re-check decides (double-checked).
            const string source = """
                using System;

                public sealed class ScheduledTimer
                {
                    private readonly object _lock = new object();
                    private DateTime _next = DateTime.MaxValue;

                    public void ScheduleNext(DateTime due)
                    {
                        if (_next > DateTime.UtcNow && due > _next)
                        {
                            return;
                        }

                        lock (_lock)
                        {
                            if (_next > DateTime.UtcNow && due > _next)
                            {
                                return;
                            }

                            _next = due;
                        }
                    }

                    public void Fire()
                    {
                        lock (_lock)
                        {
                            _next = DateTime.MaxValue;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TwoListsSwappedTogetherAndReadWithoutTheLock()
        {
            // Copy-on-write lists replaced whole under the lock (with a version beside them): each list read is a snapshot.
            const string source = """
                using System.Collections.Generic;

                public sealed class GatewayList
                {
                    private readonly object _lock = new object();
                    private List<string> _known = new List<string>();
                    private List<string> _live = new List<string>();
                    private int _version;

                    public void Update(List<string> gateways)
                    {
                        lock (_lock)
                        {
                            _known = gateways;
                            _live = new List<string>(gateways);
                            _version++;
                        }
                    }

                    public void MarkDead(string gateway)
                    {
                        lock (_lock)
                        {
                            var copy = new List<string>(_live);
                            copy.Remove(gateway);
                            _live = copy;
                            _version++;
                        }
                    }

                    public List<string> Live() => _live.Count == 0 ? _known : _live;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_StatisticsReadOfADebuggerView()
        {
            // The debugger evaluates the display while every thread is stopped.
            var source = HitRatio
                .Edit("public sealed class LookupStatistics", "[System.Diagnostics.DebuggerDisplay(\"Ratio = {Ratio}\")]\npublic sealed class LookupStatistics")
                .Edit("{|#0:_hits|} + {|#1:_misses|}", "_hits + _misses");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_StatisticsReadTakesTheLockOnceAroundTheWholeRatio()
        {
            // Fix All: both reported reads stand in one statement, which one lock block takes.
            var source = HitRatio.Replace("{|#0:_hits|}", "{|RG0007:_hits|}").Replace("{|#1:_misses|}", "{|RG0007:_misses|}");
            var fixedSource = HitRatio
                .Edit(
                    "        get\n        {\n            return {|#0:_hits|} + {|#1:_misses|} == 0 ? 0 : (double)_hits / (_hits + _misses);\n        }",
                    "        get\n        {\n            lock (_lock)\n            {\n                return _hits + _misses == 0 ? 0 : (double)_hits / (_hits + _misses);\n            }\n        }");
            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_NoneForATokenReadInASynchronousPropertyUnderAnAsyncSemaphore()
        {
            // A synchronous property cannot await the semaphore the other accesses take: the diagnostic names it, and no
            // fix is offered.
            var source = TokenProvider.Replace("{|#0:_token|}", "{|RG0007:_token|}");
            await VerifySemaphore.VerifyCodeFixAsync(source, source);
        }

        private const string EventBus = """
            using System;
            using System.Collections.Generic;
            using System.Collections.Immutable;

            public sealed class EventBus
            {
                private readonly object _writeLock = new object();
                private ImmutableList<Action<string>> _handlers = ImmutableList<Action<string>>.Empty;
                private List<Action<string>> _plain = new List<Action<string>>();

                public void Subscribe(Action<string> handler)
                {
                    lock (_writeLock)
                    {
                        _handlers = _handlers.Add(handler);
                        _plain.Add(handler);
                    }
                }

                public void Unsubscribe(Action<string> handler)
                {
                    lock (_writeLock)
                    {
                        _handlers = _handlers.Remove(handler);
                        _plain.Remove(handler);
                    }
                }

                public void Publish(string message)
                {
                    var handlers = _handlers;
                    foreach (var handler in handlers)
                    {
                        handler(message);
                    }
                }

                public int Count => {|#0:_plain|}.Count;
            }
            """;

        [Fact]
        public async Task ReportsOnlyThePlainList_ImmutableListReplacedWholeUnderTheLockAndReadOnceWithoutIt()
        {
            // ImmutableList.Add returns a new list: the snapshot read in Publish() sees a whole list, old or new. The
            // plain list beside it is changed in place, and its Count read without the lock may tear.
            await VerifyCS.VerifyAnalyzerAsync(
                EventBus,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments(
                    "_plain", "List<Action<string>>", "read in 'Count'", "the lock '_writeLock'", "2 of its 2 other accesses", "take it here too"));
        }
    }
}
