// The generated code of the growth benchmark: deterministic C# of a given size in four shapes, each a kind of code whose
// cost could grow faster than its size (one big type built for concurrent use, many small types, deep call chains with
// two call sites at every step, many regions in one type). Every shape compiles without errors against net8.0.
using System;
using System.Collections.Generic;
using System.Text;

internal static class Probes
{
    public static readonly string[] Shapes = { "big-type", "small-types", "call-chains", "regions" };

    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n\nnamespace Probe;\n\n";

    /// <summary>The files of <paramref name="shape"/> with <paramref name="members"/> members in all, as (name, text).</summary>
    public static List<(string Name, string Text)> Generate(string shape, int members) => shape switch
    {
        "big-type" => BigType(members),
        "small-types" => SmallTypes(members),
        "call-chains" => CallChains(members),
        "regions" => Regions(members),
        _ => throw new ArgumentException($"unknown shape '{shape}' (known: {string.Join(", ", Shapes)})"),
    };

    /// <summary>
    /// A connection-like type: <paramref name="members"/> public members over a few fields guarded by one lock (some
    /// through private helpers called under it), a reader thread and a flush task; plus members/10 ordinary classes that
    /// call it. One unlocked counter read in every fifth member, as real types have.
    /// </summary>
    private static List<(string, string)> BigType(int members)
    {
        var code = new StringBuilder(Usings);
        code.Append(@"public sealed class Connection : IDisposable
{
    private readonly object _gate = new object();
    private readonly Dictionary<int, string> _pending = new Dictionary<int, string>();
    private readonly List<string> _log = new List<string>();
    private readonly Queue<byte[]> _outgoing = new Queue<byte[]>();
    private readonly Thread _reader;
    private readonly Task _flusher;
    private long _sent;
    private int _state;
    private volatile bool _closed;

    public Connection()
    {
        _reader = new Thread(ReadLoop) { IsBackground = true };
        _reader.Start();
        _flusher = Task.Run(FlushLoop);
    }

    public void Dispose()
    {
        _closed = true;
        _reader.Join();
        _flusher.Wait();
    }

    private void ReadLoop()
    {
        while (!_closed)
        {
            lock (_gate)
            {
                _state++;
                _log.Add(""read"");
                _pending.Remove(_state);
            }

            Thread.Sleep(1);
        }
    }

    private async Task FlushLoop()
    {
        while (!_closed)
        {
            byte[]? next;
            lock (_gate)
            {
                next = _outgoing.Count > 0 ? _outgoing.Dequeue() : null;
            }

            if (next != null)
            {
                Interlocked.Add(ref _sent, next.Length);
            }

            await Task.Delay(1);
        }
    }
");
        for (var i = 0; i < members; i++)
        {
            code.Append(Member(i));
        }

        code.Append("}\n");
        var files = new List<(string, string)> { ("Connection.cs", code.ToString()) };
        files.AddRange(Ordinary(members / 10, i => $"connection.Send{i * 5 % members}(new byte[{i % 7 + 1}]);"));
        return files;

        static string Member(int i) => (i % 5) switch
        {
            0 => $@"
    public void Send{i}(byte[] data)
    {{
        lock (_gate)
        {{
            _outgoing.Enqueue(data);
            _log.Add(""send {i}"");
        }}
    }}
",
            1 => $@"
    public bool TryGet{i}(int id, out string? value)
    {{
        lock (_gate)
        {{
            return _pending.TryGetValue(id + {i}, out value);
        }}
    }}
",
            2 => $@"
    public int Count{i}
    {{
        get
        {{
            lock (_gate)
            {{
                return _pending.Count + {i};
            }}
        }}
    }}
",
            3 => $@"
    public void Register{i}(int id)
    {{
        lock (_gate)
        {{
            Add{i}(id);
        }}
    }}

    private void Add{i}(int id)
    {{
        if (!_pending.ContainsKey(id))
        {{
            _pending[id] = ""{i}"";
        }}

        _log.Add(""register {i}"");
    }}
",
            _ => $@"
    public long Status{i}() => _closed ? -1 : Interlocked.Read(ref _sent) + _state + {i};
",
        };
    }

    /// <summary>members/5 types of five members each, every other one starting tasks and a timer (the shape of most code).</summary>
    private static List<(string, string)> SmallTypes(int members)
    {
        var files = new List<(string, string)>();
        for (var i = 0; i < members / 5; i++)
        {
            files.Add(($"Worker{i}.cs", Usings + (i % 2 == 0
                ? $@"public sealed class Worker{i} : IDisposable
{{
    private readonly object _gate = new object();
    private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();
    private readonly List<string> _log = new List<string>();
    private readonly Timer _timer;
    private int _ticks;

    public Worker{i}() => _timer = new Timer(_ => Tick(), null, 1000, 1000);

    public async Task<int> RunAsync(IReadOnlyList<string> items)
    {{
        var results = new List<int>();
        var tasks = new List<Task>();
        foreach (var item in items)
        {{
            tasks.Add(Task.Run(() => {{ lock (_gate) {{ results.Add(item.Length); }} }}));
        }}

        await Task.WhenAll(tasks);
        Parallel.ForEach(items, item => {{ lock (_gate) {{ _counts[item] = item.Length; }} }});
        return results.Count + _counts.Count;
    }}

    public void Record(string line)
    {{
        lock (_gate)
        {{
            _log.Add(line);
        }}
    }}

    public int Ticks => Volatile.Read(ref _ticks);

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {{
        lock (_gate)
        {{
            _ticks++;
            _log.Add(""tick"");
        }}
    }}
}}
"
                : $@"public sealed class Plain{i}
{{
    private readonly Dictionary<string, int> _index = new Dictionary<string, int>();
    private int _total;

    public int Add(string key, int value)
    {{
        if (!_index.TryGetValue(key, out var existing))
        {{
            _index[key] = value;
            return value;
        }}

        _total += existing + value;
        _index[key] = existing + value;
        return _total;
    }}

    public bool Remove(string key) => _index.Remove(key);

    public int Total => _total;

    public IEnumerable<string> Keys(Func<string, bool> filter)
    {{
        foreach (var key in _index.Keys)
        {{
            if (filter(key))
            {{
                yield return key;
            }}
        }}
    }}

    public void Clear() => _index.Clear();
}}
")));
        }

        return files;
    }

    /// <summary>
    /// One type whose members/10 public entries each lock and call a private chain ten steps deep (members in all),
    /// every step calling the next from two call sites, plus a worker thread entering every chain under the lock: the
    /// number of call paths doubles at every step, the number of call sites only grows by two.
    /// </summary>
    private static List<(string, string)> CallChains(int members)
    {
        const int depth = 10;
        var chains = Math.Max(1, members / depth);
        var code = new StringBuilder(Usings);
        code.Append(@"public sealed class Engine
{
    private readonly object _gate = new object();
    private readonly Dictionary<int, int> _counts = new Dictionary<int, int>();
    private readonly Thread _worker;
    private volatile bool _stopped;
    private int _steps;

    public Engine()
    {
        _worker = new Thread(Work) { IsBackground = true };
        _worker.Start();
    }

    public void Stop() => _stopped = true;

    private void Work()
    {
        while (!_stopped)
        {
            lock (_gate)
            {
");
        for (var c = 0; c < chains; c++)
        {
            code.Append($"                Chain{c}_0({c});\n");
        }

        code.Append(@"            }
        }
    }
");
        for (var c = 0; c < chains; c++)
        {
            code.Append($@"
    public void Enter{c}(int x)
    {{
        lock (_gate)
        {{
            Chain{c}_0(x);
        }}
    }}
");
            for (var d = 0; d < depth; d++)
            {
                var next = d + 1 < depth ? $"Chain{c}_{d + 1}" : null;
                code.Append(next is null
                    ? $@"
    private void Chain{c}_{d}(int x)
    {{
        _counts[x] = _counts.TryGetValue(x, out var n) ? n + 1 : 1;
        _steps++;
    }}
"
                    : $@"
    private void Chain{c}_{d}(int x)
    {{
        _steps++;
        if (x % 2 == 0)
        {{
            {next}(x / 2);
        }}
        else
        {{
            {next}(x * 3 + 1);
        }}
    }}
");
            }
        }

        code.Append("}\n");
        return new List<(string, string)> { ("Engine.cs", code.ToString()) };
    }

    /// <summary>One type with members members, each starting a region (task, thread-pool item, timer, Parallel) over shared fields.</summary>
    private static List<(string, string)> Regions(int members)
    {
        var code = new StringBuilder(Usings);
        code.Append(@"public sealed class Scheduler
{
    private readonly object _gate = new object();
    private readonly List<int> _done = new List<int>();
    private readonly Dictionary<int, Timer> _timers = new Dictionary<int, Timer>();
    private long _runs;

    public int Done
    {
        get
        {
            lock (_gate)
            {
                return _done.Count;
            }
        }
    }
");
        for (var i = 0; i < members; i++)
        {
            code.Append((i % 4) switch
            {
                0 => $@"
    public Task Run{i}() => Task.Run(() =>
    {{
        lock (_gate)
        {{
            _done.Add({i});
        }}
    }});
",
                1 => $@"
    public void Queue{i}()
    {{
        ThreadPool.QueueUserWorkItem(_ =>
        {{
            Interlocked.Increment(ref _runs);
            lock (_gate)
            {{
                _done.Remove({i});
            }}
        }});
    }}
",
                2 => $@"
    public void Schedule{i}()
    {{
        var timer = new Timer(_ => Interlocked.Add(ref _runs, {i}), null, {i}, Timeout.Infinite);
        lock (_gate)
        {{
            _timers[{i}] = timer;
        }}
    }}
",
                _ => $@"
    public void Spread{i}(int[] items)
    {{
        Parallel.For(0, items.Length, k =>
        {{
            items[k] += {i};
            Interlocked.Increment(ref _runs);
        }});
    }}
",
            });
        }

        code.Append("}\n");
        return new List<(string, string)> { ("Scheduler.cs", code.ToString()) };
    }

    /// <summary>Ordinary classes that hold no concurrency of their own; each calls into the big type once.</summary>
    private static IEnumerable<(string, string)> Ordinary(int count, Func<int, string> call)
    {
        for (var i = 0; i < count; i++)
        {
            yield return ($"Client{i}.cs", Usings + $@"public sealed class Client{i}
{{
    private readonly List<string> _names = new List<string>();

    public int Use(Connection connection, string name)
    {{
        _names.Add(name);
        {call(i)}
        var total = 0;
        foreach (var n in _names)
        {{
            total += n.Length;
        }}

        return total;
    }}
}}
");
        }
    }
}
