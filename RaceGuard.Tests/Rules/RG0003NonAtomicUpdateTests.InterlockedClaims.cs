using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.NonAtomicUpdateRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0003 under a claim made with <c>Interlocked</c> (a re-entrancy guard, a try-lock on an int): the
    /// code between the winning test-and-set and the reset runs on one thread at a time; what it changes races only with
    /// code that does not hold the claim.
    /// </summary>
    public partial class RG0003NonAtomicUpdateTests
    {
        private const string ClaimedRefreshSource = """
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Catalog
            {
                private int _refreshes;
                private int _refreshing;

                public int Refreshes => Volatile.Read(ref _refreshes);

                public void RefreshAll(int sources) => Parallel.For(0, sources, _ => Refresh());

                private void Refresh()
                {
                    if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
                    {
                        return;
                    }

                    try
                    {
                        _refreshes++;
                    }
                    finally
                    {
                        Volatile.Write(ref _refreshing, 0);
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_UpdateUnderACompareExchangeClaim()
        {
            await VerifyCS.VerifyAnalyzerAsync(ClaimedRefreshSource);
        }

        [Fact]
        public async Task Silent_UpdateUnderAnExchangeClaimResetByAnAssignment()
        {
            var source = ClaimedRefreshSource
                .Edit("if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)", "if (Interlocked.Exchange(ref _refreshing, 1) == 1)")
                .Edit("Volatile.Write(ref _refreshing, 0);", "_refreshing = 0;");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_UpdateUnderAnIncrementClaimThatBacksOut()
        {
            var source = ClaimedRefreshSource
                .Edit("if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)\n        {\n            return;", "if (Interlocked.Increment(ref _refreshing) != 1)\n        {\n            Interlocked.Decrement(ref _refreshing);\n            return;")
                .Edit("Volatile.Write(ref _refreshing, 0);", "Interlocked.Decrement(ref _refreshing);");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_UpdateInsideTheWinningBranchOfAClaim()
        {
            var source = ClaimedRefreshSource.Edit(
                "        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)\n        {\n            return;\n        }\n\n        try\n        {\n            _refreshes++;\n        }\n        finally\n        {\n            Volatile.Write(ref _refreshing, 0);\n        }\n",
                "        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)\n        {\n            try\n            {\n                _refreshes++;\n            }\n            finally\n            {\n                Volatile.Write(ref _refreshing, 0);\n            }\n        }\n");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_UpdateAfterTheClaimIsReset()
        {
            var source = ClaimedRefreshSource
                .Edit("        try\n        {\n            _refreshes++;\n        }\n        finally\n        {\n            Volatile.Write(ref _refreshing, 0);\n        }\n", "        Volatile.Write(ref _refreshing, 0);\n        {|#0:_refreshes++|};\n")
                .Edit("Parallel.For(0, sources, _ => Refresh())", "{|#1:Parallel.For(0, sources, _ => Refresh())|}");
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0003").WithLocation(0).WithLocation(1)
                .WithArguments("_refreshes", "int", "by a Parallel.For body", "another run may change it", "Interlocked.Increment or a lock"));
        }

        [Fact]
        public async Task Reports_UpdateInTheBranchThatLostTheClaim()
        {
            var source = ClaimedRefreshSource
                .Edit("        {\n            return;\n        }", "        {\n            {|#0:_refreshes++|};\n            return;\n        }")
                .Edit("            _refreshes++;\n        }\n        finally", "            Volatile.Read(ref _refreshes);\n        }\n        finally")
                .Edit("Parallel.For(0, sources, _ => Refresh())", "{|#1:Parallel.For(0, sources, _ => Refresh())|}");
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0003").WithLocation(0).WithLocation(1)
                .WithArguments("_refreshes", "int", "by a Parallel.For body", "another run may change it", "Interlocked.Increment or a lock"));
        }

        [Fact]
        public async Task Reports_UpdateInTheWinningBranchAfterItResetsTheClaim()
        {
            var source = ClaimedRefreshSource.Edit(
                "        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)\n        {\n            return;\n        }\n\n        try\n        {\n            _refreshes++;\n        }\n        finally\n        {\n            Volatile.Write(ref _refreshing, 0);\n        }\n",
                "        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)\n        {\n            Volatile.Write(ref _refreshing, 0);\n            {|#0:_refreshes++|};\n        }\n")
                .Edit("Parallel.For(0, sources, _ => Refresh())", "{|#1:Parallel.For(0, sources, _ => Refresh())|}");
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0003").WithLocation(0).WithLocation(1)
                .WithArguments("_refreshes", "int", "by a Parallel.For body", "another run may change it", "Interlocked.Increment or a lock"));
        }
    }
}
