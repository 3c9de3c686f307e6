using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.NonAtomicUpdateRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0003 positives: lost updates in regions, in types built for concurrent use and in framework entry points.</summary>
    public partial class RG0003NonAtomicUpdateTests
    {
        private static Task VerifyWithAspNetCoreAsync(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected)
        {
            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore80);
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync();
        }

        [Fact]
        public async Task Reports_ParallelForSummingIntoCapturedLocal()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    long Sum(int[] values)
                    {
                        long total = 0;
                        Parallel.For(0, values.Length, i => {|#0:total += values[i]|});
                        return total;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "total",
                    "long",
                    "by a Parallel.For body",
                    "another run may change it",
                    "Interlocked.Add or a lock"));
        }

        [Fact]
        public async Task Reports_TasksStartedInLoopCountingCompletions()
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
                            tasks.Add(Task.Run(() => [|done++|]));
                        }

                        await Task.WhenAll(tasks);
                        return done;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_SiblingTasksIncrementingAndDecrementingOneField()
        {
            const string source = """
                using System.Threading.Tasks;

                class Gauge
                {
                    private int _inFlight;

                    public void Pump()
                    {
                        var up = Task.Run(() => [|_inFlight++|]);
                        var down = Task.Run(() => [|_inFlight--|]);
                        Task.WaitAll(up, down);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ThreadProcAndPublicMemberUpdatingOneCounter()
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
                                {|#0:_pending -= 1|};
                            }
                        }).Start();
                    }

                    public void Enqueue() => {|#1:_pending += 1|};
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "_pending",
                    "int",
                    "by the Thread lambda",
                    "Enqueue() may change it on another thread",
                    "Interlocked.Add or a lock"),
                VerifyCS.Diagnostic("RG0003").WithLocation(1).WithArguments(
                    "_pending",
                    "int",
                    "in Enqueue()",
                    "the Thread lambda may change it on another thread",
                    "Interlocked.Add or a lock"));
        }

        [Fact]
        public async Task Reports_TimerCallbackCountingTicksWhileResetWrites()
        {
            const string source = """
                using System;
                using System.Threading;

                public sealed class Heartbeat : IDisposable
                {
                    private readonly Timer _timer;
                    private long _ticks;

                    public Heartbeat()
                    {
                        _timer = new Timer(_ => [|_ticks++|], null, 0, 1000);
                    }

                    public void Reset() => _ticks = 0;

                    public void Dispose() => _timer.Dispose();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_RetryHandlerCountersInSendAsync()
        {
            const string source = """
                using System;
                using System.Net.Http;
                using System.Threading;
                using System.Threading.Tasks;

                // The production bug: one handler serves every request of its HttpClient.
                public sealed class RetryHandler : DelegatingHandler
                {
                    private int _successCount;
                    private int _consecutiveFailures;

                    public int SuccessCount => _successCount;

                    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
                    {
                        var response = await base.SendAsync(request, cancellationToken);
                        if (response.IsSuccessStatusCode)
                        {
                            {|#0:_successCount++|};
                            _consecutiveFailures = 0;
                        }
                        else
                        {
                            {|#1:_consecutiveFailures++|};
                        }

                        return response;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "_successCount",
                    "int",
                    "by the SendAsync override",
                    "another request may change it",
                    "Interlocked.Increment or a lock"),
                VerifyCS.Diagnostic("RG0003").WithLocation(1).WithArguments(
                    "_consecutiveFailures",
                    "int",
                    "by the SendAsync override",
                    "another request may change it",
                    "Interlocked.Increment or a lock"));
        }

        [Fact]
        public async Task Reports_MiddlewareCountingRequests()
        {
            const string source = """
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class RequestCounterMiddleware
                {
                    private readonly RequestDelegate _next;
                    private long _requests;

                    public RequestCounterMiddleware(RequestDelegate next) => _next = next;

                    public async Task InvokeAsync(HttpContext context)
                    {
                        [|_requests++|];
                        await _next(context);
                    }
                }
                """;

            await VerifyWithAspNetCoreAsync(source);
        }

        [Fact]
        public async Task Reports_CacheCountingHitsOutsideTheLockThatGuardsReset()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Cache
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<string, string> _entries = new Dictionary<string, string>();
                    private int _hits;

                    public string? Get(string key)
                    {
                        lock (_gate)
                        {
                            if (!_entries.TryGetValue(key, out var value))
                            {
                                return null;
                            }
                        }

                        [|_hits++|];
                        return key;
                    }

                    public int ResetHits()
                    {
                        lock (_gate)
                        {
                            var hits = _hits;
                            _hits = 0;
                            return hits;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_MetricsManagerCountingOutsideTheLockItTakes()
        {
            const string source = """
                using System;
                using System.Threading;

                public sealed class MetricsManager
                {
                    private readonly object _gate = new object();
                    private int _open;
                    private int _failures;
                    private Exception? _lastError;

                    public void OnOpened() => Interlocked.Increment(ref _open);

                    public void OnFailed(Exception error)
                    {
                        lock (_gate)
                        {
                            _lastError = error;
                        }

                        [|_failures++|];
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_AssignmentOfSumToItself()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    int Count(string[] lines)
                    {
                        var words = 0;
                        Parallel.ForEach(lines, line =>
                        {
                            {|#0:words = words + line.Split(' ').Length|};
                        });
                        return words;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "words",
                    "int",
                    "by a Parallel.ForEach body",
                    "another run may change it",
                    "Interlocked.Add or a lock"));
        }

        [Fact]
        public async Task Reports_FlagsOrAssignedFromParallelInvokeActions()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    int Probe()
                    {
                        var seen = 0;
                        Parallel.Invoke(
                            () => {|#0:seen |= 1|},
                            () => {|#1:seen |= 2|});
                        return seen;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments("seen", "int", "by a Parallel.Invoke action", "another run may change it", "Interlocked.Or or a lock"),
                VerifyCS.Diagnostic("RG0003").WithLocation(1).WithArguments("seen", "int", "by a Parallel.Invoke action", "another run may change it", "Interlocked.Or or a lock"));
        }

        [Fact]
        public async Task Reports_DoubleTotalWithLockAdviceOnly()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    double Total(double[] amounts)
                    {
                        double total = 0;
                        Parallel.ForEach(amounts, amount => {|#0:total += amount|});
                        return total;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "total",
                    "double",
                    "by a Parallel.ForEach body",
                    "another run may change it",
                    "a lock"));
        }

        [Fact]
        public async Task Reports_SequenceNumberWhoseValueIsUsed()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    private int _next;

                    int[] Ids()
                    {
                        var ids = new int[100];
                        Parallel.For(0, ids.Length, i => ids[i] = [|_next++|]);
                        return ids;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_PlinqForAllAndVolatileFieldStillNotAtomic()
        {
            const string source = """
                using System.Linq;

                class C
                {
                    private volatile int _matches;

                    void Scan(string[] lines)
                    {
                        lines.AsParallel().ForAll(line =>
                        {
                            if (line.Contains("error"))
                            {
                                [|_matches++|];
                            }
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_EnumStateOrAssignedWithLockAdvice()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                [Flags]
                enum Seen { None = 0, Read = 1, Write = 2 }

                class C
                {
                    Seen Probe(bool[] writes)
                    {
                        var seen = Seen.None;
                        Parallel.For(0, writes.Length, i => {|#0:seen |= writes[i] ? Seen.Write : Seen.Read|});
                        return seen;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments("seen", "Seen", "by a Parallel.For body", "another run may change it", "a lock"));
        }
    }
}
