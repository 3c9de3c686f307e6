using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.NonAtomicUpdateRule>;
using VerifyLock = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0003: a read and a write of one field split over two statements through a local (<c>var n = _next; _next = n + 1;</c>);
    /// the lock fix holds from the read to the write; the near misses.
    /// </summary>
    public partial class RG0003NonAtomicUpdateTests
    {
        [Fact]
        public async Task Fix_UpdateThroughALocalIsLockedFromTheReadToTheWrite()
        {
            const string source = """
                using System.Threading.Tasks;

                public class Sequencer
                {
                    private int _next;

                    public void Run()
                    {
                        Parallel.For(0, 100, i =>
                        {
                            int n = _next;
                            {|RG0003:_next = n + 1|};
                        });
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading.Tasks;

                public class Sequencer
                {
                    private int _next;
                    private readonly object _nextLock = new object();

                    public void Run()
                    {
                        Parallel.For(0, 100, i =>
                        {
                            lock (_nextLock)
                            {
                                int n = _next;
                                _next = n + 1;
                            }
                        });
                    }
                }
                """;

            await VerifyLock.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Reports_TokenBucketReadCheckedThenWrittenBack()
        {
            // avail = _tokens; if (avail <= 0) return false; _tokens = avail - 1;  the timer refills with Interlocked.
            const string source = """
                using System.Threading;

                public sealed class TokenBucket
                {
                    private readonly Timer _refill;
                    private int _tokens = 10;

                    public TokenBucket()
                    {
                        _refill = new Timer(_ => Interlocked.Exchange(ref _tokens, 10), null, 1000, 1000);
                    }

                    public bool TryTake()
                    {
                        int avail;
                        avail = _tokens;
                        if (avail <= 0)
                        {
                            return false;
                        }

                        {|RG0003:_tokens = avail - 1|};
                        return true;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TwoLocalsBetweenTheReadAndTheWrite()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public class Ledger
                {
                    private decimal _balance;

                    public Task ApplyAllAsync(IEnumerable<decimal> deltas)
                    {
                        var work = new List<Task>();
                        foreach (var d in deltas)
                        {
                            work.Add(Task.Run(() =>
                            {
                                var current = _balance;
                                var next = current + d;
                                {|RG0003:_balance = next|};
                            }));
                        }

                        return Task.WhenAll(work);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TwoStatementNearMisses()
        {
            // A reset after a snapshot (the new value does not come from the old), both statements under the lock, and
            // a local defined twice (which value reaches the write is not one read of the field).
            const string source = """
                using System.Threading.Tasks;

                public class Counters
                {
                    private readonly object _gate = new object();
                    private int _count;
                    private int _next;
                    private int _other;

                    public void Run(int[] items)
                    {
                        Parallel.ForEach(items, item =>
                        {
                            lock (_gate)
                            {
                                int n = _next;
                                _next = n + 1;
                            }
                        });
                    }

                    public int Drain()
                    {
                        var seen = _count;
                        _count = 0;
                        return seen;
                    }

                    public void Record()
                    {
                        lock (_gate)
                        {
                            _count++;
                        }
                    }

                    public void Mix(int seed)
                    {
                        var x = _other;
                        x = seed;
                        lock (_gate)
                        {
                            _other = x + 1;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_UpdateWhoseLocalIsUsedAfterTheWriteWithoutALockFix()
        {
            // The id is used after the write: locking the read and the write would hide it, so no lock fix is offered.
            const string source = """
                using System;
                using System.Threading.Tasks;

                public class Sequencer
                {
                    private int _next;

                    public void Run(string[] messages)
                    {
                        Parallel.ForEach(messages, message =>
                        {
                            var id = _next;
                            {|RG0003:_next = id + 1|};
                            Console.WriteLine(id + ": " + message);
                        });
                    }
                }
                """;

            await VerifyLock.VerifyCodeFixAsync(source, source);
        }

        private const string TokenBucket = """
            using System;
            using System.Threading;

            public sealed class TokenBucket : IDisposable
            {
                private readonly int _capacity;
                private readonly Timer _refill;
                private int _tokens;

                public TokenBucket(int capacity)
                {
                    _capacity = capacity;
                    _tokens = capacity;
                    _refill = new Timer(_ => Refill(), null, 1000, 1000);
                }

                public void Take() => {|#0:_tokens--|};

                private void Refill()
                {
                    var current = _tokens;
                    var refilled = Math.Min(_capacity, current + 1);
                    {|#1:_tokens = refilled|};
                }

                public void Dispose() => _refill.Dispose();
            }
            """;

        [Fact]
        public async Task Reports_TwoStatementUpdateInAMethodATimerLambdaCalls()
        {
            // Refill() reads the tokens, computes, and writes them back: a Take() in between is lost.
            await VerifyCS.VerifyAnalyzerAsync(
                TokenBucket,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments("_tokens", "int", "in Take()", "the Timer callback may change it on another thread", "Interlocked.Decrement or a lock"),
                VerifyCS.Diagnostic("RG0003").WithLocation(1).WithArguments("_tokens", "int", "in Refill() (called by the Timer callback)", "Take() may change it on another thread", "a lock"));
        }

        [Fact]
        public async Task NoDiagnostic_TwoStatementUpdateInAMethodATimerLambdaCallsUnderTheLockOfTheOtherUpdates()
        {
            var source = TokenBucket
                .Edit("private int _tokens;", "private int _tokens;\n    private readonly object _gate = new object();")
                .Edit("public void Take() => {|#0:_tokens--|};", "public void Take() { lock (_gate) { _tokens--; } }")
                .Edit("var current = _tokens;", "lock (_gate)\n        {\n        var current = _tokens;")
                .Edit("{|#1:_tokens = refilled|};", "_tokens = refilled;\n        }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
