using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SideChannelHandOverRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0005 near misses: each fixed form, joins of the region's own task, and values handed over before the start.</summary>
    public partial class RG0005SideChannelHandOverTests
    {
        private const string JobRunner = """
            using System;
            using System.Threading.Tasks;

            public interface IJob
            {
                Task RunAsync();
            }

            public sealed class JobRunner
            {
                private readonly Func<IJob?> _factory;

                public JobRunner(Func<IJob?> factory) => _factory = factory;

                public void RunInBackground(bool single)
                {
                    if (single)
                    {
                        _ = Task.Run(async () => await RunAsync());
                    }
                    else
                    {
                        var ignored = RunAsync();
                    }
                }

                public async Task<bool> RunAsync()
                {
                    IJob? job;
                    try
                    {
                        job = _factory();
                    }
                    catch (Exception)
                    {
                        return false;
                    }

                    if (job is null)
                    {
                        return false;
                    }

                    await job.RunAsync();
                    return true;
                }
            }
            """;

        [Fact]
        public async Task Silent_LocalOfAnAsyncMethodCalledFromTwoPlaces()
        {
            // Each call of RunAsync has its own 'job': the Task.Run lambda's call and the un-awaited call share nothing.
            await VerifyCS.VerifyAnalyzerAsync(JobRunner);
        }

        [Fact]
        public async Task Silent_ErrorReadAfterAwaitingTheProducerTask()
        {
            const string source = """
                using System;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class StreamingHandler
                {
                    async Task<string> HandleAsync(Func<ChannelWriter<string>, Task> execute)
                    {
                        var events = Channel.CreateUnbounded<string>();
                        Exception? execError = null;
                        var producer = Task.Run(async () =>
                        {
                            try
                            {
                                await execute(events.Writer);
                            }
                            catch (Exception ex)
                            {
                                execError = ex;
                            }
                            finally
                            {
                                events.Writer.Complete();
                            }
                        });

                        await foreach (var e in events.Reader.ReadAllAsync())
                        {
                        }

                        await producer;
                        return execError is null ? "ok" : "failed: " + execError.Message;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ErrorPassedThroughChannelCompletion()
        {
            const string source = """
                using System;
                using System.Threading.Channels;
                using System.Threading.Tasks;

                class StreamingHandler
                {
                    async Task<string> HandleAsync(Func<ChannelWriter<string>, Task> execute)
                    {
                        var events = Channel.CreateUnbounded<string>();
                        Exception? execError = null;
                        _ = Task.Run(async () =>
                        {
                            try
                            {
                                await execute(events.Writer);
                                events.Writer.TryComplete();
                            }
                            catch (Exception ex)
                            {
                                events.Writer.TryComplete(ex);
                            }
                        });

                        await foreach (var e in events.Reader.ReadAllAsync())
                        {
                        }

                        try
                        {
                            await events.Reader.Completion;
                        }
                        catch (Exception ex)
                        {
                            execError = ex;
                        }

                        return execError is null ? "ok" : "failed: " + execError.Message;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ErrorPassedWithTrySetException()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                class Loader
                {
                    async Task<int> LoadAsync(Func<int> compute)
                    {
                        var ready = new TaskCompletionSource<int>();
                        _ = Task.Run(() =>
                        {
                            try
                            {
                                ready.TrySetResult(compute());
                            }
                            catch (Exception ex)
                            {
                                ready.TrySetException(ex);
                            }
                        });

                        return await ready.Task;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ResultReadAfterWaitAndAfterJoin()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                class Runner
                {
                    int Run(Func<int> a, Func<int> b)
                    {
                        var first = 0;
                        var second = 0;
                        var task = Task.Run(() => first = a());
                        var thread = new Thread(() => second = b());
                        thread.Start();
                        task.Wait();
                        thread.Join();
                        return first + second;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ResultsReadAfterAwaitedWhenAll()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                class Runner
                {
                    async Task<int> RunAsync(Func<int> a, Func<int> b)
                    {
                        var first = 0;
                        var second = 0;
                        var t1 = Task.Run(() => first = a());
                        var t2 = Task.Run(() => second = b());
                        await Task.WhenAll(t1, t2);
                        return first + second;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ParallelBodyWritesReadAfterItReturns()
        {
            const string source = """
                using System.Threading.Tasks;

                class Search
                {
                    int Find(int[] values, int target)
                    {
                        var found = -1;
                        Parallel.For(0, values.Length, i =>
                        {
                            if (values[i] == target)
                            {
                                found = i;
                            }
                        });
                        return found;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_VariableAssignedOnlyBeforeTheRegionStarts()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                class Job
                {
                    string Run(string name)
                    {
                        var label = "job " + name;
                        Task.Run(() => Console.WriteLine(label));
                        return label;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_InterlockedHandOverReadAfterTheJoin()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                class Job
                {
                    async Task<Exception?> RunAsync(Action work)
                    {
                        Exception? error = null;
                        var task = Task.Run(() =>
                        {
                            try
                            {
                                work();
                            }
                            catch (Exception ex)
                            {
                                Interlocked.Exchange(ref error, ex);
                            }
                        });

                        await task;
                        return Volatile.Read(ref error);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ReadBeforeTheRegionStarts()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                class Job
                {
                    Task Run(Func<int> compute)
                    {
                        var last = 0;
                        Console.WriteLine(last);
                        return Task.Run(() => last = compute());
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TimerCallbackIsNotAHandOver()
        {
            const string source = """
                using System;
                using System.Threading;

                class Clock
                {
                    DateTime Watch()
                    {
                        var last = DateTime.MinValue;
                        using var timer = new Timer(_ => last = DateTime.UtcNow, null, 0, 100);
                        Thread.Sleep(500);
                        return last;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_AssignmentBeforeTheSignalReadAfterTheJoin()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                class Job
                {
                    async Task<Exception?> RunAsync(Action work)
                    {
                        Exception? error = null;
                        using var done = new ManualResetEventSlim();
                        var task = Task.Run(() =>
                        {
                            try
                            {
                                work();
                            }
                            catch (Exception ex)
                            {
                                error = ex;
                            }
                            finally
                            {
                                done.Set();
                            }
                        });

                        await task;
                        return error;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
