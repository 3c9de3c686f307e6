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
                if (read.Kind != AccessKind.Read || !ReferenceEquals(read.Region, region.Parent) || !ReferenceEquals(read.Member, writes[0].Member) ||
                    read.Anchor.Syntax.SyntaxTree != region.StartAnchor.Syntax.SyntaxTree ||
                    read.Anchor.Syntax.SpanStart < region.StartAnchor.Syntax.Span.End ||
                    !region.ContextRoot.Syntax.Span.Contains(read.Anchor.Syntax.Span) ||
                    taskJoins.Any(join => Joins.Dominates(join, read.Anchor, region.StartAnchor)) ||
                    IsPolling(read))
                {
                    continue;
                }

                var (kind, wait) = CompletionSignals.OrderingBefore(region, read.Anchor, context.Known);
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
                        "set by the " + region.Construct + " and read in " + read.Member.Describe() + " after " + (kind == SignalKind.None ? "no signal" : "a side signal only")),
                    AdviceFor(region, read)));
                return;
            }
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
            var signals = CompletionSignals.SentBy(region, context.Known);
            foreach (var write in writes)
            {
                var signal = signals.FirstOrDefault(s => RunsBefore(s, write.ReportOperation));
                if (signal is null)
                {
                    continue;
                }

                var race = RaceDiagnostic.At(write, null, Enumerable.Empty<Location>(), new[] { signal.Syntax.GetLocation(), region.StartLocation });
                var properties = race.CreateProperties(context.Known);
                properties[DiagnosticPropertyKeys.HandOverFinding] = DiagnosticPropertyValues.Of(HandOverFinding.WriteAfterSignal);
                var signalText = signal.Syntax.ToString();
                context.ReportDiagnostic(race.Create(
                    Descriptor,
                    properties.ToImmutable(),
                    write.Path.DisplayName,
                    write.Path.Type?.ToMessageString() ?? "?",
                    new MessagePart(
                        "assigned inside the " + region.Construct + " after '" + signalText + "', the signal its reader waits for",
                        "assigned inside the " + region.Construct + " after the signal its reader waits for"),
                    new MessagePart(
                        "assign it before the signal, or pass it with the completion (writer.Complete(ex), tcs.TrySetException(ex))",
                        "assign it before the signal, or pass it with the completion")));
            }
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
