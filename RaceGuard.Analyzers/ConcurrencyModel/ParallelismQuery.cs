using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// The questions every rule asks: may two accesses run in parallel, does a common guard protect them, do they race.
    /// Pure functions over the facts.
    /// </summary>
    public static class ParallelismQuery
    {
        /// <summary>Two accesses race when they may run in parallel, at least one writes, and nothing protects the pair.</summary>
        /// <remarks>Parallelism first: an access's guards are computed on first use, and may ask the callers of its method.</remarks>
        public static bool Races(SharedAccess a, SharedAccess b) =>
            (a.IsWrite || b.IsWrite) && MayRunInParallel(a, b) && !IsProtected(a, b);

        /// <summary>True when a common guard (exclusive for every writer) is held at both, both are atomic, or both touch their own Parallel.For element.</summary>
        public static bool IsProtected(SharedAccess a, SharedAccess b)
        {
            if (a.IsAtomic && b.IsAtomic)
            {
                return true;
            }

            if ((a.IsPartitionedByParallelIndex || b.IsPartitionedByParallelIndex) && ReferenceEquals(a.Region, b.Region))
            {
                return true;
            }

            // The locks the code takes itself first: when they protect the pair, the callers' locks need no look.
            if (CommonGuard(a.OwnGuards, a.IsWrite, b.OwnGuards, b.IsWrite) is not null || CommonGuard(a, b) is not null)
            {
                return true;
            }

            // Both in the own code of members confined to one thread (a UI or main-thread affinity check): one thread runs both.
            // So does an event loop's thread and code under the type's test for it (if (InEventLoop) ..; else Execute(..)).
            return a.IsConfinedToOneThread && (b.IsConfinedToOneThread || (b.Region is { } loop && ThreadAffinity.RunsTheAffineThread(loop))) ||
                   b.IsConfinedToOneThread && a.Region is { } other && ThreadAffinity.RunsTheAffineThread(other);
        }

        /// <summary>
        /// True when <paramref name="access"/> holds an exclusive guard and the writers racing with it hold none: the
        /// access is correct code, and the finding belongs where the unguarded accesses stand (an unguarded write is
        /// reported there; an unguarded read is inconsistent locking, RG0007's). A racing writer under another lock still
        /// makes this access a finding: two locks guard nothing together.
        /// </summary>
        public static bool IsLockedSideOfHalfLockedRace(SharedAccess access, IEnumerable<SharedAccess> conflicts) =>
            access.Guards.Any(g => g.Exclusive) && conflicts.All(c => !c.IsWrite || !c.Guards.Any(g => g.Exclusive));

        /// <summary>
        /// True when every guard of <paramref name="access"/> is an exclusive lock on a field, property or type (not a local
        /// or parameter, which may alias one) taken by the code of the method that holds the access: the evidence that
        /// the access was meant to be locked, with the lock it chose (this folder's README.md, "Which lock, not a lock").
        /// </summary>
        public static bool HoldsOnlyOwnLocks(SharedAccess access)
        {
            if (access.Guards.IsEmpty)
            {
                return false;
            }

            var method = EnclosingFunction(access.Operation.Syntax);
            foreach (var guard in access.Guards)
            {
                if (!guard.Exclusive || guard.HeldByCaller || guard.Key.Symbol is not (IFieldSymbol or IPropertySymbol or INamedTypeSymbol) ||
                    guard.Acquire.Syntax.SyntaxTree != access.Operation.Syntax.SyntaxTree || EnclosingFunction(guard.Acquire.Syntax) != method)
                {
                    return false;
                }
            }

            return true;
        }

        private static SyntaxNode? EnclosingFunction(SyntaxNode node) =>
            node.AncestorsAndSelf().FirstOrDefault(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax or
                Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax);

        /// <summary>A guard held at both accesses that excludes every writer among them, or null.</summary>
        public static Guard? CommonGuard(SharedAccess a, SharedAccess b) => CommonGuard(a.Guards, a.IsWrite, b.Guards, b.IsWrite);

        private static Guard? CommonGuard(System.Collections.Immutable.ImmutableArray<Guard> guardsA, bool aWrites, System.Collections.Immutable.ImmutableArray<Guard> guardsB, bool bWrites)
        {
            foreach (var guardA in guardsA)
            {
                if (!guardA.Exclusive && aWrites)
                {
                    continue;
                }

                foreach (var guardB in guardsB)
                {
                    if (guardA.Key.Equals(guardB.Key) && (guardB.Exclusive || !bWrites))
                    {
                        return guardA;
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// May <paramref name="a"/> and <paramref name="b"/> execute at the same time: instances of one region that runs
        /// many times, sibling regions whose windows overlap, a region and its starter before the join, or a region
        /// that outlives its starter and another member of the type.
        /// </summary>
        public static bool MayRunInParallel(SharedAccess a, SharedAccess b)
        {
            if (!a.Path.Equals(b.Path))
            {
                return false;
            }

            var parallel = ReferenceEquals(a.Member, b.Member) ? InSameMember(a, b) : AcrossMembers(a, b) || AcrossMembers(b, a);
            return parallel && !WaitsFor(a, b) && !WaitsFor(b, a);
        }

        /// <summary>
        /// True when the region <paramref name="a"/> runs in waits, before the access, for a region around
        /// <paramref name="b"/> whose task is kept in a field: <c>CloseAsync() { await _processOutgoing; inflight.Clear(); }</c>.
        /// </summary>
        private static bool WaitsFor(SharedAccess a, SharedAccess b)
        {
            if (a.Region is not { Code: { } code } || b.Region is null)
            {
                return false;
            }

            foreach (var region in Chain(b.Region))
            {
                if (region.Handle is IFieldSymbol handle && a.Member.JoinsOf(handle, code).Any(join => Joins.Dominates(join, a.Anchor)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when <paramref name="position"/>, an operation of the body that starts <paramref name="region"/>, may
        /// execute after the start and before a join that waits for the region.
        /// </summary>
        public static bool InWindow(ConcurrentRegion region, IOperation position)
        {
            var start = region.StartAnchor;
            if (position.Syntax.SyntaxTree != start.Syntax.SyntaxTree)
            {
                return false;
            }

            if (InExclusiveBranches(start, position) && !(region.Multiplicity == Multiplicity.Many && region.EnclosingLoop is { } outerLoop && position.IsWithin(outerLoop.Syntax)))
            {
                // if (..) { start } else { position }: never both in one pass.
                return false;
            }

            var after = position.Syntax.SpanStart >= start.Syntax.Span.End;
            if (!ReferenceEquals(region.StartAnchor, region.Start))
            {
                // Started inside a callee: a region the callee joins is over when the call returns; one it hands back is
                // joined where the caller waits for the call.
                if (!after || region.Joins.Any(join => !join.IsWithin(region.ContextRoot.Syntax)))
                {
                    return false;
                }

                return !region.Joins.Any(join => Joins.Dominates(join, position, start));
            }

            if (after)
            {
                return !region.Joins.Any(join => Joins.Dominates(join, position, start));
            }

            // Before the start inside the same loop: the next iteration runs it while this iteration's region still runs.
            return region.Multiplicity == Multiplicity.Many && region.EnclosingLoop is { } loop && position.IsWithin(loop.Syntax);
        }

        /// <summary>True when the two operations stand in different branches of one if/else or switch.</summary>
        private static bool InExclusiveBranches(IOperation first, IOperation second)
        {
            var child = first;
            for (var parent = first.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                if (second.IsWithin(child.Syntax))
                {
                    return false;
                }

                switch (parent)
                {
                    case IConditionalOperation { WhenFalse: { } whenFalse } conditional when second.IsWithin(parent.Syntax):
                        var firstInTrue = ReferenceEquals(child, conditional.WhenTrue);
                        var firstInFalse = ReferenceEquals(child, whenFalse);
                        return (firstInTrue && second.IsWithin(whenFalse.Syntax)) || (firstInFalse && second.IsWithin(conditional.WhenTrue.Syntax));
                    case ISwitchCaseOperation when parent.Parent is ISwitchOperation && second.IsWithin(parent.Parent.Syntax):
                        return !second.IsWithin(parent.Syntax);
                }

                if (second.IsWithin(parent.Syntax))
                {
                    return false;
                }
            }

            return false;
        }

        private static bool InSameMember(SharedAccess a, SharedAccess b)
        {
            var chainA = Chain(a.Region);
            var chainB = Chain(b.Region);
            var common = chainA.FirstOrDefault(r => chainB.Contains(r));
            var isField = a.Path.IsMemberOfType;

            for (var region = common; region is not null; region = region.Parent)
            {
                if ((region.Multiplicity == Multiplicity.Many && !(a.Path.Root is { } rootA && region.Declares(rootA))) || (region.ManyAcrossCalls && isField))
                {
                    return true;
                }
            }

            // A fire-and-forget region of an earlier call still runs while the member runs again.
            if (isField && (chainA.Any(r => r.ManyAcrossCalls) || chainB.Any(r => r.ManyAcrossCalls)))
            {
                return true;
            }

            var childA = ChildOf(chainA, common);
            var childB = ChildOf(chainB, common);
            if (childA is not null && a.Path.Root is { } declaredA && childA.Declares(declaredA))
            {
                return false;
            }

            if (childB is not null && b.Path.Root is { } declaredB && childB.Declares(declaredB))
            {
                return false;
            }

            if (childA is not null && childB is not null && (childA.RunsAfter(childB) || childB.RunsAfter(childA)))
            {
                return false;
            }

            var positionA = childA?.StartAnchor ?? a.Anchor;
            var positionB = childB?.StartAnchor ?? b.Anchor;
            return (childA, childB) switch
            {
                (null, null) => false,
                (not null, null) => InWindow(childA, positionB),
                (null, not null) => InWindow(childB, positionA),
                _ => InWindow(childA!, positionB) || InWindow(childB!, positionA),
            };
        }

        /// <summary>
        /// True when <paramref name="a"/> runs in a region that outlives the member that started it (no join there; a
        /// task kept in a field may be joined by another member) and <paramref name="b"/> runs in code of the type that
        /// may execute meanwhile.
        /// </summary>
        private static bool AcrossMembers(SharedAccess a, SharedAccess b)
        {
            if (!a.Path.IsMemberOfType)
            {
                return false;
            }

            var escaping = Chain(a.Region).LastOrDefault(r => r.Escapes);
            if (escaping is null)
            {
                return false;
            }

            var chainB = Chain(b.Region);


            if (chainB.Any(r => r.Escapes))
            {
                // The same start reached from two members is still one region when only the first call starts it.
                return !(escaping.StartedOnce && escaping.Multiplicity == Multiplicity.Once &&
                         chainB.LastOrDefault(r => r.Escapes) is { } other && other.Start.Syntax == escaping.Start.Syntax &&
                         ReferenceEquals(Chain(a.Region).FirstOrDefault(r => r.Multiplicity == Multiplicity.Many), null) &&
                         ReferenceEquals(chainB.FirstOrDefault(r => r.Multiplicity == Multiplicity.Many), null));
            }

            if (!b.Member.IsExternallyCallable || WaitsBeforeShutdownWork(b))
            {
                return false;
            }

            if (escaping.Handle is IFieldSymbol handle)
            {
                // StopAsync() { await _loop; _items.Clear(); }: after the join the region is over.
                var position = chainB.Count > 0 ? chainB[chainB.Count - 1].StartAnchor : b.Anchor;
                if (b.Member.JoinsOf(handle).Any(join => Joins.Dominates(join, position)))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// True for an access in a shutdown member (Dispose, DisposeAsync, Stop, StopAsync, Close) that first waits for
        /// something (<c>Wait</c>, <c>Join</c>, <c>WaitOne</c>, <c>WaitForOff</c>, an <c>await</c>): such members stop the
        /// background work and wait for it before they clean up, by whatever signal the type uses.
        /// </summary>
        private static bool WaitsBeforeShutdownWork(SharedAccess access)
        {
            if (!Lifecycle.IsShutdown(access.Member.Symbol))
            {
                return false;
            }

            var position = access.Anchor.Syntax.SpanStart;
            return access.Member.Bodies.Any(body => body.DescendantsOutsideFunctions().Any(o =>
                o.Syntax.Span.End <= position &&
                (o is IAwaitOperation ||
                 (o is IInvocationOperation { TargetMethod.Name: var name } && (name.StartsWith("Wait", System.StringComparison.Ordinal) || name == "Join")))));
        }

        /// <summary>The regions around an access, innermost first.</summary>
        public static List<ConcurrentRegion> Chain(ConcurrentRegion? region)
        {
            var chain = new List<ConcurrentRegion>();
            for (var current = region; current is not null; current = current.Parent)
            {
                chain.Add(current);
            }

            return chain;
        }

        private static ConcurrentRegion? ChildOf(List<ConcurrentRegion> chain, ConcurrentRegion? ancestor)
        {
            ConcurrentRegion? child = null;
            foreach (var region in chain)
            {
                if (ReferenceEquals(region, ancestor))
                {
                    return child;
                }

                child = region;
            }

            return ancestor is null ? child : null;
        }
    }
}
