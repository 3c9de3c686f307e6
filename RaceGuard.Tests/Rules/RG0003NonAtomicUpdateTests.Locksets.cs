using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.NonAtomicUpdateRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0003 and locks held through helpers: a method of the program that returns with the lock held, and its release.</summary>
    public partial class RG0003NonAtomicUpdateTests
    {
        private const string LeaseSource = """
            using System.Threading;
            using System.Threading.Tasks;

            public readonly struct Lease
            {
                public Lease(bool taken) => Taken = taken;

                public bool Taken { get; }
            }

            public sealed class Counter
            {
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
                private readonly bool _exclusive = true;
                private int _count;

                public async Task IncrementAsync()
                {
                    var lease = await MaybeAcquireLockAsync();
                    try
                    {
                        _count++;
                    }
                    finally
                    {
                        MaybeReleaseLock(lease);
                    }
                }

                public async Task ResetAsync()
                {
                    await _semaphore.WaitAsync();
                    try
                    {
                        _count = 0;
                    }
                    finally
                    {
                        _semaphore.Release();
                    }
                }

                private async Task<Lease> MaybeAcquireLockAsync()
                {
                    if (!_exclusive)
                    {
                        return new Lease(false);
                    }

                    await _semaphore.WaitAsync().ConfigureAwait(false);
                    return new Lease(true);
                }

                private void MaybeReleaseLock(Lease lease)
                {
                    if (lease.Taken)
                    {
                        _semaphore.Release();
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_UpdateBetweenAcquireAndReleaseHelpers()
        {
            await VerifyCS.VerifyAnalyzerAsync(LeaseSource);
        }

        [Fact]
        public async Task Reports_UpdateAfterTheReleaseHelper()
        {
            var source = LeaseSource.Edit("""
                        finally
                        {
                            MaybeReleaseLock(lease);
                        }
                """, """
                        finally
                        {
                            MaybeReleaseLock(lease);
                        }

                        [|_count++|];
                """);
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string JobSource = """
            using System;

            [Flags]
            internal enum JobFlags
            {
                None = 0,
                Started = 1,
                Finalized = 2,
            }

            public sealed class JobContext
            {
                public object SyncLock { get; } = new object();
            }

            public sealed class Job
            {
                private JobFlags _state;
                private int _waiters;

                public Job(JobContext context) => Context = context;

                public void Wait() => System.Threading.Interlocked.Increment(ref _waiters);

                public JobContext Context { get; }

                public void Start()
                {
                    lock (Context.SyncLock)
                    {
                        _state |= JobFlags.Started;
                    }
                }

                public void Complete()
                {
                    lock (this.Context.SyncLock)
                    {
                        OnQueueCompleted();
                    }
                }

                internal void OnQueueCompleted() => _state |= JobFlags.Finalized;
            }

            internal sealed class ExecutionQueue
            {
                private readonly Job _owningJob;

                public ExecutionQueue(Job owningJob) => _owningJob = owningJob;

                public void OnCompleted()
                {
                    lock (_owningJob.Context.SyncLock)
                    {
                        _owningJob.OnQueueCompleted();
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_CallerHoldsTheCalleesLockThroughItsReference()
        {
            // ExecutionQueue locks _owningJob.Context.SyncLock: inside _owningJob that is Context.SyncLock, the lock Job's own members take.
            await VerifyCS.VerifyAnalyzerAsync(JobSource);
        }

        [Fact]
        public async Task Reports_CallerHoldsTheLockOfAnotherObject()
        {
            var source = JobSource
                .Edit("private readonly Job _owningJob;", "private readonly Job _owningJob;\n    private readonly JobContext _other = new JobContext();")
                .Edit("lock (_owningJob.Context.SyncLock)", "lock (_other.SyncLock)")
                .Edit("internal void OnQueueCompleted() => _state |= JobFlags.Finalized;", "internal void OnQueueCompleted() => {|#0:_state |= JobFlags.Finalized|};");
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments("_state", "JobFlags", "in OnQueueCompleted()", "Start() and others may change it", "a lock"));
        }

        private const string CompletionSource = """
            using System;
            using System.Threading;

            [Flags]
            internal enum TaskFlags
            {
                None = 0,
                CompleteRequested = 1,
                Finalized = 2,
            }

            public sealed class TrackedTask
            {
                private readonly object _syncLock = new object();
                private TaskFlags _state;
                private int _waiters;

                public void Wait() => Interlocked.Increment(ref _waiters);

                internal bool IsCompleteRequested
                {
                    get => (_state & TaskFlags.CompleteRequested) != 0;
                    set => _state |= TaskFlags.CompleteRequested;
                }

                public void Finish()
                {
                    lock (_syncLock)
                    {
                        _state |= TaskFlags.Finalized;
                    }
                }

                public void Complete()
                {
                    lock (_syncLock)
                    {
                        if (!IsCompleteRequested)
                        {
                            IsCompleteRequested = true;
                        }
                    }
                }
            }

            internal sealed class Collection
            {
                public void CompleteAll(TrackedTask task, object syncLock)
                {
                    lock (syncLock)
                    {
                        task.Finish();
                    }
                }
            }
            """;

        [Fact]
        public async Task NoDiagnostic_InternalSetterAssignedOnlyUnderTheLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(CompletionSource);
        }

        [Fact]
        public async Task Reports_InternalSetterAlsoAssignedWithoutTheLock()
        {
            var source = CompletionSource
                .Edit("set => _state |= TaskFlags.CompleteRequested;", "set => {|#0:_state |= TaskFlags.CompleteRequested|};")
                .Edit("task.Finish();", "task.Finish();\n        }\n\n        task.IsCompleteRequested = true;\n        {")
                .Edit("internal sealed class Collection", "public sealed class Collection");
            // CompleteAll is public now (a method nobody calls would be no way in). The unlocked update also races with another unlocked call of itself: "Finish() and others".
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments("_state", "TaskFlags", "here (called without '_syncLock' from CompleteAll())", "Finish() and others may change it", "the lock '_syncLock'"));
        }
    }
}
