using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0001 on the shapes met in the real-code scan (bench/real-code.md): the correct lock-free and event-loop patterns
    /// stay silent, and the look-alikes that are real races are still reported.
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        [Fact]
        public async Task NoDiagnostic_LoopStartedOnceByCompareExchangeFromSeveralMembers()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class WheelTimer
                {
                    private readonly HashSet<string> _unprocessed = new HashSet<string>();
                    private int _state;

                    public void Schedule(string name) => Start();

                    public void ScheduleRepeatedly(string name) => Start();

                    private void Start()
                    {
                        if (Interlocked.CompareExchange(ref _state, 1, 0) == 0)
                        {
                            Task.Run(() => RunAsync());
                        }
                    }

                    private async Task RunAsync()
                    {
                        while (Volatile.Read(ref _state) == 1)
                        {
                            await Task.Delay(10);
                        }

                        _unprocessed.Add("rest");
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_DisposeThatWaitsForTheLoopBeforeCleaningUp()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Poller : IDisposable
                {
                    private readonly List<string> _sockets = new List<string>();
                    private readonly ManualResetEventSlim _stopped = new ManualResetEventSlim();
                    private volatile bool _running;
                    private Thread? _thread;

                    public void RunAsync()
                    {
                        _running = true;
                        _thread = new Thread(Loop);
                        _thread.Start();
                    }

                    private void Loop()
                    {
                        while (_running)
                        {
                            foreach (var socket in _sockets)
                            {
                                Console.WriteLine(socket);
                            }
                        }

                        _stopped.Set();
                    }

                    public void Dispose()
                    {
                        _running = false;
                        _stopped.Wait();
                        _sockets.Clear();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_DisposeThatClearsWhileTheTimerStillRuns()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Sampler : IDisposable
                {
                    private readonly List<double> _samples = new List<double>();
                    private readonly Timer _timer;

                    public Sampler() => _timer = new Timer(_ => [|_samples.Add(Environment.TickCount)|], null, 0, 100);

                    public void Dispose()
                    {
                        _timer.Dispose();
                        [|_samples.Clear()|];
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_WorkPostedToTheLoopThatIsItsOwnScheduler()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class EventLoop : TaskScheduler
                {
                    private readonly List<string> _timers = new List<string>();
                    private readonly Queue<Task> _tasks = new Queue<Task>();
                    private volatile bool _running;

                    public void Add(string timer) => Post(() => _timers.Add(timer));

                    public void Remove(string timer) => Post(() => _timers.Remove(timer));

                    public void Post(System.Action action)
                    {
                        if (!_running)
                        {
                            action();
                        }
                        else
                        {
                            new Task(action).Start(this);
                        }
                    }

                    public void RunAsync()
                    {
                        _running = true;
                        new Thread(Loop).Start();
                    }

                    private void Loop()
                    {
                        while (_running)
                        {
                            foreach (var timer in _timers)
                            {
                                System.Console.WriteLine(timer);
                            }
                        }
                    }

                    protected override IEnumerable<Task> GetScheduledTasks() => _tasks;

                    protected override void QueueTask(Task task) => _tasks.Enqueue(task);

                    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ContinuationsOfSeveralStartupTasksAddingToOneList()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public sealed class LoggingBus
                {
                    private readonly List<string> _loggers = new List<string>();

                    public void StartLoggers(string[] names)
                    {
                        foreach (var name in names)
                        {
                            Task.Delay(10).ContinueWith(_ => [|_loggers.Add(name)|]);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_CloseWaitsForTheSendLoopBeforeClearingItsList()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Connection
                {
                    private readonly List<string> _inflight = new List<string>();
                    private Task? _processOutgoingTask;
                    private Task? _closeTask;

                    public async Task RunAsync()
                    {
                        _processOutgoingTask = ProcessOutgoing();
                        await _processOutgoingTask;
                    }

                    public void StartClosing()
                    {
                        var task = new Task<Task>(CloseAsync);
                        if (Interlocked.CompareExchange(ref _closeTask, task.Unwrap(), null) is not null)
                        {
                            return;
                        }

                        task.Start(TaskScheduler.Default);
                    }

                    private async Task ProcessOutgoing()
                    {
                        for (var i = 0; i < 10; i++)
                        {
                            await Task.Delay(1);
                            _inflight.Add("message");
                            _inflight.Clear();
                        }
                    }

                    private async Task CloseAsync()
                    {
                        if (_processOutgoingTask is { IsCompleted: false } outgoing)
                        {
                            try
                            {
                                await outgoing;
                            }
                            catch (Exception)
                            {
                            }
                        }

                        _inflight.Clear();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_CloseStartedOnceAfterAnEarlyReturningCompareExchange()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Channel
                {
                    private readonly List<string> _inflight = new List<string>();
                    private Task? _closeTask;

                    public void Abort() => StartClosing();

                    public void OnTransportClosed() => StartClosing();

                    private void StartClosing()
                    {
                        var task = new Task<Task>(CloseAsync);
                        if (Interlocked.CompareExchange(ref _closeTask, task.Unwrap(), null) is not null)
                        {
                            return;
                        }

                        task.Start(TaskScheduler.Default);
                    }

                    private async Task CloseAsync()
                    {
                        await Task.Yield();
                        foreach (var message in _inflight)
                        {
                            System.Console.WriteLine(message);
                        }

                        _inflight.Clear();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ContinuationStartedByAHelperCalledInALoop()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public sealed class LoggingBus
                {
                    private readonly List<string> _loggers = new List<string>();

                    public void StartLoggers(string[] names)
                    {
                        foreach (var name in names)
                        {
                            AddLogger(name);
                        }
                    }

                    private void AddLogger(string name)
                    {
                        Task.Delay(10).ContinueWith(_ => {|#0:_loggers.Add(name)|});
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments("_loggers", "List<string>", "by a ContinueWith lambda", "another run may change it", "guard it with a lock"));
        }
    }
}
