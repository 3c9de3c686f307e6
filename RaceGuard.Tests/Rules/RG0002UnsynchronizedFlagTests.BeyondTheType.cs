using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnsynchronizedFlagRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0002 where the thread starts in another type: a base class of the program hands an abstract <c>Run()</c> to a
    /// thread and its <c>Stop()</c> sets the flag the override's loop polls. Reported at the override's read (the base
    /// class's own code is its own); a volatile flag, or a thread started on an object nobody else holds, stays silent.
    /// </summary>
    public partial class RG0002UnsynchronizedFlagTests
    {
        [Fact]
        public async Task Reports_OverrideRunByABaseClassThreadPollingTheBaseClassFlag()
        {
            const string source = """
                using System.Threading;

                abstract class ServiceBase
                {
                    protected bool stopping;
                    private Thread _thread;

                    public void Start()
                    {
                        _thread = new Thread(Run);
                        _thread.Start();
                    }

                    public void Stop()
                    {
                        stopping = true;
                    }

                    protected abstract void Run();
                }

                sealed class Poller : ServiceBase
                {
                    private int _polls;

                    public int Polls => _polls;

                    protected override void Run()
                    {
                        while (![|stopping|])
                        {
                            _polls++;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_OverrideRunByABaseClassThreadPollingAVolatileFlag()
        {
            const string source = """
                using System.Threading;

                abstract class ServiceBase
                {
                    protected volatile bool stopping;
                    private Thread _thread;

                    public void Start()
                    {
                        _thread = new Thread(Run);
                        _thread.Start();
                    }

                    public void Stop()
                    {
                        stopping = true;
                    }

                    protected abstract void Run();
                }

                sealed class Poller : ServiceBase
                {
                    private int _polls;

                    public int Polls => _polls;

                    protected override void Run()
                    {
                        while (!stopping)
                        {
                            _polls++;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_WorkerObjectLoopStartedOnAThreadAndStoppedByItsOwnMember()
        {
            const string source = """
                using System.Threading;

                sealed class Pump
                {
                    private bool _running = true;
                    private int _spins;

                    public void Loop()
                    {
                        while ([|_running|])
                        {
                            _spins++;
                        }
                    }

                    public void Shutdown()
                    {
                        [|_running = false|];
                    }
                }

                sealed class Host
                {
                    private readonly Pump _pump = new Pump();

                    public void Open()
                    {
                        new Thread(_pump.Loop) { IsBackground = true }.Start();
                    }

                    public void Close()
                    {
                        _pump.Shutdown();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_WorkerObjectLoopRunWhereItIsCalled()
        {
            const string source = """
                using System.Threading;

                sealed class Pump
                {
                    private bool _running = true;
                    private int _spins;

                    public void Loop()
                    {
                        while (_running)
                        {
                            _spins++;
                        }
                    }

                    public void Shutdown()
                    {
                        _running = false;
                    }
                }

                sealed class Host
                {
                    private readonly Pump _pump = new Pump();

                    public void Open()
                    {
                        _pump.Loop();
                    }

                    public void Close()
                    {
                        _pump.Shutdown();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_FlagReadThroughALocalThatHoldsThis()
        {
            const string source = """
                using System.Threading.Tasks;

                sealed class Listener
                {
                    private bool _listening;
                    private int _accepted;

                    public void Start()
                    {
                        _listening = true;
                        var self = this;
                        Task.Run(() =>
                        {
                            while ([|self._listening|])
                            {
                                self._accepted++;
                            }
                        });
                    }

                    public void Stop()
                    {
                        [|_listening = false|];
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_VolatileFlagReadThroughALocalThatHoldsThis()
        {
            const string source = """
                using System.Threading.Tasks;

                sealed class Listener
                {
                    private volatile bool _listening;
                    private int _accepted;

                    public void Start()
                    {
                        _listening = true;
                        var self = this;
                        Task.Run(() =>
                        {
                            while (self._listening)
                            {
                                self._accepted++;
                            }
                        });
                    }

                    public void Stop()
                    {
                        _listening = false;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
