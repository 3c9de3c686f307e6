using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Concurrency that starts in another type (RULES.md, "Concurrency beyond the type"): a concurrent analyzer that
    /// registers another object's methods, a parallel body or thread that calls into another object, a base class that runs
    /// overrides on a thread. The race is reported in the callee, where the state lives; the look-alikes stay silent (an
    /// object each run creates, one element per run, a callee that locks, a task awaited where it starts).
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        [Fact]
        public async Task Reports_AnalyzerCallbackRegisteredOnAPerCompilationObject()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class UsageAnalyzer : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterCompilationStartAction(start =>
                        {
                            var state = new UsageState();
                            start.RegisterSymbolAction(state.AnalyzeMethod, SymbolKind.Method);
                            start.RegisterCompilationEndAction(state.Report);
                        });
                    }
                }

                internal sealed class UsageState
                {
                    private readonly List<string> _names = new List<string>();

                    public void AnalyzeMethod(SymbolAnalysisContext context)
                    {
                        [|_names.Add(context.Symbol.Name)|];
                    }

                    public void Report(CompilationAnalysisContext context)
                    {
                        _names.Sort();
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task Reports_AnalyzerLambdaCallingAPerCompilationObject()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class CallAnalyzer : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterCompilationStartAction(start =>
                        {
                            var calls = new CallTable();
                            start.RegisterOperationAction(operation => calls.Record(operation.Operation.Syntax.ToString()), OperationKind.Invocation);
                        });
                    }
                }

                internal sealed class CallTable
                {
                    private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();

                    public void Record(string call)
                    {
                        _counts.TryGetValue(call, out var count);
                        [|_counts[call] = count + 1|];
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task Silent_AnalyzerCallbackObjectWithAConcurrentCollection()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class UsageAnalyzer : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterCompilationStartAction(start =>
                        {
                            var state = new UsageState();
                            start.RegisterSymbolAction(state.AnalyzeMethod, SymbolKind.Method);
                        });
                    }
                }

                internal sealed class UsageState
                {
                    private readonly ConcurrentBag<string> _names = new ConcurrentBag<string>();

                    public void AnalyzeMethod(SymbolAnalysisContext context)
                    {
                        _names.Add(context.Symbol.Name);
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task Silent_AnalyzerCallbackObjectOfAnAnalyzerWithoutConcurrentExecution()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class UsageAnalyzer : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.RegisterCompilationStartAction(start =>
                        {
                            var state = new UsageState();
                            start.RegisterSymbolAction(state.AnalyzeMethod, SymbolKind.Method);
                        });
                    }
                }

                internal sealed class UsageState
                {
                    private readonly List<string> _names = new List<string>();

                    public void AnalyzeMethod(SymbolAnalysisContext context)
                    {
                        _names.Add(context.Symbol.Name);
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task Silent_AnalyzerCallbackThatCreatesItsOwnWalker()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class WalkingAnalyzer : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterSymbolAction(symbolContext =>
                        {
                            var walker = new NameWalker();
                            walker.Visit(symbolContext.Symbol);
                        }, SymbolKind.NamedType);
                    }
                }

                internal sealed class NameWalker
                {
                    private readonly List<string> _names = new List<string>();

                    public void Visit(ISymbol symbol)
                    {
                        _names.Add(symbol.Name);
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task Reports_ParallelBodyCallingASharedSink()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Importer
                {
                    private readonly RowSink _sink = new RowSink();

                    public void Import(string[] lines)
                    {
                        Parallel.ForEach(lines, line => _sink.Accept(line.Trim()));
                    }
                }

                class RowSink
                {
                    private readonly List<string> _rows = new List<string>();

                    public void Accept(string row)
                    {
                        [|_rows.Add(row)|];
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ParallelBodyCallingEachElement()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Importer
                {
                    public void Import(Batch[] batches)
                    {
                        Parallel.ForEach(batches, batch => batch.Accept("row"));
                        foreach (var batch in batches)
                        {
                            Task.Run(() => batch.Accept("again"));
                        }
                    }
                }

                class Batch
                {
                    private readonly List<string> _rows = new List<string>();

                    public void Accept(string row)
                    {
                        _rows.Add(row);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ParallelBodyCallingASinkThatLocks()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Importer
                {
                    private readonly RowSink _sink = new RowSink();

                    public void Import(string[] lines)
                    {
                        Parallel.ForEach(lines, line => _sink.Accept(line.Trim()));
                    }
                }

                class RowSink
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _rows = new List<string>();

                    public void Accept(string row)
                    {
                        lock (_gate)
                        {
                            _rows.Add(row);
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TwoLoopsWritingThroughOneWrapper()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class FrameWriter
                {
                    private readonly Queue<byte[]> _outgoing = new Queue<byte[]>();

                    public void WriteMessage(byte[] frame)
                    {
                        [|_outgoing.Enqueue(frame)|];
                    }
                }

                class Client
                {
                    private readonly FrameWriter _writer = new FrameWriter();

                    public void Connect(CancellationToken token)
                    {
                        Task.Run(() => ReceiveLoop(token));
                        Task.Run(() => PingLoop(token));
                    }

                    private async Task ReceiveLoop(CancellationToken token)
                    {
                        while (!token.IsCancellationRequested)
                        {
                            await Task.Delay(10);
                            _writer.WriteMessage(new byte[] { 1 });
                        }
                    }

                    private async Task PingLoop(CancellationToken token)
                    {
                        while (!token.IsCancellationRequested)
                        {
                            await Task.Delay(1000);
                            _writer.WriteMessage(new byte[] { 9 });
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_OneAwaitedTaskWritingThroughAWrapper()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class FrameWriter
                {
                    private readonly Queue<byte[]> _outgoing = new Queue<byte[]>();

                    public void WriteMessage(byte[] frame)
                    {
                        _outgoing.Enqueue(frame);
                    }

                    public int Pending => _outgoing.Count;
                }

                class Client
                {
                    private readonly FrameWriter _writer = new FrameWriter();

                    public async Task SendAsync(byte[] frame)
                    {
                        await Task.Run(() => _writer.WriteMessage(frame));
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ThreadBodyOverriddenInADerivedType()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                abstract class Worker
                {
                    public void Start()
                    {
                        new Thread(Run) { IsBackground = true }.Start();
                    }

                    protected abstract void Run();
                }

                class Poller : Worker
                {
                    private readonly List<string> _pending = new List<string>();

                    protected override void Run()
                    {
                        while (true)
                        {
                            Thread.Sleep(100);
                            [|_pending.Add("tick")|];
                        }
                    }

                    public void Clear()
                    {
                        [|_pending.Clear()|];
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string TimedClientSource = """
            using System.Collections.Generic;
            using System.Threading;

            abstract class Client
            {
                public void Disconnect() => OnDisconnected();

                protected virtual void OnDisconnected() { }
            }

            class TimedClient : Client
            {
                private Timer? _timer;

                public void SendRequest() => _timer = new Timer(_ => Disconnect(), null, 1000, Timeout.Infinite);
            }

            class FrameClient : Client
            {
                private readonly List<string> _frames = new List<string>();

                public void Send(string frame) => _frames.Add(frame);

                protected override void OnDisconnected() => _frames.Clear();
            }
            """;

        [Fact]
        public async Task Silent_TimerOfASiblingTypeCallingTheBaseClassVirtual()
        {
            // The timer belongs to TimedClient objects: its Disconnect() runs TimedClient's OnDisconnected, never
            // FrameClient's, which derives from the same base but not from TimedClient.
            await VerifyCS.VerifyAnalyzerAsync(TimedClientSource);
        }

        [Fact]
        public async Task Reports_TimerOfABaseTypeCallingTheVirtualItsDerivedTypeOverrides()
        {
            var source = TimedClientSource
                .Edit("class FrameClient : Client", "class FrameClient : TimedClient")
                .Edit("public void Send(string frame) => _frames.Add(frame);", "public void Send(string frame) => [|_frames.Add(frame)|];")
                .Edit("protected override void OnDisconnected() => _frames.Clear();", "protected override void OnDisconnected() => [|_frames.Clear()|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ThreadBodyOverriddenInADerivedTypeThatLocks()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                abstract class Worker
                {
                    public void Start()
                    {
                        new Thread(Run) { IsBackground = true }.Start();
                    }

                    protected abstract void Run();
                }

                class Poller : Worker
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _pending = new List<string>();

                    protected override void Run()
                    {
                        while (true)
                        {
                            Thread.Sleep(100);
                            lock (_gate)
                            {
                                _pending.Add("tick");
                            }
                        }
                    }

                    public void Clear()
                    {
                        lock (_gate)
                        {
                            _pending.Clear();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TaskRunCallingAHelperWhoseLocalFunctionWrites()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class Indexer
                {
                    private readonly List<string> _words = new List<string>();

                    public void IndexAll(string[] documents)
                    {
                        foreach (var document in documents)
                        {
                            Task.Run(() => Index(document));
                        }
                    }

                    private void Index(string document)
                    {
                        AddWords();

                        void AddWords()
                        {
                            foreach (var word in document.Split(' '))
                            {
                                [|_words.Add(word)|];
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_BackgroundFlushAndCallersSharingOneMetricsBuffer()
        {
            // The shape of a tracer's statsd race: a flush loop and the callers of WriteTrace both append to and send the
            // one metrics buffer the writer holds, through an extension method of the program.
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                interface IMetrics
                {
                    void Add(string command);

                    void Send();
                }

                sealed class Metrics : IMetrics
                {
                    private List<string> _commands = new List<string>();

                    public void Add(string command)
                    {
                        [|_commands.Add(command)|];
                    }

                    public void Send()
                    {
                        var batch = _commands.ToArray();
                        _commands = new List<string>();
                        System.Console.WriteLine(batch.Length);
                    }
                }

                static class MetricsExtensions
                {
                    public static void Increment(this IMetrics metrics, string name) => metrics.Add(name + ":1|c");
                }

                sealed class TraceWriter
                {
                    private readonly IMetrics _metrics = new Metrics();

                    public TraceWriter(CancellationToken token)
                    {
                        _ = Task.Run(() => FlushLoopAsync(token));
                    }

                    public void WriteTrace(string trace)
                    {
                        _metrics.Increment("traces.enqueued");
                        _metrics.Send();
                    }

                    private async Task FlushLoopAsync(CancellationToken token)
                    {
                        while (!token.IsCancellationRequested)
                        {
                            await Task.Delay(1000);
                            _metrics.Increment("flushes");
                            _metrics.Send();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_BackgroundFlushAndCallersSharingOneMetricsBufferUnderOneLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                interface IMetrics
                {
                    void Add(string command);

                    void Send();
                }

                sealed class Metrics : IMetrics
                {
                    private List<string> _commands = new List<string>();

                    public void Add(string command)
                    {
                        _commands.Add(command);
                    }

                    public void Send()
                    {
                        var batch = _commands.ToArray();
                        _commands = new List<string>();
                        System.Console.WriteLine(batch.Length);
                    }
                }

                static class MetricsExtensions
                {
                    public static void Increment(this IMetrics metrics, string name) => metrics.Add(name + ":1|c");
                }

                sealed class TraceWriter
                {
                    private readonly object _gate = new object();
                    private readonly IMetrics _metrics = new Metrics();

                    public TraceWriter(CancellationToken token)
                    {
                        _ = Task.Run(() => FlushLoopAsync(token));
                    }

                    public void WriteTrace(string trace)
                    {
                        lock (_gate)
                        {
                            _metrics.Increment("traces.enqueued");
                            _metrics.Send();
                        }
                    }

                    private async Task FlushLoopAsync(CancellationToken token)
                    {
                        while (!token.IsCancellationRequested)
                        {
                            await Task.Delay(1000);
                            lock (_gate)
                            {
                                _metrics.Increment("flushes");
                                _metrics.Send();
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_AnalyzerCacheCheckedAndFilledByCallbacksOfAPerCompilationObject()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;
                using Microsoft.CodeAnalysis.Operations;

                public sealed class BlockingCallAnalyzer : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterCompilationStartAction(start =>
                        {
                            var state = new CompilationState();
                            start.RegisterOperationAction(state.AnalyzeInvocation, OperationKind.Invocation);
                        });
                    }

                    private sealed class CompilationState
                    {
                        private readonly HashSet<IMethodSymbol> _withoutAsyncOverload = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

                        public void AnalyzeInvocation(OperationAnalysisContext context)
                        {
                            var target = ((IInvocationOperation)context.Operation).TargetMethod;
                            if (_withoutAsyncOverload.Contains(target))
                            {
                                return;
                            }

                            if (target.ContainingType.GetMembers(target.Name + "Async").IsEmpty)
                            {
                                [|_withoutAsyncOverload.Add(target)|];
                            }
                        }
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task Silent_AnalyzerCacheOfAPerCompilationObjectUnderItsLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;
                using Microsoft.CodeAnalysis.Operations;

                public sealed class BlockingCallAnalyzer : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterCompilationStartAction(start =>
                        {
                            var state = new CompilationState();
                            start.RegisterOperationAction(state.AnalyzeInvocation, OperationKind.Invocation);
                        });
                    }

                    private sealed class CompilationState
                    {
                        private readonly HashSet<IMethodSymbol> _withoutAsyncOverload = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

                        public void AnalyzeInvocation(OperationAnalysisContext context)
                        {
                            var target = ((IInvocationOperation)context.Operation).TargetMethod;
                            lock (_withoutAsyncOverload)
                            {
                                if (!_withoutAsyncOverload.Contains(target) && target.ContainingType.GetMembers(target.Name + "Async").IsEmpty)
                                {
                                    _withoutAsyncOverload.Add(target);
                                }
                            }
                        }
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task Reports_SymbolStartBuilderFilledByOperationCallbacks()
        {
            const string source = """
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class DisposableFieldAnalyzer : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterSymbolStartAction(symbolStart =>
                        {
                            var assigned = ImmutableArray.CreateBuilder<string>();
                            symbolStart.RegisterOperationAction(operation => [|assigned.Add(operation.Operation.Syntax.ToString())|], OperationKind.FieldReference);
                            symbolStart.RegisterSymbolEndAction(end => System.Console.WriteLine(assigned.Count));
                        }, SymbolKind.NamedType);
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task Silent_ReadLoopCallingTwoReadersOfOneObjectInTurn()
        {
            // A protocol reader's loop calls the socket reader's methods one after another; each has a small loop of its
            // own (read until enough bytes), which does not make it run beside the other.
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                sealed class FrameReader
                {
                    private readonly Queue<int> _timings = new Queue<int>();

                    public async Task<int> ReadAtLeastAsync(int size)
                    {
                        var read = 0;
                        while (read < size)
                        {
                            await Task.Yield();
                            read++;
                        }

                        _timings.Enqueue(read);
                        return read;
                    }

                    public async Task<int> ReadLineAsync()
                    {
                        var read = 0;
                        while (read < 80)
                        {
                            await Task.Yield();
                            read++;
                        }

                        _timings.Enqueue(read);
                        return read;
                    }
                }

                sealed class ProtocolProcessor
                {
                    private readonly FrameReader _reader = new FrameReader();
                    private readonly Task _readLoop;

                    public ProtocolProcessor()
                    {
                        _readLoop = Task.Run(ReadLoopAsync);
                    }

                    private async Task ReadLoopAsync()
                    {
                        while (true)
                        {
                            var size = await _reader.ReadAtLeastAsync(4);
                            await _reader.ReadLineAsync();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
