using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0001 in framework entry points that run concurrently by contract (middleware, message handlers, concurrent
    /// analyzer actions), and the look-alikes that do not (IMiddleware, controllers, analyzers without concurrent
    /// execution); plus the false-positive classes seen on real libraries.
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        private static Task VerifyWithAspNetCoreAsync(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected)
        {
            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore80);
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync();
        }

        private static Task VerifyWithRoslynAsync(string source)
        {
            var test = new VerifyCS.Test { TestCode = source };
            test.TestState.AdditionalReferences.AddRange(TestReferences.CodeAnalysis);
            return test.RunAsync();
        }

        [Fact]
        public async Task Reports_RetryHandlerPerHostStatistics()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Net.Http;
                using System.Threading;
                using System.Threading.Tasks;

                // The production bug in C#: one handler serves every request of its HttpClient. Its success/failure
                // counters (_successes++, _failures++) are lost updates, RG0003's finding; the per-host Dictionary is RG0001's.
                public sealed class RetryHandler : DelegatingHandler
                {
                    private readonly Dictionary<string, int> _lastFailureByHost = new Dictionary<string, int>();
                    private int _successes;
                    private int _failures;

                    public int Successes => _successes;

                    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
                    {
                        for (var attempt = 0; ; attempt++)
                        {
                            var response = await base.SendAsync(request, cancellationToken);
                            if (response.IsSuccessStatusCode || attempt == 3)
                            {
                                _successes++;
                                return response;
                            }

                            _failures++;

                            var host = request.RequestUri!.Host;
                            {|#0:_lastFailureByHost[host] = attempt|};
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                    "_lastFailureByHost",
                    "Dictionary<string, int>",
                    "by the SendAsync override",
                    "another request may change it",
                    "guard it with a lock or use a ConcurrentDictionary"));
        }

        [Fact]
        public async Task Reports_ConventionalMiddlewareCountingPaths()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class PathCounterMiddleware
                {
                    private readonly RequestDelegate _next;
                    private readonly Dictionary<string, DateTime> _lastSeen = new Dictionary<string, DateTime>();

                    public PathCounterMiddleware(RequestDelegate next) => _next = next;

                    public Task InvokeAsync(HttpContext context)
                    {
                        var path = context.Request.Path.Value ?? "/";
                        {|#0:_lastSeen[path] = DateTime.UtcNow|};
                        return _next(context);
                    }
                }
                """;

            await VerifyWithAspNetCoreAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                    "_lastSeen",
                    "Dictionary<string, DateTime>",
                    "by the middleware InvokeAsync",
                    "another request may change it",
                    "guard it with a lock or use a ConcurrentDictionary"));
        }

        [Fact]
        public async Task Reports_ConcurrentAnalyzerCollectingIntoAField()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class NameCollector : DiagnosticAnalyzer
                {
                    private readonly List<string> _names = new List<string>();

                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterSymbolAction(symbolContext => [|_names.Add(symbolContext.Symbol.Name)|], SymbolKind.NamedType);
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task Reports_ConcurrentAnalyzerStateCapturedFromCompilationStart()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class TypeCounter : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterCompilationStartAction(start =>
                        {
                            var seen = new HashSet<string>();
                            start.RegisterSymbolAction(symbolContext => [|seen.Add(symbolContext.Symbol.Name)|], SymbolKind.NamedType);
                        });
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_MiddlewareReadingOnlyReadonlyConfiguration()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class HeaderMiddleware
                {
                    private readonly RequestDelegate _next;
                    private readonly Dictionary<string, string> _headers;

                    public HeaderMiddleware(RequestDelegate next)
                    {
                        _next = next;
                        _headers = new Dictionary<string, string>();
                        _headers.Add("X-Frame-Options", "DENY");
                    }

                    public Task InvokeAsync(HttpContext context)
                    {
                        var added = new List<string>();
                        foreach (var header in _headers)
                        {
                            context.Response.Headers[header.Key] = header.Value;
                            added.Add(header.Key);
                        }

                        return _next(context);
                    }
                }
                """;

            await VerifyWithAspNetCoreAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_FactoryActivatedMiddleware()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class AuditMiddleware : IMiddleware
                {
                    private readonly List<string> _seen = new List<string>();

                    public Task InvokeAsync(HttpContext context, RequestDelegate next)
                    {
                        _seen.Add(context.Request.Path.Value ?? "/");
                        return next(context);
                    }
                }
                """;

            await VerifyWithAspNetCoreAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ControllerInstanceFields()
        {
            const string source = """
                using System.Collections.Generic;
                using Microsoft.AspNetCore.Mvc;

                public sealed class OrdersController : ControllerBase
                {
                    private static readonly object s_auditGate = new object();
                    private static int s_requests;
                    private readonly List<string> _notes = new List<string>();

                    [HttpPost]
                    public IActionResult Create(string order)
                    {
                        lock (s_auditGate)
                        {
                            s_requests++;
                        }

                        _notes.Add(order);
                        return Ok(_notes.Count);
                    }

                    [HttpDelete]
                    public IActionResult Clear()
                    {
                        _notes.Clear();
                        return Ok();
                    }
                }
                """;

            await VerifyWithAspNetCoreAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_AnalyzerWithoutConcurrentExecution()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class NameCollector : DiagnosticAnalyzer
                {
                    private readonly List<string> _names = new List<string>();

                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.RegisterSymbolAction(symbolContext => _names.Add(symbolContext.Symbol.Name), SymbolKind.NamedType);
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ConcurrentAnalyzerStateLocalToEachCallback()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Collections.Immutable;
                using Microsoft.CodeAnalysis;
                using Microsoft.CodeAnalysis.Diagnostics;

                public sealed class MemberCounter : DiagnosticAnalyzer
                {
                    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

                    public override void Initialize(AnalysisContext context)
                    {
                        context.EnableConcurrentExecution();
                        context.RegisterSymbolAction(symbolContext =>
                        {
                            var names = new HashSet<string>();
                            foreach (var member in ((INamedTypeSymbol)symbolContext.Symbol).GetMembers())
                            {
                                names.Add(member.Name);
                            }
                        }, SymbolKind.NamedType);
                    }
                }
                """;

            await VerifyWithRoslynAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_DisposeAsyncWaitedThroughAsTask()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public sealed class Connection : IAsyncDisposable, IDisposable
                {
                    private readonly List<string> _buffers = new List<string>();

                    public async ValueTask DisposeAsync()
                    {
                        await Task.Yield();
                        _buffers.Clear();
                    }

                    public void Dispose()
                    {
                        DisposeAsync().AsTask().GetAwaiter().GetResult();
                        _buffers.Add("closed");
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_LocalOfHelperCalledFromEveryTask()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                public sealed class Statistics
                {
                    public async Task<double[]> AveragesAsync(int[][] series)
                    {
                        var tasks = series.Select(values => Task.Run(() => Smooth(values))).ToList();
                        var smoothed = await Task.WhenAll(tasks);
                        return smoothed.Select(s => s.Average()).ToArray();
                    }

                    private static List<double> Smooth(int[] values)
                    {
                        var result = new List<double>();
                        for (var i = 1; i < values.Length; i++)
                        {
                            result.Add((values[i - 1] + values[i]) / 2.0);
                        }

                        return result;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_TaskOnAnExclusiveScheduler()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class EventLoop
                {
                    private readonly TaskScheduler _loop = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
                    private readonly List<string> _events = new List<string>();

                    public Task PostAsync(string name) =>
                        Task.Factory.StartNew(() => _events.Add(name), CancellationToken.None, TaskCreationOptions.None, _loop);

                    public Task ClearAsync() =>
                        Task.Factory.StartNew(() => _events.Clear(), CancellationToken.None, TaskCreationOptions.None, _loop);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_SyncOverAsyncWithAsyncFlagFalse()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public sealed class Reader
                {
                    private readonly List<int> _columns = new List<int>();

                    public bool Read()
                    {
                        var task = Read(async: false);
                        _columns.Clear();
                        return task.GetAwaiter().GetResult();
                    }

                    private async Task<bool> Read(bool async)
                    {
                        if (async)
                        {
                            await Task.Yield();
                        }

                        _columns.Add(1);
                        return true;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ConditionalResultOrWaitedFallback()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public sealed class Reader
                {
                    private readonly List<int> _columns = new List<int>();

                    public bool Read() => TryReadFast()?.Result ?? ReadSlowAsync().GetAwaiter().GetResult();

                    public Task<bool> ReadAsync() => TryReadFast() ?? ReadSlowAsync();

                    private Task<bool>? TryReadFast() => _columns.Count > 0 ? Task.FromResult(true) : null;

                    private async Task<bool> ReadSlowAsync()
                    {
                        await Task.Yield();
                        _columns.Add(1);
                        return true;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
