using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.CheckThenActRule>;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseAtomicDictionaryCallCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0006 shapes of real fixes: a check kept in a local between two lock blocks, a check and an act under two
    /// different locks, a state check (IsAddingCompleted) then an act another thread may end first; and their near misses.
    /// </summary>
    public partial class RG0006CheckThenActTests
    {
        [Fact]
        public async Task Fix_CheckKeptInALocalBetweenTwoLockBlocks()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class SessionManager
                {
                    private readonly object _sync = new object();
                    private readonly Dictionary<string, string> _sessions = new Dictionary<string, string>();

                    public bool Open(string user, string token)
                    {
                        bool exists;
                        lock (_sync)
                        {
                            exists = _sessions.ContainsKey(user);
                        }

                        if (exists)
                        {
                            return false;
                        }

                        lock (_sync)
                        {
                            {|RG0006:_sessions.Add(user, token)|};
                        }

                        return true;
                    }

                    public void Close(string user)
                    {
                        lock (_sync)
                        {
                            _sessions.Remove(user);
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;

                public sealed class SessionManager
                {
                    private readonly object _sync = new object();
                    private readonly Dictionary<string, string> _sessions = new Dictionary<string, string>();

                    public bool Open(string user, string token)
                    {
                        bool exists;
                        lock (_sync)
                        {
                            exists = _sessions.ContainsKey(user);

                            if (exists)
                            {
                                return false;
                            }
                            _sessions.Add(user, token);
                        }

                        return true;
                    }

                    public void Close(string user)
                    {
                        lock (_sync)
                        {
                            _sessions.Remove(user);
                        }
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Reports_LocalDeclaredBetweenTheBlocksKeepsTheFindingWithoutAFix()
        {
            // The session made between the blocks is returned after them: merging the locks would hide it, so no fix.
            const string source = """
                using System;
                using System.Collections.Generic;

                public sealed class SessionManager
                {
                    private readonly object _sync = new object();
                    private readonly Dictionary<string, object> _sessions = new Dictionary<string, object>();

                    public object Open(string user)
                    {
                        bool exists;
                        lock (_sync)
                        {
                            exists = _sessions.ContainsKey(user);
                        }

                        if (exists)
                        {
                            throw new InvalidOperationException("already open");
                        }

                        var session = new object();
                        lock (_sync)
                        {
                            {|RG0006:_sessions.Add(user, session)|};
                        }

                        return session;
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task Reports_CheckAndActUnderTwoDifferentLocks()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                public sealed class RouteTable
                {
                    private readonly object _readLock = new object();
                    private readonly object _writeLock = new object();
                    private readonly HashSet<string> _routes = new HashSet<string>();

                    public void Register(string route)
                    {
                        bool known;
                        lock (_readLock)
                        {
                            known = _routes.Contains(route);
                        }

                        if (known)
                        {
                            throw new ArgumentException(route);
                        }

                        lock (_writeLock)
                        {
                            {|RG0006:_routes.Add(route)|};
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_CheckInALocalAndActUnderOneLock()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                public sealed class RouteTable
                {
                    private readonly object _gate = new object();
                    private readonly object _other = new object();
                    private readonly HashSet<string> _routes = new HashSet<string>();

                    public void Register(string route)
                    {
                        lock (_gate)
                        {
                            bool known;
                            lock (_other)
                            {
                                known = _routes.Contains(route);
                            }

                            if (known)
                            {
                                throw new ArgumentException(route);
                            }

                            lock (_other)
                            {
                                _routes.Add(route);
                            }
                        }
                    }

                    public bool IsKnown(string route)
                    {
                        lock (_gate)
                        {
                            var known = _routes.Contains(route);
                            if (!known)
                            {
                                _routes.Add(route);
                            }

                            return known;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_StateCheckThenAddWhileDisposeCompletesAdding()
        {
            const string source = """
                using System;
                using System.Collections.Concurrent;
                using System.Threading.Tasks;

                public sealed class TelemetrySink : IDisposable
                {
                    private readonly BlockingCollection<string> _events = new BlockingCollection<string>(1000);
                    private readonly Task _pump;

                    public TelemetrySink()
                    {
                        _pump = Task.Run(() =>
                        {
                            foreach (var e in _events.GetConsumingEnumerable())
                            {
                                Console.WriteLine(e);
                            }
                        });
                    }

                    public void Track(string evt)
                    {
                        if (!_events.IsAddingCompleted)
                        {
                            {|#0:_events.Add(evt)|};
                        }
                    }

                    public void Dispose()
                    {
                        _events.CompleteAdding();
                        _pump.Wait();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0006").WithLocation(0).WithArguments(
                    "_events",
                    "BlockingCollection<string>",
                    "checked with IsAddingCompleted and then changed with Add() in Track(), not atomically",
                    "TryAdd()"));
        }

        [Fact]
        public async Task Reports_StateCheckOfAProgramQueueThenAddWhileAnotherTaskCompletesIt()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public sealed class WorkQueue<T>
                {
                    private readonly object _gate = new object();
                    private readonly Queue<T> _items = new Queue<T>();
                    private bool _completed;

                    public bool IsCompleted
                    {
                        get { lock (_gate) { return _completed; } }
                    }

                    public void Add(T item)
                    {
                        lock (_gate)
                        {
                            if (_completed)
                            {
                                throw new InvalidOperationException("completed");
                            }

                            _items.Enqueue(item);
                        }
                    }

                    public void Complete()
                    {
                        lock (_gate)
                        {
                            _completed = true;
                        }
                    }
                }

                public sealed class LogShipper
                {
                    private readonly WorkQueue<string> _queue = new WorkQueue<string>();

                    public void Ship(string[] lines)
                    {
                        Task.Run(() =>
                        {
                            foreach (var line in lines)
                            {
                                if (!_queue.IsCompleted)
                                {
                                    {|RG0006:_queue.Add(line)|};
                                }
                            }
                        });
                        Task.Run(() => _queue.Complete());
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_StateCheckNearMisses()
        {
            // TryAdd decides by itself; a check and add under the lock Complete also takes; a queue nobody ends.
            const string source = """
                using System;
                using System.Collections.Concurrent;

                public sealed class Sinks : IDisposable
                {
                    private readonly object _gate = new object();
                    private readonly BlockingCollection<string> _events = new BlockingCollection<string>();
                    private readonly BlockingCollection<string> _audit = new BlockingCollection<string>();
                    private readonly BlockingCollection<string> _forever = new BlockingCollection<string>();

                    public bool Track(string evt)
                    {
                        if (!_events.IsAddingCompleted)
                        {
                            return _events.TryAdd(evt);
                        }

                        return false;
                    }

                    public void Audit(string line)
                    {
                        lock (_gate)
                        {
                            if (!_audit.IsAddingCompleted)
                            {
                                _audit.Add(line);
                            }
                        }
                    }

                    public void Keep(string line)
                    {
                        if (!_forever.IsAddingCompleted)
                        {
                            _forever.Add(line);
                        }
                    }

                    public void Dispose()
                    {
                        _events.CompleteAdding();
                        lock (_gate)
                        {
                            _audit.CompleteAdding();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
