using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.CheckThenActRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0006 on factories that start work besides returning a task (a thread they start, a <c>Start()</c> of the program
    /// that runs a task), and on a concurrent dictionary reached through a local (<c>var subscribers = Subscribers;</c>);
    /// each with its near miss.
    /// </summary>
    public partial class RG0006CheckThenActTests
    {
        private const string Listeners = """
            using System;
            using System.Collections.Concurrent;
            using System.Threading;

            public sealed class TelemetryListeners
            {
                private readonly ConcurrentDictionary<string, Thread> _listeners = new ConcurrentDictionary<string, Thread>();

                public void EnsureListening(string deviceId)
                {
                    {|#0:_listeners.GetOrAdd(deviceId, id =>
                    {
                        var thread = new Thread(() => Console.WriteLine(id)) { IsBackground = true };
                        thread.Start();
                        return thread;
                    })|};
                }
            }
            """;

        [Fact]
        public async Task Reports_GetOrAddWithAFactoryThatStartsAThread()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                Listeners,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_listeners",
                    "ConcurrentDictionary<string, Thread>",
                    "filled by GetOrAdd() here with a factory that starts a thread and may run on several threads",
                    "Lazy<Thread> values"));
        }

        [Fact]
        public async Task NoDiagnostic_GetOrAddWithAFactoryThatOnlyCreatesTheThread()
        {
            // The thread is started by whoever gets it back, once: the factory itself starts nothing.
            var source = Listeners.Edit("thread.Start();\n", string.Empty).Edit("{|#0:", string.Empty).Edit("})|};", "});");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string FeedPollers = """
            using System;
            using System.Collections.Concurrent;
            using System.Threading.Tasks;

            public sealed class FeedPoller
            {
                private readonly string _url;

                public FeedPoller(string url) => _url = url;

                public FeedPoller Start()
                {
                    _ = Task.Run(() => Console.WriteLine("polling " + _url));
                    return this;
                }
            }

            public sealed class FeedSubscriptions
            {
                private readonly ConcurrentDictionary<string, FeedPoller> _pollers = new ConcurrentDictionary<string, FeedPoller>();

                public void Subscribe(string url) => {|#0:_pollers.GetOrAdd(url, u => new FeedPoller(u).Start())|};
            }
            """;

        [Fact]
        public async Task Reports_GetOrAddWithAFactoryThatCallsAStartOfTheProgramThatRunsATask()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                FeedPollers,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_pollers",
                    "ConcurrentDictionary<string, FeedPoller>",
                    "filled by GetOrAdd() here with a factory that starts work (Start) and may run on several threads",
                    "Lazy<FeedPoller> values"));
        }

        [Fact]
        public async Task NoDiagnostic_GetOrAddWithAFactoryThatCallsAStartThatOnlyRecordsIt()
        {
            var source = FeedPollers
                .Edit("_ = Task.Run(() => Console.WriteLine(\"polling \" + _url));", "Console.WriteLine(\"ready to poll \" + _url);")
                .Edit("{|#0:_pollers.GetOrAdd(url, u => new FeedPoller(u).Start())|}", "_pollers.GetOrAdd(url, u => new FeedPoller(u).Start())");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string PushRegistry = """
            using System;
            using System.Collections.Concurrent;

            public sealed class PushRegistry
            {
                private readonly ConcurrentDictionary<string, Uri> _subscribers = new ConcurrentDictionary<string, Uri>();

                private ConcurrentDictionary<string, Uri> Subscribers => _subscribers;

                public bool Register(string id, Uri endpoint)
                {
                    var subscribers = Subscribers;
                    if (subscribers.ContainsKey(id))
                    {
                        return false;
                    }

                    {|#0:subscribers[id] = endpoint|};
                    return true;
                }

                public bool Unregister(string id) => _subscribers.TryRemove(id, out _);
            }
            """;

        [Fact]
        public async Task Reports_CheckThenActOnALocalThatHoldsTheConcurrentDictionary()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                PushRegistry,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_subscribers",
                    "ConcurrentDictionary<string, Uri>",
                    "checked with ContainsKey() and then changed with the indexer in Register(), not atomically",
                    "TryAdd"));
        }

        [Fact]
        public async Task NoDiagnostic_TryAddOnALocalThatHoldsTheConcurrentDictionary()
        {
            var source = PushRegistry
                .Edit("if (subscribers.ContainsKey(id))\n        {\n            return false;\n        }\n\n        {|#0:subscribers[id] = endpoint|};\n        return true;", "return subscribers.TryAdd(id, endpoint);");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string JobClaims = """
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            public sealed class JobRunner
            {
                private readonly ConcurrentDictionary<string, DateTime> _claimed = new ConcurrentDictionary<string, DateTime>();

                public void RunAll(IEnumerable<string> jobKeys) => Parallel.ForEach(jobKeys, key => TryClaim(key));

                private bool TryClaim(string jobKey)
                {
                    if (_claimed.ContainsKey(jobKey))
                    {
                        return false;
                    }

                    {|#0:_claimed[jobKey] = DateTime.UtcNow|};
                    return true;
                }
            }
            """;

        [Fact]
        public async Task Reports_CheckAndActBothInAHelperThatParallelBodiesCall()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                JobClaims,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_claimed",
                    "ConcurrentDictionary<string, DateTime>",
                    "checked with ContainsKey() and then changed with the indexer by a Parallel.ForEach body, not atomically",
                    "TryAdd"));
        }

        [Fact]
        public async Task NoDiagnostic_HelperThatClaimsWithTryAdd()
        {
            var source = JobClaims.Edit(
                "if (_claimed.ContainsKey(jobKey))\n        {\n            return false;\n        }\n\n        {|#0:_claimed[jobKey] = DateTime.UtcNow|};\n        return true;",
                "return _claimed.TryAdd(jobKey, DateTime.UtcNow);");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_MemoFilledFromTheKeyInTwoLockBlocks()
        {
            // Two threads that both miss compute the same hash and store it twice: nothing is lost.
            const string source = """
                using System.Collections.Generic;

                public sealed class HashCache
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<string, string> _hashes = new Dictionary<string, string>();

                    public string HashOf(string path)
                    {
                        lock (_gate)
                        {
                            if (_hashes.TryGetValue(path, out var known))
                            {
                                return known;
                            }
                        }

                        var hash = path.ToUpperInvariant();
                        lock (_gate)
                        {
                            _hashes[path] = hash;
                        }

                        return hash;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
