using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>Why a lock must not be put around a statement.</summary>
    public enum LockHazard
    {
        None,

        /// <summary>
        /// It waits for another thread (<c>Thread.Join</c>, <c>Task.Wait</c>/<c>WaitAll</c>/<c>WaitAny</c>, <c>task.Result</c>,
        /// <c>GetAwaiter().GetResult()</c>, <c>WaitHandle.WaitOne</c>): a lock held around it deadlocks when that thread
        /// needs the same lock to finish (a worker that removes itself from the list its owner joins under the lock).
        /// </summary>
        WaitsForAnotherThread,

        /// <summary>
        /// It does I/O on a socket, stream or writer, which the code keeps outside the lock: holding the lock across it
        /// stalls every other user of the state for the length of a network round trip.
        /// </summary>
        DoesIo,
    }

    /// <summary>
    /// The statements no message advises a lock around and no fix wraps in one (docs: "Precision rules learned from real
    /// code"); the message names the safe pattern instead.
    /// </summary>
    public static class LockHazards
    {
        /// <summary>The hazard of the statement that holds <paramref name="operation"/> (the code a lock fix would wrap).</summary>
        public static LockHazard InStatementOf(IOperation operation, KnownSymbols known)
        {
            var statement = operation;
            while (statement.Parent is { } parent && parent is not (IBlockOperation or IAnonymousFunctionOperation or ILocalFunctionOperation or ISwitchCaseOperation))
            {
                statement = parent;
            }

            return In(statement, known);
        }

        /// <summary>The hazard of <paramref name="root"/>'s own code (not lambdas it creates); a wait before I/O.</summary>
        public static LockHazard In(IOperation root, KnownSymbols known)
        {
            var found = LockHazard.None;
            foreach (var operation in root.DescendantsOutsideFunctions())
            {
                if (WaitsForAnotherThread(operation, known))
                {
                    return LockHazard.WaitsForAnotherThread;
                }

                if (operation is IInvocationOperation { TargetMethod: var method } && DoesIo(method, known))
                {
                    found = LockHazard.DoesIo;
                }
            }

            return found;
        }

        /// <summary>What a message advises instead of a lock around the statement.</summary>
        public static string Advice(LockHazard hazard) => hazard switch
        {
            LockHazard.WaitsForAnotherThread => "copy it under a lock and wait outside the lock",
            _ => "do the I/O outside a lock, then update it under the lock and re-check",
        };

        private static bool WaitsForAnotherThread(IOperation operation, KnownSymbols known) => operation switch
        {
            IInvocationOperation { TargetMethod: { Name: "Join" } join } => known.IsType(join.ContainingType, known.Thread),
            IInvocationOperation { TargetMethod: { Name: "Wait" or "WaitAll" or "WaitAny" } wait } =>
                known.DerivesFrom(wait.ContainingType, known.Task) || known.DerivesFrom(wait.ContainingType, known.WaitHandle),
            IInvocationOperation { TargetMethod: { Name: "WaitOne" } waitOne } => known.DerivesFrom(waitOne.ContainingType, known.WaitHandle),
            IInvocationOperation { TargetMethod.Name: "GetResult", Instance: IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaited } } =>
                known.IsTaskLike(awaited.Type) && !IsCompletedAntecedent(awaited),
            IPropertyReferenceOperation { Property.Name: "Result" } result => known.IsType(result.Property.ContainingType, known.TaskOfT) && !IsCompletedAntecedent(result.Instance),
            _ => false,
        };

        /// <summary>The task a <c>ContinueWith</c> continuation receives (<c>t =&gt; Use(t.Result)</c>): it has completed, its result does not wait.</summary>
        private static bool IsCompletedAntecedent(IOperation? task)
        {
            if (task?.WalkDownConversion() is not IParameterReferenceOperation { Parameter: { Ordinal: 0, ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda } } reference)
            {
                return false;
            }

            var function = reference.Parent;
            while (function is not null && !(function is IAnonymousFunctionOperation f && SymbolEqualityComparer.Default.Equals(f.Symbol, lambda)))
            {
                function = function.Parent;
            }

            var holder = function?.Parent;
            while (holder is IDelegateCreationOperation or IConversionOperation)
            {
                holder = holder.Parent;
            }

            return holder is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "ContinueWith" } };
        }

        /// <summary>A method of a socket, WebSocket, stream, pipe or writer that moves data or connects (not Dispose, ToString, ...).</summary>
        private static bool DoesIo(IMethodSymbol method, KnownSymbols known) =>
            method.Name is not ("Dispose" or "DisposeAsync" or "ToString" or "GetType" or "Equals" or "GetHashCode") &&
            known.SendTargets.Any(target => known.DerivesFrom(method.ContainingType, target));
    }
}
