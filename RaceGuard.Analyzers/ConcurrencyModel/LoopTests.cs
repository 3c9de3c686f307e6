using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>Where a read decides whether a loop goes on: its condition, or an <c>if</c> in its body that leaves it.</summary>
    public static class LoopTests
    {
        /// <summary>
        /// Whether <paramref name="operation"/> tests a loop: ("condition", "while loop") for <c>while (x)</c>, ("exit
        /// test", "for loop") for <c>for (;;) { if (x) break; .. }</c>; (null, null) otherwise.
        /// </summary>
        public static (string? Part, string? Loop) Of(IOperation operation)
        {
            var (part, loop) = Tested(operation);
            return loop is null ? (null, null) : (part, Name(loop));
        }

        /// <summary>As <see cref="Of"/>, with the loop itself: ("condition", the while loop), ("exit test", the for loop).</summary>
        public static (string? Part, ILoopOperation? Loop) Tested(IOperation operation)
        {
            for (var current = operation; current.Parent is { } parent; current = parent)
            {
                switch (parent)
                {
                    case IWhileLoopOperation loop when ReferenceEquals(loop.Condition, current):
                        return ("condition", loop);
                    case IForLoopOperation loop when ReferenceEquals(loop.Condition, current):
                        return ("condition", loop);
                    case IConditionalOperation { Type: null } conditional when ReferenceEquals(conditional.Condition, current):
                        return conditional.WhenTrue.AlwaysLeaves(loopExits: true) && EnclosingLoop(conditional) is { } enclosing ? ("exit test", enclosing) : (null, null);
                    case IBlockOperation or ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation or IConditionalOperation:
                        return (null, null);
                }
            }

            return (null, null);
        }

        /// <summary>
        /// True when the JIT may read a plain field once for the whole loop: the loop (condition and body) makes no call
        /// (a call that is not inlined makes the JIT read memory again; Interlocked, Volatile, Thread.Sleep/Yield and
        /// SpinWait are calls), no await, no lock, and creates no object. Only then may a loop never see another thread's
        /// write; elsewhere the stale read is at most one iteration late.
        /// </summary>
        public static bool MayHoistReads(ILoopOperation loop) =>
            !loop.DescendantsAndSelf().Any(o => o is IInvocationOperation or IAwaitOperation or ILockOperation or IObjectCreationOperation or
                IDynamicInvocationOperation or IFunctionPointerInvocationOperation or IUsingOperation or IForEachLoopOperation);

        /// <summary>How messages name a loop.</summary>
        public static string Name(ILoopOperation loop) => loop switch
        {
            IWhileLoopOperation { ConditionIsTop: false } => "do-while loop",
            IWhileLoopOperation => "while loop",
            IForLoopOperation => "for loop",
            IForEachLoopOperation => "foreach loop",
            _ => "loop",
        };

        /// <summary>The loop whose body holds <paramref name="statement"/> as one of its own statements (not inside a lambda or a nested loop's test).</summary>
        private static ILoopOperation? EnclosingLoop(IOperation statement)
        {
            for (var parent = statement.Parent; parent is not null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case ILoopOperation loop:
                        return loop;
                    case IBlockOperation or IConditionalOperation { Type: null } or ITryOperation or ILockOperation or IUsingOperation:
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }
    }
}
