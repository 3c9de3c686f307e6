using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.CheckThenActRule>;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseAtomicDictionaryCallCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0006 shapes beyond one member's own code (RULES.md, RG0006 shapes): the act in a helper the checking member calls
    /// with the checked key (the helper's parameter is the caller's key); a check and act on static state in a constructor,
    /// which runs on every thread that creates an instance. Near misses: the helper called with another key, an atomic act
    /// in the helper, instance state in a constructor, a private constructor.
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

        private const string ConstantPool = """
            using System.Collections.Generic;

            public sealed class ConstantPool
            {
                private readonly Dictionary<string, object> _constants = new Dictionary<string, object>();

                public object ValueOf(string name)
                {
                    object constant;
                    lock (_constants)
                    {
                        if (_constants.TryGetValue(name, out constant))
                        {
                            return constant;
                        }

                        constant = Create(name);
                    }

                    return constant;
                }

                private object Create(string name)
                {
                    lock (_constants)
                    {
                        var constant = new object();
                        _constants[name] = constant;
                        return constant;
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_HelperActCalledInsideTheLockOfTheCheck()
        {
            // The helper takes the same lock again (re-entrant): check and act are under one lock block.
            await VerifyCS.VerifyAnalyzerAsync(ConstantPool);
        }

        [Fact]
        public async Task Reports_HelperActCalledAfterTheLockOfTheCheck()
        {
            var source = ConstantPool
                .Edit("\n\n            constant = Create(name);\n        }\n\n        return constant;", "\n        }\n\n        return Create(name);")
                .Edit("_constants[name] = constant;", "{|#0:_constants[name] = constant|};");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_constants",
                    "Dictionary<string, object>",
                    "checked with TryGetValue() and then changed with the indexer in Create(), not atomically",
                    "one lock around both"));
        }

        [Fact]
        public async Task NoFix_HelperActCalledAfterTheLockOfTheCheck()
        {
            // Merging the two lock blocks would have to move code between two methods: no fix is offered.
            var source = ConstantPool
                .Edit("\n\n            constant = Create(name);\n        }\n\n        return constant;", "\n        }\n\n        return Create(name);")
                .Edit("_constants[name] = constant;", "{|RG0006:_constants[name] = constant|};");
            await VerifyFix.VerifyCodeFixAsync(source, source);
        }

        private const string PluginRegistry = """
            using System;
            using System.Collections.Concurrent;
            using System.Threading.Tasks;

            public sealed class Plugin
            {
                private static readonly ConcurrentDictionary<string, Plugin> s_loaded = new ConcurrentDictionary<string, Plugin>();

                public Plugin(string name)
                {
                    Name = name;
                    if (s_loaded.ContainsKey(name))
                    {
                        throw new InvalidOperationException("plugin " + name + " loaded twice");
                    }

                    {|#0:s_loaded[name] = this|};
                }

                public string Name { get; }
            }
            """;

        [Fact]
        public async Task Reports_StaticRegistryCheckedAndFilledByAConstructor()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                PluginRegistry,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "s_loaded",
                    "ConcurrentDictionary<string, Plugin>",
                    "checked with ContainsKey() and then changed with the indexer in Plugin(), not atomically",
                    "TryAdd"));
        }

        [Fact]
        public async Task NoDiagnostic_RegistryOfTheInstanceFilledByItsConstructor()
        {
            // Instance state: nobody else sees the object while its constructor runs.
            var source = PluginRegistry
                .Edit("private static readonly ConcurrentDictionary<string, Plugin> s_loaded", "private readonly ConcurrentDictionary<string, Plugin> s_loaded")
                .Edit("{|#0:s_loaded[name] = this|}", "s_loaded[name] = this");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_StaticRegistryFilledByAPrivateConstructor()
        {
            // Only the type itself creates instances (a factory decides how); the constructor is not an entry point.
            var source = PluginRegistry
                .Edit("    public Plugin(string name)", "    private Plugin(string name)")
                .Edit("{|#0:s_loaded[name] = this|}", "s_loaded[name] = this");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
