using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.NonAtomicUpdateRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0003 shapes seen in real fixes: auto-properties updated in place, delegate fields combined with +=; and their near misses.</summary>
    public partial class RG0003NonAtomicUpdateTests
    {
        private const string WorkerStats = """
            using System;
            using System.Threading.Tasks;

            public sealed class Crawler
            {
                public int Fetched { get; private set; }

                public Task CrawlAsync(string[] urls)
                {
                    var tasks = new Task[urls.Length];
                    for (var i = 0; i < urls.Length; i++)
                    {
                        tasks[i] = Task.Run(() =>
                        {
                            {|#0:Fetched++|};
                        });
                    }

                    return Task.WhenAll(tasks);
                }
            }
            """;

        [Fact]
        public async Task Reports_AutoPropertyIncrementedByTaskRunWorkers()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                WorkerStats,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "Fetched",
                    "int",
                    "by a Task.Run lambda",
                    "another run may change it",
                    "a lock"));
        }

        [Fact]
        public async Task NoDiagnostic_AutoPropertyIncrementedUnderALock()
        {
            var source = WorkerStats
                .Edit("    public int Fetched { get; private set; }", "    private readonly object _gate = new object();\n\n    public int Fetched { get; private set; }")
                .Edit("                {|#0:Fetched++|};", "                lock (_gate)\n                {\n                    Fetched++;\n                }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ComputedPropertyIsNotAVariable()
        {
            // A property with a body of its own: what its setter does is its own business (it may lock).
            var source = WorkerStats
                .Edit(
                    "    public int Fetched { get; private set; }",
                    "    private int _fetched;\n\n    public int Fetched\n    {\n        get => System.Threading.Volatile.Read(ref _fetched);\n        private set => System.Threading.Interlocked.Exchange(ref _fetched, value);\n    }")
                .Edit("{|#0:Fetched++|}", "Fetched++");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string Subscribers = """
            using System;
            using System.Threading.Tasks;

            public sealed class Hub
            {
                private Action<string>? _handlers;

                public void Start(Action<string>[] handlers)
                {
                    Parallel.ForEach(handlers, handler =>
                    {
                        {|#0:_handlers += handler|};
                    });
                }

                public void Publish(string message) => _handlers?.Invoke(message);
            }
            """;

        [Fact]
        public async Task Reports_DelegateFieldCombinedByParallelBodies()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                Subscribers,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "_handlers",
                    "Action<string>?",
                    "by a Parallel.ForEach body",
                    "another run may change it",
                    "a CompareExchange loop or a lock"));
        }

        [Fact]
        public async Task NoDiagnostic_FieldLikeEventSubscribedByParallelBodies()
        {
            // Inside its class, += on a field-like event calls the add accessor, which combines with a CompareExchange loop.
            var source = Subscribers
                .Edit("    private Action<string>? _handlers;", "    private event Action<string>? _handlers;")
                .Edit("{|#0:_handlers += handler|}", "_handlers += handler");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_CounterOfAMemberWhoseHelperTakesTheTypesLock()
        {
            // EnsureOpen() takes the pool's own lock object: Rent() is called from many threads, and its plain count loses
            // increments.
            const string source = """
                public sealed class ConnectionPool
                {
                    private readonly object _openLock = new object();
                    private bool _open;
                    private int _rented;

                    public int Rent()
                    {
                        EnsureOpen();
                        {|#0:_rented++|};
                        return _rented;
                    }

                    private void EnsureOpen()
                    {
                        lock (_openLock)
                        {
                            _open = true;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "_rented",
                    "int",
                    "in Rent()",
                    "another call of Rent() may change it on another thread",
                    "Interlocked.Increment or a lock"));
        }

        [Fact]
        public async Task NoDiagnostic_CounterOfAMemberWhoseHelperLocksThis()
        {
            const string source = """
                public sealed class Inflater
                {
                    private object? _window;
                    private int _blocks;

                    public int Inflate()
                    {
                        var window = Window();
                        _blocks++;
                        return _blocks;
                    }

                    private object Window()
                    {
                        lock (this)
                        {
                            return _window ??= new object();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
