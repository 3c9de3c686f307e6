using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// Calls that block the thread until another thread finishes: <c>Thread.Join</c>, <c>Task.Wait</c>/<c>WaitAll</c>/
    /// <c>WaitAny</c>, <c>task.Result</c>, <c>task.GetAwaiter().GetResult()</c>, <c>WaitHandle.WaitOne</c>/<c>WaitAll</c>/<c>WaitAny</c>.
    /// A lock held around one deadlocks when the thread waited for needs the same lock to finish (a worker that removes
    /// itself from the list its owner joins under the lock): no message advises it and no fix wraps it.
    /// </summary>
    public static class BlockingWaits
    {
        /// <summary>True when the statement that holds <paramref name="operation"/> (the code a lock fix would wrap) waits for another thread.</summary>
        public static bool InStatementOf(IOperation operation, KnownSymbols known)
        {
            var statement = operation;
            while (statement.Parent is { } parent && parent is not (IBlockOperation or IAnonymousFunctionOperation or ILocalFunctionOperation or ISwitchCaseOperation))
            {
                statement = parent;
            }

            return Contains(statement, known);
        }

        /// <summary>True when <paramref name="root"/> waits for another thread in its own code (not in lambdas it creates).</summary>
        public static bool Contains(IOperation root, KnownSymbols known)
        {
            foreach (var operation in root.DescendantsOutsideFunctions())
            {
                if (IsBlockingWait(operation, known))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsBlockingWait(IOperation operation, KnownSymbols known) => operation switch
        {
            IInvocationOperation { TargetMethod: { Name: "Join" } join } => known.IsType(join.ContainingType, known.Thread),
            IInvocationOperation { TargetMethod: { Name: "Wait" or "WaitAll" or "WaitAny" } wait } =>
                known.DerivesFrom(wait.ContainingType, known.Task) || known.DerivesFrom(wait.ContainingType, known.WaitHandle),
            IInvocationOperation { TargetMethod: { Name: "WaitOne" } waitOne } => known.DerivesFrom(waitOne.ContainingType, known.WaitHandle),
            IInvocationOperation { TargetMethod.Name: "GetResult", Instance: IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaited } } => known.IsTaskLike(awaited.Type),
            IPropertyReferenceOperation { Property.Name: "Result" } result => known.IsType(result.Property.ContainingType, known.TaskOfT),
            _ => false,
        };
    }
}
