using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// Region policy: where a region the walk opens stands and how many instances of it may run at once. Started in a
    /// loop that does not wait for it, in a lambda that runs many times, or in a callee called in a loop: many. A short
    /// fire-and-forget job of a kind that every call restarts: many across calls, unless a test-and-set lets only one
    /// start or it is a background loop. A task a callee hands back is joined where the caller waits for the call.
    /// One per member walk (it knows whether the member runs at construction and how to find a callee's body).
    /// </summary>
    internal sealed class RegionPolicy
    {
        private readonly KnownSymbols known;
        private readonly bool runsAtConstruction;
        private readonly Func<IInvocationOperation, IOperation?> findCalleeBody;

        public RegionPolicy(KnownSymbols known, bool runsAtConstruction, Func<IInvocationOperation, IOperation?> findCalleeBody)
        {
            this.known = known;
            this.runsAtConstruction = runsAtConstruction;
            this.findCalleeBody = findCalleeBody;
        }

        /// <summary>
        /// The placement of a region of <paramref name="kind"/> started at <paramref name="start"/>: its multiplicity, handle,
        /// joins, anchor in the member's own code (<paramref name="anchor"/>, the call site when the walk is in a callee),
        /// enclosing loop and repeated-start policy.
        /// </summary>
        public RegionPlacement Place(
            RegionKind kind,
            IOperation start,
            ISymbol? handle,
            ImmutableArray<IOperation> joins,
            IOperation? code,
            Multiplicity multiplicity,
            IOperation? anchor,
            IOperation contextRoot,
            IOperation guardRoot)
        {
            if (joins.IsEmpty && anchor is { } callSite && ReturnedByCallee(start, handle, guardRoot))
            {
                // A callee that hands its task back (return Task.Run(..); => _init ??= LoadAsync()): the caller joins it
                // where it waits for the call.
                joins = Joins.Resolve(callSite, contextRoot, known).Joins;
            }

            // A start inside a loop that does not wait for it in the same iteration, or inside a lambda that may run
            // many times (Select(x => Task.Run(..))), starts many instances.
            ILoopOperation? enclosingLoop = null;
            for (var parent = start.Parent; parent is not null && !ReferenceEquals(parent, contextRoot); parent = parent.Parent)
            {
                if (parent is ILoopOperation loop)
                {
                    enclosingLoop ??= loop;
                    if (!joins.Any(j => j.IsWithin(loop.Syntax) && j.Syntax.Span.End >= start.Syntax.Span.End))
                    {
                        multiplicity = Multiplicity.Many;
                    }
                }
                else if (parent is IAnonymousFunctionOperation && !joins.Any(j => j.IsWithin(parent.Syntax)))
                {
                    multiplicity = Multiplicity.Many;
                }
            }

            // Started in a callee that the caller calls in a loop (foreach (..) AddLogger(..)): each call starts another.
            if (anchor is { } outerCall && !ReferenceEquals(outerCall, start))
            {
                for (var parent = outerCall.Parent; parent is not null && !ReferenceEquals(parent, contextRoot); parent = parent.Parent)
                {
                    if (parent is ILoopOperation loop && !joins.Any(j => j.IsWithin(loop.Syntax) && j.Syntax.Span.End >= outerCall.Syntax.Span.End))
                    {
                        enclosingLoop ??= loop;
                        multiplicity = Multiplicity.Many;
                    }
                }
            }

            // A background loop (a while loop in the region) is started once by design; a short fire-and-forget job is
            // started again by every call (the kind's repeated-start policy), unless a test-and-set lets only one start.
            var startedOnce = IsStartedOnce(start);
            var manyAcrossCalls = joins.IsEmpty && handle is null && !runsAtConstruction &&
                                  RegionKinds.Of(kind).RestartedByEveryCall &&
                                  (code is null || !IsBackgroundLoop(code)) &&
                                  !startedOnce;

            return new RegionPlacement(multiplicity, handle, joins, anchor ?? start, contextRoot, enclosingLoop, manyAcrossCalls, startedOnce);
        }

        /// <summary>
        /// True when the region's code is a background loop: a <c>while</c> or <c>for (;;)</c> in it, or in a method of the
        /// type it calls (<c>Task.Run(() => ListenLoop())</c>).
        /// </summary>
        private bool IsBackgroundLoop(IOperation code)
        {
            static bool HasLoop(IOperation body) =>
                body.DescendantsOutsideFunctions().Any(o => o is IWhileLoopOperation or IForLoopOperation { Condition: null });

            return HasLoop(code) ||
                   code.DescendantsOutsideFunctions().OfType<IInvocationOperation>().Any(call =>
                       findCalleeBody(call) is { } callee && HasLoop(callee));
        }

        /// <summary>
        /// True when the start stands under a test-and-set of a field (<c>if (Interlocked.CompareExchange(ref _state, 1, 0) == 0)</c>,
        /// <c>if (Interlocked.Exchange(ref _started, 1) == 0)</c>): only the first call starts the region.
        /// </summary>
        private bool IsStartedOnce(IOperation start)
        {
            var child = start;
            for (var parent = start.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                // if (Interlocked.CompareExchange(ref _closeTask, task, null) is not null) return;  then the start.
                if (parent is IBlockOperation block && block.Operations.TakeWhile(o => !ReferenceEquals(o, child)).Any(statement =>
                        statement is IConditionalOperation { WhenFalse: null, WhenTrue: var exit } guard && Guards.ExitsAlways(exit) && IsTestAndSet(guard.Condition)))
                {
                    return true;
                }

                if (parent is IConditionalOperation { Condition: { } condition } && IsTestAndSet(condition))
                {
                    return true;
                }

                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation or IMethodBodyOperation)
                {
                    return false;
                }
            }

            return false;
        }

        /// <summary>True when <paramref name="condition"/> tests the result of <c>Interlocked.CompareExchange/Exchange</c> on a field.</summary>
        private bool IsTestAndSet(IOperation condition) =>
            condition.DescendantsAndSelf().OfType<IInvocationOperation>().Any(call =>
                call.TargetMethod.Name is "CompareExchange" or "Exchange" && known.IsType(call.TargetMethod.ContainingType, known.Interlocked) &&
                call.Arguments.Length > 0 && call.Arguments[0].Value.WalkDownConversion() is IFieldReferenceOperation);

        /// <summary>True when the task of <paramref name="start"/> is what the callee body returns.</summary>
        private static bool ReturnedByCallee(IOperation start, ISymbol? handle, IOperation calleeBody)
        {
            for (var parent = start.WalkUpTaskPassThrough(out _); parent is not null; parent = parent.WalkUpTaskPassThrough(out _))
            {
                if (parent is IReturnOperation)
                {
                    return true;
                }

                if (parent is not (ICoalesceOperation or IConditionalOperation))
                {
                    break;
                }
            }

            return handle is IFieldSymbol && Joins.ReturnsHandle(calleeBody, handle);
        }
    }
}
