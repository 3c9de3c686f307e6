using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Diagnostics;

namespace RaceGuard.Rules
{
    /// <summary>
    /// RG0005: a result or error that a region hands to the code that started it through a captured local, read there
    /// after a side signal (or nothing) instead of after the region's task; and, in the region, an assignment placed
    /// after the signal it should precede.
    /// </summary>
    public sealed class SideChannelHandOverRule : RaceRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.SideChannelHandOver;

        public override ConcurrencySources Needs => ConcurrencySources.Regions;

        public override void Analyze(RuleContext context)
        {
            // One pass over the locals: those written inside a task or thread region that does not declare them. The
            // region's joins are looked at only for such a local.
            Dictionary<ConcurrentRegion, ImmutableArray<IOperation>>? taskJoins = null;
            foreach (var entry in context.Facts.AccessesByPath)
            {
                if (entry.Key.Symbols.Length != 1 || entry.Key.Root is not ILocalSymbol local)
                {
                    continue;
                }

                foreach (var group in entry.Value
                             .Where(a => a.Kind is AccessKind.Write or AccessKind.ReadModifyWrite && a.Region is { Code: not null } region && HandsBackWork(region) && !region.Declares(local))
                             .GroupBy(a => a.Region!))
                {
                    var region = group.Key;
                    taskJoins ??= new Dictionary<ConcurrentRegion, ImmutableArray<IOperation>>();
                    if (!taskJoins.TryGetValue(region, out var joins))
                    {
                        joins = CompletionSignals.TaskJoins(region, context.Known);
                        taskJoins[region] = joins;
                    }

                    var writes = group.ToList();
                    ReportReads(context, region, joins, entry.Value, writes);
                    ReportWritesAfterTheSignal(context, region, writes);
                }
            }

            ReportPublicationOrder(context);
        }

        /// <summary>
        /// Publication order: a region sets the status of an object the starter holds (<c>job.Status = Done</c>) before a
        /// result of it (<c>job.Output = output</c>), while the member that runs the region polls that status
        /// (<c>while (job.Status == Running)</c>) and then reads the result, which may not be there yet. Reported at the
        /// result's assignment after the status, and at the member's first read of that result after the polling loop.
        /// </summary>
        private void ReportPublicationOrder(RuleContext context)
        {
            // The members of objects held in locals (job.Status, job.Output), looked through once.
            var objectMembers = context.Facts.AccessesByPath
                .Where(e => e.Key.Symbols.Length == 2 && e.Key.Root is ILocalSymbol && e.Key.Last is IFieldSymbol or IPropertySymbol)
                .ToList();
            var memberWrites = objectMembers
                .SelectMany(e => e.Value)
                .Where(a => a.Kind == AccessKind.Write && a.Region is { Code: not null } region && HandsBackWork(region) && !region.Declares(a.Path.Root!))
                .GroupBy(a => (a.Region!, a.Member));
            var reported = new HashSet<Location>();
            foreach (var group in memberWrites)
            {
                var (region, member) = group.Key;
                ImmutableArray<IOperation>? joins = null;
                foreach (var status in group)
                {
                    if (PollingLoopOf(objectMembers, region, member, status.Path.Last!) is not { } polling)
                    {
                        continue;
                    }

                    foreach (var result in group)
                    {
                        if (SymbolEqualityComparer.Default.Equals(result.Path.Last, status.Path.Last) ||
                            !SymbolEqualityComparer.Default.Equals(result.Path.Root, status.Path.Root) ||
                            !RunsBefore(status.ReportOperation, result.ReportOperation) || IsHandlerOf(result.ReportOperation, status.ReportOperation))
                        {
                            continue;
                        }

                        // The member's first read of the result, through the object it polled, after the polling loop and
                        // before any join of the region's task or thread (which orders the result whatever the status says).
                        var read = objectMembers
                            .Where(e => SymbolEqualityComparer.Default.Equals(e.Key.Root, polling.Read.Path.Root) &&
                                        SymbolEqualityComparer.Default.Equals(e.Key.Last, result.Path.Last))
                            .SelectMany(e => e.Value)
                            .Where(a => a.Kind == AccessKind.Read && ReferenceEquals(a.Member, member) && ReferenceEquals(a.Region, region.Parent) &&
                                        Joins.Dominates(polling.Loop, a.Anchor, region.StartAnchor))
                            .OrderBy(a => a.Anchor.Syntax.SpanStart)
                            .FirstOrDefault();
                        if (read is null || (joins ??= CompletionSignals.TaskJoins(region, context.Known)).Any(join => Joins.Dominates(join, read.Anchor, region.StartAnchor)))
                        {
                            continue;
                        }

                        if (reported.Add(result.Location))
                        {
                            var statusText = status.ReportOperation.Syntax.ToString();
                            ReportWriteAfter(
                                context,
                                region,
                                result,
                                status.ReportOperation,
                                new MessagePart(
                                    "assigned inside the " + region.Construct + " after '" + statusText + "', the status " + member.Describe() + " polls",
                                    "assigned inside the " + region.Construct + " after the status its reader polls"),
                                new MessagePart("assign it before the status", "assign it before the status"));
                        }

                        if (reported.Add(read.Location))
                        {
                            ReportRead(context, region, read, new List<SharedAccess> { result }, SignalKind.PolledFlag, polling.Loop);
                        }
                    }
                }
            }
        }

        /// <summary>
        /// The loop of <paramref name="member"/>, outside the region and after its start, whose test reads
        /// <paramref name="status"/> of an object held in a local (<c>while (job.Status == JobStatus.Running)</c>).
        /// </summary>
        private static (SharedAccess Read, ILoopOperation Loop)? PollingLoopOf(List<KeyValuePair<AccessPath, ImmutableArray<SharedAccess>>> objectMembers, ConcurrentRegion region, MemberFacts member, ISymbol status)
        {
            foreach (var entry in objectMembers)
            {
                if (!SymbolEqualityComparer.Default.Equals(entry.Key.Last, status))
                {
                    continue;
                }

                foreach (var read in entry.Value)
                {
                    if (read.Kind == AccessKind.Read && ReferenceEquals(read.Member, member) && ReferenceEquals(read.Region, region.Parent) &&
                        read.Anchor.Syntax.SpanStart >= region.StartAnchor.Syntax.Span.End &&
                        LoopTests.Tested(read.Operation) is { Part: "condition", Loop: { } loop })
                    {
                        return (read, loop);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// Regions that run a piece of work for their starter and end: tasks, threads, work items (not timers, loops of a
        /// hosted service, per-request handlers). Several started in a loop only as threads or work items, which have no
        /// task to join (<c>countdown.Signal()</c> is all the starter can wait for); tasks in a loop are joined through
        /// collections the model does not follow.
        /// </summary>
        private static bool HandsBackWork(ConcurrentRegion region) =>
            region.Kind is RegionKind.TaskRun or RegionKind.TaskFactoryStartNew or RegionKind.NewTask or RegionKind.Thread or RegionKind.ThreadPool or RegionKind.ContinueWith &&
            (region.Multiplicity == Multiplicity.Once || region.Kind is RegionKind.Thread or RegionKind.ThreadPool);

        /// <summary>The first read by the starting code, after the start, that no join of the region's own task orders (the fixes act before it).</summary>
        private void ReportReads(RuleContext context, ConcurrentRegion region, ImmutableArray<IOperation> taskJoins, ImmutableArray<SharedAccess> accesses, List<SharedAccess> writes)
        {
            foreach (var read in accesses.OrderBy(a => a.Anchor.Syntax.SpanStart))
            {
                // A Volatile.Read or Interlocked read of progress while the work runs (Volatile.Read(ref written)) is
                // meant to see a value in flight, not the hand-over of a result.
                if (read.Kind != AccessKind.Read || read.IsAtomic || !ReferenceEquals(read.Region, region.Parent) || !ReferenceEquals(read.Member, writes[0].Member) ||
                    read.Anchor.Syntax.SyntaxTree != region.StartAnchor.Syntax.SyntaxTree ||
                    read.Anchor.Syntax.SpanStart < region.StartAnchor.Syntax.Span.End ||
                    !region.ContextRoot.Syntax.Span.Contains(read.Anchor.Syntax.Span) ||
                    taskJoins.Any(join => Joins.Dominates(join, read.Anchor, region.StartAnchor)) ||
                    IsPolling(read))
                {
                    continue;
                }

                var (kind, wait) = CompletionSignals.OrderingBefore(region, read.Anchor, context.Known);
                ReportRead(context, region, read, writes, kind, wait);
                return;
            }
        }

        private void ReportRead(RuleContext context, ConcurrentRegion region, SharedAccess read, List<SharedAccess> writes, SignalKind kind, IOperation? wait)
        {
            var ordering = new List<Location> { region.StartLocation };
            if (wait is not null)
            {
                ordering.Add(wait.Syntax.GetLocation());
            }

            var race = RaceDiagnostic.At(read, read.Operation.Syntax.GetLocation(), writes.Select(w => w.Location), ordering);
            var properties = race.CreateProperties(context.Known);
            properties[DiagnosticPropertyKeys.HandOverFinding] = DiagnosticPropertyValues.Of(HandOverFinding.Read);
            properties[DiagnosticPropertyKeys.Signal] = DiagnosticPropertyValues.Of(kind);
            context.ReportDiagnostic(race.Create(
                Descriptor,
                properties.ToImmutable(),
                read.Path.DisplayName,
                read.Path.Type?.ToMessageString() ?? "?",
                new MessagePart(
                    "set by the " + region.Construct + " and read in " + read.Member.Describe() + " ordered by " + CompletionSignals.Describe(kind, wait),
                    "set by the " + region.Construct + " and read here after " + kind switch
                    {
                        SignalKind.None => "no signal",
                        SignalKind.Delay => "only a delay",
                        _ => "a side signal only",
                    }),
                AdviceFor(region, read)));
        }

        /// <summary>
        /// What to wait for instead: the task; a thread's Join; a work item has no handle, so it runs as a task to await.
        /// The error hand-over is advised for an exception only.
        /// </summary>
        private static MessagePart AdviceFor(ConcurrentRegion region, SharedAccess read)
        {
            var wait = region.Kind switch
            {
                RegionKind.Thread => "Join() the thread",
                RegionKind.ThreadPool => "run the work as a Task and await it",
                _ => "wait for its task",
            };
            var name = read.Path.DisplayName;
            var isError = (read.Path.Type is { } type && type.Name.EndsWith("Exception", System.StringComparison.Ordinal)) ||
                          name.IndexOf("error", System.StringComparison.OrdinalIgnoreCase) >= 0 || name.IndexOf("fail", System.StringComparison.OrdinalIgnoreCase) >= 0;
            var advice = isError ? wait + " instead, or pass the error with the completion" : wait + " instead";
            return new MessagePart(advice, advice);
        }

        /// <summary>Inside the region: an assignment that runs after the signal the starter waits for (<c>done.Set(); error = ex;</c>).</summary>
        private void ReportWritesAfterTheSignal(RuleContext context, ConcurrentRegion region, List<SharedAccess> writes)
        {
            var signals = CompletionSignals.SentBy(region, context.Known).RemoveAll(s => !CompletionSignals.IsAwaitedByStarter(region, s, context.Known));
            foreach (var write in writes)
            {
                var signal = signals.FirstOrDefault(s => RunsBefore(s, write.ReportOperation));
                if (signal is not null)
                {
                    ReportWriteAfter(
                        context,
                        region,
                        write,
                        signal,
                        new MessagePart(
                            "assigned inside the " + region.Construct + " after '" + signal.Syntax + "', the signal its reader waits for",
                            "assigned inside the " + region.Construct + " after the signal its reader waits for"),
                        new MessagePart(
                            "assign it before the signal, or pass it with the completion (writer.Complete(ex), tcs.TrySetException(ex))",
                            "assign it before the signal, or pass it with the completion"));
                }
            }
        }

        private void ReportWriteAfter(RuleContext context, ConcurrentRegion region, SharedAccess write, IOperation signal, MessagePart reason, MessagePart advice)
        {
            var race = RaceDiagnostic.At(write, null, Enumerable.Empty<Location>(), new[] { signal.Syntax.GetLocation(), region.StartLocation });
            var properties = race.CreateProperties(context.Known);
            properties[DiagnosticPropertyKeys.HandOverFinding] = DiagnosticPropertyValues.Of(HandOverFinding.WriteAfterSignal);
            context.ReportDiagnostic(race.Create(Descriptor, properties.ToImmutable(), write.Path.DisplayName, write.Path.Type?.ToMessageString() ?? "?", reason, advice));
        }

        /// <summary>
        /// True when <paramref name="signal"/> runs before <paramref name="write"/> on every path: it dominates the write,
        /// or it stands in a <c>try</c> body whose <c>finally</c> holds the write.
        /// </summary>
        private static bool RunsBefore(IOperation signal, IOperation write)
        {
            if (Joins.Dominates(signal, write))
            {
                return true;
            }

            for (var parent = write.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is ITryOperation { Finally: { } finallyBlock } tryOperation && finallyBlock.Syntax.Span.Contains(write.Syntax.Span))
                {
                    return tryOperation.Body.Operations.Any(statement => statement.DescendantsAndSelf().Contains(signal) && !IsInsideBranch(signal, statement));
                }
            }

            return false;
        }

        /// <summary>
        /// True when <paramref name="write"/> stands in a <c>catch</c> of a <c>try</c> whose body holds
        /// <paramref name="status"/>: the handler runs instead of the rest of the body, not after the status was set.
        /// </summary>
        private static bool IsHandlerOf(IOperation write, IOperation status)
        {
            for (var parent = write.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is ICatchClauseOperation { Parent: ITryOperation handled } && handled.Body.Syntax.Span.Contains(status.Syntax.Span))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when the signal stands inside a conditional or loop within <paramref name="statement"/> (not on every path).</summary>
        private static bool IsInsideBranch(IOperation signal, IOperation statement)
        {
            for (var parent = signal.Parent; parent is not null && !ReferenceEquals(parent, statement.Parent); parent = parent.Parent)
            {
                if (parent is IConditionalOperation or ILoopOperation or ISwitchOperation or ITryOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A read that polls (a loop condition or exit test): the signal itself, RG0002's concern, not a hand-over.</summary>
        private static bool IsPolling(SharedAccess read) => LoopTests.Of(read.Operation).Part is not null;
    }
}
