using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.InconsistentSynchronizationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// A readonly field declared with a collection interface (<c>IDictionary&lt;K, V&gt;</c>) that holds a plain
    /// collection is a collection changed in place, like one declared with its class; one that holds a concurrent
    /// collection is not.
    /// </summary>
    public partial class RG0007InconsistentSynchronizationTests
    {
        private const string SessionTable = """
            using System.Collections.Generic;

            public sealed class SessionTable
            {
                private readonly IDictionary<int, string> _sessions = new Dictionary<int, string>();
                private int _next;

                public int Count => {|#0:_sessions|}.Count;

                public int Open(string name)
                {
                    lock (_sessions)
                    {
                        var id = ++_next;
                        _sessions[id] = name;
                        return id;
                    }
                }

                public void Close(int id)
                {
                    lock (_sessions)
                    {
                        _sessions.Remove(id);
                    }
                }

                public string Find(int id)
                {
                    lock (_sessions)
                    {
                        return _sessions[id];
                    }
                }
            }
            """;

        [Fact]
        public async Task Reports_CountOfAnInterfaceTypedDictionaryReadWithoutItsLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                SessionTable,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments(
                    "_sessions", "IDictionary<int, string>", "read in 'Count'", "the lock '_sessions'", "3 of its 3 other accesses", "take it here too"));
        }

        [Fact]
        public async Task Silent_InterfaceTypedFieldHoldingAConcurrentDictionary()
        {
            var source = SessionTable
                .Edit("using System.Collections.Generic;", "using System.Collections.Concurrent;\nusing System.Collections.Generic;")
                .Edit("= new Dictionary<int, string>();", "= new ConcurrentDictionary<int, string>();")
                .Edit("{|#0:_sessions|}.Count", "_sessions.Count");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
