using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnsynchronizedFlagRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0002 positives: loop conditions in regions, test-and-set, and flags written under a lock elsewhere.</summary>
    public partial class RG0002UnsynchronizedFlagTests
    {
        private static Task VerifyWithAspNetCoreAsync(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected)
        {
            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore80);
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync();
        }

        [Fact]
        public async Task Reports_ListenerLoopInTaskRunAndTheStopThatWritesIt()
        {
            const string source = """
                using System.Net.Sockets;
                using System.Threading.Tasks;

                public sealed class Listener
                {
                    private readonly TcpListener _listener = new TcpListener(System.Net.IPAddress.Loopback, 5000);
                    private bool _isListening;

                    public void Listen()
                    {
                        _isListening = true;
                        _listener.Start();
                        Task.Run(() =>
                        {
                            var polls = 0;
                            while ({|#0:_isListening|})
                            {
                                polls++;
                            }
                        });
                    }

                    public void StopListening()
                    {
                        {|#1:_isListening = false|};
                        _listener.Stop();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_isListening",
                    "bool",
                    "read in a while loop by a Task.Run lambda while StopListening() may change it",
                    "the loop may miss it; use Volatile or a CancellationToken"),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments(
                    "_isListening",
                    "bool",
                    "written in StopListening() while a while loop by a Task.Run lambda reads it",
                    "the loop may miss it; use Volatile or a CancellationToken"));
        }

        [Fact]
        public async Task Reports_ThreadProcLoopAndStop()
        {
            const string source = """
                using System.Threading;

                public sealed class Poller
                {
                    private bool _stop;
                    private Thread? _thread;

                    public void Start()
                    {
                        _thread = new Thread(() =>
                        {
                            var spins = 0;
                            while (![|_stop|])
                            {
                                spins++;
                            }
                        });
                        _thread.Start();
                    }

                    public void Stop() => [|_stop = true|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_CapturedLocalInDoWhileAndTheStarterThatSetsIt()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    int Spin()
                    {
                        var cancelled = false;
                        var spins = 0;
                        var worker = Task.Run(() =>
                        {
                            do
                            {
                                spins = spins + 1;
                            }
                            while (![|cancelled|]);
                        });
                        [|cancelled = true|];
                        worker.Wait();
                        return spins;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ForConditionInAPrivateLoopStartedOnATask()
        {
            const string source = """
                using System.Threading.Tasks;

                public sealed class Pump
                {
                    private bool _stopRequested;
                    private int _pumped;

                    public void Start() => Task.Factory.StartNew(Loop, TaskCreationOptions.LongRunning);

                    public void Stop() => [|_stopRequested = true|];

                    private void Loop()
                    {
                        for (; ![|_stopRequested|]; )
                        {
                            _pumped = _pumped + 1;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_IntFlagUsedOnlyAsOnOffState()
        {
            const string source = """
                using System.Threading;

                public sealed class Worker
                {
                    private int _state;

                    public void Run()
                    {
                        new Thread(() =>
                        {
                            var spins = 0;
                            while ([|_state|] == 0)
                            {
                                spins++;
                            }
                        }).Start();
                    }

                    public void Halt() => [|_state = 1|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_EnumStateInABackgroundServiceLoopThatAwaits()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                public enum Mode { Running, Paused }

                public abstract class BackgroundService
                {
                    protected abstract Task ExecuteAsync(CancellationToken stoppingToken);
                }

                public sealed class Indexer : Microsoft.Extensions.Hosting.BackgroundService
                {
                    private Mode _mode;

                    public void Pause() => _mode = Mode.Paused;

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        // The await reads _mode again after every delay: the loop cannot miss the change for good.
                        while (_mode == Mode.Running)
                        {
                            await Task.Delay(1000, stoppingToken);
                        }
                    }
                }
                """;

            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore80);
            await test.RunAsync();
        }

        [Fact]
        public async Task Reports_TestAndSetInAStartOfAThreadSafeType()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class WorkerPool
                {
                    private readonly object _gate = new object();
                    private readonly List<Thread> _workers = new List<Thread>();
                    private bool _started;

                    public void Start()
                    {
                        if (!{|#0:_started|})
                        {
                            {|#1:_started = true|};
                            lock (_gate)
                            {
                                _workers.Add(new Thread(() => { }));
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_started",
                    "bool",
                    "checked and then set in Start() while another call may change it",
                    "both may pass the check; use Interlocked.CompareExchange on an int, or a lock"),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments(
                    "_started",
                    "bool",
                    "checked and then set in Start() while another call may change it",
                    "both may pass the check; use Interlocked.CompareExchange on an int, or a lock"));
        }

        [Fact]
        public async Task Reports_ReturnIfClosedThenSetInClose()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Session
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _pending = new List<string>();
                    private bool _closed;

                    public void Close()
                    {
                        if ([|_closed|])
                        {
                            return;
                        }

                        [|_closed = true|];
                        lock (_gate)
                        {
                            _pending.Clear();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_CircuitBreakerReadOutsideTheLockOfItsWrites()
        {
            const string source = """
                public sealed class CircuitBreaker
                {
                    private readonly object _gate = new object();
                    private bool _isOpen;
                    private int _failures;

                    public bool AllowRequest() => !{|#0:_isOpen|};

                    public void OnFailure()
                    {
                        lock (_gate)
                        {
                            _failures = _failures + 1;
                            if (_failures > 5)
                            {
                                _isOpen = true;
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_isOpen",
                    "bool",
                    "read in AllowRequest() outside the lock '_gate' of its writes while OnFailure() may change it",
                    "take the lock or use Volatile"));
        }

        [Fact]
        public async Task Reports_CircuitBreakerResetWritingWithoutTheLock()
        {
            const string source = """
                public sealed class CircuitBreaker
                {
                    private readonly object _gate = new object();
                    private bool _isOpen;

                    public bool AllowRequest()
                    {
                        lock (_gate)
                        {
                            return !_isOpen;
                        }
                    }

                    public void Trip()
                    {
                        lock (_gate)
                        {
                            _isOpen = true;
                        }
                    }

                    public void Reset() => [|_isOpen = false|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TestAndSetInMiddlewareServingEveryRequest()
        {
            const string source = """
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class WarmUpMiddleware
                {
                    private readonly RequestDelegate _next;
                    private bool _warmedUp;

                    public WarmUpMiddleware(RequestDelegate next) => _next = next;

                    public async Task InvokeAsync(HttpContext context)
                    {
                        if (![|_warmedUp|])
                        {
                            [|_warmedUp = true|];
                            await Task.Delay(10);
                        }

                        await _next(context);
                    }
                }
                """;

            await VerifyWithAspNetCoreAsync(source);
        }

        [Fact]
        public async Task Reports_TestAndSetInAMessageHandler()
        {
            const string source = """
                using System.Net.Http;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class AuthHandler : DelegatingHandler
                {
                    private bool _initialized;
                    private string _token = "";

                    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
                    {
                        if (![|_initialized|])
                        {
                            [|_initialized = true|];
                            _token = "Bearer x";
                        }

                        request.Headers.TryAddWithoutValidation("Authorization", _token);
                        return base.SendAsync(request, cancellationToken);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_LoopReadingAFlagThroughAPropertyGetter()
        {
            const string source = """
                using System.Threading;

                public sealed class Consumer
                {
                    private bool _running = true;

                    private bool IsRunning => _running;

                    public void Start() => ThreadPool.QueueUserWorkItem(_ =>
                    {
                        var spins = 0;
                        while ([|IsRunning|])
                        {
                            spins++;
                        }
                    });

                    public void Stop() => [|_running = false|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ExitTestInsideAnEndlessLoop()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Threading;

                public sealed class Dispatcher
                {
                    private readonly BlockingCollection<string> _queue = new BlockingCollection<string>();
                    private bool _shutdown;
                    private int _polls;

                    public int Polls => _polls;

                    public void Start() => new Thread(() =>
                    {
                        for (;;)
                        {
                            if ({|#0:_shutdown|})
                            {
                                break;
                            }

                            _polls++;
                        }
                    }).Start();

                    public void Shutdown() => {|#1:_shutdown = true|};
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_shutdown",
                    "bool",
                    "read in a for loop by the Thread lambda while Shutdown() may change it",
                    "the loop may miss it; use Volatile or a CancellationToken"),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments(
                    "_shutdown",
                    "bool",
                    "written in Shutdown() while a for loop by the Thread lambda reads it",
                    "the loop may miss it; use Volatile or a CancellationToken"));
        }

        [Fact]
        public async Task Reports_LoopInAPublicMemberOfAThreadSafeTypeAndTheStopThatWritesIt()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Pump
                {
                    private readonly object _gate = new object();
                    private readonly Queue<string> _queue = new Queue<string>();
                    private bool _stopped;

                    public void Run()
                    {
                        lock (_gate)
                        {
                            _queue.Clear();
                        }

                        var idle = 0;
                        while (![|_stopped|])
                        {
                            if (_queue.Count == 0)
                            {
                                idle++;
                            }
                        }
                    }

                    public void Post(string item)
                    {
                        lock (_gate)
                        {
                            _queue.Enqueue(item);
                        }
                    }

                    public void Stop() => [|_stopped = true|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_AsyncLoopThatAwaitsBetweenReads()
        {
            const string source = """
                using System.Threading.Tasks;

                public sealed class Heartbeat
                {
                    private bool _running;

                    public void Start()
                    {
                        _running = true;
                        _ = BeatAsync();
                    }

                    public void Stop() => _running = false;

                    private async Task BeatAsync()
                    {
                        while (_running)
                        {
                            await Task.Delay(1000);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ThreadLoopUntilDisposed()
        {
            const string source = """
                using System;
                using System.Threading;

                public sealed class Watcher : IDisposable
                {
                    private readonly Thread _thread;
                    private bool _disposed;

                    public Watcher()
                    {
                        _thread = new Thread(() =>
                        {
                            var spins = 0;
                            while (![|_disposed|])
                            {
                                spins++;
                            }
                        });
                        _thread.Start();
                    }

                    public void Dispose()
                    {
                        [|_disposed = true|];
                        _thread.Join();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
