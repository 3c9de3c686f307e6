using System.Threading.Tasks;
using VerifyInterlocked = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseInterlockedCodeFixProvider>;
using VerifyLock = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0003 fixes: the Interlocked call that keeps the value, and one lock where no Interlocked form exists or fields change together.</summary>
    public partial class RG0003NonAtomicUpdateTests
    {
        [Fact]
        public async Task Fix_IncrementStatementBecomesInterlockedIncrementWithUsing()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> RunAll(IEnumerable<string> urls)
                    {
                        var done = 0;
                        var tasks = new List<Task>();
                        foreach (var url in urls)
                        {
                            tasks.Add(Task.Run(() =>
                            {
                                {|RG0003:done++|};
                            }));
                        }

                        await Task.WhenAll(tasks);
                        return done;
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> RunAll(IEnumerable<string> urls)
                    {
                        var done = 0;
                        var tasks = new List<Task>();
                        foreach (var url in urls)
                        {
                            tasks.Add(Task.Run(() =>
                            {
                                Interlocked.Increment(ref done);
                            }));
                        }

                        await Task.WhenAll(tasks);
                        return done;
                    }
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_CompoundAssignmentsBecomeInterlockedAddAndSubtractNegates()
        {
            const string source = """
                using System.Threading;

                public sealed class Pump
                {
                    private int _pending;

                    public void Start()
                    {
                        new Thread(() =>
                        {
                            while (true)
                            {
                                Thread.Sleep(10);
                                {|RG0003:_pending -= Batch()|};
                            }
                        }).Start();
                    }

                    public void Enqueue(int count) => {|RG0003:_pending += count|};

                    private static int Batch() => 4;
                }
                """;
            const string fixedSource = """
                using System.Threading;

                public sealed class Pump
                {
                    private int _pending;

                    public void Start()
                    {
                        new Thread(() =>
                        {
                            while (true)
                            {
                                Thread.Sleep(10);
                                Interlocked.Add(ref _pending, -Batch());
                            }
                        }).Start();
                    }

                    public void Enqueue(int count) => Interlocked.Add(ref _pending, count);

                    private static int Batch() => 4;
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_PostfixWhoseValueIsUsedKeepsTheOldValue()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private int _next;

                    int[] Ids()
                    {
                        var ids = new int[100];
                        Parallel.For(0, ids.Length, i => ids[i] = {|RG0003:_next++|});
                        return ids;
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private int _next;

                    int[] Ids()
                    {
                        var ids = new int[100];
                        Parallel.For(0, ids.Length, i => ids[i] = Interlocked.Increment(ref _next) - 1);
                        return ids;
                    }
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_PostfixDecrementInsideAnExpressionIsParenthesized()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private long _budget = 1000;

                    long[] Spend(int n)
                    {
                        var left = new long[n];
                        Parallel.For(0, n, i => left[i] = 2 * {|RG0003:_budget--|});
                        return left;
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private long _budget = 1000;

                    long[] Spend(int n)
                    {
                        var left = new long[n];
                        Parallel.For(0, n, i => left[i] = 2 * (Interlocked.Decrement(ref _budget) + 1));
                        return left;
                    }
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_SelfAssignedSumAndOrAssignment()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    int Count(string[] lines)
                    {
                        var words = 0;
                        var seen = 0;
                        Parallel.ForEach(lines, line =>
                        {
                            {|RG0003:words = words + line.Split(' ').Length|};
                            {|RG0003:seen |= line.Length > 80 ? 2 : 1|};
                        });
                        return words + seen;
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    int Count(string[] lines)
                    {
                        var words = 0;
                        var seen = 0;
                        Parallel.ForEach(lines, line =>
                        {
                            Interlocked.Add(ref words, line.Split(' ').Length);
                            Interlocked.Or(ref seen, line.Length > 80 ? 2 : 1);
                        });
                        return words + seen;
                    }
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_NoInterlockedFixForDoubleOrForAnOrWhoseValueIsUsed()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    double Total(double[] amounts, int[] flags)
                    {
                        double total = 0;
                        var seen = 0;
                        var last = new int[flags.Length];
                        Parallel.ForEach(amounts, amount => {|RG0003:total += amount|});
                        Parallel.For(0, flags.Length, i => last[i] = {|RG0003:seen |= flags[i]|});
                        return total + seen;
                    }
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task Fix_LockForDoubleTotal()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    double Total(double[] amounts)
                    {
                        double total = 0;
                        Parallel.ForEach(amounts, amount => {|RG0003:total += amount|});
                        return total;
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading.Tasks;

                class C
                {
                    double Total(double[] amounts)
                    {
                        double total = 0;
                        var totalLock = new object();
                        Parallel.ForEach(amounts, amount =>
                        {
                            lock (totalLock)
                            {
                                total += amount;
                            }
                        });
                        return total;
                    }
                }
                """;

            await VerifyLock.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_LockKeepsFieldsUpdatedTogetherInOneLock()
        {
            const string source = """
                using System;
                using System.Net.Http;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class RetryHandler : DelegatingHandler
                {
                    private int _successCount;
                    private DateTime _lastSuccess;
                    private int _consecutiveFailures;

                    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
                    {
                        var response = await base.SendAsync(request, cancellationToken);
                        var now = DateTime.UtcNow;
                        if (response.IsSuccessStatusCode)
                        {
                            {|RG0003:_successCount++|};
                            _lastSuccess = now;
                            _consecutiveFailures = 0;
                        }
                        else
                        {
                            {|RG0003:_consecutiveFailures++|};
                        }

                        return response;
                    }
                }
                """;
            const string allFixed = """
                using System;
                using System.Net.Http;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class RetryHandler : DelegatingHandler
                {
                    private int _successCount;
                    private readonly object _successCountLock = new object();
                    private DateTime _lastSuccess;
                    private int _consecutiveFailures;

                    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
                    {
                        var response = await base.SendAsync(request, cancellationToken);
                        var now = DateTime.UtcNow;
                        if (response.IsSuccessStatusCode)
                        {
                            lock (_successCountLock)
                            {
                                _successCount++;
                                _lastSuccess = now;
                                _consecutiveFailures = 0;
                            }
                        }
                        else
                        {
                            lock (_successCountLock)
                            {
                                _consecutiveFailures++;
                            }
                        }

                        return response;
                    }
                }
                """;

            // One fix locks the three fields updated together; the next reuses that lock for the other update of _consecutiveFailures.
            // Fix All does both in one pass: the two counters' overlapping plans share one lock.
            await new VerifyLock.Test { TestCode = source, FixedCode = allFixed, BatchFixedCode = allFixed, NumberOfIncrementalIterations = 2, NumberOfFixAllIterations = 1 }.RunAsync();
        }

        [Fact]
        public async Task Fix_PrefixIncrementUnsignedAndAndAssignment()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    private uint _sequence;
                    private int _mask = -1;

                    uint[] Stamp(int[] clear)
                    {
                        var stamps = new uint[clear.Length];
                        Parallel.For(0, clear.Length, i =>
                        {
                            stamps[i] = {|RG0003:++_sequence|};
                            {|RG0003:_mask &= ~clear[i]|};
                        });
                        return stamps;
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private uint _sequence;
                    private int _mask = -1;

                    uint[] Stamp(int[] clear)
                    {
                        var stamps = new uint[clear.Length];
                        Parallel.For(0, clear.Length, i =>
                        {
                            stamps[i] = Interlocked.Increment(ref _sequence);
                            Interlocked.And(ref _mask, ~clear[i]);
                        });
                        return stamps;
                    }
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_IncrementAsTheBodyOfVoidMembersAndLambdasKeepsAStatement()
        {
            const string source = """
                using System.Threading.Tasks;

                public sealed class Pump
                {
                    private int _pending;

                    public void Start() => Task.Run(async () =>
                    {
                        while (true)
                        {
                            await Task.Delay(10);
                            Take();
                        }
                    });

                    public void Put() => {|RG0003:_pending++|};

                    private void Take() => {|RG0003:_pending--|};
                }
                """;
            const string fixedSource = """
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Pump
                {
                    private int _pending;

                    public void Start() => Task.Run(async () =>
                    {
                        while (true)
                        {
                            await Task.Delay(10);
                            Take();
                        }
                    });

                    public void Put() => Interlocked.Increment(ref _pending);

                    private void Take() => Interlocked.Decrement(ref _pending);
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, fixedSource);
        }
    }
}
