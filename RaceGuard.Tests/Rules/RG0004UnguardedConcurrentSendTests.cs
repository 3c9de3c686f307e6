using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnguardedConcurrentSendRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0004 positives: every target kind and every way two sends meet.</summary>
    public partial class RG0004UnguardedConcurrentSendTests
    {
        [Fact]
        public async Task Reports_HeartbeatLoopAndMainThreadSendingOnOneClientWebSocket()
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
                        await _socket.ConnectAsync(new Uri("wss://chat.example"), cancellationToken);
                        var heartbeat = Task.Run(async () =>
                        {
                            while (!cancellationToken.IsCancellationRequested)
                            {
                                await {|#0:_socket.SendAsync(Encoding.UTF8.GetBytes("ping"), WebSocketMessageType.Text, true, cancellationToken)|};
                                await Task.Delay(1000, cancellationToken);
                            }
                        });

                        for (var i = 0; i < 10; i++)
                        {
                            await {|#1:_socket.SendAsync(Encoding.UTF8.GetBytes("message " + i), WebSocketMessageType.Text, true, cancellationToken)|};
                        }

                        await heartbeat;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0004").WithLocation(0).WithArguments(
                    "_socket",
                    "ClientWebSocket",
                    "sent on by a Task.Run lambda",
                    "RunAsync() may send on it",
                    "it takes one send at a time",
                    "one SemaphoreSlim(1, 1)"),
                VerifyCS.Diagnostic("RG0004").WithLocation(1).WithArguments(
                    "_socket",
                    "ClientWebSocket",
                    "sent on in RunAsync()",
                    "a Task.Run lambda may send on it",
                    "it takes one send at a time",
                    "one SemaphoreSlim(1, 1)"));
        }

        [Fact]
        public async Task Reports_TimerHeartbeatAgainstAPublicSendOnAWebSocket()
        {
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Connection : IDisposable
                {
                    private readonly WebSocket _webSocket;
                    private readonly Timer _heartbeat;

                    public Connection(WebSocket webSocket)
                    {
                        _webSocket = webSocket;
                        _heartbeat = new Timer(_ => Ping(), null, 1000, 1000);
                    }

                    public Task SendAsync(ArraySegment<byte> message) =>
                        [|_webSocket.SendAsync(message, WebSocketMessageType.Binary, true, CancellationToken.None)|];

                    public void Dispose() => _heartbeat.Dispose();

                    private void Ping() =>
                        [|_webSocket.SendAsync(new ArraySegment<byte>(new byte[] { 9 }), WebSocketMessageType.Binary, true, CancellationToken.None)|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ParallelForEachSendingOnOneSocket()
        {
            const string source = """
                using System.Net.Sockets;
                using System.Threading.Tasks;

                class C
                {
                    void Broadcast(Socket socket, byte[][] packets)
                    {
                        Parallel.ForEach(packets, packet => [|socket.Send(packet)|]);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_SelectAsyncFanOutWritingToOneNetworkStream()
        {
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
                            await Task.Yield();
                            await [|stream.WriteAsync(frame, 0, frame.Length)|];
                        }));
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_SslStreamWrittenByAReceiveLoopAcknowledgementAndAPublicSend()
        {
            const string source = """
                using System.Net.Security;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class TlsChannel
                {
                    private readonly SslStream _stream;
                    private readonly SemaphoreSlim _sendLock = new SemaphoreSlim(1, 1);

                    public TlsChannel(SslStream stream) => _stream = stream;

                    public async Task SendAsync(byte[] payload)
                    {
                        await _sendLock.WaitAsync();
                        try
                        {
                            await _stream.WriteAsync(payload, 0, payload.Length);
                        }
                        finally
                        {
                            _sendLock.Release();
                        }
                    }

                    public async Task ReceiveLoopAsync()
                    {
                        var buffer = new byte[4096];
                        while (await _stream.ReadAsync(buffer, 0, buffer.Length) > 0)
                        {
                            await {|#0:_stream.WriteAsync(new byte[] { 6 }, 0, 1)|};
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0004").WithLocation(0).WithArguments(
                    "_stream",
                    "SslStream",
                    "written to in ReceiveLoopAsync()",
                    "SendAsync() may send on it",
                    "it takes one send at a time",
                    "the semaphore '_sendLock'"));
        }

        [Fact]
        public async Task Reports_PipeWriterWrittenFromTwoTasks()
        {
            const string source = """
                using System.IO.Pipelines;
                using System.Threading.Tasks;

                class C
                {
                    async Task Pump(PipeWriter writer, byte[] a, byte[] b)
                    {
                        var first = Task.Run(async () => await [|writer.WriteAsync(a)|]);
                        var second = Task.Run(async () => await [|writer.WriteAsync(b)|]);
                        await Task.WhenAll(first, second);
                    }
                }
                """;

            // PipeWriter ships with ASP.NET Core's shared framework.
            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore80);
            await test.RunAsync();
        }

        [Fact]
        public async Task Reports_StreamWriterFieldWrittenByAThreadAndAPublicMember()
        {
            const string source = """
                using System.IO;
                using System.Threading;

                public sealed class Journal
                {
                    private readonly StreamWriter _writer;

                    public Journal(Stream stream)
                    {
                        _writer = new StreamWriter(stream);
                        new Thread(() =>
                        {
                            while (true)
                            {
                                Thread.Sleep(1000);
                                [|_writer.WriteLine("tick")|];
                            }
                        }).Start();
                    }

                    public void Record(string line) => [|_writer.WriteLine(line)|];
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_SendStartedInALoopWithoutAwaitOnOneWebSocket()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Flood(WebSocket socket, IEnumerable<ArraySegment<byte>> messages)
                    {
                        var sends = new List<Task>();
                        foreach (var message in messages)
                        {
                            sends.Add(Task.Run(() => [|socket.SendAsync(message, WebSocketMessageType.Binary, true, CancellationToken.None)|]));
                        }

                        await Task.WhenAll(sends);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ConnectionWhosePingBypassesTheSendSemaphore()
        {
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Connection
                {
                    private readonly ClientWebSocket _socket = new ClientWebSocket();
                    private readonly SemaphoreSlim _sendLock = new SemaphoreSlim(1, 1);

                    public async Task SendAsync(ArraySegment<byte> message, CancellationToken cancellationToken)
                    {
                        await _sendLock.WaitAsync(cancellationToken);
                        try
                        {
                            await _socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken);
                        }
                        finally
                        {
                            _sendLock.Release();
                        }
                    }

                    public Task SendPingAsync(CancellationToken cancellationToken) =>
                        [|_socket.SendAsync(new ArraySegment<byte>(new byte[] { 1 }), WebSocketMessageType.Binary, true, cancellationToken)|];

                    public async Task CloseAsync()
                    {
                        await [|_socket.SendAsync(new ArraySegment<byte>(new byte[] { 0 }), WebSocketMessageType.Binary, true, CancellationToken.None)|];
                        await [|_socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None)|];
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_MiddlewareWritingToASharedLogStream()
        {
            const string source = """
                using System.IO;
                using System.Text;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class AuditMiddleware
                {
                    private readonly RequestDelegate _next;
                    private readonly FileStream _audit = new FileStream("audit.log", FileMode.Append);

                    public AuditMiddleware(RequestDelegate next) => _next = next;

                    public async Task InvokeAsync(HttpContext context)
                    {
                        var line = Encoding.UTF8.GetBytes(context.Request.Path + "\n");
                        await [|_audit.WriteAsync(line, 0, line.Length)|];
                        await _next(context);
                    }
                }
                """;

            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore80);
            await test.RunAsync();
        }

        [Fact]
        public async Task Reports_BinaryWriterUsedByParallelInvokeActions()
        {
            const string source = """
                using System.IO;
                using System.Threading.Tasks;

                class C
                {
                    void Save(BinaryWriter writer, int[] left, int[] right)
                    {
                        Parallel.Invoke(
                            () => { foreach (var x in left) [|writer.Write(x)|]; },
                            () => { foreach (var x in right) [|writer.Write(x)|]; });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ThreadPoolWorkItemFlushingWhileTheStarterWrites()
        {
            const string source = """
                using System.IO;
                using System.Threading;

                class C
                {
                    void Run(Stream output, byte[] data)
                    {
                        using var done = new ManualResetEventSlim();
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            [|output.Flush()|];
                            done.Set();
                        });
                        [|output.Write(data, 0, data.Length)|];
                        done.Wait();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_SendsUnderAThrottlingSemaphoreWithSeveralSlots()
        {
            const string source = """
                using System;
                using System.Linq;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly SemaphoreSlim _throttle = new SemaphoreSlim(4);

                    async Task Publish(ClientWebSocket socket, ArraySegment<byte>[] messages)
                    {
                        await Task.WhenAll(messages.Select(async message =>
                        {
                            await _throttle.WaitAsync();
                            try
                            {
                                await [|socket.SendAsync(message, WebSocketMessageType.Binary, true, CancellationToken.None)|];
                            }
                            finally
                            {
                                _throttle.Release();
                            }
                        }));
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_PropertyChainTargetReachedThroughAHelper()
        {
            const string source = """
                using System.Net.Sockets;
                using System.Threading.Tasks;

                public sealed class Link
                {
                    public Link(NetworkStream stream) => Stream = stream;

                    public NetworkStream Stream { get; }
                }

                class Relay
                {
                    private readonly Link _link;

                    public Relay(Link link) => _link = link;

                    public async Task ForwardAsync(byte[] up, byte[] down)
                    {
                        var a = Task.Run(() => Write(_link.Stream, up));
                        var b = Task.Run(() => Write(_link.Stream, down));
                        await Task.WhenAll(a, b);
                    }

                    private static void Write(NetworkStream stream, byte[] data) => {|#0:stream.Write(data, 0, data.Length)|};
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0004").WithLocation(0).WithArguments(
                    "_link.Stream",
                    "NetworkStream",
                    "written to by a Task.Run lambda",
                    "another run may send on it",
                    "it takes one send at a time",
                    "one SemaphoreSlim(1, 1)"));
        }
    }
}
