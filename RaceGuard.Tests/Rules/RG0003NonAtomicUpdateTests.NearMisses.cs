using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.NonAtomicUpdateRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0003 near misses: the fixed code and the safe look-alikes of every positive.</summary>
    public partial class RG0003NonAtomicUpdateTests
    {
        [Fact]
        public async Task Silent_InterlockedIncrementInParallelFor()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    int Count(int[] values)
                    {
                        var positives = 0;
                        Parallel.For(0, values.Length, i =>
                        {
                            if (values[i] > 0)
                            {
                                Interlocked.Increment(ref positives);
                            }
                        });
                        return positives;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_UpdateUnderLock()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    double Total(double[] amounts)
                    {
                        double total = 0;
                        var gate = new object();
                        Parallel.ForEach(amounts, amount =>
                        {
                            lock (gate)
                            {
                                total += amount;
                            }
                        });
                        return total;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ParallelForLocalAccumulatorWithInterlockedLocalFinally()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    long Sum(int[] values)
                    {
                        long total = 0;
                        Parallel.For(0, values.Length, () => 0L, (i, state, subtotal) =>
                        {
                            subtotal += values[i];
                            return subtotal;
                        },
                        subtotal => Interlocked.Add(ref total, subtotal));
                        return total;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_CounterDeclaredInsideTheRegion()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    void Work(string[] files)
                    {
                        Parallel.ForEach(files, file =>
                        {
                            var lines = 0;
                            foreach (var ch in file)
                            {
                                if (ch == '\n')
                                {
                                    lines++;
                                }
                            }
                        });
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_AwaitedTaskRunAloneIsSequential()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> Run()
                    {
                        var count = 0;
                        await Task.Run(() => count++);
                        count++;
                        return count;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string ByteHandler = """
            using System;
            using System.IO;
            using System.Threading.Tasks;

            public sealed class ByteHandler
            {
                private readonly Stream _stream;

                public ByteHandler(Stream stream) => _stream = stream;

                public int RemainingTimeout { get; set; }

                public ValueTask<int> ReadBytesAsync(Memory<byte> buffer, bool asynchronous) =>
                    asynchronous ? new ValueTask<int>(DoReadBytesAsync(buffer)) : DoReadBytesSync(buffer);

                private ValueTask<int> DoReadBytesSync(Memory<byte> buffer)
                {
                    var start = Environment.TickCount;
                    var read = _stream.Read(buffer.Span);
                    RemainingTimeout -= Environment.TickCount - start;
                    return new ValueTask<int>(read);
                }

                private async Task<int> DoReadBytesAsync(Memory<byte> buffer)
                {
                    var start = Environment.TickCount;
                    var read = await _stream.ReadAsync(buffer);
                    RemainingTimeout -= Environment.TickCount - start;
                    return read;
                }
            }
            """;

        [Fact]
        public async Task Silent_TaskWrappedInAValueTaskAndReturned()
        {
            await VerifyCS.VerifyAnalyzerAsync(ByteHandler);
        }

        [Fact]
        public async Task Reports_TheWrappedTaskLeftRunningWhileTheCallerGoesOn()
        {
            var source = ByteHandler
                .Edit("""
                    public ValueTask<int> ReadBytesAsync(Memory<byte> buffer, bool asynchronous) =>
                        asynchronous ? new ValueTask<int>(DoReadBytesAsync(buffer)) : DoReadBytesSync(buffer);
                """, """
                    public ValueTask<int> ReadBytesAsync(Memory<byte> buffer, bool asynchronous)
                    {
                        var pending = new ValueTask<int>(DoReadBytesAsync(buffer));
                        {|#0:RemainingTimeout -= 1|};
                        return pending;
                    }
                """)
                .Edit("RemainingTimeout -= Environment.TickCount - start;\n        return read;", "{|#1:RemainingTimeout -= Environment.TickCount - start|};\n        return read;");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments("RemainingTimeout", "int", "in ReadBytesAsync()", "a concurrent call to 'DoReadBytesAsync' may change it", "a lock"),
                VerifyCS.Diagnostic("RG0003").WithLocation(1).WithArguments("RemainingTimeout", "int", "by a concurrent call to 'DoReadBytesAsync'", "ReadBytesAsync() may change it", "a lock"));
        }

        [Fact]
        public async Task Silent_BuilderWithoutSynchronisationOrConcurrency()
        {
            const string source = """
                using System.Text;

                public sealed class LineBuilder
                {
                    private readonly StringBuilder _text = new StringBuilder();
                    private int _count;

                    public LineBuilder Add(string line)
                    {
                        _text.AppendLine(line);
                        _count++;
                        return this;
                    }

                    public int Count => _count;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_RegionUpdatesOnceAndOnlyReadsRaceWithIt()
        {
            const string source = """
                using System.Threading.Tasks;

                class C
                {
                    private int _progress;

                    private readonly Task _work;

                    public C()
                    {
                        _work = Task.Run(() =>
                        {
                            for (var i = 0; i < 100; i++)
                            {
                                _progress++;
                            }
                        });
                    }

                    public int Progress => _progress;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_UpdatesAfterTheJoin()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    int Run()
                    {
                        var count = 0;
                        var worker = new Thread(() => count += 10);
                        worker.Start();
                        worker.Join();
                        count++;
                        return count;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_PrivateHelperCalledOnlyUnderTheLock()
        {
            const string source = """
                public sealed class Stats
                {
                    private readonly object _gate = new object();
                    private int _samples;

                    public void Record()
                    {
                        lock (_gate)
                        {
                            Bump();
                        }
                    }

                    public int Samples
                    {
                        get
                        {
                            lock (_gate)
                            {
                                return _samples;
                            }
                        }
                    }

                    private void Bump() => _samples++;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_VariableHandedByRefToAMethod()
        {
            const string source = """
                using System.Threading;

                public sealed class Command
                {
                    private readonly object _gate = new object();
                    private long _sent;

                    public void Send()
                    {
                        lock (_gate)
                        {
                        }

                        SetTimestamp(ref _sent);
                    }

                    private static void SetTimestamp(ref long slot) => Volatile.Write(ref slot, System.DateTime.UtcNow.Ticks);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ThreadStaticDepthAndPartitionedArrayElements()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;

                class C
                {
                    [ThreadStatic]
                    private static int _depth;

                    int[] Histogram(int[][] rows)
                    {
                        var counts = new int[rows.Length];
                        Parallel.For(0, rows.Length, i =>
                        {
                            _depth++;
                            counts[i] += rows[i].Length;
                            _depth--;
                        });
                        return counts;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ConstructorAndDisposeOfAThreadSafeType()
        {
            const string source = """
                using System;
                using System.Threading;

                public sealed class Pool : IDisposable
                {
                    private int _rented;
                    private int _created;
                    private int _disposeCount;

                    public Pool(int warm)
                    {
                        for (var i = 0; i < warm; i++)
                        {
                            _created++;
                        }
                    }

                    public void Rent() => Interlocked.Increment(ref _rented);

                    public void Dispose() => _disposeCount++;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_UnsynchronisedMemberOfAThreadSafeTypeUpdatingStateNoOneProtects()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Registry
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _names = new List<string>();
                    private int _version;

                    public void Add(string name)
                    {
                        lock (_gate)
                        {
                            _names.Add(name);
                        }
                    }

                    // No member synchronises _version and this member takes no lock: nothing shows it is called concurrently.
                    public void Touch() => _version++;
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ThreadLocalValueIncrement()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly ThreadLocal<int> _perThread = new ThreadLocal<int>();

                    void Work(int[] items)
                    {
                        Parallel.ForEach(items, item => _perThread.Value++);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_UpdateContinuingAValueTheSameCallJustAssigned()
        {
            const string source = """
                public sealed class Connector
                {
                    private readonly object _sync = new object();
                    private int _expectedResponses;

                    public void Open(bool prepared, bool listening)
                    {
                        lock (_sync)
                        {
                        }

                        _expectedResponses = 2;
                        if (prepared)
                        {
                            _expectedResponses++;
                        }

                        if (listening)
                        {
                            _expectedResponses += 2;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
