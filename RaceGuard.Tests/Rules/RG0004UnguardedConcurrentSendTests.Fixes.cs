using System.Threading.Tasks;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseSendSemaphoreCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0004 "Guard sends with SemaphoreSlim": exact fixed code, one semaphore per target, reuse, Fix All.</summary>
    public partial class RG0004UnguardedConcurrentSendTests
    {
        [Fact]
        public async Task Fix_HeartbeatAndMainSendsShareANewSemaphoreWithTheSendsToken()
        {
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Text;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class ChatClient
                {
                    private readonly ClientWebSocket _socket = new ClientWebSocket();

                    public async Task RunAsync(CancellationToken cancellationToken)
                    {
                        var heartbeat = Task.Run(async () =>
                        {
                            while (!cancellationToken.IsCancellationRequested)
                            {
                                await {|RG0004:_socket.SendAsync(Encoding.UTF8.GetBytes("ping"), WebSocketMessageType.Text, true, cancellationToken)|};
                                await Task.Delay(1000, cancellationToken);
                            }
                        });

                        for (var i = 0; i < 10; i++)
                        {
                            await {|RG0004:_socket.SendAsync(Encoding.UTF8.GetBytes("message " + i), WebSocketMessageType.Text, true, cancellationToken)|};
                        }

                        await heartbeat;
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Net.WebSockets;
                using System.Text;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class ChatClient
                {
                    private readonly ClientWebSocket _socket = new ClientWebSocket();
                    private readonly SemaphoreSlim _socketSendLock = new(1, 1);

                    public async Task RunAsync(CancellationToken cancellationToken)
                    {
                        var heartbeat = Task.Run(async () =>
                        {
                            while (!cancellationToken.IsCancellationRequested)
                            {
                                await _socketSendLock.WaitAsync(cancellationToken);
                                try
                                {
                                    await _socket.SendAsync(Encoding.UTF8.GetBytes("ping"), WebSocketMessageType.Text, true, cancellationToken);
                                }
                                finally
                                {
                                    _socketSendLock.Release();
                                }

                                await Task.Delay(1000, cancellationToken);
                            }
                        });

                        for (var i = 0; i < 10; i++)
                        {
                            await _socketSendLock.WaitAsync(cancellationToken);
                            try
                            {
                                await _socket.SendAsync(Encoding.UTF8.GetBytes("message " + i), WebSocketMessageType.Text, true, cancellationToken);
                            }
                            finally
                            {
                                _socketSendLock.Release();
                            }
                        }

                        await heartbeat;
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_ReusesTheSemaphoreThatGuardsTheOtherSendsAndMakesTheReturnedSendAsync()
        {
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Connection : IDisposable
                {
                    private readonly ClientWebSocket _socket = new ClientWebSocket();
                    private readonly SemaphoreSlim _sendLock = new SemaphoreSlim(1, 1);

                    public async Task SendAsync(ArraySegment<byte> message, CancellationToken cancellationToken)
                    {
                        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                        try
                        {
                            await _socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
                        }
                        finally
                        {
                            _sendLock.Release();
                        }
                    }

                    public Task SendPingAsync(CancellationToken cancellationToken) =>
                        {|RG0004:_socket.SendAsync(new ArraySegment<byte>(new byte[] { 1 }), WebSocketMessageType.Binary, true, cancellationToken)|};

                    public async Task CloseAsync()
                    {
                        await {|RG0004:_socket.SendAsync(new ArraySegment<byte>(new byte[] { 0 }), WebSocketMessageType.Binary, true, CancellationToken.None)|}.ConfigureAwait(false);
                        await {|RG0004:_socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None)|}.ConfigureAwait(false);
                    }

                    public void Dispose() => _socket.Dispose();
                }
                """;
            const string fixedSource = """
                using System;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Connection : IDisposable
                {
                    private readonly ClientWebSocket _socket = new ClientWebSocket();
                    private readonly SemaphoreSlim _sendLock = new SemaphoreSlim(1, 1);

                    public async Task SendAsync(ArraySegment<byte> message, CancellationToken cancellationToken)
                    {
                        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                        try
                        {
                            await _socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
                        }
                        finally
                        {
                            _sendLock.Release();
                        }
                    }

                    public async Task SendPingAsync(CancellationToken cancellationToken)
                    {
                        await _sendLock.WaitAsync(cancellationToken);
                        try
                        {
                            await _socket.SendAsync(new ArraySegment<byte>(new byte[] { 1 }), WebSocketMessageType.Binary, true, cancellationToken);
                        }
                        finally
                        {
                            _sendLock.Release();
                        }
                    }

                    public async Task CloseAsync()
                    {
                        await _sendLock.WaitAsync().ConfigureAwait(false);
                        try
                        {
                            await _socket.SendAsync(new ArraySegment<byte>(new byte[] { 0 }), WebSocketMessageType.Binary, true, CancellationToken.None).ConfigureAwait(false);
                        }
                        finally
                        {
                            _sendLock.Release();
                        }

                        await _sendLock.WaitAsync().ConfigureAwait(false);
                        try
                        {
                            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).ConfigureAwait(false);
                        }
                        finally
                        {
                            _sendLock.Release();
                        }
                    }

                    public void Dispose() => _socket.Dispose();
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_SyncSendsInAParallelBodyUseWait()
        {
            const string source = """
                using System.Net.Sockets;
                using System.Threading.Tasks;

                class C
                {
                    void Broadcast(Socket socket, byte[][] packets)
                    {
                        Parallel.ForEach(packets, packet => {|RG0004:socket.Send(packet)|});
                    }
                }
                """;
            const string fixedSource = """
                using System.Net.Sockets;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    void Broadcast(Socket socket, byte[][] packets)
                    {
                        var socketSendLock = new SemaphoreSlim(1, 1);
                        Parallel.ForEach(packets, packet =>
                        {
                            socketSendLock.Wait();
                            try
                            {
                                socket.Send(packet);
                            }
                            finally
                            {
                                socketSendLock.Release();
                            }
                        });
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_FixAllGuardsThreeSendSitesWithOneSemaphore()
        {
            const string source = """
                using System.IO;
                using System.Threading;

                public sealed class Journal
                {
                    private readonly Stream _stream;

                    public Journal(Stream stream)
                    {
                        _stream = stream;
                        new Thread(() =>
                        {
                            while (true)
                            {
                                Thread.Sleep(1000);
                                {|RG0004:_stream.WriteByte(0)|};
                            }
                        }).Start();
                    }

                    public void Record(byte[] line)
                    {
                        {|RG0004:_stream.Write(line, 0, line.Length)|};
                        {|RG0004:_stream.Flush()|};
                    }
                }
                """;
            const string fixedSource = """
                using System.IO;
                using System.Threading;

                public sealed class Journal
                {
                    private readonly Stream _stream;
                    private readonly SemaphoreSlim _streamSendLock = new(1, 1);

                    public Journal(Stream stream)
                    {
                        _stream = stream;
                        new Thread(() =>
                        {
                            while (true)
                            {
                                Thread.Sleep(1000);
                                _streamSendLock.Wait();
                                try
                                {
                                    _stream.WriteByte(0);
                                }
                                finally
                                {
                                    _streamSendLock.Release();
                                }
                            }
                        }).Start();
                    }

                    public void Record(byte[] line)
                    {
                        _streamSendLock.Wait();
                        try
                        {
                            _stream.Write(line, 0, line.Length);
                        }
                        finally
                        {
                            _streamSendLock.Release();
                        }

                        _streamSendLock.Wait();
                        try
                        {
                            _stream.Flush();
                        }
                        finally
                        {
                            _streamSendLock.Release();
                        }
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_DeclarationKeepsItsVariableAndAReturnedValueTaskIsAwaited()
        {
            const string source = """
                using System;
                using System.Net.Sockets;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Sender
                {
                    private readonly Socket _socket;
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private int _sent;

                    public Sender(Socket socket) => _socket = socket;

                    public async Task SendAsync(byte[] data, CancellationToken token)
                    {
                        await _gate.WaitAsync(token);
                        try
                        {
                            _sent = 0;
                        }
                        finally
                        {
                            _gate.Release();
                        }

                        var sent = await {|RG0004:_socket.SendAsync(data, SocketFlags.None, token)|};
                        Console.WriteLine(sent);
                    }

                    public ValueTask<int> SendRawAsync(ReadOnlyMemory<byte> data, CancellationToken token) => {|RG0004:_socket.SendAsync(data, SocketFlags.None, token)|};
                }
                """;
            const string fixedSource = """
                using System;
                using System.Net.Sockets;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Sender
                {
                    private readonly Socket _socket;
                    private readonly SemaphoreSlim _socketSendLock = new(1, 1);
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private int _sent;

                    public Sender(Socket socket) => _socket = socket;

                    public async Task SendAsync(byte[] data, CancellationToken token)
                    {
                        await _gate.WaitAsync(token);
                        try
                        {
                            _sent = 0;
                        }
                        finally
                        {
                            _gate.Release();
                        }

                        int sent;
                        await _socketSendLock.WaitAsync(token);
                        try
                        {
                            sent = await _socket.SendAsync(data, SocketFlags.None, token);
                        }
                        finally
                        {
                            _socketSendLock.Release();
                        }

                        Console.WriteLine(sent);
                    }

                    public async ValueTask<int> SendRawAsync(ReadOnlyMemory<byte> data, CancellationToken token)
                    {
                        await _socketSendLock.WaitAsync(token);
                        try
                        {
                            return await _socket.SendAsync(data, SocketFlags.None, token);
                        }
                        finally
                        {
                            _socketSendLock.Release();
                        }
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_NotOfferedForASendNobodyAwaits()
        {
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    void Flood(WebSocket socket, ArraySegment<byte>[] messages)
                    {
                        Parallel.ForEach(messages, message =>
                        {
                            _ = {|RG0004:socket.SendAsync(message, WebSocketMessageType.Binary, true, CancellationToken.None)|};
                        });
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, source);
        }
    }
}
