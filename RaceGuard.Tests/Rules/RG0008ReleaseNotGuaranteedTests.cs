using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using Verify = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.LockReleaseAnalyzer, RaceGuard.CodeFixes.ReleaseInFinallyCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0008: acquires whose release is not in a finally, the correct forms, and the fix.</summary>
    public class RG0008ReleaseNotGuaranteedTests
    {
        [Fact]
        public async Task Reports_SemaphoreReleasedAfterAnAwaitThatCanFault()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class Cache
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                    async Task RefreshAsync(System.Func<Task> load)
                    {
                        await {|#0:_gate.WaitAsync()|};
                        await load();
                        _gate.Release();
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("RG0008").WithLocation(0).WithArguments("_gate", "SemaphoreSlim", "WaitAsync()", "RefreshAsync()"));
        }

        [Fact]
        public async Task Reports_EarlyReturnThatSkipsTheRelease()
        {
            const string source = """
                using System.Threading;

                class Pool
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private int _count;

                    bool TryTake()
                    {
                        [|_gate.Wait()|];
                        if (_count == 0)
                        {
                            return false;
                        }

                        _count--;
                        _gate.Release();
                        return true;
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_MonitorEnterAndExitWithoutFinally()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                class Registry
                {
                    private readonly object _sync = new object();
                    private readonly List<string> _names = new List<string>();

                    void Add(string name)
                    {
                        [|Monitor.Enter(_sync)|];
                        _names.Add(name.Trim());
                        Monitor.Exit(_sync);
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ReaderWriterLockSlimWriteLockAndMutexAndSpinLockless()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                class Store
                {
                    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
                    private readonly Mutex _mutex = new Mutex();
                    private readonly Dictionary<string, int> _values = new Dictionary<string, int>();

                    void Set(string key, int value)
                    {
                        [|_lock.EnterWriteLock()|];
                        _values[key] = value;
                        _lock.ExitWriteLock();
                    }

                    int Get(string key)
                    {
                        [|_lock.EnterReadLock()|];
                        var value = _values[key];
                        _lock.ExitReadLock();
                        return value;
                    }

                    void Save(string path)
                    {
                        {|#0:_mutex.WaitOne()|};
                        System.IO.File.WriteAllText(path, "x");
                        _mutex.ReleaseMutex();
                    }
                }
                """;

            // The mutex is named by its own type, not by WaitHandle, which declares WaitOne.
            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("RG0008").WithLocation(0).WithArguments("_mutex", "Mutex", "WaitOne()", "Save()"));
        }

        [Fact]
        public async Task Reports_StatementsBetweenTheAcquireAndTheTry()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class Sender
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                    async Task SendAsync(string message, System.Func<string, Task> send)
                    {
                        await [|_gate.WaitAsync()|];
                        var payload = message.ToUpperInvariant();
                        try
                        {
                            await send(payload);
                        }
                        catch (System.InvalidOperationException)
                        {
                        }

                        _gate.Release();
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        private const string SnapshotUnderAReadLockSource = """
            using System.Buffers;
            using System.Collections.Generic;
            using System.Threading;

            class Registry
            {
                private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
                private readonly Dictionary<string, int> _items = new Dictionary<string, int>();

                public int Sum()
                {
                    _lock.EnterReadLock();

                    var count = _items.Count;
                    var buffer = ArrayPool<int>.Shared.Rent(count);
                    try
                    {
                        try
                        {
                            _items.Values.CopyTo(buffer, 0);
                        }
                        finally
                        {
                            _lock.ExitReadLock();
                        }

                        var sum = 0;
                        for (var i = 0; i < count; i++)
                        {
                            sum += buffer[i];
                        }

                        return sum;
                    }
                    finally
                    {
                        ArrayPool<int>.Shared.Return(buffer);
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_ReleasedInTheFinallyOfATryThatOpensTheOuterTry()
        {
            // Copy under the lock, release in the inner finally, work on the copy: the outer try's finally returns the
            // pooled buffer. Reading a collection's Count and renting from the shared pool cannot leave in between.
            await Verify.VerifyAnalyzerAsync(SnapshotUnderAReadLockSource);
        }

        [Fact]
        public async Task Reports_ACallBeforeTheInnerTryThatReleases()
        {
            var source = SnapshotUnderAReadLockSource
                .Edit("        _lock.EnterReadLock();", "        [|_lock.EnterReadLock()|];")
                .Edit("            try\n            {\n                _items.Values.CopyTo", "            Validate();\n            try\n            {\n                _items.Values.CopyTo")
                .Edit("    public int Sum()", "    private void Validate() { if (_items.Count > 1000) throw new System.InvalidOperationException(); }\n\n    public int Sum()");
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ABufferRentedWithALengthComputedByACall()
        {
            var source = SnapshotUnderAReadLockSource
                .Edit("        _lock.EnterReadLock();", "        [|_lock.EnterReadLock()|];")
                .Edit("Rent(count)", "Rent(checked(count * Width()))")
                .Edit("    public int Sum()", "    private static int Width() => 2;\n\n    public int Sum()");
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ReleaseInACatchOnly()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class Job
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                    async Task RunAsync(System.Func<Task> work)
                    {
                        await [|_gate.WaitAsync()|].ConfigureAwait(false);
                        try
                        {
                            await work().ConfigureAwait(false);
                        }
                        catch
                        {
                            _gate.Release();
                            throw;
                        }

                        _gate.Release();
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_LocalSemaphoreInALambda()
        {
            const string source = """
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;

                class Batch
                {
                    async Task RunAsync(string[] items, System.Func<string, Task> process)
                    {
                        var gate = new SemaphoreSlim(1, 1);
                        await Task.WhenAll(items.Select(async item =>
                        {
                            await [|gate.WaitAsync()|];
                            await process(item);
                            gate.Release();
                        }));
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ThrowBetweenTheAcquireAndTheRelease()
        {
            const string source = """
                using System;
                using System.Threading;

                class Ledger
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private decimal _balance;

                    void Withdraw(decimal amount)
                    {
                        [|_gate.Wait()|];
                        if (amount > _balance)
                        {
                            throw new InvalidOperationException("insufficient funds");
                        }

                        _balance -= amount;
                        _gate.Release();
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_WaitWithACancellationToken()
        {
            const string source = """
                using System.Threading;

                class Worker
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                    void Step(CancellationToken token, System.Action step)
                    {
                        [|_gate.Wait(token)|];
                        step();
                        _gate.Release();
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_UpgradeableReadLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                class Index
                {
                    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
                    private readonly HashSet<string> _keys = new HashSet<string>();

                    void Ensure(string key)
                    {
                        [|_lock.EnterUpgradeableReadLock()|];
                        if (!_keys.Contains(key))
                        {
                            _lock.EnterWriteLock();
                            try
                            {
                                _keys.Add(key);
                            }
                            finally
                            {
                                _lock.ExitWriteLock();
                            }
                        }

                        _lock.ExitUpgradeableReadLock();
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ReleaseInAFinallyRightAfterTheAcquire()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class Cache
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                    async Task RefreshAsync(System.Func<Task> load, CancellationToken token)
                    {
                        await _gate.WaitAsync(token).ConfigureAwait(false);
                        try
                        {
                            await load().ConfigureAwait(false);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_MonitorEnterWithLockTakenInsideTry()
        {
            const string source = """
                using System.Threading;

                class Counter
                {
                    private readonly object _sync = new object();
                    private int _count;

                    void Increment()
                    {
                        var taken = false;
                        try
                        {
                            Monitor.Enter(_sync, ref taken);
                            _count++;
                        }
                        finally
                        {
                            if (taken)
                            {
                                Monitor.Exit(_sync);
                            }
                        }
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TryAcquireWhoseFalseBranchDoesNotRelease()
        {
            const string source = """
                using System.Threading;

                class Throttle
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                    bool TryRun(System.Action work)
                    {
                        if (!_gate.Wait(0))
                        {
                            return false;
                        }

                        try
                        {
                            work();
                        }
                        finally
                        {
                            _gate.Release();
                        }

                        return true;
                    }

                    bool TryEnter(object sync)
                    {
                        if (Monitor.TryEnter(sync))
                        {
                            Monitor.Exit(sync);
                            return true;
                        }

                        return false;
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ConditionalReleaseInAFinallyAfterAStatementThatCannotThrow()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class Journal
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                    async Task AppendAsync(System.Func<Task> append)
                    {
                        await _gate.WaitAsync();
                        var owned = true;
                        try
                        {
                            await append();
                            _gate.Release();
                            owned = false;
                            await append();
                        }
                        finally
                        {
                            if (owned)
                            {
                                _gate.Release();
                            }
                        }
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        private const string OwnerRecordingContext = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class NonConcurrentContext
            {
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
                private int? _holdingThreadId;

                private bool IsCurrentThreadHolding => _holdingThreadId == Environment.CurrentManagedThreadId;

                async Task PostAsync(Action callback)
                {
                    await _semaphore.WaitAsync();
                    _holdingThreadId = Environment.CurrentManagedThreadId;
                    try
                    {
                        callback();
                    }
                    finally
                    {
                        if (IsCurrentThreadHolding)
                        {
                            _holdingThreadId = null;
                            _semaphore.Release();
                        }
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_OwnerThreadRecordedBetweenTheAcquireAndTheTry()
        {
            await Verify.VerifyAnalyzerAsync(OwnerRecordingContext);
        }

        [Fact]
        public async Task Reports_OwnerComputedByACallBetweenTheAcquireAndTheTry()
        {
            var source = OwnerRecordingContext
                .Edit("await _semaphore.WaitAsync();", "await [|_semaphore.WaitAsync()|];")
                .Edit("_holdingThreadId = Environment.CurrentManagedThreadId;\n", "_holdingThreadId = int.Parse(Environment.GetEnvironmentVariable(\"OWNER\")!);\n");
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ConditionalReleaseInAFinallyAfterACallThatCanThrow()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class Journal
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                    async Task AppendAsync(System.Func<Task> append, System.Func<bool> check)
                    {
                        await [|_gate.WaitAsync()|];
                        var owned = check();
                        try
                        {
                            await append();
                        }
                        finally
                        {
                            if (owned)
                            {
                                _gate.Release();
                            }
                        }
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_SemaphoreUsedAsASignal()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class Mailbox
                {
                    private readonly SemaphoreSlim _available = new SemaphoreSlim(0);

                    public void Post() => _available.Release();

                    async Task<bool> WaitForMailAsync()
                    {
                        await _available.WaitAsync();
                        System.Console.WriteLine("mail");
                        _available.Release();
                        return true;
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_AcquireReleasedInAnotherMethod()
        {
            const string source = """
                using System.Threading;

                class Section
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                    public void Enter() => _gate.Wait();

                    public void Exit() => _gate.Release();
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ReleaseRightAfterTheAcquire()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class Barrierish
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                    async Task DrainAsync()
                    {
                        await _gate.WaitAsync();
                        _gate.Release();
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_LockStatementAndUsingOfAnAsyncLock()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                sealed class AsyncLock
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

                    public async Task<IDisposable> LockAsync()
                    {
                        await _gate.WaitAsync();
                        return new Releaser(_gate);
                    }

                    private sealed class Releaser : IDisposable
                    {
                        private readonly SemaphoreSlim _gate;

                        public Releaser(SemaphoreSlim gate) => _gate = gate;

                        public void Dispose() => _gate.Release();
                    }
                }

                class User
                {
                    private readonly AsyncLock _lock = new AsyncLock();
                    private readonly object _sync = new object();
                    private int _n;

                    async Task UseAsync()
                    {
                        using (await _lock.LockAsync())
                        {
                            _n++;
                        }

                        lock (_sync)
                        {
                            _n--;
                        }
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_AcquireInsideATryWhoseFinallyReleases()
        {
            const string source = """
                using System.Threading;

                class Legacy
                {
                    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
                    private int _value;

                    void Set(int value)
                    {
                        try
                        {
                            _lock.EnterWriteLock();
                            _value = value;
                        }
                        finally
                        {
                            _lock.ExitWriteLock();
                        }
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_TwoDifferentSemaphores()
        {
            const string source = """
                using System.Threading;

                class Pair
                {
                    private readonly SemaphoreSlim _a = new SemaphoreSlim(1, 1);
                    private readonly SemaphoreSlim _b = new SemaphoreSlim(1, 1);

                    void Handoff(System.Action work)
                    {
                        _a.Wait();
                        try
                        {
                            work();
                        }
                        finally
                        {
                            _b.Release();
                            _a.Release();
                        }
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_SpinLockEnterWithLockTakenAndADisposedScope()
        {
            const string source = """
                using System.Threading;

                class Fast
                {
                    private SpinLock _spin = new SpinLock(false);
                    private int _n;

                    void Bump()
                    {
                        var taken = false;
                        try
                        {
                            _spin.Enter(ref taken);
                            _n++;
                        }
                        finally
                        {
                            if (taken)
                            {
                                _spin.Exit();
                            }
                        }
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_AcquireStaysBeforeTheTryAndEarlyReleasesGo()
        {
            const string source = """
                using System.Threading;

                class Pool
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private int _count;

                    bool TryTake()
                    {
                        {|RG0008:_gate.Wait()|};
                        if (_count == 0)
                        {
                            _gate.Release();
                            return false;
                        }

                        _count--;
                        _gate.Release();
                        return true;
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading;

                class Pool
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private int _count;

                    bool TryTake()
                    {
                        _gate.Wait();
                        try
                        {
                            if (_count == 0)
                            {
                                return false;
                            }

                            _count--;
                        }
                        finally
                        {
                            _gate.Release();
                        }

                        return true;
                    }
                }
                """;

            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_AwaitedWaitAndMonitorEnterBecomeTryFinallyAndLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class Cache
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private readonly object _sync = new object();
                    private readonly List<string> _names = new List<string>();

                    async Task RefreshAsync(System.Func<Task> load)
                    {
                        await {|RG0008:_gate.WaitAsync()|};
                        await load();
                        _gate.Release();
                    }

                    void Add(string name)
                    {
                        {|RG0008:Monitor.Enter(_sync)|};
                        _names.Add(name.Trim());
                        Monitor.Exit(_sync);
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class Cache
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private readonly object _sync = new object();
                    private readonly List<string> _names = new List<string>();

                    async Task RefreshAsync(System.Func<Task> load)
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            await load();
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }

                    void Add(string name)
                    {
                        lock (_sync)
                        {
                            _names.Add(name.Trim());
                        }
                    }
                }
                """;

            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_ALocalUsedAfterTheReleaseIsDeclaredBeforeTheTry()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                class Store
                {
                    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
                    private readonly Dictionary<string, int> _values = new Dictionary<string, int>();

                    int Get(string key)
                    {
                        {|RG0008:_lock.EnterReadLock()|};
                        var value = _values[key];
                        _lock.ExitReadLock();
                        return value;
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;
                using System.Threading;

                class Store
                {
                    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
                    private readonly Dictionary<string, int> _values = new Dictionary<string, int>();

                    int Get(string key)
                    {
                        int value;
                        _lock.EnterReadLock();
                        try
                        {
                            value = _values[key];
                        }
                        finally
                        {
                            _lock.ExitReadLock();
                        }

                        return value;
                    }
                }
                """;

            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_NotOfferedWhenAnOutVariableOfTheRegionIsUsedAfterIt()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class AvatarStore
                {
                    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                    private readonly Dictionary<string, byte[]> _avatars = new Dictionary<string, byte[]>();

                    async Task<byte[]> GetAsync(string user, System.Func<string, Task<byte[]>> download)
                    {
                        await {|RG0008:_gate.WaitAsync()|};
                        if (!_avatars.TryGetValue(user, out var avatar))
                        {
                            avatar = await download(user);
                            _avatars[user] = avatar;
                        }

                        _gate.Release();
                        return avatar;
                    }
                }
                """;

            await Verify.VerifyCodeFixAsync(source, source);
        }

        [Fact]
        public async Task Reports_SpinLockEnterWithTakenFlagReleasedOutsideAFinally()
        {
            const string source = """
                using System.Threading;

                class Fast
                {
                    private SpinLock _spin = new SpinLock(false);
                    private int _n;

                    void Bump()
                    {
                        var taken = false;
                        {|#0:_spin.Enter(ref taken)|};
                        _n = checked(_n + 1);
                        _spin.Exit();
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(
                source,
                Verify.Diagnostic("RG0008").WithLocation(0).WithArguments("_spin", "SpinLock", "Enter()", "Bump()"));
        }

        [Fact]
        public async Task Fix_MonitorEnterWithTakenFlagReleasedOutsideAFinally()
        {
            const string source = """
                using System.Threading;

                class Counter
                {
                    private readonly object _sync = new object();
                    private int _count;

                    void Increment()
                    {
                        var taken = false;
                        [|Monitor.Enter(_sync, ref taken)|];
                        _count = checked(_count + 1);
                        Monitor.Exit(_sync);
                    }
                }
                """;
            const string fixedSource = """
                using System.Threading;

                class Counter
                {
                    private readonly object _sync = new object();
                    private int _count;

                    void Increment()
                    {
                        var taken = false;
                        Monitor.Enter(_sync, ref taken);
                        try
                        {
                            _count = checked(_count + 1);
                        }
                        finally
                        {
                            Monitor.Exit(_sync);
                        }
                    }
                }
                """;

            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        private const string StraightLineSource = """
            using System.Threading;

            class Context
            {
                private readonly object _sync = new object();
                private bool _starting;
                private bool _terminating;
                private int _state;

                private int State => _state;

                private object Sync { get; } = new object();

                public bool Terminate()
                {
                    Monitor.Enter(_sync);
                    if (!_starting)
                    {
                        bool restarted = _terminating;
                        _terminating = true;
                        Monitor.Exit(_sync);
                        return restarted;
                    }

                    Monitor.Exit(_sync);
                    return false;
                }

                public int Break()
                {
                    Monitor.Enter(Sync);
                    var state = State;
                    if (state == 3)
                    {
                        Monitor.Exit(Sync);
                        return state;
                    }

                    try
                    {
                        _state = 3;
                        return state;
                    }
                    finally
                    {
                        Monitor.Exit(Sync);
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_EveryPathReleasesBeforeAnythingThatCanThrow()
        {
            await Verify.VerifyAnalyzerAsync(StraightLineSource);
        }

        [Fact]
        public async Task Reports_ACallThatCanThrowBeforeTheReleaseOnOnePath()
        {
            var source = StraightLineSource
                .Edit("    public bool Terminate()\n    {\n        Monitor.Enter(_sync);", "    public bool Terminate()\n    {\n        [|Monitor.Enter(_sync)|];")
                .Edit("            _terminating = true;\n            Monitor.Exit(_sync);", "            _terminating = true;\n            System.Console.WriteLine(restarted);\n            Monitor.Exit(_sync);");
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ReleasedInTheStatementAfterTheAcquire()
        {
            const string source = """
                using System.Threading;
                using System.Threading.Tasks;

                class Pool
                {
                    private readonly SemaphoreSlim _slots = new SemaphoreSlim(4, 4);

                    public async Task<int> FreeSlotsAsync(CancellationToken token)
                    {
                        await _slots.WaitAsync(token);
                        return 1 + _slots.Release();
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }

        private const string ReleaserSource = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class AsyncLock
            {
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);

                public async Task<Releaser> LockAsync()
                {
                    await _semaphore.WaitAsync();
                    return new Releaser(_semaphore);
                }

                public readonly struct Releaser : IDisposable
                {
                    private readonly SemaphoreSlim _semaphore;

                    public Releaser(SemaphoreSlim semaphore) => _semaphore = semaphore;

                    public void Dispose() => _semaphore.Release();
                }
            }

            public sealed class Cache
            {
                private readonly AsyncLock _lock = new AsyncLock();
                private int _loads;

                public async Task LoadAsync(Func<Task> load)
                {
                    var releaser = [|await _lock.LockAsync()|];
                    await load();
                    _loads = checked(_loads + 1);
                    releaser.Dispose();
                }
            }
            """;

        [Fact]
        public async Task Reports_ReleaserTokenDisposedOutsideAFinally()
        {
            await Verify.VerifyAnalyzerAsync(ReleaserSource.Replace("[|await _lock.LockAsync()|]", "await {|#0:_lock.LockAsync()|}"),
                Verify.Diagnostic("RG0008").WithLocation(0).WithArguments("_lock", "AsyncLock", "LockAsync()", "LoadAsync()"));
        }

        [Fact]
        public async Task Silent_ReleaserTokenInAUsing()
        {
            var source = ReleaserSource
                .Edit("        var releaser = [|await _lock.LockAsync()|];", "        using var releaser = await _lock.LockAsync();")
                .Edit("        releaser.Dispose();\n", string.Empty);
            await Verify.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Fix_ReleaserTokenDisposedInAFinally()
        {
            var source = ReleaserSource.Replace("[|await _lock.LockAsync()|]", "await [|_lock.LockAsync()|]");
            var fixedSource = ReleaserSource
                .Replace("[|await _lock.LockAsync()|]", "await _lock.LockAsync()")
                .Replace("        await load();\n        _loads = checked(_loads + 1);\n        releaser.Dispose();\n",
                         "        try\n        {\n            await load();\n            _loads = checked(_loads + 1);\n        }\n        finally\n        {\n            releaser.Dispose();\n        }\n");
            await Verify.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_TokenTypedAsIDisposableFromTheTypesOwnHelper()
        {
            // The token is an IDisposable (not a type that implements it), handed out by a helper of the type itself.
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Journal
                {
                    private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1, 1);
                    private readonly List<string> _entries = new List<string>();

                    private async Task<IDisposable> LockAsync()
                    {
                        await _mutex.WaitAsync();
                        return new Releaser(_mutex);
                    }

                    public async Task AppendAsync(string entry)
                    {
                        var token = await {|#0:LockAsync()|};
                        await Task.Delay(10);
                        _entries.Add(entry);
                        token.Dispose();
                    }

                    private sealed class Releaser : IDisposable
                    {
                        private readonly SemaphoreSlim _semaphore;

                        public Releaser(SemaphoreSlim semaphore) => _semaphore = semaphore;

                        public void Dispose() => _semaphore.Release();
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Journal
                {
                    private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1, 1);
                    private readonly List<string> _entries = new List<string>();

                    private async Task<IDisposable> LockAsync()
                    {
                        await _mutex.WaitAsync();
                        return new Releaser(_mutex);
                    }

                    public async Task AppendAsync(string entry)
                    {
                        var token = await LockAsync();
                        try
                        {
                            await Task.Delay(10);
                            _entries.Add(entry);
                        }
                        finally
                        {
                            token.Dispose();
                        }
                    }

                    private sealed class Releaser : IDisposable
                    {
                        private readonly SemaphoreSlim _semaphore;

                        public Releaser(SemaphoreSlim semaphore) => _semaphore = semaphore;

                        public void Dispose() => _semaphore.Release();
                    }
                }
                """;

            var test = new Verify.Test { TestCode = source, FixedCode = fixedSource };
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("RG0008").WithLocation(0).WithArguments("token", "IDisposable", "LockAsync()", "AppendAsync()"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Silent_TokenOfTheTypesOwnHelperDisposedInAFinally()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Journal
                {
                    private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1, 1);
                    private int _count;

                    private async Task<IDisposable> LockAsync()
                    {
                        await _mutex.WaitAsync();
                        return new Releaser(_mutex);
                    }

                    public async Task AppendAsync()
                    {
                        var token = await LockAsync();
                        try
                        {
                            await Task.Delay(10);
                            _count++;
                        }
                        finally
                        {
                            token.Dispose();
                        }
                    }

                    public async Task<IDisposable> OpenAsync()
                    {
                        var handle = await LockAsync();
                        return handle;
                    }

                    private sealed class Releaser : IDisposable
                    {
                        private readonly SemaphoreSlim _semaphore;

                        public Releaser(SemaphoreSlim semaphore) => _semaphore = semaphore;

                        public void Dispose() => _semaphore.Release();
                    }
                }
                """;

            await Verify.VerifyAnalyzerAsync(source);
        }
    }
}
