using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Inherited fields and locks (RULES.md, "Concurrency beyond the type"): a collection and its lock declared by a base
    /// class of the program are the derived type's state; the fix takes the inherited lock.
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        private const string InheritedCache = """
            using System.Collections.Generic;

            public abstract class CacheBase
            {
                protected readonly object Gate = new object();
                protected readonly Dictionary<string, int> Entries = new Dictionary<string, int>();
            }

            public sealed class PriceCache : CacheBase
            {
                public void Put(string key, int value)
                {
                    lock (Gate)
                    {
                        Entries[key] = value;
                    }
                }

                public int Get(string key)
                {
                    lock (Gate)
                    {
                        return Entries[key];
                    }
                }

                public void Clear()
                {
                    {|#0:Entries.Clear()|};
                }
            }
            """;

        [Fact]
        public async Task Reports_InheritedCollectionChangedWithoutTheInheritedLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                InheritedCache,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                    "Entries",
                    "Dictionary<string, int>",
                    "in Clear()",
                    "Put() and others may use it",
                    "guard it with the lock 'Gate' or use a ConcurrentDictionary"));
        }

        [Fact]
        public async Task Fix_TakesTheInheritedLock()
        {
            var source = InheritedCache.Edit("{|#0:Entries.Clear()|}", "[|Entries.Clear()|]");
            var fixedSource = InheritedCache.Edit("{|#0:Entries.Clear()|};", "lock (Gate)\n        {\n            Entries.Clear();\n        }");
            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Silent_InheritedCollectionAlwaysUnderTheInheritedLock()
        {
            var source = InheritedCache
                .Edit("{|#0:Entries.Clear()|};", "lock (Gate)\n        {\n            Entries.Clear();\n        }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
