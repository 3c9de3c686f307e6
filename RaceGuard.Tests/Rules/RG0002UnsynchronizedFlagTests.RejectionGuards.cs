using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnsynchronizedFlagRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0002 and guard clauses that turn callers away (<c>if (_disposed) throw new ObjectDisposedException(..)</c>): a
    /// stale read of a flag that only ever moves towards "reject" lets one call in late, as if the write came just after
    /// the check; a flag that moves towards "allow", or back, still races.
    /// </summary>
    public partial class RG0002UnsynchronizedFlagTests
    {
        private const string ClosableListener = """
            using System;
            using System.Collections.Generic;

            public sealed class Listener
            {
                private readonly object _sync = new object();
                private readonly Queue<string> _pending = new Queue<string>();
                private bool _disposed;
                private string _realm = "";

                public string Realm
                {
                    get
                    {
                        if (_disposed)
                            throw new ObjectDisposedException(nameof(Listener));

                        return _realm;
                    }
                }

                public void Enqueue(string item)
                {
                    CheckDisposed();
                    lock (_sync)
                    {
                        _pending.Enqueue(item);
                    }
                }

                public int Peek()
                {
                    if (_disposed || _pending.Count == 0)
                    {
                        Console.WriteLine("nothing to peek");
                        throw new InvalidOperationException("closed or empty");
                    }

                    return 1;
                }

                public void Close()
                {
                    lock (_sync)
                    {
                        _pending.Clear();
                        _disposed = true;
                    }
                }

                private void CheckDisposed()
                {
                    if (_disposed)
                        throw new ObjectDisposedException(GetType().ToString());
                }
            }
            """;

        [Fact]
        public async Task Silent_DisposedFlagReadOnlyToThrow()
        {
            await VerifyCS.VerifyAnalyzerAsync(ClosableListener);
        }

        [Fact]
        public async Task Silent_DisposedFlagComparedWithTrueReadOnlyToThrow()
        {
            var source = ClosableListener.Edit("            if (_disposed)\n                throw new ObjectDisposedException(nameof(Listener));", "            if (_disposed == true)\n                throw new ObjectDisposedException(nameof(Listener));");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_DisposedFlagComparedWithFalseThatRejectsUntilItIsSet()
        {
            // _disposed == false throws while the object is open: the write lets callers in, as with !_started.
            var source = ClosableListener.Edit("            if (_disposed)\n                throw new ObjectDisposedException(nameof(Listener));", "            if ({|#0:_disposed|} == false)\n                throw new ObjectDisposedException(nameof(Listener));");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments("_disposed", "bool", "read in 'Realm' outside the lock '_sync' of its writes while Close() may change it", "take the lock here too, or use Volatile.Read/Write"));
        }

        [Fact]
        public async Task Silent_ObjectDisposedExceptionThrowIf()
        {
            const string source = """
                using System;

                public sealed class Channel
                {
                    private readonly object _sync = new object();
                    private bool _closed;
                    private int _sent;

                    public void Send()
                    {
                        ObjectDisposedException.ThrowIf(_closed, this);
                        lock (_sync)
                        {
                            _sent++;
                        }
                    }

                    public void Close()
                    {
                        lock (_sync)
                        {
                            _closed = true;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_DisposedFlagThatIsAlsoClearedAgain()
        {
            // Reopen() lets callers in again: a stale "closed" rejects a call the reopening already allowed.
            var source = ClosableListener.Replace(
                "    private void CheckDisposed()",
                """
                    public void Reopen()
                    {
                        lock (_sync)
                        {
                            _disposed = false;
                        }
                    }

                    private void CheckDisposed()
                """);
            source = MarkEach(source, "(_disposed", "({|#N:_disposed|}");

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments("_disposed", "bool", "read in 'Realm' outside the lock '_sync' of its writes while Close() and others may change it", "take the lock or use Volatile"),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments("_disposed", "bool", "read in Peek() outside the lock '_sync' of its writes while Close() and others may change it", "take the lock or use Volatile"),
                VerifyCS.Diagnostic("RG0002").WithLocation(2).WithArguments("_disposed", "bool", "read in CheckDisposed() outside the lock '_sync' of its writes while Close() and others may change it", "take the lock or use Volatile"));
        }

        /// <summary>Replaces each occurrence of <paramref name="text"/> in turn with <paramref name="markup"/>, its <c>#N</c> numbered 0, 1, ...</summary>
        private static string MarkEach(string source, string text, string markup)
        {
            var parts = source.Split(text);
            var result = new System.Text.StringBuilder(parts[0]);
            for (var i = 1; i < parts.Length; i++)
            {
                result.Append(markup.Replace("#N", "#" + (i - 1))).Append(parts[i]);
            }

            return result.ToString();
        }

        [Fact]
        public async Task Reports_StartedFlagThatLetsCallersInReadToThrow()
        {
            // The write lets callers in: a stale false throws "not started" after Start() returned on another thread.
            const string source = """
                using System;

                public sealed class Pump
                {
                    private readonly object _sync = new object();
                    private bool _started;
                    private int _count;

                    public void Post()
                    {
                        if (!{|#0:_started|})
                            throw new InvalidOperationException("not started");

                        lock (_sync)
                        {
                            _count++;
                        }
                    }

                    public void Start()
                    {
                        lock (_sync)
                        {
                            _started = true;
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments("_started", "bool", "read in Post() outside the lock '_sync' of its writes while Start() may change it", "take the lock here too, or use Volatile.Read/Write"));
        }

        private const string ClosingListener = """
            using System.Collections.Generic;

            public sealed class Listener
            {
                private readonly object _sync = new object();
                private readonly List<string> _prefixes = new List<string>();
                private bool _disposed;

                public void Add(string prefix)
                {
                    lock (_sync)
                    {
                        _prefixes.Add(prefix);
                    }
                }

                public void Close()
                {
                    if (_disposed)
                        return;

                    CloseCore();
                }

                private void CloseCore()
                {
                    lock (_sync)
                    {
                        if (_disposed)
                            return;

                        _prefixes.Clear();
                        _disposed = true;
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_GuardClauseWhoseHelperTestsAgainUnderTheLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(ClosingListener);
        }

        [Fact]
        public async Task Reports_GuardClauseWhoseHelperDoesNotTestAgain()
        {
            var source = ClosingListener
                .Edit("""
                        if (_disposed)
                            return;

                        CloseCore();
                """, """
                        if ({|#0:_disposed|})
                            return;

                        CloseCore();
                """)
                .Edit("""
                            if (_disposed)
                                return;

                            _prefixes.Clear();
                """, """
                            _prefixes.Clear();
                """);
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments("_disposed", "bool", "read in Close() outside the lock '_sync' of its writes while CloseCore() may change it", "take the lock here too, or use Volatile.Read/Write"));
        }
    }
}
