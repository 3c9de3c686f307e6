using System.Threading.Tasks;
using VerifyInterlocked = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseInterlockedFlagCodeFixProvider>;
using VerifyLock = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;
using VerifyVolatile = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseVolatileCodeFixProvider>;
using VerifyVolatileField = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.MakeFieldVolatileCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0002 fixes: Volatile at every access, a volatile field, Interlocked for test-and-set, the lock of the writes.</summary>
    public partial class RG0002UnsynchronizedFlagTests
    {
        private const string Listener = """
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Listener
            {
                private bool _isListening;

                public void Listen()
                {
                    _isListening = true;
                    Task.Run(() =>
                    {
                        var spins = 0;
                        while ({|RG0002:_isListening|})
                        {
                            spins++;
                        }
                    });
                }

                public void StopListening()
                {
                    {|RG0002:_isListening = false|};
                }

                public bool IsListening => _isListening;
            }
            """;

        [Fact]
        public async Task Fix_VolatileReadAndWriteAtEveryAccess()
        {
            const string fixedSource = """
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
                            var spins = 0;
                            while (Volatile.Read(ref _isListening))
                            {
                                spins++;
                            }
                        });
                    }

                    public void StopListening()
                    {
                        Volatile.Write(ref _isListening, false);
                    }

                    public bool IsListening => Volatile.Read(ref _isListening);
                }
                """;

            await VerifyVolatile.VerifyCodeFixAsync(Listener, fixedSource);
        }

        [Fact]
        public async Task Fix_MakeTheFieldVolatile()
        {
            const string fixedSource = """
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Listener
                {
                    private volatile bool _isListening;

                    public void Listen()
                    {
                        _isListening = true;
                        Task.Run(() =>
                        {
                            var spins = 0;
                            while (_isListening)
                            {
                                spins++;
                            }
                        });
                    }

                    public void StopListening()
                    {
                        _isListening = false;
                    }

                    public bool IsListening => _isListening;
                }
                """;

            await VerifyVolatileField.VerifyCodeFixAsync(Listener, fixedSource);
        }

        [Fact]
        public async Task Fix_VolatileForACapturedLocalAddsTheUsing()
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
                            while (!{|RG0002:cancelled|});
                        });
                        {|RG0002:cancelled = true|};
                        worker.Wait();
                        return spins;
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading;
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
                            while (!Volatile.Read(ref cancelled));
                        });
                        Volatile.Write(ref cancelled, true);
                        worker.Wait();
                        return spins;
                    }
                }
                """;

            await VerifyVolatile.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_NoVolatileFieldForALongAndNoVolatileAccessForAnEnum()
        {
            const string longFlag = """
                using System.Threading;

                public sealed class Worker
                {
                    private long _state;

                    public void Run() => new Thread(() =>
                    {
                        var spins = 0;
                        while ({|RG0002:_state|} == 0)
                        {
                            spins++;
                        }
                    }).Start();

                    public void Halt() => {|RG0002:_state = 1|};
                }
                """;
            const string longFixed = """
                using System.Threading;

                public sealed class Worker
                {
                    private long _state;

                    public void Run() => new Thread(() =>
                    {
                        var spins = 0;
                        while (Volatile.Read(ref _state) == 0)
                        {
                            spins++;
                        }
                    }).Start();

                    public void Halt() => Volatile.Write(ref _state, 1);
                }
                """;
            const string enumFlag = """
                using System.Threading;

                public enum Mode { Running, Stopped }

                public sealed class Worker
                {
                    private Mode _mode;

                    public void Run() => new Thread(() =>
                    {
                        var spins = 0;
                        while ({|RG0002:_mode|} == Mode.Running)
                        {
                            spins++;
                        }
                    }).Start();

                    public void Halt() => {|RG0002:_mode = Mode.Stopped|};
                }
                """;
            const string enumFixed = """
                using System.Threading;

                public enum Mode { Running, Stopped }

                public sealed class Worker
                {
                    private volatile Mode _mode;

                    public void Run() => new Thread(() =>
                    {
                        var spins = 0;
                        while (_mode == Mode.Running)
                        {
                            spins++;
                        }
                    }).Start();

                    public void Halt() => _mode = Mode.Stopped;
                }
                """;

            await VerifyVolatileField.VerifyCodeFixAsync(longFlag, longFlag);
            await VerifyVolatile.VerifyCodeFixAsync(longFlag, longFixed);
            await VerifyVolatile.VerifyCodeFixAsync(enumFlag, enumFlag);
            await VerifyVolatileField.VerifyCodeFixAsync(enumFlag, enumFixed);
        }

        [Fact]
        public async Task Fix_TestAndSetBecomesCompareExchangeOnAnInt()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class WorkerPool
                {
                    private readonly object _gate = new object();
                    private readonly List<Thread> _workers = new List<Thread>();
                    private bool _started = false;

                    public bool IsStarted => {|RG0002:_started|};

                    public void Start()
                    {
                        if (!{|RG0002:_started|})
                        {
                            {|RG0002:_started = true|};
                            lock (_gate)
                            {
                                _workers.Add(new Thread(() => { }));
                            }
                        }
                    }

                    public void Reset()
                    {
                        lock (_gate)
                        {
                            _started = false;
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class WorkerPool
                {
                    private readonly object _gate = new object();
                    private readonly List<Thread> _workers = new List<Thread>();
                    private int _started = 0;

                    public bool IsStarted => Volatile.Read(ref _started) != 0;

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

                    public void Reset()
                    {
                        lock (_gate)
                        {
                            Volatile.Write(ref _started, 0);
                        }
                    }
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_ReturnIfClosedThenSetBecomesExchange()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Session
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _pending = new List<string>();
                    private bool _closed;

                    public void Send(string message)
                    {
                        if (!_closed)
                        {
                            lock (_gate)
                            {
                                _pending.Add(message);
                            }
                        }
                    }

                    public void Close()
                    {
                        if ({|RG0002:_closed|})
                        {
                            return;
                        }

                        {|RG0002:_closed = true|};
                        lock (_gate)
                        {
                            _pending.Clear();
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Session
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _pending = new List<string>();
                    private int _closed;

                    public void Send(string message)
                    {
                        if (Volatile.Read(ref _closed) == 0)
                        {
                            lock (_gate)
                            {
                                _pending.Add(message);
                            }
                        }
                    }

                    public void Close()
                    {
                        if (Interlocked.Exchange(ref _closed, 1) == 1)
                        {
                            return;
                        }

                        lock (_gate)
                        {
                            _pending.Clear();
                        }
                    }
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_ReadOutsideTheLockTakesTheLockOfTheWrites()
        {
            const string source = """
                public sealed class CircuitBreaker
                {
                    private readonly object _gate = new object();
                    private bool _isOpen;
                    private int _failures;

                    public bool AllowRequest() => !{|RG0002:_isOpen|};

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
            const string fixedSource = """
                public sealed class CircuitBreaker
                {
                    private readonly object _gate = new object();
                    private bool _isOpen;
                    private int _failures;

                    public bool AllowRequest()
                    {
                        lock (_gate)
                        {
                            return !_isOpen;
                        }
                    }

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

            await VerifyLock.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_NoLockAroundALoopThatWaitsForTheFlag()
        {
            await VerifyLock.VerifyCodeFixAsync(Listener, Listener);
        }
    }
}
