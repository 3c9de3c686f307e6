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
    }
}
