using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnsynchronizedFlagRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0002 shapes seen in real fixes: a busy flag tested and set in a timer callback, a "found" flag of Parallel bodies,
    /// a flag one step into an object the type holds; each with its near miss.
    /// </summary>
    public partial class RG0002UnsynchronizedFlagTests
    {
        private const string BusyTimer = """
            using System;

            public sealed class Poller : IDisposable
            {
                private readonly System.Timers.Timer _timer = new System.Timers.Timer(1000);
                private bool _busy;

                public Poller()
                {
                    _timer.Elapsed += (_, _) => Tick();
                    _timer.Start();
                }

                private void Tick()
                {
                    if ({|#0:_busy|})
                    {
                        return;
                    }

                    {|#1:_busy = true|};
                    try
                    {
                        Console.WriteLine("polling");
                    }
                    finally
                    {
                        _busy = false;
                    }
                }

                public void Dispose() => _timer.Dispose();
            }
            """;

        [Fact]
        public async Task Reports_BusyFlagTestedAndSetInATimerElapsedHandler()
        {
            const string detail = "checked and then set by the Timer.Elapsed handler while another run may change it";
            const string advice = "both may pass the check; use Interlocked.CompareExchange on an int, or a lock";
            await VerifyCS.VerifyAnalyzerAsync(
                BusyTimer,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments("_busy", "bool", detail, advice),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments("_busy", "bool", detail, advice));
        }

        [Fact]
        public async Task NoDiagnostic_BusyFlagTakenWithInterlockedInATimerElapsedHandler()
        {
            const string source = """
                using System;
                using System.Threading;

                public sealed class Poller : IDisposable
                {
                    private readonly System.Timers.Timer _timer = new System.Timers.Timer(1000);
                    private int _busy;

                    public Poller()
                    {
                        _timer.Elapsed += (_, _) => Tick();
                        _timer.Start();
                    }

                    private void Tick()
                    {
                        if (Interlocked.Exchange(ref _busy, 1) == 1)
                        {
                            return;
                        }

                        try
                        {
                            Console.WriteLine("polling");
                        }
                        finally
                        {
                            Volatile.Write(ref _busy, 0);
                        }
                    }

                    public void Dispose() => _timer.Dispose();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_BusyFlagTestedAndSetUnderALockInATimerElapsedHandler()
        {
            var source = BusyTimer
                .Edit("    private bool _busy;", "    private readonly object _gate = new object();\n    private bool _busy;")
                .Edit(
                    "        if ({|#0:_busy|})\n        {\n            return;\n        }\n\n        {|#1:_busy = true|};",
                    "        lock (_gate)\n        {\n            if (_busy)\n            {\n                return;\n            }\n\n            _busy = true;\n        }")
                .Edit("            _busy = false;", "            lock (_gate)\n            {\n                _busy = false;\n            }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_BusyFlagOfAOneShotTimerReArmedAtTheEndOfItsTick()
        {
            // Period Timeout.Infinite: the next tick is armed only when this one ends, so ticks never overlap.
            const string source = """
                using System;
                using System.Threading;

                public sealed class Heartbeat : IDisposable
                {
                    private readonly Timer _timer;
                    private bool _busy;

                    public Heartbeat()
                    {
                        _timer = new Timer(_ => Tick(), null, 1000, Timeout.Infinite);
                    }

                    private void Tick()
                    {
                        if (_busy)
                        {
                            return;
                        }

                        _busy = true;
                        try
                        {
                            Console.WriteLine("beat");
                        }
                        finally
                        {
                            _busy = false;
                            _timer.Change(1000, Timeout.Infinite);
                        }
                    }

                    public void Dispose() => _timer.Dispose();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string FoundFlag = """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            public static class Finder
            {
                public static bool ContainsMatch(IEnumerable<string> lines, string pattern)
                {
                    var found = false;
                    Parallel.ForEach(lines, line =>
                    {
                        if ({|#0:found|})
                        {
                            return;
                        }

                        if (line.Contains(pattern))
                        {
                            {|#1:found = true|};
                        }
                    });

                    return found;
                }
            }
            """;

        [Fact]
        public async Task Reports_FoundFlagReadToStopEarlyByParallelBodiesThatSetIt()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                FoundFlag,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "found",
                    "bool",
                    "read to stop early by a Parallel.ForEach body while other runs of it set it",
                    "they may miss the set; use Volatile.Read/Write or ParallelLoopState.Stop()"),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments(
                    "found",
                    "bool",
                    "set by a Parallel.ForEach body while other runs of it read it to stop early",
                    "they may miss the set; use Volatile.Read/Write or ParallelLoopState.Stop()"));
        }

        [Fact]
        public async Task NoDiagnostic_FoundFlagOnlyReadAfterTheParallelLoop()
        {
            var source = FoundFlag.Edit("            if ({|#0:found|})\n            {\n                return;\n            }\n\n", string.Empty);
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_FoundFlagReadWithVolatile()
        {
            var source = FoundFlag
                .Edit("using System.Collections.Generic;", "using System.Collections.Generic;\nusing System.Threading;")
                .Edit("if ({|#0:found|})", "if (Volatile.Read(ref found))")
                .Edit("                {|#1:found = true|};", "                Volatile.Write(ref found, true);");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string OneStepFlag = """
            using System.Threading;

            public sealed class WorkState
            {
                public bool IsPausing;
            }

            public sealed class Pump
            {
                private readonly WorkState _work = new WorkState();
                private Thread? _thread;

                public void Start()
                {
                    _thread = new Thread(() =>
                    {
                        var spins = 0;
                        while (!{|#0:_work.IsPausing|})
                        {
                            spins++;
                        }
                    });
                    _thread.Start();
                }

                public void Pause() => {|#1:_work.IsPausing = true|};
            }
            """;

        [Fact]
        public async Task Reports_LoopFlagOneStepIntoAnObjectTheTypeHolds()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                OneStepFlag,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_work.IsPausing",
                    "bool",
                    "read in a while loop by the Thread lambda while Pause() may change it",
                    "the loop may miss it; use Volatile or a CancellationToken"),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments(
                    "_work.IsPausing",
                    "bool",
                    "written in Pause() while a while loop by the Thread lambda reads it",
                    "the loop may miss it; use Volatile or a CancellationToken"));
        }

        [Fact]
        public async Task NoDiagnostic_OneStepFlagThatIsVolatile()
        {
            var source = OneStepFlag
                .Edit("    public bool IsPausing;", "    public volatile bool IsPausing;")
                .Edit("{|#0:_work.IsPausing|}", "_work.IsPausing")
                .Edit("{|#1:_work.IsPausing = true|}", "_work.IsPausing = true");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string DisposableHeartbeat = """
            using System;
            using System.Threading;

            public sealed class Heartbeat : IDisposable
            {
                private readonly Timer _timer;
                private bool _disposed;

                public Heartbeat()
                {
                    _timer = new Timer(_ => Beat(), null, 1000, 1000);
                }

                private void Beat()
                {
                    if ({|#0:_disposed|})
                    {
                        return;
                    }

                    Console.WriteLine("beat");
                }

                public void Dispose()
                {
                    _disposed = true;
                    _timer.Dispose();
                }
            }
            """;

        [Fact]
        public async Task Reports_DisposedFlagCheckedByATimerCallbackAndSetByDispose()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                DisposableHeartbeat,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_disposed",
                    "bool",
                    "checked by the Timer callback while Dispose() may set it on another thread",
                    "the tick may run after it; use Volatile or a lock"));
        }

        [Fact]
        public async Task NoDiagnostic_VolatileDisposedFlagOfATimerCallback()
        {
            var source = DisposableHeartbeat
                .Edit("    private bool _disposed;", "    private volatile bool _disposed;")
                .Edit("{|#0:_disposed|}", "_disposed");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_TimerCallbackFlagSetByAnOrdinaryMember()
        {
            // A single read of a flag an ordinary member sets: stale at worst (RULES.md, precision rules).
            var source = DisposableHeartbeat
                .Edit("{|#0:_disposed|}", "_disposed")
                .Edit("    public void Dispose()\n    {\n        _disposed = true;\n        _timer.Dispose();\n    }",
                      "    public void Pause() => _disposed = true;\n\n    public void Dispose() => _timer.Dispose();");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_StoppedFlagThatGuardsTheTickWorkAndIsSetByStop()
        {
            var source = DisposableHeartbeat
                .Edit("    private bool _disposed;", "    private bool _stopped;")
                .Edit("        if ({|#0:_disposed|})\n        {\n            return;\n        }\n\n        Console.WriteLine(\"beat\");",
                      "        if (!{|#0:_stopped|})\n        {\n            Console.WriteLine(\"beat\");\n        }")
                .Edit("    public void Dispose()\n    {\n        _disposed = true;\n        _timer.Dispose();\n    }",
                      "    public void Stop() => _stopped = true;\n\n    public void Dispose() => _timer.Dispose();");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_stopped",
                    "bool",
                    "checked by the Timer callback while Stop() may set it on another thread",
                    "the tick may run after it; use Volatile or a lock"));
        }
    }
}
