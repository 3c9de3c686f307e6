using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnguardedConcurrentSendRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0004 shapes of real fixes: a close handshake racing with sends, sends through a local a helper returns, two members
    /// of a type built for concurrent use sending with no guard anywhere; and their near misses.
    /// </summary>
    public partial class RG0004UnguardedConcurrentSendTests
    {
        [Fact]
        public async Task Reports_CloseAsyncRacingWithTheHeartbeatSend()
        {
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class FeedClient : IAsyncDisposable
                {
                    private readonly ClientWebSocket _socket = new ClientWebSocket();
                    private readonly CancellationTokenSource _stop = new CancellationTokenSource();
                    private int _beats;

                    public void Start()
                    {
                        _ = Task.Run(HeartbeatAsync);
                    }

                    private async Task HeartbeatAsync()
                    {
                        while (!_stop.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref _beats);
                            await {|#1:_socket.SendAsync(new ArraySegment<byte>(new byte[] { 9 }), WebSocketMessageType.Binary, true, CancellationToken.None)|};
                            await Task.Delay(1000);
                        }
                    }

                    public async ValueTask DisposeAsync()
                    {
                        _stop.Cancel();
                        await {|#0:_socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None)|};
                    }
                }
                """;

            // The close is named as a close, the send as a send.
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0004").WithLocation(1).WithArguments(
                    "_socket",
                    "ClientWebSocket",
                    "sent on by a Task.Run delegate",
                    "DisposeAsync() may send on it",
                    "it takes one send at a time",
                    "one SemaphoreSlim(1, 1)"),
                VerifyCS.Diagnostic("RG0004").WithLocation(0).WithArguments(
                    "_socket",
                    "ClientWebSocket",
                    "closed here",
                    "a Task.Run delegate 'HeartbeatAsync' may send on it",
                    "it takes one send at a time",
                    "one SemaphoreSlim(1, 1)"));
        }

        [Fact]
        public async Task Silent_CloseAfterTheHeartbeatEnded()
        {
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class FeedClient : IAsyncDisposable
                {
                    private readonly ClientWebSocket _socket = new ClientWebSocket();
                    private readonly CancellationTokenSource _stop = new CancellationTokenSource();
                    private Task _heartbeat = Task.CompletedTask;
                    private int _beats;

                    public void Start()
                    {
                        _heartbeat = Task.Run(HeartbeatAsync);
                    }

                    private async Task HeartbeatAsync()
                    {
                        while (!_stop.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref _beats);
                            await _socket.SendAsync(new ArraySegment<byte>(new byte[] { 9 }), WebSocketMessageType.Binary, true, CancellationToken.None);
                            await Task.Delay(1000);
                        }
                    }

                    public async ValueTask DisposeAsync()
                    {
                        _stop.Cancel();
                        await _heartbeat;
                        await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_SendsThroughTheClientAHelperReturns()
        {
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Text;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Messenger
                {
                    private readonly SemaphoreSlim _connectGate = new SemaphoreSlim(1, 1);
                    private ClientWebSocket _client;

                    private async Task<ClientWebSocket> GetClientAsync()
                    {
                        await _connectGate.WaitAsync();
                        try
                        {
                            if (_client == null)
                            {
                                _client = new ClientWebSocket();
                                await _client.ConnectAsync(new Uri("wss://example.org"), CancellationToken.None);
                            }

                            return _client;
                        }
                        finally
                        {
                            _connectGate.Release();
                        }
                    }

                    public async Task SubscribeAsync(string topic)
                    {
                        var client = await GetClientAsync();
                        await {|RG0004:client.SendAsync(new ArraySegment<byte>(Encoding.UTF8.GetBytes("sub " + topic)), WebSocketMessageType.Text, true, CancellationToken.None)|};
                    }

                    public async Task PublishAsync(string text)
                    {
                        var client = await GetClientAsync().ConfigureAwait(false);
                        await {|RG0004:client.SendAsync(new ArraySegment<byte>(Encoding.UTF8.GetBytes(text)), WebSocketMessageType.Text, true, CancellationToken.None)|};
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_EachCallSendsOnTheClientItMadeItself()
        {
            // The helper makes a new client per call: nothing shared to send on.
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Text;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Messenger
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private int _opened;

                    private async Task<ClientWebSocket> OpenAsync()
                    {
                        var client = new ClientWebSocket();
                        await client.ConnectAsync(new Uri("wss://example.org"), CancellationToken.None);
                        Interlocked.Increment(ref _opened);
                        return client;
                    }

                    public async Task SubscribeAsync(string topic)
                    {
                        var client = await OpenAsync();
                        await client.SendAsync(new ArraySegment<byte>(Encoding.UTF8.GetBytes("sub " + topic)), WebSocketMessageType.Text, true, CancellationToken.None);
                    }

                    public async Task PublishAsync(string text)
                    {
                        var client = await OpenAsync();
                        await client.SendAsync(new ArraySegment<byte>(Encoding.UTF8.GetBytes(text)), WebSocketMessageType.Text, true, CancellationToken.None);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TwoMembersOfATypeThatCountsAtomicallyWritingOneStream()
        {
            // The Interlocked counter shows the type is built for concurrent use; no write to the stream is guarded anywhere.
            const string source = """
                using System.IO;
                using System.Text;
                using System.Threading;

                public sealed class StatsdSink
                {
                    private readonly Stream _stream;
                    private long _bytesSent;

                    public StatsdSink(Stream stream)
                    {
                        _stream = stream;
                    }

                    public long BytesSent => Interlocked.Read(ref _bytesSent);

                    public void Counter(string name, long value)
                    {
                        var bytes = Encoding.ASCII.GetBytes(name + ":" + value + "|c\n");
                        {|RG0004:_stream.Write(bytes, 0, bytes.Length)|};
                        Interlocked.Add(ref _bytesSent, bytes.Length);
                    }

                    public void Gauge(string name, double value)
                    {
                        var bytes = Encoding.ASCII.GetBytes(name + ":" + value + "|g\n");
                        {|RG0004:_stream.Write(bytes, 0, bytes.Length)|};
                        Interlocked.Add(ref _bytesSent, bytes.Length);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TwoMembersWritingOneStreamNearMisses()
        {
            // No evidence of concurrent use at all; and a type whose one write goes through a guard: the guarded write
            // shows the policy, and the rule reports only the unguarded one when it races.
            const string source = """
                using System.IO;
                using System.Text;

                public sealed class PlainSink
                {
                    private readonly Stream _stream;

                    public PlainSink(Stream stream)
                    {
                        _stream = stream;
                    }

                    public void Counter(string name)
                    {
                        var bytes = Encoding.ASCII.GetBytes(name + "|c\n");
                        _stream.Write(bytes, 0, bytes.Length);
                    }

                    public void Gauge(string name)
                    {
                        var bytes = Encoding.ASCII.GetBytes(name + "|g\n");
                        _stream.Write(bytes, 0, bytes.Length);
                    }
                }

                public sealed class GuardedSink
                {
                    private readonly object _write = new object();
                    private readonly Stream _stream;

                    public GuardedSink(Stream stream)
                    {
                        _stream = stream;
                    }

                    public void Counter(string name)
                    {
                        var bytes = Encoding.ASCII.GetBytes(name + "|c\n");
                        lock (_write)
                        {
                            _stream.Write(bytes, 0, bytes.Length);
                        }
                    }

                    public void Gauge(string name)
                    {
                        var bytes = Encoding.ASCII.GetBytes(name + "|g\n");
                        lock (_write)
                        {
                            _stream.Write(bytes, 0, bytes.Length);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_SelectAsyncFanOutWhoseFirstAwaitIsTheSend()
        {
            // The first send is still outstanding when the next lambda starts its own, though each starts synchronously.
            const string source = """
                using System.Linq;
                using System.Net.Sockets;
                using System.Threading.Tasks;

                class C
                {
                    async Task SendAll(NetworkStream stream, byte[][] frames)
                    {
                        await Task.WhenAll(frames.Select(async frame =>
                        {
                            await [|stream.WriteAsync(frame, 0, frame.Length)|];
                        }));
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_SelectAsyncFanOutWhoseSynchronousWriteComesBeforeItsFirstAwait()
        {
            // A synchronous Write before the first await runs to its end in the caller, one lambda after the other.
            const string source = """
                using System.Linq;
                using System.Net.Sockets;
                using System.Threading.Tasks;

                class C
                {
                    async Task SendAll(NetworkStream stream, byte[][] frames)
                    {
                        await Task.WhenAll(frames.Select(async frame =>
                        {
                            stream.Write(frame, 0, frame.Length);
                            await Task.Delay(10);
                        }));
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string ModbusLink = """
            using System;
            using System.Net.Sockets;
            using System.Threading;

            public sealed class ModbusLink : IDisposable
            {
                private readonly TcpClient _client;
                private readonly Timer _poll;

                public ModbusLink(TcpClient client)
                {
                    _client = client;
                    _poll = new Timer(_ => PollRegisters(), null, 1000, 1000);
                }

                private void PollRegisters()
                {
                    var stream = _client.GetStream();
                    {|#0:stream.Write(new byte[] { 0x03, 0x00, 0x01 }, 0, 3)|};
                }

                public void WriteCoil(byte coil)
                {
                    {|#1:_client.GetStream().Write(new byte[] { 0x05, coil }, 0, 2)|};
                }

                public void Dispose() => _poll.Dispose();
            }
            """;

        [Fact]
        public async Task Reports_TcpClientStreamWrittenByATimerAndAPublicMember()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                ModbusLink,
                VerifyCS.Diagnostic("RG0004").WithLocation(0).WithArguments(
                    "_client", "TcpClient", "written to by the Timer callback", "WriteCoil() may send on it", "it takes one send at a time", "one SemaphoreSlim(1, 1)"),
                VerifyCS.Diagnostic("RG0004").WithLocation(1).WithArguments(
                    "_client", "TcpClient", "written to in WriteCoil()", "the Timer callback may send on it", "it takes one send at a time", "one SemaphoreSlim(1, 1)"));
        }

        [Fact]
        public async Task NoDiagnostic_TcpClientStreamWrittenUnderOneLock()
        {
            var source = ModbusLink
                .Edit("private readonly Timer _poll;", "private readonly Timer _poll;\n    private readonly object _wire = new object();")
                .Edit("{|#0:stream.Write(new byte[] { 0x03, 0x00, 0x01 }, 0, 3)|};", "lock (_wire) { stream.Write(new byte[] { 0x03, 0x00, 0x01 }, 0, 3); }")
                .Edit("{|#1:_client.GetStream().Write(new byte[] { 0x05, coil }, 0, 2)|};", "lock (_wire) { _client.GetStream().Write(new byte[] { 0x05, coil }, 0, 2); }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
