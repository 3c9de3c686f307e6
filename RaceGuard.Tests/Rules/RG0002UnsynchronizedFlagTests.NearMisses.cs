using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnsynchronizedFlagRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0002 near misses: the fixed code and the safe look-alikes of every positive.</summary>
    public partial class RG0002UnsynchronizedFlagTests
    {
        [Fact]
        public async Task Silent_VolatileFieldLoop()
        {
            const string source = """
                using System.Threading;

                public sealed class Poller
                {
                    private volatile bool _stop;

                    public void Start() => new Thread(() =>
                    {
                        while (!_stop)
                        {
                            Thread.Sleep(100);
                        }
                    }).Start();

                    public void Stop() => _stop = true;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_VolatileReadAndWrite()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Listener
                {
                    private bool _isListening;

                    public void Listen()
                    {
                        Volatile.Write(ref _isListening, true);
                        Task.Run(() =>
                        {
                            while (Volatile.Read(ref _isListening))
                            {
                                Thread.Sleep(1);
                            }
                        });
                    }

                    public void StopListening() => Volatile.Write(ref _isListening, false);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_LoopConditionUnderTheLockThatGuardsTheWrite()
        {
            const string source = """
                using System.Threading;

                public sealed class Gate
                {
                    private readonly object _sync = new object();
                    private bool _open;

                    public void Start() => new Thread(() =>
                    {
                        lock (_sync)
                        {
                            while (!_open)
                            {
                                Monitor.Wait(_sync);
                            }
                        }
                    }).Start();

                    public void Open()
                    {
                        lock (_sync)
                        {
                            _open = true;
                            Monitor.PulseAll(_sync);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_FlagWrittenOnlyBeforeTheRegionStarts()
        {
            const string source = """
                using System.Threading;

                public sealed class Scanner
                {
                    private readonly Thread _thread;
                    private bool _verbose;

                    public Scanner(bool verbose)
                    {
                        _verbose = verbose;
                        _thread = new Thread(() =>
                        {
                            while (_verbose)
                            {
                                Thread.Sleep(1000);
                            }
                        });
                        _thread.Start();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_CancellationTokenLoop()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Listener
                {
                    private readonly CancellationTokenSource _cts = new CancellationTokenSource();

                    public void Listen() => Task.Run(() =>
                    {
                        while (!_cts.Token.IsCancellationRequested)
                        {
                            Thread.Sleep(1);
                        }
                    });

                    public void StopListening() => _cts.Cancel();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_LocalNeverCaptured()
        {
            const string source = """
                class C
                {
                    int Run(int[] steps)
                    {
                        var done = false;
                        var i = 0;
                        while (!done)
                        {
                            done = steps[i++] == 0;
                        }

                        return i;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_DisposedCheckOfAFlagNeverWrittenUnderALock()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                public sealed class Cache : IDisposable
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<string, string> _items = new Dictionary<string, string>();
                    private bool _disposed;

                    public string? Get(string key)
                    {
                        if (_disposed)
                        {
                            throw new ObjectDisposedException(nameof(Cache));
                        }

                        lock (_gate)
                        {
                            return _items.TryGetValue(key, out var value) ? value : null;
                        }
                    }

                    public void Dispose() => _disposed = true;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_PlainReadOutsideALoopInARegion()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                public sealed class Job
                {
                    private bool _verbose;

                    public Task Run() => Task.Run(() =>
                    {
                        if (_verbose)
                        {
                            Console.WriteLine("running");
                        }
                    });

                    public void SetVerbose(bool value) => _verbose = value;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_CounterInALoopConditionIsNotAFlag()
        {
            const string source = """
                using System.Threading;

                public sealed class Retrier
                {
                    private int _attempts;

                    public void Start() => new Thread(() =>
                    {
                        while (_attempts < 10)
                        {
                            Thread.Sleep(10);
                        }
                    }).Start();

                    public void Fail() => _attempts++;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_LoopWhoseFlagOnlyItsOwnRegionWrites()
        {
            const string source = """
                using System.Threading.Tasks;

                public sealed class Loader
                {
                    private readonly Task _loading;
                    private bool _done;

                    public Loader()
                    {
                        _loading = Task.Run(() =>
                        {
                            while (!_done)
                            {
                                _done = Step();
                            }
                        });
                    }

                    public Task Loading => _loading;

                    private static bool Step() => true;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TestAndSetWithInterlockedCompareExchange()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class WorkerPool
                {
                    private readonly object _gate = new object();
                    private readonly List<Thread> _workers = new List<Thread>();
                    private int _started;

                    public void Start()
                    {
                        if (Interlocked.CompareExchange(ref _started, 1, 0) == 0)
                        {
                            lock (_gate)
                            {
                                _workers.Add(new Thread(() => { }));
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TestAndSetUnderALock()
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
                        lock (_gate)
                        {
                            if (!_started)
                            {
                                _started = true;
                                _workers.Add(new Thread(() => { }));
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_WriteAfterTheThreadIsJoined()
        {
            const string source = """
                using System.Threading;

                class C
                {
                    bool Run()
                    {
                        var running = true;
                        var seen = 0;
                        var worker = new Thread(() =>
                        {
                            while (running && seen < 100)
                            {
                                seen = seen + 1;
                                running = seen < 50;
                            }
                        });
                        worker.Start();
                        worker.Join();
                        running = false;
                        return running;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TestAndSetInATypeWithNoSynchronisationOrConcurrency()
        {
            const string source = """
                public sealed class Builder
                {
                    private bool _built;

                    public string Build()
                    {
                        if (!_built)
                        {
                            _built = true;
                        }

                        return "done";
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_DoubleCheckedInitialisationAndAStateOnlyFormatted()
        {
            const string source = """
                public sealed class ConnectionFactory
                {
                    private readonly object _initializationLock = new object();
                    private bool _isInitialized;
                    private string? _endpoint;

                    public string Connect()
                    {
                        EnsureInitialized();
                        return _endpoint!;
                    }

                    public override string ToString() => $"ConnectionFactory initialized={_isInitialized}";

                    private void EnsureInitialized()
                    {
                        if (!_isInitialized)
                        {
                            lock (_initializationLock)
                            {
                                if (!_isInitialized)
                                {
                                    _endpoint = "localhost";
                                    _isInitialized = true;
                                }
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string LoggerFactory = """
            public sealed class LoggerFactory
            {
                private readonly object _syncRoot = new object();
                private bool _isDisposing;
                private bool _configLoaded;
                private string? _config;

                public void Load(string config)
                {
                    lock (_syncRoot)
                    {
                        _config = config;
                        _configLoaded = true;
                    }
                }

                public void Dispose()
                {
                    lock (_syncRoot)
                    {
                        _isDisposing = true;
                        _config = null;
                    }
                }

                public void Shutdown()
                {
                    if (!_isDisposing && _configLoaded)
                    {
                        lock (_syncRoot)
                        {
                            if (_isDisposing || !_configLoaded)
                            {
                                return;
                            }

                            _config = null;
                        }
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_DoubleCheckedShutdownWhoseFirstCheckIsAConjunction()
        {
            await VerifyCS.VerifyAnalyzerAsync(LoggerFactory);
        }

        [Fact]
        public async Task Reports_TheSameConjunctionWithoutTheLockedReCheck()
        {
            var shutdown = LoggerFactory.IndexOf("    public void Shutdown()", System.StringComparison.Ordinal);
            var source = LoggerFactory.Substring(0, shutdown) + """
                    public void Shutdown()
                    {
                        if (!_isDisposing && {|#0:_configLoaded|})
                        {
                            System.Console.WriteLine("shutting down");
                        }
                    }
                }
                """;
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments("_configLoaded", "bool", "read in Shutdown() outside the lock '_syncRoot' of its writes while Load() may change it", "take the lock or use Volatile"));
        }

        private const string ScopedClient = """
            using System;

            public sealed class ScopedClient
            {
                private readonly object _lock = new object();
                private bool _isLocked;
                private string? _scope;

                public string? Scope => _scope;

                public void SetScope(string scope)
                {
                    if (_isLocked)
                    {
                        throw new InvalidOperationException("The scope is set already.");
                    }

                    lock (_lock)
                    {
                        if (_isLocked)
                        {
                            throw new InvalidOperationException("The scope is set already.");
                        }

                        _isLocked = true;
                        _scope = scope;
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_GuardClauseCheckedAgainUnderTheLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(ScopedClient);
        }

        [Fact]
        public async Task Reports_TheGuardClauseWithoutTheCheckUnderTheLock()
        {
            var source = ScopedClient
                .Edit("""
                        if (_isLocked)
                        {
                            throw new InvalidOperationException("The scope is set already.");
                        }

                        lock (_lock)
                        {
                            if (_isLocked)
                            {
                                throw new InvalidOperationException("The scope is set already.");
                            }

                            _isLocked = true;
                """, """
                        if ({|#0:_isLocked|})
                        {
                            throw new InvalidOperationException("The scope is set already.");
                        }

                        lock (_lock)
                        {
                            _isLocked = true;
                """);
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments("_isLocked", "bool", "read in SetScope() outside the lock '_lock' of its writes while another call may use it", "take the lock or use Volatile"));
        }

        [Fact]
        public async Task Silent_FlagReadInALoopBodyThatDoesNotLeaveTheLoop()
        {
            const string source = """
                using System;
                using System.Threading;

                public sealed class Ticker
                {
                    private bool _verbose;

                    public void Start() => new Thread(() =>
                    {
                        for (var i = 0; i < 100; i++)
                        {
                            if (_verbose)
                            {
                                Console.WriteLine(i);
                            }

                            Thread.Sleep(10);
                        }
                    }).Start();

                    public void Verbose() => _verbose = true;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_FlagReadInsideAMethodCalledFromALoopExitTest()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Threading;

                public sealed class Cache
                {
                    private readonly ConcurrentDictionary<string, string> _items = new ConcurrentDictionary<string, string>();
                    private bool _isWarm;

                    public string GetOrAdd(string key)
                    {
                        while (true)
                        {
                            if (TryAdd(key))
                            {
                                return key;
                            }
                        }
                    }

                    public void Cool() => Volatile.Write(ref _isWarm, false);

                    private bool TryAdd(string key)
                    {
                        if (_isWarm)
                        {
                            return false;
                        }

                        Volatile.Write(ref _isWarm, true);
                        return _items.TryAdd(key, key);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_LoopWhoseBodySleepsOrCalls()
        {
            // Thread.Sleep, a call the JIT does not inline, I/O: the flag is read from memory again on every iteration, so
            // the loop sees the change one iteration late at worst (RULES.md, precision rules).
            const string source = """
                using System.Collections.Concurrent;
                using System.Threading;

                public sealed class Poller
                {
                    private readonly BlockingCollection<string> _queue = new BlockingCollection<string>();
                    private bool _stop;
                    private bool _draining;

                    public void Start()
                    {
                        new Thread(() =>
                        {
                            while (!_stop)
                            {
                                Thread.Sleep(100);
                            }
                        }).Start();

                        new Thread(() =>
                        {
                            while (_draining)
                            {
                                _queue.TryTake(out _, 100);
                            }
                        }).Start();
                    }

                    public void Stop()
                    {
                        _stop = true;
                        _draining = false;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ReadInsideTheLoopThatIsNotItsExitTest()
        {
            const string source = """
                using System.Threading;

                public sealed class Sampler
                {
                    private bool _verbose;
                    private int _stop;

                    public void Start() => new Thread(() =>
                    {
                        var samples = 0;
                        while (Volatile.Read(ref _stop) == 0)
                        {
                            if (_verbose)
                            {
                                samples++;
                            }
                        }
                    }).Start();

                    public void SetVerbose(bool verbose) => _verbose = verbose;

                    public void Stop() => Volatile.Write(ref _stop, 1);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_FlagSetByARunOnceInitialisationClaimedWithInterlocked()
        {
            // The claim lets one thread initialise; it is never given back, so it is no lock the flag's readers forgot.
            const string source = """
                using System.Threading;

                public static class ShutdownDetector
                {
                    private static int _initialized;
                    private static bool _succeeded;

                    public static bool IsSucceeded => _succeeded;

                    public static void EnsureInitialized()
                    {
                        if (Interlocked.Exchange(ref _initialized, 1) != 0)
                        {
                            return;
                        }

                        _succeeded = Register();
                    }

                    private static bool Register() => true;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_DoubleCheckWrittenAsAComparisonWithFalse()
        {
            const string source = """
                using System.Threading;

                public class IdleScanner
                {
                    private readonly object _startLock = new object();
                    private bool _started;

                    public void Watch()
                    {
                        var start = false;
                        if (_started == false)
                            lock (_startLock)
                                if (_started == false)
                                    start = _started = true;

                        if (start)
                        {
                            new Thread(() =>
                            {
                                Scan();
                                lock (_startLock)
                                    _started = false;
                            }).Start();
                        }
                    }

                    private void Scan()
                    {
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string BufferingPipeWriterSource = """
            using System;
            using System.IO.Pipelines;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class BufferingWriter : PipeWriter
            {
                private readonly object _sync = new object();
                private readonly byte[] _buffer = new byte[4096];
                private int _written;
                private bool _completed;

                public override void Advance(int bytes)
                {
                    if (_completed)
                    {
                        throw new InvalidOperationException("Writing is already completed.");
                    }

                    _written += bytes;
                }

                public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(_written);

                public override Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(_written);

                public override void CancelPendingFlush()
                {
                }

                public override void Complete(Exception? exception = null)
                {
                    lock (_sync)
                    {
                        _completed = true;
                    }
                }

                public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
                    new ValueTask<FlushResult>(new FlushResult(false, _completed));
            }
            """;

        [Fact]
        public async Task Silent_CompletionFlagOfAPipeWriterReadByItsOtherMembers()
        {
            // A pipe writer takes one call at a time (GetMemory, Advance, FlushAsync, then Complete): its own members do
            // not race with each other for being called.
            var test = new VerifyCS.Test { TestCode = BufferingPipeWriterSource };
            test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore80);
            await test.RunAsync();
        }

        [Fact]
        public async Task Reports_TheSameFlagInAClassThatIsNoWriter()
        {
            var source = BufferingPipeWriterSource
                .Edit("public sealed class BufferingWriter : PipeWriter", "public sealed class BufferingWriter")
                .Edit("public override ", "public ")
                .Edit("new FlushResult(false, _completed)", "new FlushResult(false, {|#0:_completed|})");
            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore80);
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                "_completed", "bool", "read in FlushAsync() outside the lock '_sync' of its writes while Complete() may change it", "take the lock or use Volatile"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Silent_EndOfInputFlagOfATextReaderReadByItsOtherMembers()
        {
            // A reader takes one call at a time too (Peek, Read, then Close).
            const string source = """
                using System.IO;

                public sealed class LineSource : TextReader
                {
                    private readonly object _sync = new object();
                    private readonly string _text;
                    private int _position;
                    private bool _closed;

                    public LineSource(string text)
                    {
                        _text = text;
                    }

                    public override int Peek() => _closed || _position >= _text.Length ? -1 : _text[_position];

                    public override int Read() => _closed || _position >= _text.Length ? -1 : _text[_position++];

                    public override void Close()
                    {
                        lock (_sync)
                        {
                            _closed = true;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
