using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.InconsistentSynchronizationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0007 and log4net's option activation: the configurators set an appender's properties and call
    /// <c>IOptionHandler.ActivateOptions()</c> before they attach it to a logger, so its writes are start-up code.
    /// </summary>
    public partial class RG0007InconsistentSynchronizationTests
    {
        private const string BufferingAppender = """
            using System.Collections.Generic;

            namespace log4net.Core
            {
                public interface IOptionHandler
                {
                    void ActivateOptions();
                }
            }

            namespace App
            {
                public abstract class AppenderSkeleton : log4net.Core.IOptionHandler
                {
                    protected object LockObj { get; } = new object();

                    public virtual void ActivateOptions() { }
                }

                public sealed class BufferingAppender : AppenderSkeleton
                {
                    private List<string> _buffer = new List<string>();

                    public int BufferSize { get; set; } = 16;

                    public override void ActivateOptions()
                    {
                        {|#0:_buffer|} = new List<string>(BufferSize);
                    }

                    public void DoAppend(string item)
                    {
                        lock (LockObj)
                        {
                            _buffer.Add(item);
                        }
                    }

                    public void Flush()
                    {
                        lock (LockObj)
                        {
                            _buffer.Clear();
                        }
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_BufferCreatedByActivateOptions()
        {
            await VerifyCS.VerifyAnalyzerAsync(BufferingAppender);
        }

        [Fact]
        public async Task Reports_BufferCreatedByAnActivateOptionsOfAnotherInterface()
        {
            var source = BufferingAppender.Edit("namespace log4net.Core", "namespace Other.Core").Edit("log4net.Core.IOptionHandler", "Other.Core.IOptionHandler");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_buffer", "List<string>", "written in ActivateOptions()", "the lock 'LockObj'", "2 of its 2 other accesses", "take it here too"));
        }
    }
}
