using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Diagnostics;

namespace RaceGuard.Rules
{
    /// <summary>RG0001: a non-thread-safe collection modified by code that may run in parallel with other code using it.</summary>
    public sealed class SharedCollectionMutationRule : RaceRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.SharedCollectionMutation;

        public override void Analyze(RuleContext context)
        {
            var facts = context.Facts;
            var known = context.Known;
            var reported = new HashSet<Location>();
            foreach (var entry in facts.AccessesByPath)
            {
                if (facts.CollectionTypeOf(entry.Key) is not { } collection)
                {
                    continue;
                }

                foreach (var access in entry.Value)
                {
                    if (access.Kind != AccessKind.MutatingCall || access.Via == AccessVia.ArrayElement || reported.Contains(access.Location))
                    {
                        continue;
                    }

                    var conflicts = facts.RacesWith(access).Where(IsContentAccess).ToList();
                    if (conflicts.Count == 0 || ParallelismQuery.IsLockedSideOfHalfLockedRace(access, conflicts))
                    {
                        continue;
                    }

                    reported.Add(access.Location);
                    context.ReportDiagnostic(CreateDiagnostic(access, conflicts, collection, facts, known));
                }
            }
        }

        /// <summary>
        /// An access that touches the collection's contents: a mutating or reading member, enumeration, or handing the
        /// collection to a method (which may enumerate it). Returning or storing the reference touches nothing.
        /// </summary>
        private static bool IsContentAccess(SharedAccess access) =>
            access.Kind == AccessKind.MutatingCall ||
            (access.Kind == AccessKind.Read && (access.Via != AccessVia.Variable || access.Operation.WalkUpConversion(out _) is IArgumentOperation));

        private Diagnostic CreateDiagnostic(SharedAccess access, List<SharedAccess> conflicts, INamedTypeSymbol collection, TypeFacts facts, KnownSymbols known)
        {
            var race = RaceDiagnostic.For(access, conflicts, facts);
            var equivalent = known.GetConcurrentEquivalent(collection);
            var suggestsEquivalent = equivalent is not null && !known.IsType(collection, known.List);
            var guard = race.LockHazard == LockHazard.None ? "guard it with " + race.LockAdvice : LockHazards.Advice(race.LockHazard);
            var advice = new MessagePart(
                guard + (suggestsEquivalent ? " or use " + equivalent!.ToMessageString() : string.Empty),
                guard + (suggestsEquivalent ? " or use a " + equivalent!.Name : string.Empty));

            var properties = race.CreateProperties(known);
            if (equivalent is not null)
            {
                properties[DiagnosticPropertyKeys.ConcurrentType] = equivalent.ContainingNamespace.ToDisplayString() + "." + equivalent.MetadataName;
            }

            return race.Create(Descriptor, properties.ToImmutable(), access.Path.DisplayName, collection.ToMessageString(), RaceDiagnostic.ReportedPlaceOf(access), race.OtherSide, advice);
        }
    }
}
