using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.InconsistentSynchronizationRule>;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Inherited fields and locks (RULES.md, RG0007 shapes): a pool's collection and lock declared by a base class of the
    /// program, locked by the derived type's members but one; the fix takes the inherited lock.
    /// </summary>
    public partial class RG0007InconsistentSynchronizationTests
    {
        private const string InheritedPool = """
            using System.Collections.Generic;

            public abstract class PoolBase<T>
            {
                protected readonly object SyncRoot = new object();
                protected readonly List<T> Available = new List<T>();
            }

            public sealed class BufferPool : PoolBase<byte[]>
            {
                public void Return(byte[] buffer)
                {
                    lock (SyncRoot)
                    {
                        Available.Add(buffer);
                    }
                }

                public void Drop(byte[] buffer)
                {
                    lock (SyncRoot)
                    {
                        Available.Remove(buffer);
                    }
                }

                public int Count()
                {
                    return {|#0:Available|}.Count;
                }
            }
            """;

        [Fact]
        public async Task Reports_InheritedCollectionReadWithoutTheInheritedLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                InheritedPool,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("Available", "List<byte[]>", "read in Count()", "the lock 'SyncRoot'", "2 of its 2 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Fix_InheritedCollectionReadTakesTheInheritedLock()
        {
            var source = InheritedPool.Edit("{|#0:Available|}", "{|RG0007:Available|}");
            var fixedSource = InheritedPool.Edit("        return {|#0:Available|}.Count;", "        lock (SyncRoot)\n        {\n            return Available.Count;\n        }");
            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Silent_InheritedCollectionAlwaysReadUnderTheInheritedLock()
        {
            var source = InheritedPool.Edit("        return {|#0:Available|}.Count;", "        lock (SyncRoot)\n        {\n            return Available.Count;\n        }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
