using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Non-thread-safe objects beyond collections (RULES.md, "Non-thread-safe objects"): a <c>Stopwatch</c> restarted by
    /// senders and read by a keep-alive loop, a <c>Random</c> shared by parallel bodies, a <c>StringBuilder</c> appended to
    /// by workers; and the safe look-alikes (one per run, <c>Random.Shared</c>, under one lock).
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        [Fact]
        public async Task Reports_StopwatchRestartedBySendersAndReadByAKeepAliveLoop()
        {
            const string source = """
                using System;
                using System.Diagnostics;
                using System.Threading;
                using System.Threading.Tasks;

                class Connection
                {
                    private readonly Stopwatch _sinceLastSend = Stopwatch.StartNew();

                    public void Open(CancellationToken token)
                    {
                        _ = Task.Run(() => KeepAliveAsync(token));
                    }

                    public void Send(string message)
                    {
                        Console.WriteLine(message);
                        [|_sinceLastSend.Restart()|];
                    }

                    private async Task KeepAliveAsync(CancellationToken token)
                    {
                        while (!token.IsCancellationRequested)
                        {
                            await Task.Delay(1000, token);
                            if (_sinceLastSend.Elapsed > TimeSpan.FromSeconds(30))
                            {
                                Console.WriteLine("ping");
                                [|_sinceLastSend.Restart()|];
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_StopwatchOfAKeepAliveLoopUnderOneLock()
        {
            const string source = """
                using System;
                using System.Diagnostics;
                using System.Threading;
                using System.Threading.Tasks;

                class Connection
                {
                    private readonly object _gate = new object();
                    private readonly Stopwatch _sinceLastSend = Stopwatch.StartNew();

                    public void Open(CancellationToken token)
                    {
                        _ = Task.Run(() => KeepAliveAsync(token));
                    }

                    public void Send(string message)
                    {
                        Console.WriteLine(message);
                        lock (_gate)
                        {
                            _sinceLastSend.Restart();
                        }
                    }

                    private async Task KeepAliveAsync(CancellationToken token)
                    {
                        while (!token.IsCancellationRequested)
                        {
                            await Task.Delay(1000, token);
                            lock (_gate)
                            {
                                if (_sinceLastSend.Elapsed > TimeSpan.FromSeconds(30))
                                {
                                    Console.WriteLine("ping");
                                    _sinceLastSend.Restart();
                                }
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_RandomSharedByParallelBodies()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                class Sampler
                {
                    private readonly Random _random = new Random(42);

                    public double[] Sample(int count)
                    {
                        var values = new double[count];
                        Parallel.For(0, count, i => values[i] = [|_random.NextDouble()|]);
                        return values;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_RandomOfEachRunOrTheSharedOne()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                class Sampler
                {
                    public double[] Sample(int count)
                    {
                        var values = new double[count];
                        Parallel.For(0, count, i =>
                        {
                            var random = new Random(i);
                            values[i] = random.NextDouble() + Random.Shared.NextDouble();
                        });
                        return values;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_StringBuilderAppendedToByWorkers()
        {
            const string source = """
                using System.Text;
                using System.Threading.Tasks;

                class Report
                {
                    public string Build(string[] sections)
                    {
                        var text = new StringBuilder();
                        Parallel.ForEach(sections, section => [|text.AppendLine(section.Trim())|]);
                        return text.ToString();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_StringBuilderOfEachWorker()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Text;
                using System.Threading.Tasks;

                class Report
                {
                    public string Build(string[] sections)
                    {
                        var parts = new ConcurrentBag<string>();
                        Parallel.ForEach(sections, section =>
                        {
                            var text = new StringBuilder();
                            text.AppendLine(section.Trim());
                            parts.Add(text.ToString());
                        });
                        return string.Join("", parts);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
