using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.NonAtomicUpdateRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Log sinks are framework entry points (RULES.md, "Types built for concurrent use"; the model's README.md): Serilog
    /// calls a sink's <c>Emit</c> and <c>Microsoft.Extensions.Logging</c> calls a logger's <c>Log</c> on whatever thread
    /// logs, without serialising the calls. The interfaces are declared here as the libraries declare them. Near misses:
    /// the atomic update, and the same class that implements no sink interface.
    /// </summary>
    public partial class RG0003NonAtomicUpdateTests
    {
        private const string TableSink = """
            namespace Serilog.Events
            {
                public sealed class LogEvent
                {
                    public string Message { get; set; } = "";
                }
            }

            namespace Serilog.Core
            {
                public interface ILogEventSink
                {
                    void Emit(Serilog.Events.LogEvent logEvent);
                }
            }

            namespace Sinks
            {
                using Serilog.Core;
                using Serilog.Events;

                public sealed class TableSink : ILogEventSink
                {
                    private long _rowKeyIndex;

                    public void Emit(LogEvent logEvent)
                    {
                        var rowKey = NextRowKey();
                        System.Console.WriteLine(rowKey + logEvent.Message);
                    }

                    private string NextRowKey() => "row-" + {|#0:_rowKeyIndex++|};
                }
            }
            """;

        [Fact]
        public async Task Reports_CounterOfASerilogSinkEmit()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                TableSink,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "_rowKeyIndex",
                    "long",
                    "by the log sink's Emit",
                    "another thread logging may change it",
                    "Interlocked.Increment or a lock"));
        }

        [Fact]
        public async Task NoDiagnostic_CounterOfASerilogSinkUpdatedAtomically()
        {
            var source = TableSink.Edit("\"row-\" + {|#0:_rowKeyIndex++|}", "\"row-\" + System.Threading.Interlocked.Increment(ref _rowKeyIndex)");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_SameClassThatIsNoSink()
        {
            var source = TableSink
                .Edit("public sealed class TableSink : ILogEventSink", "public sealed class TableSink")
                .Edit("{|#0:_rowKeyIndex++|}", "_rowKeyIndex++");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_CounterOfAMicrosoftExtensionsLogger()
        {
            const string source = """
                using System;

                namespace Microsoft.Extensions.Logging
                {
                    public enum LogLevel { Information }

                    public readonly struct EventId { }

                    public interface ILogger
                    {
                        void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter);

                        bool IsEnabled(LogLevel logLevel);

                        IDisposable? BeginScope<TState>(TState state) where TState : notnull;
                    }
                }

                namespace Loggers
                {
                    using Microsoft.Extensions.Logging;

                    public sealed class CountingLogger : ILogger
                    {
                        private int _written;

                        public int Written => _written;

                        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                        {
                            Console.WriteLine(formatter(state, exception));
                            {|#0:_written++|};
                        }

                        public bool IsEnabled(LogLevel logLevel) => true;

                        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "_written",
                    "int",
                    "by the log sink's Log",
                    "another thread logging may change it",
                    "Interlocked.Increment or a lock"));
        }
    }
}
