using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.NonAtomicUpdateRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Inherited state (RULES.md, "Concurrency beyond the type": inherited fields of source base types are the derived
    /// type's state): a base class's property wrapper updated by the derived type's parallel bodies; and a counter updated
    /// by one public member while another member reads it under the type's lock.
    /// </summary>
    public partial class RG0003NonAtomicUpdateTests
    {
        private const string InheritedProgress = """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            public abstract class ProgressReporter
            {
                private long _bytes;

                protected long Bytes
                {
                    get => _bytes;
                    set => _bytes = value;
                }
            }

            public sealed class ParallelUploader : ProgressReporter
            {
                public void Upload(IReadOnlyList<string> files)
                {
                    Parallel.ForEach(files, file =>
                    {
                        {|#0:Bytes += file.Length|};
                    });
                }
            }
            """;

        [Fact]
        public async Task Reports_BaseClassPropertyWrapperUpdatedByParallelBodies()
        {
            // The wrapper cannot be passed by ref: the advice is a lock.
            await VerifyCS.VerifyAnalyzerAsync(
                InheritedProgress,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "_bytes",
                    "long",
                    "by a Parallel.ForEach body",
                    "another run may change it",
                    "a lock"));
        }

        [Fact]
        public async Task NoDiagnostic_BaseClassPropertyWrapperUpdatedUnderALock()
        {
            var source = InheritedProgress
                .Edit("public sealed class ParallelUploader : ProgressReporter\n{", "public sealed class ParallelUploader : ProgressReporter\n{\n    private readonly object _gate = new object();\n")
                .Edit("{|#0:Bytes += file.Length|};", "lock (_gate)\n            {\n                Bytes += file.Length;\n            }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_BaseClassPropertyWithABodyOfItsOwn()
        {
            // A setter that does more than store is not a variable: what it does is its own business (it may lock).
            var source = InheritedProgress
                .Edit("set => _bytes = value;", "set => System.Threading.Interlocked.Exchange(ref _bytes, value);")
                .Edit("get => _bytes;", "get => System.Threading.Interlocked.Read(ref _bytes);")
                .Edit("{|#0:Bytes += file.Length|}", "Bytes += file.Length");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string CacheStats = """
            public sealed class CacheStats
            {
                private readonly object _sync = new object();
                private int _hits;
                private int _misses;

                public void RecordHit()
                {
                    {|#0:_hits += 1|};
                }

                public void RecordMiss()
                {
                    lock (_sync)
                    {
                        _misses++;
                    }
                }

                public double Ratio
                {
                    get
                    {
                        lock (_sync)
                        {
                            return (double)_hits / (_hits + _misses);
                        }
                    }
                }
            }
            """;

        [Fact]
        public async Task Reports_CounterUpdatedByOneMemberAndReadUnderTheTypesLock()
        {
            // Two calls of RecordHit() lose a count; the locked read in Ratio shows the type is meant to be shared.
            await VerifyCS.VerifyAnalyzerAsync(
                CacheStats,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments(
                    "_hits",
                    "int",
                    "in RecordHit()",
                    "another call may change it",
                    "Interlocked.Add or the lock '_sync'"));
        }

        [Fact]
        public async Task NoDiagnostic_CounterOfATypeThatNeverLocksIt()
        {
            // Nothing shows the counter is shared: a plain statistics object used by one thread.
            var source = CacheStats
                .Edit("return (double)_hits / (_hits + _misses);", "return _misses;")
                .Edit("{|#0:_hits += 1|}", "_hits += 1");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
