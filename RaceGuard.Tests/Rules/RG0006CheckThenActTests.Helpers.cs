using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.CheckThenActRule>;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseAtomicDictionaryCallCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0006: the act in a helper the checking member calls with the checked key (RULES.md, RG0006 shapes); the helper's
    /// parameter is the caller's key. Near misses: the helper called with another key, an atomic act in the helper.
    /// </summary>
    public partial class RG0006CheckThenActTests
    {
        private const string ClientRegistry = """
            using System;
            using System.Collections.Concurrent;
            using System.Net.WebSockets;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class ClientRegistry
            {
                private readonly ConcurrentDictionary<string, ClientWebSocket> _clients = new ConcurrentDictionary<string, ClientWebSocket>();

                public async Task ConnectAsync(string id, Uri uri)
                {
                    if (_clients.ContainsKey(id))
                    {
                        return;
                    }

                    var socket = new ClientWebSocket();
                    await socket.ConnectAsync(uri, CancellationToken.None);
                    Register(id, socket);
                }

                private void Register(string clientId, ClientWebSocket socket)
                {
                    {|#0:_clients[clientId] = socket|};
                    Console.WriteLine("registered " + clientId);
                }
            }
            """;

        [Fact]
        public async Task Reports_ActInAHelperCalledWithTheCheckedKey()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                ClientRegistry,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_clients",
                    "ConcurrentDictionary<string, ClientWebSocket>",
                    "checked with ContainsKey() and then changed with the indexer in Register(), not atomically",
                    "TryAdd"));
        }

        [Fact]
        public async Task NoFix_ActInAHelper()
        {
            // The atomic call would have to replace a check in one method and an act in another: no fix is offered.
            var source = ClientRegistry.Edit("{|#0:_clients[clientId] = socket|}", "{|RG0006:_clients[clientId] = socket|}");
            await VerifyFix.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task NoDiagnostic_HelperCalledWithAnotherKey()
        {
            var source = ClientRegistry
                .Edit("Register(id, socket);", "Register(id + \"/ws\", socket);")
                .Edit("{|#0:_clients[clientId] = socket|}", "_clients[clientId] = socket");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_HelperThatAddsAtomically()
        {
            var source = ClientRegistry
                .Edit("{|#0:_clients[clientId] = socket|};", "if (!_clients.TryAdd(clientId, socket))\n        {\n            socket.Dispose();\n        }\n");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
