using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0001 "Guard with a lock" where the wrapped statement declares a variable later code uses, and Fix All over
    /// diagnostics of two collections nested in one another: the fixed code compiles and holds one lock.
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        [Fact]
        public async Task Fix_OutVariableUsedAfterTheStatementIsDeclaredBeforeTheLock()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                public sealed class BufferPool
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<Guid, byte[]> _leased = new Dictionary<Guid, byte[]>();

                    public Guid Lease(byte[] buffer)
                    {
                        var id = Guid.NewGuid();
                        lock (_gate)
                        {
                            _leased.Add(id, buffer);
                        }

                        return id;
                    }

                    public int Return(Guid id)
                    {
                        if (![|_leased.Remove(id, out var buffer)|])
                        {
                            return 0;
                        }

                        return buffer.Length;
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Collections.Generic;

                public sealed class BufferPool
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<Guid, byte[]> _leased = new Dictionary<Guid, byte[]>();

                    public Guid Lease(byte[] buffer)
                    {
                        var id = Guid.NewGuid();
                        lock (_gate)
                        {
                            _leased.Add(id, buffer);
                        }

                        return id;
                    }

                    public int Return(Guid id)
                    {
                        byte[] buffer;
                        lock (_gate)
                        {
                            if (!_leased.Remove(id, out buffer))
                            {
                                return 0;
                            }
                        }

                        return buffer.Length;
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_DeclarationWhoseInitializerDeclaresAnOutVariableKeepsBothInScope()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    int Count(string[] words)
                    {
                        var seen = new Dictionary<string, int>();
                        Parallel.ForEach(words, word =>
                        {
                            var known = seen.TryGetValue(word, out var count);
                            [|seen[word] = count + 1|];
                            if (!known && count == 0) { }
                        });
                        return seen.Count;
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    int Count(string[] words)
                    {
                        var seen = new Dictionary<string, int>();
                        var seenLock = new object();
                        Parallel.ForEach(words, word =>
                        {
                            bool known;
                            int count;
                            lock (seenLock)
                            {
                                known = seen.TryGetValue(word, out count);
                            }
                            lock (seenLock)
                            {
                                seen[word] = count + 1;
                            }
                            if (!known && count == 0) { }
                        });
                        return seen.Count;
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task FixAll_NestedDiagnosticsOfTwoCollectionsShareOneLockOverTheOutermostStatement()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Session
                {
                    public Guid Id { get; set; }
                    public string User { get; set; } = "";
                }

                public sealed class SessionTable
                {
                    private readonly Timer _expiry;
                    private readonly Dictionary<Guid, Session> _sessions = new Dictionary<Guid, Session>();
                    private readonly Dictionary<string, Guid> _byUser = new Dictionary<string, Guid>();
                    private Guid _oldest;

                    public SessionTable() => _expiry = new Timer(_ => Close(_oldest), null, 1000, 1000);

                    public void Open(Session session)
                    {
                        [|_sessions.Add(session.Id, session)|];
                        [|_byUser[session.User] = session.Id|];
                    }

                    public void Close(Guid id)
                    {
                        if ([|_sessions.Remove(id, out var session)|])
                        {
                            [|_byUser.Remove(session.User)|];
                        }
                    }

                }
                """;
            const string fixedSource = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                public sealed class Session
                {
                    public Guid Id { get; set; }
                    public string User { get; set; } = "";
                }

                public sealed class SessionTable
                {
                    private readonly Timer _expiry;
                    private readonly Dictionary<Guid, Session> _sessions = new Dictionary<Guid, Session>();
                    private readonly object _sessionsLock = new object();
                    private readonly Dictionary<string, Guid> _byUser = new Dictionary<string, Guid>();
                    private Guid _oldest;

                    public SessionTable() => _expiry = new Timer(_ => Close(_oldest), null, 1000, 1000);

                    public void Open(Session session)
                    {
                        lock (_sessionsLock)
                        {
                            _sessions.Add(session.Id, session);
                        }
                        lock (_sessionsLock)
                        {
                            _byUser[session.User] = session.Id;
                        }
                    }

                    public void Close(Guid id)
                    {
                        lock (_sessionsLock)
                        {
                            if (_sessions.Remove(id, out var session))
                            {
                                _byUser.Remove(session.User);
                            }
                        }
                    }

                }
                """;

            await new VerifyFix.Test { TestCode = source, FixedCode = fixedSource, BatchFixedCode = fixedSource, NumberOfIncrementalIterations = 2, NumberOfFixAllIterations = 1 }.RunAsync();
        }

        private const string Uploader = """
            using System.Collections.Generic;
            using System.IO;
            using System.Linq;

            public sealed class Uploader
            {
                private readonly object _gate = new object();
                private readonly List<int> _sizes = new List<int>();

                public void Record(int size)
                {
                    lock (_gate)
                    {
                        _sizes.Add(size);
                    }
                }

                public int Total
                {
                    get
                    {
                        lock (_gate)
                        {
                            return _sizes.Sum();
                        }
                    }
                }

                public void Upload(Stream stream, byte[] buffer)
                {
                    {|#0:_sizes.Add(stream.Read(buffer, 0, buffer.Length))|};
                }
            }
            """;

        [Fact]
        public async Task Reports_AddOfAReadAdvisingTheIOOutsideTheLock()
        {
            // A lock around the statement would hold _gate for the whole read from the stream.
            await VerifyCS.VerifyAnalyzerAsync(
                Uploader,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                    "_sizes",
                    "List<int>",
                    "in Upload()",
                    "Record() and others may use it",
                    "do the I/O outside a lock, then update it under the lock and re-check"));
        }

        [Fact]
        public async Task Fix_NotOfferedAroundAStatementThatDoesIO()
        {
            var source = Uploader.Replace("{|#0:", "{|RG0001:");
            await VerifyFix.VerifyCodeFixAsync(source, source);
        }

        private const string TryEnterInEitherBranchSource = """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class WaitQueue
            {
                private readonly Queue<int> _queue = new Queue<int>();

                public int Count
                {
                    get
                    {
                        lock (_queue)
                        {
                            return _queue.Count;
                        }
                    }
                }

                public bool TryWait(bool immediate, int timeout, int ticket)
                {
                    var taken = false;
                    try
                    {
                        if (immediate)
                        {
                            Monitor.TryEnter(_queue, 0, ref taken);
                            if (!taken) return false;
                        }
                        else
                        {
                            Monitor.TryEnter(_queue, timeout, ref taken);
                            if (!taken) return false;
                        }

                        _queue.Enqueue(ticket);
                        Monitor.Exit(_queue);
                        taken = false;
                        return true;
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(_queue);
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_MonitorTakenInBothBranchesBeforeTheChange()
        {
            await VerifyCS.VerifyAnalyzerAsync(TryEnterInEitherBranchSource);
        }

        [Fact]
        public async Task Reports_MonitorTakenInOneBranchOnly()
        {
            var source = TryEnterInEitherBranchSource
                .Edit("                Monitor.TryEnter(_queue, 0, ref taken);\n                if (!taken) return false;", "                if (timeout < 0) return false;")
                .Edit("            _queue.Enqueue(ticket);", "            {|#0:_queue.Enqueue(ticket)|};");
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                "_queue", "Queue<int>", "in TryWait()", "'Count' and others may use it", "guard it with the lock '_queue' or use ConcurrentQueue<int>"));
        }

        private const string LockedSwitchSectionSource = """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class Switchboard
            {
                private readonly object _gate = new object();
                private readonly List<int> _items = new List<int>();

                public int Count
                {
                    get
                    {
                        lock (_gate)
                        {
                            return _items.Count;
                        }
                    }
                }

                public void Handle(int kind, int value)
                {
                    switch (kind)
                    {
                        case 1:
                            Monitor.Enter(_gate);
                            _items.Add(value);
                            Monitor.Exit(_gate);
                            break;
                        default:
                            lock (_gate)
                            {
                                _items.Remove(value);
                            }

                            break;
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_MonitorEnteredInASwitchSectionBeforeTheChange()
        {
            await VerifyCS.VerifyAnalyzerAsync(LockedSwitchSectionSource);
        }

        [Fact]
        public async Task Reports_ChangeAfterTheSwitchSectionExitsTheMonitor()
        {
            var source = LockedSwitchSectionSource.Edit(
                "                Monitor.Enter(_gate);\n                _items.Add(value);\n                Monitor.Exit(_gate);",
                "                Monitor.Enter(_gate);\n                Monitor.Exit(_gate);\n                {|#0:_items.Add(value)|};");
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                "_items", "List<int>", "in Handle()", "'Count' and another call of Handle() may use it on another thread", "guard it with the lock '_gate'"));
        }
    }
}
