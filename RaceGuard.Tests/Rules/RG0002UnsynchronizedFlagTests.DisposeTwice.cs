using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.UnsynchronizedFlagRule>;
using VerifyInterlocked = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseInterlockedFlagCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0002, a Dispose that guards against a second call with a plain flag (<c>if (_disposed) return; _disposed =
    /// true;</c>) in a type built for concurrent use, and then takes the type's lock: two callers both pass the guard.
    /// Silent when Dispose takes no lock itself, in a type that shows no concurrent use, and for the plain
    /// <c>if (_disposed) throw</c> of other members.
    /// </summary>
    public partial class RG0002UnsynchronizedFlagTests
    {
        private const string ConnectionPool = """
            using System;
            using System.Collections.Generic;
            using System.IO;

            public sealed class ConnectionPool : IDisposable
            {
                private readonly object _sync = new object();
                private readonly Stack<Stream> _idle = new Stack<Stream>();
                private bool _disposed;

                public void Return(Stream stream)
                {
                    lock (_sync)
                    {
                        _idle.Push(stream);
                    }
                }

                public void Dispose()
                {
                    if ({|#0:_disposed|})
                    {
                        return;
                    }

                    {|#1:_disposed = true|};
                    lock (_sync)
                    {
                        while (_idle.Count > 0)
                        {
                            _idle.Pop().Dispose();
                        }
                    }
                }
            }
            """;

        [Fact]
        public async Task Reports_DisposeGuardedByAPlainFlagInALockingPool()
        {
            const string detail = "checked and then set in Dispose() while another call may change it";
            const string advice = "both may pass the check; use Interlocked.CompareExchange on an int, or a lock";
            await VerifyCS.VerifyAnalyzerAsync(
                ConnectionPool,
                VerifyCS.Diagnostic("RG0002").WithLocation(0).WithArguments("_disposed", "bool", detail, advice),
                VerifyCS.Diagnostic("RG0002").WithLocation(1).WithArguments("_disposed", "bool", detail, advice));
        }

        [Fact]
        public async Task Reports_TestAndSetInAnExplicitDispose()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                public sealed class Client : IDisposable
                {
                    private readonly object _gate = new object();
                    private readonly List<string> _pending = new List<string>();
                    private bool _disposing;

                    public void Send(string message)
                    {
                        lock (_gate)
                        {
                            _pending.Add(message);
                        }
                    }

                    void IDisposable.Dispose()
                    {
                        if ([|_disposing|])
                        {
                            return;
                        }

                        [|_disposing = true|];
                        lock (_gate)
                        {
                            _pending.Clear();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_DisposeGuardBecomesExchange()
        {
            var source = ConnectionPool.Replace("{|#0:_disposed|}", "{|RG0002:_disposed|}").Replace("{|#1:_disposed = true|}", "{|RG0002:_disposed = true|}");
            const string fixedSource = """
                using System;
                using System.Collections.Generic;
                using System.IO;
                using System.Threading;

                public sealed class ConnectionPool : IDisposable
                {
                    private readonly object _sync = new object();
                    private readonly Stack<Stream> _idle = new Stack<Stream>();
                    private int _disposed;

                    public void Return(Stream stream)
                    {
                        lock (_sync)
                        {
                            _idle.Push(stream);
                        }
                    }

                    public void Dispose()
                    {
                        if (Interlocked.Exchange(ref _disposed, 1) == 1)
                        {
                            return;
                        }

                        lock (_sync)
                        {
                            while (_idle.Count > 0)
                            {
                                _idle.Pop().Dispose();
                            }
                        }
                    }
                }
                """;

            await VerifyInterlocked.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Silent_DisposeThatTakesNoLock()
        {
            // Dispose only sets the flag and disposes what it owns: nothing shows it runs beside the other members.
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.IO;

                public sealed class ConnectionPool : IDisposable
                {
                    private readonly object _sync = new object();
                    private readonly Stack<Stream> _idle = new Stack<Stream>();
                    private readonly Stream _log = new MemoryStream();
                    private bool _disposed;

                    public void Return(Stream stream)
                    {
                        lock (_sync)
                        {
                            _idle.Push(stream);
                        }
                    }

                    public void Dispose()
                    {
                        if (_disposed)
                        {
                            return;
                        }

                        _disposed = true;
                        _log.Dispose();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_DisposeGuardInATypeWithoutConcurrentUse()
        {
            // A lock only in Dispose, nothing else synchronised: no evidence the type is used from several threads.
            const string source = """
                using System;
                using System.IO;

                public sealed class Writer : IDisposable
                {
                    private readonly object _sync = new object();
                    private readonly Stream _stream = new MemoryStream();
                    private bool _disposed;

                    public void Write(byte value) => _stream.WriteByte(value);

                    public void Dispose()
                    {
                        if (_disposed)
                        {
                            return;
                        }

                        _disposed = true;
                        lock (_sync)
                        {
                            _stream.Dispose();
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_DisposedThrowInOtherMembersAndAPlainSetInDispose()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.IO;

                public sealed class ConnectionPool : IDisposable
                {
                    private readonly object _sync = new object();
                    private readonly Stack<Stream> _idle = new Stack<Stream>();
                    private bool _disposed;

                    public void Return(Stream stream)
                    {
                        if (_disposed) throw new ObjectDisposedException(nameof(ConnectionPool));
                        lock (_sync)
                        {
                            _idle.Push(stream);
                        }
                    }

                    public void Dispose()
                    {
                        _disposed = true;
                        lock (_sync)
                        {
                            while (_idle.Count > 0)
                            {
                                _idle.Pop().Dispose();
                            }
                        }
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
