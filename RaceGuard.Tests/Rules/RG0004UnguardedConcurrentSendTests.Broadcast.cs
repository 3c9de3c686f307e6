using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnguardedConcurrentSendRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0004: a broadcast to the sockets of a registry the type keeps for concurrent use (RULES.md, RG0004 shapes): every
    /// connection's handler sends to every socket, so two handlers send to one socket at once; and the near misses (a send
    /// guard per peer, a plain list no code locks, a snapshot local).
    /// </summary>
    public partial class RG0004UnguardedConcurrentSendTests
    {
        private const string ChatHub = """
            using System;
            using System.Collections.Concurrent;
            using System.Net.WebSockets;
            using System.Text;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class ChatHub
            {
                private readonly ConcurrentDictionary<Guid, WebSocket> _sockets = new ConcurrentDictionary<Guid, WebSocket>();

                public async Task HandleAsync(WebSocket socket, CancellationToken ct)
                {
                    var id = Guid.NewGuid();
                    _sockets.TryAdd(id, socket);
                    var buffer = new byte[4096];
                    try
                    {
                        while (socket.State == WebSocketState.Open)
                        {
                            var result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), ct);
                            if (result.MessageType == WebSocketMessageType.Close)
                            {
                                break;
                            }

                            await BroadcastAsync(Encoding.UTF8.GetString(buffer, 0, result.Count), ct);
                        }
                    }
                    finally
                    {
                        _sockets.TryRemove(id, out _);
                    }
                }

                private async Task BroadcastAsync(string text, CancellationToken ct)
                {
                    var bytes = Encoding.UTF8.GetBytes(text);
                    foreach (var peer in _sockets.Values)
                    {
                        await {|#0:peer.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, ct)|};
                    }
                }
            }
            """;

        [Fact]
        public async Task Reports_BroadcastToTheSocketsOfAConcurrentRegistry()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                ChatHub,
                VerifyCS.Diagnostic("RG0004").WithLocation(0).WithArguments(
                    "_sockets[…]",
                    "WebSocket",
                    "sent on in BroadcastAsync()",
                    "another call may send on it",
                    "it takes one send at a time",
                    "one SemaphoreSlim(1, 1)"));
        }

        [Fact]
        public async Task NoDiagnostic_BroadcastUnderASendGuardOfTheHub()
        {
            var source = ChatHub
                .Edit("    public async Task HandleAsync", "    private readonly SemaphoreSlim _sendLock = new SemaphoreSlim(1, 1);\n\n    public async Task HandleAsync")
                .Edit(
                    "            await {|#0:peer.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, ct)|};",
                    "            await _sendLock.WaitAsync(ct);\n            try\n            {\n                await peer.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, ct);\n            }\n            finally\n            {\n                _sendLock.Release();\n            }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_BroadcastToASnapshotOfOwnSockets()
        {
            // The loop runs over sockets the call itself received: nothing says two calls share them.
            var source = ChatHub
                .Edit("private async Task BroadcastAsync(string text, CancellationToken ct)", "private static async Task BroadcastAsync(WebSocket[] peers, string text, CancellationToken ct)")
                .Edit("foreach (var peer in _sockets.Values)", "foreach (var peer in peers)")
                .Edit("await BroadcastAsync(Encoding.UTF8.GetString(buffer, 0, result.Count), ct);", "await BroadcastAsync(new[] { socket }, Encoding.UTF8.GetString(buffer, 0, result.Count), ct);")
                .Edit("{|#0:peer.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, ct)|}", "peer.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, ct)");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_BroadcastOverTheEntriesOfTheRegistry()
        {
            var source = ChatHub
                .Edit("foreach (var peer in _sockets.Values)", "foreach (var entry in _sockets)")
                .Edit("{|#0:peer.SendAsync(", "{|#0:entry.Value.SendAsync(");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0004").WithLocation(0).WithArguments(
                    "_sockets[…]", "WebSocket", "sent on in BroadcastAsync()", "another call may send on it", "it takes one send at a time", "one SemaphoreSlim(1, 1)"));
        }

        [Fact]
        public async Task Reports_BroadcastOverACopyOfTheRegistryTakenUnderItsLock()
        {
            // The copy protects the list, not the sockets in it: two handlers still send to one socket at once.
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class ScoreServer
                {
                    private readonly object _gate = new object();
                    private readonly List<WebSocket> _clients = new List<WebSocket>();

                    public async Task ServeAsync(WebSocket socket, byte[] update, CancellationToken ct)
                    {
                        lock (_gate)
                        {
                            _clients.Add(socket);
                        }

                        WebSocket[] targets;
                        lock (_gate)
                        {
                            targets = _clients.ToArray();
                        }

                        foreach (var target in targets)
                        {
                            await {|#0:target.SendAsync(new ArraySegment<byte>(update), WebSocketMessageType.Text, true, ct)|};
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0004").WithLocation(0).WithArguments(
                    "_clients[…]", "WebSocket", "sent on in ServeAsync()", "another call may send on it", "it takes one send at a time", "one SemaphoreSlim(1, 1)"));
        }

        private const string TcpRelay = """
            using System.Collections.Concurrent;
            using System.Net.Sockets;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class TcpRelay
            {
                private readonly ConcurrentDictionary<int, TcpClient> _clients = new ConcurrentDictionary<int, TcpClient>();

                public void Join(int id, TcpClient client) => _clients.TryAdd(id, client);

                public async Task RelayAsync(byte[] line, CancellationToken ct)
                {
                    foreach (var other in _clients.Values)
                    {
                        await {|#0:other.GetStream().WriteAsync(line, 0, line.Length, ct)|};
                    }
                }
            }
            """;

        [Fact]
        public async Task Reports_WritesToTheStreamsOfTcpClientsOfARegistry()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                TcpRelay,
                VerifyCS.Diagnostic("RG0004").WithLocation(0).WithArguments(
                    "_clients[…]", "TcpClient", "written to in RelayAsync()", "another call may send on it", "it takes one send at a time", "one SemaphoreSlim(1, 1)"));
        }

        [Fact]
        public async Task NoDiagnostic_WritesToTheStreamOfAClientTheCallOwns()
        {
            var source = TcpRelay
                .Edit("public async Task RelayAsync(byte[] line, CancellationToken ct)", "public static async Task RelayAsync(TcpClient own, byte[] line, CancellationToken ct)")
                .Edit("foreach (var other in _clients.Values)", "foreach (var other in new[] { own })");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
