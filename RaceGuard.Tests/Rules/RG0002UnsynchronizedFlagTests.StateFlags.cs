using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnsynchronizedFlagRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0002 on the tests real code writes besides <c>if (_flag)</c>: enum and int state fields used as on/off flags
    /// (<c>if (_state == State.Running) return;</c>), comparisons with a constant (<c>_connected == false</c>), a flag
    /// that is one operand of <c>||</c> (<c>if (_disposed || _busy) return;</c>), and a fast path that tests a flag
    /// before the lock without testing it again under it; each with its near miss.
    /// </summary>
    public partial class RG0002UnsynchronizedFlagTests
    {
        private const string TestAndSetAdvice = "both may pass the check; use Interlocked.CompareExchange on an int, or a lock";

        private const string EnumCollector = """
            using System.Collections.Generic;

            public enum CollectorState { Idle, Running, Stopped }

            public sealed class MetricsCollector
            {
                private readonly object _gate = new object();
                private readonly List<string> _sinks = new List<string>();
                private CollectorState _state;

                public void Start()
                {
                    if ({|#0:_state|} == CollectorState.Running)
                    {
                        return;
                    }

                    {|#1:_state = CollectorState.Running|};
                    lock (_gate)
                    {
                        _sinks.Add("console");
                    }
                }

                public void Stop() => _state = CollectorState.Stopped;
            }
            """;

        [Fact]
        public async Task Reports_EnumStateTestedAndSetInAStartOfAThreadSafeType()
        {
            const string detail = "checked and then set in Start() while another call may change it";
            await VerifyCS.VerifyAnalyzerAsync(
                EnumCollector,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments("_state", "CollectorState", detail, TestAndSetAdvice),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments("_state", "CollectorState", detail, TestAndSetAdvice));
        }

        [Fact]
        public async Task NoDiagnostic_EnumStateTestedAndSetUnderTheLock()
        {
            var source = EnumCollector
                .Edit("""
                        if ({|#0:_state|} == CollectorState.Running)
                        {
                            return;
                        }

                        {|#1:_state = CollectorState.Running|};
                        lock (_gate)
                        {
                """, """
                        lock (_gate)
                        {
                            if (_state == CollectorState.Running)
                            {
                                return;
                            }

                            _state = CollectorState.Running;
                """)
                .Edit("public void Stop() => _state = CollectorState.Stopped;", "public void Stop() { lock (_gate) { _state = CollectorState.Stopped; } }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_EnumStateSetToAValueThatStillPassesTheCheck()
        {
            // Start() stores Idle, which the next caller's check lets in again: nothing is claimed, nothing to lose.
            var source = EnumCollector.Edit("{|#1:_state = CollectorState.Running|};", "_state = CollectorState.Idle;");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_FlagComparedWithFalseThenSet()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Connector
                {
                    private readonly object _gate = new object();
                    private readonly Queue<string> _outbox = new Queue<string>();
                    private bool _connected;

                    public void Connect()
                    {
                        if ({|#0:_connected|} == false)
                        {
                            {|#1:_connected = true|};
                            lock (_gate)
                            {
                                _outbox.Enqueue("HELLO");
                            }
                        }
                    }
                }
                """;

            const string detail = "checked and then set in Connect() while another call may change it";
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments("_connected", "bool", detail, TestAndSetAdvice),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments("_connected", "bool", detail, TestAndSetAdvice));
        }

        private const string RelayTimer = """
            using System;
            using System.Threading;

            public sealed class OutboxRelay : IDisposable
            {
                private readonly Timer _timer;
                private bool _relaying;
                private bool _disposed;

                public OutboxRelay()
                {
                    _timer = new Timer(OnTick, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
                }

                private void OnTick(object? state)
                {
                    if ({|#2:_disposed|} || {|#0:_relaying|})
                    {
                        return;
                    }

                    {|#1:_relaying = true|};
                    try
                    {
                        Console.WriteLine("relaying");
                    }
                    finally
                    {
                        _relaying = false;
                    }
                }

                public void Dispose()
                {
                    _disposed = true;
                    _timer.Dispose();
                }
            }
            """;

        [Fact]
        public async Task Reports_BusyFlagThatIsOneOperandOfAnOrInATimerCallback()
        {
            const string detail = "checked and then set by the Timer callback 'OnTick' while another run may change it";
            await VerifyCS.VerifyAnalyzerAsync(
                RelayTimer,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments("_relaying", "bool", detail, TestAndSetAdvice),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments("_relaying", "bool", detail, TestAndSetAdvice),
                VerifyCS.Diagnostic("RG0002").WithLocation(2).WithArguments("_disposed", "bool", "checked by the Timer callback 'OnTick' while Dispose() may set it on another thread", "the tick may run after it; use Volatile or a lock"));
        }

        [Fact]
        public async Task Reports_EnumStatusCheckedThenStartingTheThreadThatSetsIt()
        {
            const string source = """
                using System;
                using System.Threading;

                public enum ServerStatus { Stopped, Listening }

                public sealed class ChatServer
                {
                    private ServerStatus _status;
                    private Thread? _listener;

                    public void Start()
                    {
                        if ({|#0:_status|} == ServerStatus.Listening)
                        {
                            return;
                        }

                        _listener = new Thread(Listen) { IsBackground = true };
                        _listener.Start();
                    }

                    private void Listen()
                    {
                        _status = ServerStatus.Listening;
                        Console.WriteLine("listening");
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_status", "ServerStatus", "checked in Start() but set only by the thread procedure 'Listen' it starts", "two calls may both start it; set it at the check with Interlocked"));
        }

        [Fact]
        public async Task NoDiagnostic_EnumStatusSetAtTheCheckBeforeTheThreadStarts()
        {
            const string source = """
                using System;
                using System.Threading;

                public enum ServerStatus { Stopped, Listening }

                public sealed class ChatServer
                {
                    private readonly object _gate = new object();
                    private ServerStatus _status;
                    private Thread? _listener;

                    public void Start()
                    {
                        lock (_gate)
                        {
                            if (_status == ServerStatus.Listening)
                            {
                                return;
                            }

                            _status = ServerStatus.Listening;
                        }

                        _listener = new Thread(Listen) { IsBackground = true };
                        _listener.Start();
                    }

                    private void Listen() => Console.WriteLine("listening");
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string LazyTable = """
            using System.Collections.Generic;
            using System.IO;

            public sealed class StringTable
            {
                private readonly object _loadLock = new object();
                private readonly string _file;
                private Dictionary<string, string> _strings = new Dictionary<string, string>();
                private bool _loaded;

                public StringTable(string file) => _file = file;

                public string Lookup(string key)
                {
                    if (!{|#0:_loaded|})
                    {
                        lock (_loadLock)
                        {
                            var table = new Dictionary<string, string>();
                            foreach (var line in File.ReadLines(_file))
                            {
                                table[line] = line;
                            }

                            _strings = table;
                            _loaded = true;
                        }
                    }

                    return _strings.TryGetValue(key, out var value) ? value : key;
                }
            }
            """;

        [Fact]
        public async Task Reports_FastPathThatDoesNotTestTheFlagAgainUnderTheLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                LazyTable,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "_loaded", "bool", "tested in Lookup() before the lock '_loadLock', not again under it", "use Volatile and re-test it under the lock"));
        }

        [Fact]
        public async Task NoDiagnostic_FastPathThatTestsTheFlagAgainUnderTheLock()
        {
            var source = LazyTable.Edit(
                "var table = new Dictionary<string, string>();",
                "if (_loaded) { return _strings.TryGetValue(key, out var cached) ? cached : key; }\nvar table = new Dictionary<string, string>();");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
