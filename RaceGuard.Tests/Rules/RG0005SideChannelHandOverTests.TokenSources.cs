using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SideChannelHandOverRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0005 with the side signals beyond events and task sources (RULES.md, RG0005 shapes): a cancelled
    /// <c>CancellationTokenSource</c> used as "done" (waited through its token's wait handle or a cancellable delay), and
    /// <c>BlockingCollection.CompleteAdding</c> with the consumer draining <c>GetConsumingEnumerable</c>; a write placed
    /// after either signal; and the near miss that waits for the task itself.
    /// </summary>
    public partial class RG0005SideChannelHandOverTests
    {
        private const string ShutdownFlusher = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class ShutdownFlusher
            {
                public string Flush(Func<int> push, TimeSpan grace)
                {
                    Exception? flushError = null;
                    var flushed = new CancellationTokenSource();

                    Task.Run(() =>
                    {
                        try
                        {
                            push();
                            flushed.Cancel();
                        }
                        catch (Exception ex)
                        {
                            flushed.Cancel();
                            {|#0:flushError = ex|};
                        }
                    });

                    if (!flushed.Token.WaitHandle.WaitOne(grace))
                    {
                        return "still flushing";
                    }

                    return {|#1:flushError|} == null ? "flushed" : "failed: " + flushError.Message;
                }
            }
            """;

        [Fact]
        public async Task Reports_ErrorAssignedAfterCancellingATokenSourceUsedAsDone()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                ShutdownFlusher,
                VerifyCS.Diagnostic("RG0005").WithLocation(0).WithArguments(
                    "flushError",
                    "Exception?",
                    "assigned inside the Task.Run lambda after the signal its reader waits for",
                    "assign it before the signal, or pass it with the completion"),
                VerifyCS.Diagnostic("RG0005").WithLocation(1).WithArguments(
                    "flushError",
                    "Exception?",
                    "set by the Task.Run lambda and read here after a side signal only",
                    "wait for its task instead, or pass the error with the completion"));
        }

        [Fact]
        public async Task NoDiagnostic_TheFlushTaskWaitedForItself()
        {
            var source = ShutdownFlusher
                .Edit("Task.Run(() =>", "var flush = Task.Run(() =>")
                .Edit("{|#0:flushError = ex|};", "flushError = ex;")
                .Edit("if (!flushed.Token.WaitHandle.WaitOne(grace))", "if (!flush.Wait(grace))")
                .Edit("{|#1:flushError|} == null", "flushError == null");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ResultReadAfterACancellableDelayEndsTheWait()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Geocoder
                {
                    public async Task<string> ResolveAsync(Func<Task<string>> lookup)
                    {
                        string? position = null;
                        using var done = new CancellationTokenSource();
                        _ = Task.Run(async () =>
                        {
                            position = await lookup();
                            done.Cancel();
                        });

                        try
                        {
                            await Task.Delay(TimeSpan.FromSeconds(5), done.Token);
                            return "timeout";
                        }
                        catch (OperationCanceledException)
                        {
                        }

                        return {|#0:position|} ?? "unknown";
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0005").WithLocation(0).WithArguments(
                    "position",
                    "string?",
                    "set by the Task.Run lambda and read in ResolveAsync() ordered by only the cancellation of 'done.Token'",
                    "wait for its task instead"));
        }

        [Fact]
        public async Task Reports_StopReasonAssignedAfterCompleteAdding()
        {
            const string source = """
                using System;
                using System.Collections.Concurrent;
                using System.Threading;

                public sealed class SampleAverager
                {
                    public string Average(Func<int?> next)
                    {
                        var samples = new BlockingCollection<int>();
                        string? stopReason = null;
                        var producer = new Thread(() =>
                        {
                            int? sample;
                            while ((sample = next()) is { } value)
                            {
                                samples.Add(value);
                            }

                            samples.CompleteAdding();
                            {|#0:stopReason = "end of input"|};
                        });
                        producer.Start();

                        var total = 0;
                        foreach (var sample in samples.GetConsumingEnumerable())
                        {
                            total += sample;
                        }

                        return total + " (" + {|#1:stopReason|} + ")";
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0005").WithLocation(0).WithArguments(
                    "stopReason",
                    "string?",
                    "assigned inside the Thread lambda after the signal its reader waits for",
                    "assign it before the signal, or pass it with the completion"),
                VerifyCS.Diagnostic("RG0005").WithLocation(1).WithArguments(
                    "stopReason",
                    "string?",
                    "set by the Thread lambda and read in Average() ordered by only the end of the loop that drains the channel",
                    "Join() the thread instead"));
        }

        [Fact]
        public async Task NoDiagnostic_ProgressReadWithVolatileWhileTheThreadRuns()
        {
            const string source = """
                using System;
                using System.Threading;

                public sealed class Flasher
                {
                    public int Flash(byte[] image, ManualResetEventSlim tick)
                    {
                        var written = 0;
                        var worker = new Thread(() =>
                        {
                            foreach (var chunk in image)
                            {
                                Interlocked.Increment(ref written);
                                tick.Set();
                            }
                        });
                        worker.Start();
                        tick.Wait();
                        Console.WriteLine("progress " + Volatile.Read(ref written));
                        worker.Join();
                        return written;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ResultReadAfterALoopThatEndsOnlyOnceTheThreadIsJoined()
        {
            const string source = """
                using System;
                using System.Threading;

                public sealed class Flasher
                {
                    public int Flash(Func<int> flash)
                    {
                        var written = 0;
                        var worker = new Thread(() => written = flash());
                        worker.Start();
                        while (!worker.Join(100))
                        {
                            Console.WriteLine("flashing");
                        }

                        return written;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ResultReadInsideTheLoopThatWaitsForTheJoin()
        {
            const string source = """
                using System;
                using System.Threading;

                public sealed class Flasher
                {
                    public int Flash(Func<int> flash)
                    {
                        var written = 0;
                        var worker = new Thread(() => written = flash());
                        worker.Start();
                        var last = 0;
                        while (!worker.Join(100))
                        {
                            last = {|#0:written|};
                        }

                        return last;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0005").WithLocation(0).WithArguments("written", "int", "set by the Thread lambda and read in Flash() ordered by nothing at all", "Join() the thread instead"));
        }
    }
}
