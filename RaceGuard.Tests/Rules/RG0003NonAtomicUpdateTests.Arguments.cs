using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.NonAtomicUpdateRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0003 on members another type's parallel body runs: the argument each run passes, and the callee's own state.</summary>
    public partial class RG0003NonAtomicUpdateTests
    {
        private const string AdapterCalledByAParallelBodySource = """
            using System.Threading.Tasks;

            public sealed class Command
            {
                internal int Attempts;
            }

            public class Adapter
            {
                public void Call(Command command)
                {
                    command.Attempts++;
                }
            }

            public class Client
            {
                private readonly Adapter _adapter = new Adapter();

                public void Send(string[] channels)
                {
                    Parallel.ForEach(channels, channel => _adapter.Call(new Command()));
                }
            }
            """;

        [Fact]
        public async Task Silent_ParameterOfAMemberAnotherTypesParallelBodyRuns()
        {
            // Every run of the body passes a command of its own: the counter of one command is changed by one thread.
            await VerifyCS.VerifyAnalyzerAsync(AdapterCalledByAParallelBodySource);
        }

        [Fact]
        public async Task Reports_OwnFieldOfAMemberAnotherTypesParallelBodyRuns()
        {
            var source = AdapterCalledByAParallelBodySource
                .Edit("    public void Call(Command command)\n    {\n        command.Attempts++;", "    private int _calls;\n\n    public void Call(Command command)\n    {\n        command.Attempts++;\n        {|#0:_calls++|};")
                .Edit("Parallel.ForEach(channels, channel => _adapter.Call(new Command()))", "{|#1:Parallel.ForEach(channels, channel => _adapter.Call(new Command()))|}");
            await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("RG0003").WithLocation(0).WithLocation(1)
                .WithArguments("_calls", "int", "by a Parallel.ForEach body in Client.Send()", "another run may change it", "Interlocked.Increment or a lock"));
        }
    }
}
