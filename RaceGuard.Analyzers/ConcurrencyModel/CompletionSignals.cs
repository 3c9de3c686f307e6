using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>What orders a position of the starting code after a region's work, besides joining the region's task.</summary>
    public enum SignalKind
    {
        /// <summary>Nothing: the position may run while the region still works.</summary>
        None,

        /// <summary><c>done.Wait()</c>, <c>WaitOne()</c>, <c>countdown.Wait()</c>, <c>semaphore.Wait()</c> on an event the region sets.</summary>
        EventWait,

        /// <summary><c>await tcs.Task</c> / <c>tcs.Task.Wait()</c> of a TaskCompletionSource the region completes.</summary>
        TaskCompletionSource,

        /// <summary>The end of a loop that drains a channel the region writes (<c>ReadAllAsync</c>, <c>WaitToReadAsync</c>/<c>TryRead</c>).</summary>
        ChannelDrained,

        /// <summary>A loop that polls a variable the region sets (<c>while (!finished) ..</c>).</summary>
        PolledFlag,

        /// <summary><c>Thread.Sleep</c> / <c>Task.Delay</c>: time, not order.</summary>
        Delay,
    }

    /// <summary>
    /// The completion signals between a region and the code that started it: which signal, if any, the code waits for
    /// before a position, and which signals the region sends (<c>Set</c>, <c>SetResult</c>, <c>Complete</c>, ...). Joins
    /// of the region's own task are in <see cref="ConcurrentRegion.Joins"/>; this part names the side channels.
    /// </summary>
    public static class CompletionSignals
    {
        /// <summary>The joins of the region that wait for its own task or thread (not a signal it sends).</summary>
        public static ImmutableArray<IOperation> TaskJoins(ConcurrentRegion region, KnownSymbols known)
        {
            if (region.Code is not { } code || region.Joins.IsEmpty)
            {
                return region.Joins;
            }

            var signalJoins = Joins.FindSignalJoins(code, region.ContextRoot, known);
            return signalJoins.IsEmpty ? region.Joins : region.Joins.RemoveAll(j => signalJoins.Contains(j));
        }

        /// <summary>The calls in the region's own code that send a completion signal on something the starter can see.</summary>
        public static ImmutableArray<IInvocationOperation> SentBy(ConcurrentRegion region, KnownSymbols known) =>
            region.Code is not { } code
                ? ImmutableArray<IInvocationOperation>.Empty
                : code.DescendantsOutsideFunctions().OfType<IInvocationOperation>()
                    .Where(i => known.IsSignalSend(i) && i.Instance?.ReferencedSymbol() is { } target && !region.Declares(target))
                    .ToImmutableArray();

        /// <summary>
        /// What the starting code has waited for, before <paramref name="position"/>, that the region signals; with the
        /// operation that waits (null for <see cref="SignalKind.None"/>).
        /// </summary>
        public static (SignalKind Kind, IOperation? Wait) OrderingBefore(ConcurrentRegion region, IOperation position, KnownSymbols known)
        {
            var signalled = SentBy(region, known).Select(s => s.Instance!.ReferencedSymbol()).ToList();
            var start = region.StartAnchor;
            (SignalKind, IOperation?) found = (SignalKind.None, null);
            foreach (var operation in region.ContextRoot.DescendantsOutsideFunctions())
            {
                if (operation.Syntax.SpanStart < start.Syntax.Span.End || operation.Syntax.Span.End > position.Syntax.SpanStart || operation.Syntax.SyntaxTree != position.Syntax.SyntaxTree)
                {
                    continue;
                }

                var kind = Classify(operation, signalled, region, known);
                if (kind != SignalKind.None && Joins.Dominates(operation, position, start) && (found.Item1 == SignalKind.None || found.Item1 == SignalKind.Delay))
                {
                    found = (kind, operation);
                }
            }

            return found;
        }

        /// <summary>
        /// True when the starting code waits for <paramref name="signal"/> (a wait on its object, its task, a drain of its
        /// channel or collection, a delay its token cancels): only then is a write after it read too early.
        /// </summary>
        public static bool IsAwaitedByStarter(ConcurrentRegion region, IInvocationOperation signal, KnownSymbols known)
        {
            var signalled = new System.Collections.Generic.List<ISymbol?> { signal.Instance!.ReferencedSymbol() };
            return region.ContextRoot.DescendantsOutsideFunctions().Any(operation =>
                Classify(operation, signalled, region, known) is SignalKind.EventWait or SignalKind.TaskCompletionSource or SignalKind.ChannelDrained);
        }

        private static SignalKind Classify(IOperation operation, System.Collections.Generic.List<ISymbol?> signalled, ConcurrentRegion region, KnownSymbols known)
        {
            switch (operation)
            {
                case IInvocationOperation { TargetMethod.Name: "Delay" } cancelled when known.IsType(cancelled.TargetMethod.ContainingType, known.Task) &&
                                                                                        cancelled.Arguments.Any(a => a.Value.Type?.Name == "CancellationToken" && IsSignalled(a.Value, signalled)):
                    // await Task.Delay(grace, finished.Token): woken by the region's finished.Cancel().
                    return SignalKind.EventWait;
                case IInvocationOperation { TargetMethod: { Name: "Sleep" or "Delay" } delay } when known.IsType(delay.ContainingType, known.Thread) || known.IsType(delay.ContainingType, known.Task):
                    return SignalKind.Delay;
                case IInvocationOperation { Instance: { } waited } wait when known.IsSignalWait(wait) && IsSignalled(waited, signalled):
                    return SignalKind.EventWait;
                case IAwaitOperation { Operation: var awaited } when awaited.WalkDownConversion() is IPropertyReferenceOperation { Property.Name: "Task", Instance: { } source } && IsSignalled(source, signalled):
                    return SignalKind.TaskCompletionSource;
                case IInvocationOperation { TargetMethod.Name: "Wait", Instance: IPropertyReferenceOperation { Property.Name: "Task", Instance: { } tcs } } when IsSignalled(tcs, signalled):
                    return SignalKind.TaskCompletionSource;
                case IForEachLoopOperation { Collection: var collection } when ReadsChannel(collection, known):
                    return SignalKind.ChannelDrained;
                case IWhileLoopOperation { Condition: { } condition } when ReadsChannel(condition, known):
                    return SignalKind.ChannelDrained;
                case IWhileLoopOperation { Condition: { } polled } when polled.DescendantsAndSelf().Any(o => o is ILocalReferenceOperation local && WrittenIn(region, local.Local)):
                    return SignalKind.PolledFlag;
                default:
                    return SignalKind.None;
            }
        }

        private static bool IsSignalled(IOperation instance, System.Collections.Generic.List<ISymbol?> signalled) =>
            KnownSymbols.SignalObjectOf(instance) is { } symbol && signalled.Any(s => SymbolEqualityComparer.Default.Equals(s, symbol));

        /// <summary>A loop over <c>reader.ReadAllAsync()</c> or a <c>WaitToReadAsync</c>/<c>TryRead</c> drain of a channel.</summary>
        private static bool ReadsChannel(IOperation operation, KnownSymbols known) =>
            operation.DescendantsAndSelf().OfType<IInvocationOperation>().Any(i =>
                i.TargetMethod.Name is "ReadAllAsync" or "WaitToReadAsync" or "TryRead" or "GetConsumingEnumerable" && known.IsThreadSafeType(i.TargetMethod.ContainingType));

        private static bool WrittenIn(ConcurrentRegion region, ILocalSymbol local) =>
            region.Code is { } code && code.DescendantsAndSelf().OfType<ISimpleAssignmentOperation>().Any(a => a.Target is ILocalReferenceOperation target && SymbolEqualityComparer.Default.Equals(target.Local, local));

        /// <summary>How a message names the ordering: "the wait on 'done'", "awaiting 'tcs.Task'", "nothing at all".</summary>
        public static string Describe(SignalKind kind, IOperation? wait) => kind switch
        {
            SignalKind.EventWait => wait is IInvocationOperation { TargetMethod.Name: "Delay" } delay
                ? "only the cancellation of '" + Name(delay.Arguments.FirstOrDefault(a => a.Value.Type?.Name == "CancellationToken")?.Value) + "'"
                : "only the wait on '" + Name((wait as IInvocationOperation)?.Instance) + "'",
            SignalKind.TaskCompletionSource => "only the completion of '" + Name(TaskSource(wait)) + ".Task'",
            SignalKind.ChannelDrained => "only the end of the loop that drains the channel",
            SignalKind.PolledFlag => "only a polled flag",
            SignalKind.Delay => "only a delay (" + ((wait as IInvocationOperation)?.TargetMethod.ContainingType.Name ?? "Task") + "." + ((wait as IInvocationOperation)?.TargetMethod.Name ?? "Delay") + ")",
            _ => "nothing at all",
        };

        private static IOperation? TaskSource(IOperation? wait) => wait switch
        {
            IAwaitOperation { Operation: var awaited } => (awaited.WalkDownConversion() as IPropertyReferenceOperation)?.Instance,
            IInvocationOperation { Instance: IPropertyReferenceOperation { Instance: var source } } => source,
            _ => null,
        };

        private static string Name(IOperation? operation) => operation?.Syntax.ToString() ?? "?";
    }
}
