using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnguardedConcurrentSendRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0004 near misses: guarded sends, single writers, sequential sends, different instances, receives.</summary>
    public partial class RG0004UnguardedConcurrentSendTests
    {
        [Fact]
        public async Task Silent_EverySendGuardedByOneSemaphore()
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
                    private readonly SemaphoreSlim _sendLock = new SemaphoreSlim(1, 1);

                    public async Task RunAsync(CancellationToken cancellationToken)
                    {
                        var heartbeat = Task.Run(async () =>
                        {
                            while (!cancellationToken.IsCancellationRequested)
                            {
                                await SendAsync("ping", cancellationToken);
                                await Task.Delay(1000, cancellationToken);
                            }
                        });

                        await SendAsync("hello", cancellationToken);
                        await heartbeat;
                    }

                    private async Task SendAsync(string text, CancellationToken cancellationToken)
                    {
                        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                        try
                        {
                            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
                        }
                        finally
                        {
                            _sendLock.Release();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_DatagramSendsOnOneSocket()
        {
            // SendTo/SendToAsync send one whole datagram each: a socket takes them from many threads at once without
            // interleaving their bytes (Reports_ParallelForEachSendingOnOneSocket is the stream-send counterpart).
            const string source = """
                using System.Linq;
                using System.Net;
                using System.Net.Sockets;
                using System.Threading.Tasks;

                class C
                {
                    void Broadcast(Socket socket, EndPoint peer, byte[][] packets)
                    {
                        Parallel.ForEach(packets, packet => socket.SendTo(packet, peer));
                    }

                    Task Publish(Socket socket, EndPoint peer, byte[][] packets) =>
                        Task.WhenAll(packets.Select(packet => socket.SendToAsync(packet, SocketFlags.None, peer)));
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string CountingStreamSource = """
            using System;
            using System.IO;
            using System.Threading;

            public sealed class CountingStream : Stream
            {
                private readonly Stream _inner;
                private long _written;

                public CountingStream(Stream inner)
                {
                    _inner = inner;
                }

                public long Written => Interlocked.Read(ref _written);

                public override void Write(byte[] buffer, int offset, int count)
                {
                    _inner.Write(buffer, offset, count);
                    Interlocked.Add(ref _written, count);
                }

                public override void Flush() => _inner.Flush();

                public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
                public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
                public override void SetLength(long value) => throw new NotSupportedException();
                public override bool CanRead => false;
                public override bool CanSeek => false;
                public override bool CanWrite => true;
                public override long Length => throw new NotSupportedException();
                public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            }
            """;

        [Fact]
        public async Task Silent_StreamWrapperForwardingItsCallsToTheInnerStream()
        {
            // A stream takes one call at a time; a stream that wraps another keeps that contract for its callers.
            await VerifyCS.VerifyAnalyzerAsync(CountingStreamSource);
        }

        [Fact]
        public async Task Reports_StreamWrapperWhoseOwnTimerFlushesTheInnerStream()
        {
            // The wrapper's own timer is a second writer its callers cannot know of.
            var source = CountingStreamSource
                .Edit("    private long _written;\n", "    private long _written;\n    private readonly Timer _timer;\n")
                .Edit("        _inner = inner;\n", "        _inner = inner;\n        _timer = {|#1:new Timer(_ => {|#2:_inner.Flush()|}, null, 1000, 1000)|};\n")
                .Edit("        _inner.Write(buffer, offset, count);", "        {|#0:_inner.Write(buffer, offset, count)|};")
                .Edit("public override void Flush() => _inner.Flush();", "public override void Flush() => {|#3:_inner.Flush()|};");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0004").WithLocation(2).WithLocation(0).WithLocation(3).WithLocation(1).WithArguments("_inner", "Stream", "written to by the Timer callback", "Write() and others may send on it", "it takes one send at a time", "one SemaphoreSlim(1, 1)"),
                VerifyCS.Diagnostic("RG0004").WithLocation(0).WithLocation(2).WithLocation(1).WithArguments("_inner", "Stream", "written to in Write()", "the Timer callback may send on it", "it takes one send at a time", "one SemaphoreSlim(1, 1)"),
                VerifyCS.Diagnostic("RG0004").WithLocation(3).WithLocation(2).WithLocation(1).WithArguments("_inner", "Stream", "written to in Flush()", "the Timer callback may send on it", "it takes one send at a time", "one SemaphoreSlim(1, 1)"));
        }

        [Fact]
        public async Task Silent_SyncSendsUnderOneLock()
        {
            const string source = """
                using System.Net.Sockets;
                using System.Threading.Tasks;

                class C
                {
                    void Broadcast(Socket socket, byte[][] packets)
                    {
                        var gate = new object();
                        Parallel.ForEach(packets, packet =>
                        {
                            lock (gate)
                            {
                                socket.Send(packet);
                            }
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_SingleWriterDrainingAChannel()
        {
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                public sealed class Connection
                {
                    private readonly WebSocket _socket;
                    private readonly Channel<ArraySegment<byte>> _outgoing = Channel.CreateUnbounded<ArraySegment<byte>>();
                    private readonly Task _writer;

                    public Connection(WebSocket socket)
                    {
                        _socket = socket;
                        _writer = Task.Run(WriteLoopAsync);
                    }

                    public ValueTask SendAsync(ArraySegment<byte> message) => _outgoing.Writer.WriteAsync(message);

                    public void Ping() => _outgoing.Writer.TryWrite(new ArraySegment<byte>(new byte[] { 9 }));

                    private async Task WriteLoopAsync()
                    {
                        await foreach (var message in _outgoing.Reader.ReadAllAsync())
                        {
                            await _socket.SendAsync(message, WebSocketMessageType.Binary, true, CancellationToken.None);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_SingleWriterLoopStartedByAPublicStart()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.IO;
                using System.Threading.Tasks;

                public sealed class Sender
                {
                    private readonly BlockingCollection<byte[]> _queue = new BlockingCollection<byte[]>();
                    private readonly Stream _stream;

                    public Sender(Stream stream) => _stream = stream;

                    public void Start() => Task.Factory.StartNew(() =>
                    {
                        foreach (var frame in _queue.GetConsumingEnumerable())
                        {
                            _stream.Write(frame, 0, frame.Length);
                        }
                    }, TaskCreationOptions.LongRunning);

                    public void Enqueue(byte[] frame) => _queue.Add(frame);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_SendsAwaitedOneAfterAnother()
        {
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Handshake(WebSocket socket, ArraySegment<byte> hello, ArraySegment<byte> auth)
                    {
                        await socket.SendAsync(hello, WebSocketMessageType.Text, true, CancellationToken.None);
                        await socket.SendAsync(auth, WebSocketMessageType.Text, true, CancellationToken.None);
                        await Task.Run(() => socket.SendAsync(auth, WebSocketMessageType.Text, true, CancellationToken.None));
                        await socket.SendAsync(hello, WebSocketMessageType.Text, true, CancellationToken.None);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_DifferentSocketsPerWorker()
        {
            const string source = """
                using System.Net.Sockets;
                using System.Threading.Tasks;

                class C
                {
                    void Probe(string[] hosts, byte[] packet)
                    {
                        Parallel.ForEach(hosts, host =>
                        {
                            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                            socket.Connect(host, 80);
                            socket.Send(packet);
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ReceiveLoopAlongsideOneSender()
        {
            const string source = """
                using System;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    async Task Run(ClientWebSocket socket, ArraySegment<byte> message)
                    {
                        var receive = Task.Run(async () =>
                        {
                            var buffer = new byte[1024];
                            while (socket.State == WebSocketState.Open)
                            {
                                await socket.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None);
                            }
                        });

                        await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
                        await receive;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_SendAfterTheHeartbeatIsJoined()
        {
            const string source = """
                using System.IO;
                using System.Threading.Tasks;

                class C
                {
                    void Run(Stream stream, byte[] data)
                    {
                        var heartbeat = Task.Run(() => stream.WriteByte(0));
                        heartbeat.Wait();
                        stream.Write(data, 0, data.Length);
                        stream.Flush();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_StreamCreatedInsideEachParallelBody()
        {
            const string source = """
                using System.IO;
                using System.Threading.Tasks;

                class C
                {
                    byte[][] Encode(string[] items)
                    {
                        var results = new byte[items.Length][];
                        Parallel.For(0, items.Length, i =>
                        {
                            using var buffer = new MemoryStream();
                            using var writer = new StreamWriter(buffer);
                            writer.Write(items[i]);
                            writer.Flush();
                            results[i] = buffer.ToArray();
                        });
                        return results;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ConsoleOutFromParallelBodies()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                class C
                {
                    void Report(string[] lines)
                    {
                        Parallel.ForEach(lines, line => Console.Out.WriteLine(line));
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TwoConnectionsEachWithItsOwnStream()
        {
            const string source = """
                using System.IO;
                using System.Threading.Tasks;

                public sealed class Link
                {
                    public Stream Stream { get; } = new MemoryStream();
                }

                class C
                {
                    private readonly Link _primary = new Link();
                    private readonly Link _backup = new Link();

                    async Task Mirror(byte[] data)
                    {
                        var a = Task.Run(() => _primary.Stream.Write(data, 0, data.Length));
                        var b = Task.Run(() => _backup.Stream.Write(data, 0, data.Length));
                        await Task.WhenAll(a, b);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TypeWithoutSynchronisationSendingFromPublicMembers()
        {
            const string source = """
                using System.IO;

                public sealed class Framer
                {
                    private readonly Stream _stream;

                    public Framer(Stream stream) => _stream = stream;

                    public void WriteHeader(byte[] header) => _stream.Write(header, 0, header.Length);

                    public void WriteBody(byte[] body)
                    {
                        _stream.Write(body, 0, body.Length);
                        _stream.Flush();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
