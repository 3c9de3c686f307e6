using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.NonAtomicUpdateRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0003 and methods nothing runs: an overload of a protected hook that no code of the compilation calls races with
    /// nothing; a method of an internal type that nothing calls yet still does.
    /// </summary>
    public partial class RG0003NonAtomicUpdateTests
    {
        private const string RollingAppender = """
            public abstract class Appender
            {
                private readonly object _lockObj = new object();

                protected object LockObj => _lockObj;

                public void DoAppend(string item)
                {
                    lock (LockObj)
                    {
                        Append(item);
                    }
                }

                protected abstract void Append(string item);

                protected virtual void Append(string[] items)
                {
                    foreach (var item in items)
                    {
                        Append(item);
                    }
                }
            }

            internal sealed class RollingAppender : Appender
            {
                private int _backups;

                public int Backups()
                {
                    lock (LockObj)
                    {
                        return _backups;
                    }
                }

                protected override void Append(string item) => _backups++;

                protected override void Append(string[] items)
                {
                    _backups++;
                    base.Append(items);
                }
            }
            """;

        [Fact]
        public async Task Silent_UpdateInAnOverloadNobodyCalls()
        {
            await VerifyCS.VerifyAnalyzerAsync(RollingAppender);
        }

        private const string InternalCounter = """
            internal sealed class Counter
            {
                private readonly object _gate = new object();
                private int _count;

                public void Add()
                {
                    lock (_gate)
                    {
                        _count++;
                    }
                }

                public int Read()
                {
                    lock (_gate)
                    {
                        return _count;
                    }
                }

                public void AddFast() => _count++;
            }

            public static class Metrics
            {
                public static int Sample(int n)
                {
                    var counter = new Counter();
                    counter.Add();
                    return counter.Read() + n;
                }
            }
            """;

        [Fact]
        public async Task Reports_UpdateInAMethodOfAnInternalTypeNobodyCallsYet()
        {
            // Only protected hooks are judged by their callers: a method nobody calls yet is code being written.
            var source = InternalCounter.Edit("public void AddFast() => _count++;", "public void AddFast() => {|#0:_count++|};");
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0003").WithLocation(0).WithArguments("_count", "int", "in AddFast()", "Add() and others may change it", "Interlocked.Increment or the lock '_gate'"));
        }
    }
}
