using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnsynchronizedFlagRule>;
using VerifyInterlocked = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseInterlockedFlagCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0002 check-then-start: a member checks a flag and starts the work that sets it, so a second call before the work
    /// sets the flag starts it again (the chat client's listener); the near misses set the flag at the check, test it
    /// atomically, or start work that never sets it.
    /// </summary>
    public partial class RG0002UnsynchronizedFlagTests
    {
        private const string ListeningClient = """
            using System.Threading.Tasks;

            public sealed class ChatClient
            {
                private bool _isListening;
                private Task? _listenTask;

                public void StartListening()
                {
                    if ({|#0:_isListening|})
                    {
                        return;
                    }

                    _listenTask = Task.Run(ListenAsync);
                }

                public void StopListening()
                {
                    _isListening = false;
                }

                private async Task ListenAsync()
                {
                    _isListening = true;
                    while (_isListening)
                    {
                        await Task.Delay(100);
                    }
                }
            }
            """;

        [Fact]
        public async Task Reports_CheckThenStartOfWorkThatSetsTheFlag()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                ListeningClient,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_isListening",
                    "bool",
                    "checked here but set only by the Task.Run delegate 'ListenAsync' it starts",
                    "two calls may both start it; set it at the check with Interlocked"));
        }

        [Fact]
        public async Task Reports_CheckThenStartOfAThreadInTheThenBranch()
        {
            const string source = """
                using System.Threading;

                public sealed class Poller
                {
                    private bool _running;
                    private Thread? _thread;

                    public void Start()
                    {
                        if (!{|#0:_running|})
                        {
                            _thread = new Thread(() =>
                            {
                                _running = true;
                                while (_running)
                                {
                                    Thread.Sleep(50);
                                }
                            });
                            _thread.Start();
                        }
                    }

                    public void Stop() => _running = false;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_running",
                    "bool",
                    "checked in Start() but set only by the Thread lambda it starts",
                    "two calls may both start it; set it at the check with Interlocked"));
        }

        [Fact]
        public async Task NoDiagnostic_FlagSetAtTheCheckBeforeTheStart()
        {
            var source = ListeningClient
                .Edit("{|#0:_isListening|}", "_isListening")
                .Edit("        _listenTask = Task.Run(ListenAsync);", "        _isListening = true;\n        _listenTask = Task.Run(ListenAsync);")
                .Edit("        _isListening = true;\n        while", "        while");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_CheckedAndSetWithInterlocked()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class ChatClient
                {
                    private int _isListening;
                    private Task? _listenTask;

                    public void StartListening()
                    {
                        if (Interlocked.Exchange(ref _isListening, 1) == 1)
                        {
                            return;
                        }

                        _listenTask = Task.Run(ListenAsync);
                    }

                    public void StopListening() => Volatile.Write(ref _isListening, 0);

                    private async Task ListenAsync()
                    {
                        while (Volatile.Read(ref _isListening) == 1)
                        {
                            await Task.Delay(100);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_StartedWorkOnlyClearsTheFlag()
        {
            var source = ListeningClient
                .Edit("{|#0:_isListening|}", "_isListening")
                .Edit("        _isListening = true;\n        while (_isListening)\n        {\n            await Task.Delay(100);\n        }", "        await Task.Delay(100);\n        _isListening = false;");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_CheckInTheConstructor()
        {
            const string source = """
                using System.Threading.Tasks;

                public sealed class Pump
                {
                    private bool _pumping;

                    public Pump(bool autoStart)
                    {
                        if (_pumping || !autoStart)
                        {
                            return;
                        }

                        if (!_pumping)
                        {
                            _ = Task.Run(PumpAsync);
                        }
                    }

                    public void Stop() => _pumping = false;

                    private async Task PumpAsync()
                    {
                        _pumping = true;
                        while (_pumping)
                        {
                            await Task.Delay(10);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_CheckThenStartBecomesAnExchangeAtTheCheck()
        {
            var source = ListeningClient.Replace("{|#0:_isListening|}", "[|_isListening|]");
            const string fixedSource = """
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class ChatClient
                {
                    private int _isListening;
                    private Task? _listenTask;

                    public void StartListening()
                    {
                        if (Interlocked.Exchange(ref _isListening, 1) == 1)
                        {
                            return;
                        }

                        _listenTask = Task.Run(ListenAsync);
                    }

                    public void StopListening()
                    {
                        Volatile.Write(ref _isListening, 0);
                    }

                    private async Task ListenAsync()
                    {
                        while (Volatile.Read(ref _isListening) != 0)
                        {
                            await Task.Delay(100);
                        }
                    }
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Reports_CheckThenStartInAPrivateHelperOfAPublicMember()
        {
            // Enqueue (public, any request thread) calls EnsureStarted, which checks the flag and starts the thread that sets it.
            const string source = """
                using System;
                using System.Collections.Concurrent;
                using System.Threading;

                public class MetricsFlusher
                {
                    private readonly ConcurrentQueue<string> _pending = new ConcurrentQueue<string>();
                    private bool _started;

                    public void Enqueue(string metric)
                    {
                        _pending.Enqueue(metric);
                        EnsureStarted();
                    }

                    private void EnsureStarted()
                    {
                        if ({|#0:_started|})
                        {
                            return;
                        }

                        new Thread(FlushLoop) { IsBackground = true }.Start();
                    }

                    private void FlushLoop()
                    {
                        _started = true;
                        while (true)
                        {
                            while (_pending.TryDequeue(out var metric))
                            {
                                Console.WriteLine(metric);
                            }

                            Thread.Sleep(500);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_started", "bool", "checked in EnsureStarted() but set only by the thread procedure 'FlushLoop' it starts", "two calls may both start it; set it at the check with Interlocked"));
        }

        [Fact]
        public async Task NoDiagnostic_PrivateHelperThatSetsTheFlagWithInterlocked()
        {
            const string source = """
                using System;
                using System.Collections.Concurrent;
                using System.Threading;

                public class MetricsFlusher
                {
                    private readonly ConcurrentQueue<string> _pending = new ConcurrentQueue<string>();
                    private int _started;

                    public void Enqueue(string metric)
                    {
                        _pending.Enqueue(metric);
                        EnsureStarted();
                    }

                    private void EnsureStarted()
                    {
                        if (Interlocked.Exchange(ref _started, 1) == 1)
                        {
                            return;
                        }

                        new Thread(FlushLoop) { IsBackground = true }.Start();
                    }

                    private void FlushLoop()
                    {
                        while (true)
                        {
                            while (_pending.TryDequeue(out var metric))
                            {
                                Console.WriteLine(metric);
                            }

                            Thread.Sleep(500);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
