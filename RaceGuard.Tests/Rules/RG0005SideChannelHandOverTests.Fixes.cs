using System.Threading.Tasks;
using VerifyAwait = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.AwaitProducerTaskCodeFixProvider>;
using VerifyChannel = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.PropagateThroughChannelCompletionCodeFixProvider>;
using VerifyTcs = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.CompleteWithTrySetExceptionCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0005 fixes: await the producer, channel completion, TrySetException; exact output.</summary>
    public partial class RG0005SideChannelHandOverTests
    {
        private const string StreamingHandler = """
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

                    var count = 0;
                    await foreach (var e in events.Reader.ReadAllAsync())
                    {
                        count++;
                    }

                    return {|RG0005:execError|} is null ? "ok " + count : "failed: " + execError.Message;
                }
            }
            """;

        [Fact]
        public async Task Fix_AwaitTheProducerBeforeTheFirstRead()
        {
            const string fixedSource = """
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

                        var count = 0;
                        await foreach (var e in events.Reader.ReadAllAsync())
                        {
                            count++;
                        }

                        await producer;
                        return execError is null ? "ok " + count : "failed: " + execError.Message;
                    }
                }
                """;

            await VerifyAwait.VerifyCodeFixAsync(StreamingHandler, fixedSource);
        }

        [Fact]
        public async Task Fix_PropagateTheErrorThroughTheChannelsCompletion()
        {
            const string fixedSource = """
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
                            }
                            catch (Exception ex)
                            {
                                events.Writer.TryComplete(ex);
                            }
                            finally
                            {
                                events.Writer.TryComplete();
                            }
                        });

                        var count = 0;
                        await foreach (var e in events.Reader.ReadAllAsync())
                        {
                            count++;
                        }

                        try
                        {
                            await events.Reader.Completion;
                        }
                        catch (Exception ex)
                        {
                            execError = ex;
                        }

                        return execError is null ? "ok " + count : "failed: " + execError.Message;
                    }
                }
                """;

            await VerifyChannel.VerifyCodeFixAsync(StreamingHandler, fixedSource);
        }

        [Fact]
        public async Task Fix_WaitForTheThreadlessTaskInSyncCode()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                class Job
                {
                    string Run(Action work)
                    {
                        Exception? error = null;
                        var done = new ManualResetEventSlim();
                        Task.Run(() =>
                        {
                            try
                            {
                                work();
                            }
                            catch (Exception ex)
                            {
                                error = ex;
                            }

                            done.Set();
                        });

                        done.Wait();
                        return {|RG0005:error|}?.Message ?? "ok";
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                class Job
                {
                    string Run(Action work)
                    {
                        Exception? error = null;
                        var done = new ManualResetEventSlim();
                        var producer = Task.Run(() =>
                        {
                            try
                            {
                                work();
                            }
                            catch (Exception ex)
                            {
                                error = ex;
                            }

                            done.Set();
                        });

                        done.Wait();
                        producer.Wait();
                        return error?.Message ?? "ok";
                    }
                }
                """;

            await VerifyAwait.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_CompleteTheTaskCompletionSourceWithTheException()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                class Loader
                {
                    async Task<string> LoadAsync(Action load)
                    {
                        Exception? failure = null;
                        var ready = new TaskCompletionSource<bool>();
                        _ = Task.Run(() =>
                        {
                            try
                            {
                                load();
                            }
                            catch (Exception ex)
                            {
                                failure = ex;
                            }

                            ready.SetResult(true);
                        });

                        await ready.Task;
                        return {|RG0005:failure|} is null ? "loaded" : failure.Message;
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading.Tasks;

                class Loader
                {
                    async Task<string> LoadAsync(Action load)
                    {
                        Exception? failure = null;
                        var ready = new TaskCompletionSource<bool>();
                        _ = Task.Run(() =>
                        {
                            try
                            {
                                load();
                            }
                            catch (Exception ex)
                            {
                                ready.TrySetException(ex);
                            }

                            ready.TrySetResult(true);
                        });

                        try
                        {
                            await ready.Task;
                        }
                        catch (Exception ex)
                        {
                            failure = ex;
                        }

                        return failure is null ? "loaded" : failure.Message;
                    }
                }
                """;

            await VerifyTcs.VerifyCodeFixAsync(source, fixedSource);
        }
    }
}
