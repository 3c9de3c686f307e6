using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnsynchronizedFlagRule>;
using VerifyInterlocked = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseInterlockedFlagCodeFixProvider>;
using VerifyVolatile = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseVolatileCodeFixProvider>;
using VerifyVolatileField = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.MakeFieldVolatileCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0002 on an auto-property of the type (<c>public bool IsRunning { get; private set; }</c>) polled by a task's tight
    /// loop and cleared by <c>Stop()</c>: the JIT inlines the getter to a plain read of the hidden field and may hoist it.
    /// No fix rewrites a property (neither <c>Volatile.Read(ref ..)</c> nor <c>volatile</c> applies to it); the near misses
    /// are a loop that sleeps and a property whose getter reads a volatile field.
    /// </summary>
    public partial class RG0002UnsynchronizedFlagTests
    {
        private const string BusyWorker = """
            using System.Threading;
            using System.Threading.Tasks;

            public class BusyWorker
            {
                private Task? _task;

                public bool IsRunning { get; private set; }

                public long Count { get; private set; }

                public void Start()
                {
                    IsRunning = true;
                    _task = Task.Run(() =>
                    {
                        long c = 0;
                        while ({|#0:IsRunning|})
                        {
                            c++;
                        }

                        Count = c;
                    });
                }

                public void Stop()
                {
                    {|#1:IsRunning = false|};
                    _task?.Wait();
                }
            }
            """;

        [Fact]
        public async Task Reports_AutoPropertyPolledByATightLoopOfATask()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                BusyWorker,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                    "IsRunning", "bool", "read in a while loop by a Task.Run lambda while Stop() may change it", "the loop may miss it; use Volatile or a CancellationToken"),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments(
                    "IsRunning", "bool", "written in Stop() while a while loop by a Task.Run lambda reads it", "the loop may miss it; use Volatile or a CancellationToken"));
        }

        [Fact]
        public async Task NoFix_ForAnAutoProperty()
        {
            var source = BusyWorker.Replace("{|#0:IsRunning|}", "{|RG0002:IsRunning|}").Replace("{|#1:IsRunning = false|}", "{|RG0002:IsRunning = false|}");
            await VerifyVolatile.VerifyCodeFixAsync(source, source);
            await VerifyVolatileField.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task Reports_AutoPropertyCheckedBeforeStartingTheWorkThatSetsIt()
        {
            // A monitor's StartAsync checks IsRunning and starts Run, which sets it: two callers both start a monitor. The
            // status property is public, so no fix rewrites it; the advice says to keep the state in an int field.
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Monitor
                {
                    private int _cancel;

                    public bool IsRunning { get; private set; }

                    public Task StartAsync()
                    {
                        if ({|#0:IsRunning|})
                        {
                            throw new InvalidOperationException("Monitor already started");
                        }

                        return Task.Factory.StartNew(Run, TaskCreationOptions.LongRunning);
                    }

                    public void Stop() => Interlocked.Exchange(ref _cancel, 1);

                    private void Run()
                    {
                        IsRunning = true;
                        while (Volatile.Read(ref _cancel) == 0)
                        {
                            Thread.Sleep(10);
                        }

                        IsRunning = false;
                    }
                }
                """;

            var expected = VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments(
                "IsRunning",
                "bool",
                "checked here but set only by the Task.Factory.StartNew delegate 'Run' it starts",
                "two calls may both start it; keep it in an int field set at the check with Interlocked");
            await VerifyCS.VerifyAnalyzerAsync(source, expected);
            var fixable = source.Replace("{|#0:IsRunning|}", "{|RG0002:IsRunning|}");
            await VerifyInterlocked.VerifyCodeFixAsync(fixable, fixable);
        }

        [Fact]
        public async Task Silent_AutoPropertyPolledByALoopThatSleeps()
        {
            var source = BusyWorker
                .Replace("{|#0:IsRunning|}", "IsRunning")
                .Replace("{|#1:IsRunning = false|}", "IsRunning = false")
                .Replace("c++;", "c++;\n                Thread.Sleep(1);");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_PropertyOverAVolatileField()
        {
            var source = BusyWorker
                .Replace("public bool IsRunning { get; private set; }", "private volatile bool _isRunning;\n\n    public bool IsRunning { get => _isRunning; private set => _isRunning = value; }")
                .Replace("{|#0:IsRunning|}", "IsRunning")
                .Replace("{|#1:IsRunning = false|}", "IsRunning = false");
            Assert.Contains("volatile bool _isRunning", source);
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
