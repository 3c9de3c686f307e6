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
            for (var current = operation; current.Parent is { } parent; current = parent)
            {
                switch (parent)
                {
                    case IWhileLoopOperation loop when ReferenceEquals(loop.Condition, current):
                        return ("condition", Name(loop));
                    case IForLoopOperation loop when ReferenceEquals(loop.Condition, current):
                        return ("condition", Name(loop));
                    case IConditionalOperation { Type: null } conditional when ReferenceEquals(conditional.Condition, current):
                        return conditional.WhenTrue.AlwaysLeaves(loopExits: true) && EnclosingLoop(conditional) is { } enclosing ? ("exit test", Name(enclosing)) : (null, null);
                    case IBlockOperation or ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation or IConditionalOperation:
                        return (null, null);
                }
            }

            return (null, null);
        }

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
