using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.InconsistentSynchronizationRule>;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// State that the helpers of one region use: a chat server's connection handler, started per client, calls HandleLogin
    /// and HandleLogout, which lock the authenticated users, and HandleMessage, which reads them without the lock. The
    /// helpers count as members of their own; one locking helper beside the reader is no policy yet.
    /// </summary>
    public partial class RG0007InconsistentSynchronizationTests
    {
        private const string ChatServer = """
            using System;
            using System.Collections.Generic;
            using System.Net.Sockets;
            using System.Text;
            using System.Threading.Tasks;

            public sealed class ChatServer
            {
                private readonly object _authLock = new();
                private readonly Dictionary<string, string> _authenticated = new();
                private readonly TcpListener _listener = new(System.Net.IPAddress.Loopback, 5000);

                public async Task RunAsync()
                {
                    _listener.Start();
                    while (true)
                    {
                        var client = await _listener.AcceptTcpClientAsync();
                        _ = Task.Run(() => HandleClientAsync(client));
                    }
                }

                private async Task HandleClientAsync(TcpClient client)
                {
                    var id = Guid.NewGuid().ToString();
                    var buffer = new byte[1024];
                    var stream = client.GetStream();
                    int n;
                    while ((n = await stream.ReadAsync(buffer)) > 0)
                    {
                        var line = Encoding.UTF8.GetString(buffer, 0, n).Trim();
                        if (line.StartsWith("LOGIN ")) HandleLogin(id, line.Substring(6));
                        else if (line == "LOGOUT") HandleLogout(id);
                        else HandleMessage(id, line);
                    }
                }

                private void HandleLogin(string id, string user)
                {
                    lock (_authLock) { _authenticated[id] = user; }
                }

                private void HandleLogout(string id)
                {
                    lock (_authLock) { _authenticated.Remove(id); }
                }

                private void HandleMessage(string id, string text)
                {
                    READ
                    Console.WriteLine(user + ": " + text);
                }
            }
            """;

        [Fact]
        public async Task Reports_ChatServerHandlerReadingTheUsersOtherHandlersLock()
        {
            var source = ChatServer.Replace("READ", """
                if (!{|#0:_authenticated|}.TryGetValue(id, out var user)) return;
                """);

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments(
                    "_authenticated",
                    "Dictionary<string, string>",
                    "read by a Task.Run lambda",
                    "the lock '_authLock'",
                    "2 of its 2 other accesses",
                    "take it here too"));
        }

        [Fact]
        public async Task Fix_ChatServerHandlerTakesTheLockOfTheOtherHandlers()
        {
            var source = ChatServer.Replace("READ", """
                if (!{|RG0007:_authenticated|}.TryGetValue(id, out var user)) return;
                """);
            var fixedSource = ChatServer.Replace("READ", """
                string user;
                        lock (_authLock)
                        {
                            if (!_authenticated.TryGetValue(id, out user)) return;
                        }
                """);

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Silent_ChatServerHandlerReadingTheUsersUnderTheLock()
        {
            var source = ChatServer.Replace("READ", """
                string? user;
                        lock (_authLock)
                        {
                            if (!_authenticated.TryGetValue(id, out user)) return;
                        }
                """);

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_OneLockingHelperBesideTheReader()
        {
            // Only HandleLogin locks (HandleLogout is gone): one method taking the lock is no policy of the type yet.
            var source = ChatServer
                .Replace("""else if (line == "LOGOUT") HandleLogout(id);""", string.Empty)
                .Replace("""
                    private void HandleLogout(string id)
                    {
                        lock (_authLock) { _authenticated.Remove(id); }
                    }

                """, string.Empty)
                .Replace("READ", """
                if (!_authenticated.TryGetValue(id, out var user)) return;
                """);
            Assert.DoesNotContain("HandleLogout", source);

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
