using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.InconsistentSynchronizationRule>;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Locks taken through a static helper of the program that hands back a disposable token (<c>using
    /// (TimedLock.Lock(_lock))</c> over <c>Monitor.TryEnter</c>/<c>Exit</c>), and an object replaced whole read twice in
    /// one expression without the lock (RULES.md, "Precision rules learned from real code": two reads that assume the
    /// value did not change); the near misses: one read, the value copied to a local first, a test and a use in two
    /// statements.
    /// </summary>
    public partial class RG0007InconsistentSynchronizationTests
    {
        private const string BreakerWithTimedLock = """
            using System;
            using System.Threading;

            public readonly struct TimedLock : IDisposable
            {
                private readonly object _target;

                private TimedLock(object target) => _target = target;

                public static TimedLock Lock(object target)
                {
                    if (!Monitor.TryEnter(target, TimeSpan.FromSeconds(5)))
                    {
                        throw new TimeoutException();
                    }

                    return new TimedLock(target);
                }

                public void Dispose() => Monitor.Exit(_target);
            }

            public sealed class Outcome
            {
                public Outcome(Exception error, object value)
                {
                    Error = error;
                    Value = value;
                }

                public Exception Error { get; }

                public object Value { get; }
            }

            public sealed class BreakerState
            {
                private readonly object _lock = new object();
                private Outcome _last;

                public void OnFailure(Exception error)
                {
                    using (TimedLock.Lock(_lock))
                    {
                        _last = new Outcome(error, null);
                    }
                }

                public void OnSuccess(object value)
                {
                    using (TimedLock.Lock(_lock))
                    {
                        _last = new Outcome(null, value);
                    }
                }

                public void Reset()
                {
                    using (TimedLock.Lock(_lock))
                    {
                        _last = null;
                    }
                }

                public Exception Broken() =>
                    {|#0:_last.Error|} != null ? new InvalidOperationException("open", _last.Error) : new InvalidOperationException("open: " + _last.Value);
            }
            """;

        [Fact]
        public async Task Reports_ObjectReadTwiceOutsideAStaticTimedLockHelper()
        {
            // Reset() may set _last to null between the test and the use: a NullReferenceException under load.
            await VerifyCS.VerifyAnalyzerAsync(
                BreakerWithTimedLock,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments(
                    "_last", "Outcome", "read in Broken()", "the lock '_lock'", "3 of its 3 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_ObjectCopiedToALocalOnceOutsideTheTimedLock()
        {
            var source = BreakerWithTimedLock.Edit(
                "    public Exception Broken() =>\n        {|#0:_last.Error|} != null ? new InvalidOperationException(\"open\", _last.Error) : new InvalidOperationException(\"open: \" + _last.Value);",
                "    public Exception Broken()\n    {\n        var last = _last;\n        return last == null ? new InvalidOperationException(\"open\") : last.Error != null ? new InvalidOperationException(\"open\", last.Error) : new InvalidOperationException(\"open: \" + last.Value);\n    }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ObjectReadOnceOutsideTheTimedLock()
        {
            var source = BreakerWithTimedLock.Edit(
                "{|#0:_last.Error|} != null ? new InvalidOperationException(\"open\", _last.Error) : new InvalidOperationException(\"open: \" + _last.Value);",
                "new InvalidOperationException(\"open\", _last.Error);");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ObjectTestedAndUsedInTwoStatementsOutsideTheTimedLock()
        {
            // Reads in two statements are as often a test and a use that tolerate a change in between: only reads in one
            // expression are taken to assume the value did not change.
            var source = BreakerWithTimedLock.Edit(
                "    public Exception Broken() =>\n        {|#0:_last.Error|} != null ? new InvalidOperationException(\"open\", _last.Error) : new InvalidOperationException(\"open: \" + _last.Value);",
                "    public Exception Broken()\n    {\n        if (_last == null)\n        {\n            return new InvalidOperationException(\"open\");\n        }\n\n        return new InvalidOperationException(\"open\", _last.Error);\n    }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ReadsUnderALockAssertedThroughAHelperThatDoesNotBind()
        {
            // Assumes.True(Monitor.IsEntered(_lock)) with the assertion package missing: the assertion still says the lock
            // is held.
            var source = BreakerWithTimedLock.Edit(
                "    public Exception Broken() =>\n        {|#0:_last.Error|} != null ? new InvalidOperationException(\"open\", _last.Error) : new InvalidOperationException(\"open: \" + _last.Value);",
                "    public Exception Broken()\n    {\n        {|CS0103:Assumes|}.True(Monitor.IsEntered(_lock));\n        return _last.Error != null ? new InvalidOperationException(\"open\", _last.Error) : new InvalidOperationException(\"open: \" + _last.Value);\n    }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_ObjectReadTwiceTakesTheLockTheTimedLockHelperTakes()
        {
            // TimedLock enters the same monitor: lock (_lock) around the expression body excludes the writers.
            var source = BreakerWithTimedLock.Replace("{|#0:_last.Error|}", "{|RG0007:_last.Error|}");
            var fixedSource = BreakerWithTimedLock.Edit(
                "    public Exception Broken() =>\n        {|#0:_last.Error|} != null ? new InvalidOperationException(\"open\", _last.Error) : new InvalidOperationException(\"open: \" + _last.Value);",
                "    public Exception Broken()\n    {\n        lock (_lock)\n        {\n            return _last.Error != null ? new InvalidOperationException(\"open\", _last.Error) : new InvalidOperationException(\"open: \" + _last.Value);\n        }\n    }");
            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }
    }
}
