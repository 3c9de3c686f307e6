using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RaceGuard.ConcurrencyModel;

namespace RaceGuard.Diagnostics
{
    /// <summary>
    /// The one way every rule lays out a diagnostic: where it is reported, the other side of the race in words, the
    /// additional locations (conflicting accesses first, then the starts of the regions involved), the properties code
    /// fixes read, and a message fitted to one line (<see cref="MessagePart"/>).
    /// </summary>
    public sealed class RaceDiagnostic
    {
        private RaceDiagnostic(Location location, SharedAccess? access, bool racesWithItself, ImmutableArray<Location> additionalLocations, int conflictCount, MessagePart otherSide, string? guardingLock, string? existingLock, LockHazard lockHazard)
        {
            LockHazard = lockHazard;
            Location = location;
            Access = access;
            RacesWithItself = racesWithItself;
            AdditionalLocations = additionalLocations;
            ConflictCount = conflictCount;
            OtherSide = otherSide;
            GuardingLock = guardingLock;
            ExistingLock = existingLock;
        }

        /// <summary>Where the diagnostic is reported.</summary>
        public Location Location { get; }

        /// <summary>The access the diagnostic is about, when there is one.</summary>
        public SharedAccess? Access { get; }

        /// <summary>True when the access also races with another execution of itself.</summary>
        public bool RacesWithItself { get; }

        /// <summary>The conflicting accesses, then the region starts.</summary>
        public ImmutableArray<Location> AdditionalLocations { get; }

        /// <summary>How many of <see cref="AdditionalLocations"/>, from the first, are conflicting accesses.</summary>
        public int ConflictCount { get; }

        /// <summary>The other side as a clause, e.g. "Register() may change it on another thread", briefly "Register() may change it".</summary>
        public MessagePart OtherSide { get; }

        /// <summary>The lock that guards the other accesses of the variable, by name, or null (messages name no other).</summary>
        public string? GuardingLock { get; }

        /// <summary>The lock a fix should reuse, by name, or null: the guarding lock, else one the type or member already locks on.</summary>
        public string? ExistingLock { get; }

        /// <summary>Why no lock may go around the reported statement (<see cref="TypeFacts.LockHazardOf"/>); advice and fix change with it.</summary>
        public LockHazard LockHazard { get; }

        /// <summary>What to guard the access with, for messages: "the lock '_gate'" when it guards the other accesses, else "a lock".</summary>
        public string LockAdvice => GuardingLock is null ? "a lock" : "the lock '" + GuardingLock + "'";

        /// <summary>
        /// Lays out the race of <paramref name="access"/> with <paramref name="conflicts"/> (which may include itself);
        /// <paramref name="writeVerb"/> says what the other side's writes do to the variable ("change", "send on").
        /// </summary>
        public static RaceDiagnostic For(SharedAccess access, IReadOnlyCollection<SharedAccess> conflicts, TypeFacts facts, string writeVerb = "change")
        {
            var others = conflicts
                .Where(c => !ReferenceEquals(c.ReportOperation, access.ReportOperation))
                .GroupBy(c => c.ReportOperation)
                .Select(g => g.First())
                .ToImmutableArray();
            var racesWithItself = others.Length < conflicts.Count;

            var additional = new List<Location>();
            foreach (var other in others)
            {
                if (!additional.Contains(other.Location))
                {
                    additional.Add(other.Location);
                }
            }

            var conflictCount = additional.Count;
            foreach (var region in others.Append(access).SelectMany(a => ParallelismQuery.Chain(a.Region)))
            {
                var startLocation = region.StartLocation;
                if (!additional.Contains(startLocation))
                {
                    additional.Add(startLocation);
                }
            }

            var otherSide = DescribeOtherSide(access, others, racesWithItself, writeVerb);
            return new RaceDiagnostic(access.Location, access, racesWithItself, additional.ToImmutableArray(), conflictCount, otherSide, facts.GuardingLockFor(access), facts.ReusableLockFor(access), facts.LockHazardOf(access));
        }

        /// <summary>
        /// A diagnostic about <paramref name="access"/> reported at <paramref name="location"/> (the access itself when
        /// null), with <paramref name="conflicts"/> as the other side and <paramref name="context"/> after them (a region
        /// start, a signal): for findings that are not a pair of racing accesses (a check and its act, a hand-over).
        /// <paramref name="lockHazard"/> says why no lock may go around the reported statement, when the finding advises one.
        /// </summary>
        public static RaceDiagnostic At(SharedAccess? access, Location? location, IEnumerable<Location> conflicts, IEnumerable<Location>? context = null, LockHazard lockHazard = LockHazard.None)
        {
            var additional = conflicts.Distinct().ToList();
            var conflictCount = additional.Count;
            foreach (var other in context ?? Enumerable.Empty<Location>())
            {
                if (!additional.Contains(other))
                {
                    additional.Add(other);
                }
            }

            return new RaceDiagnostic(location ?? access!.Location, access, racesWithItself: false, additional.ToImmutableArray(), conflictCount, default, guardingLock: null, existingLock: null, lockHazard);
        }

        /// <summary>The same finding reported at <paramref name="location"/>, with <paramref name="first"/> as its first additional location (the other half of a test-and-set).</summary>
        public RaceDiagnostic ReportedAt(Location location, Location first) =>
            new RaceDiagnostic(location, Access, RacesWithItself, AdditionalLocations.Remove(first).Insert(0, first), ConflictCount, OtherSide, GuardingLock, ExistingLock, LockHazard);

        /// <summary>The properties every race fix reads: the variable, its kind, how many locations are accesses, the lock to reuse, the Lock-type choice.</summary>
        public ImmutableDictionary<string, string?>.Builder CreateProperties(KnownSymbols known)
        {
            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            properties[DiagnosticPropertyKeys.ConflictCount] = ConflictCount.ToString(CultureInfo.InvariantCulture);
            if (Access is null)
            {
                return properties;
            }

            properties[DiagnosticPropertyKeys.SymbolName] = Access.Path.DisplayName;
            properties[DiagnosticPropertyKeys.SymbolKind] = Access.Path.Root?.VariableKind();
            if (ExistingLock is not null)
            {
                properties[DiagnosticPropertyKeys.ExistingLock] = ExistingLock;
            }

            if (LockHazard != LockHazard.None)
            {
                properties[DiagnosticPropertyKeys.LockWouldBlock] = DiagnosticPropertyKeys.True;
            }

            // System.Threading.Lock needs C# 13 (newer than any version this Roslyn names) and a runtime that has the type.
            if (known.Lock is not null && Access.Operation.Syntax.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: > LanguageVersion.CSharp12 })
            {
                properties[DiagnosticPropertyKeys.UseLockType] = DiagnosticPropertyKeys.True;
            }

            return properties;
        }

        /// <summary>Where <paramref name="access"/> runs, in full and brief ("in Cleanup() (called from Break())", "in Cleanup()").</summary>
        public static MessagePart PlaceOf(SharedAccess access) => new MessagePart(access.DescribePlace(), access.DescribePlace(brief: true), MinimalPlaceOf(access));

        /// <summary><see cref="PlaceOf"/> for the reported access, with the caller that reaches it without its callers' lock.</summary>
        public static MessagePart ReportedPlaceOf(SharedAccess access)
        {
            var brief = access.DescribeReportedPlace(brief: true);
            var unlockedCaller = brief.Substring(access.DescribePlace(brief: true).Length);
            return new MessagePart(access.DescribeReportedPlace(), brief, MinimalPlaceOf(access) + unlockedCaller);
        }

        /// <summary>The place when names are long: the kind of concurrent construct ("by the Timer callback"), else "here" (the location says where).</summary>
        private static string MinimalPlaceOf(SharedAccess access)
        {
            if (access.Region is null)
            {
                return "here";
            }

            // "by the Timer callback 'PerformKeepAlive'" → "by the Timer callback"; "by a concurrent call to 'Flush'" → "by a concurrent call".
            var place = access.DescribePlace(brief: true);
            var name = place.IndexOf(" '", System.StringComparison.Ordinal);
            if (name <= 0 || !place.EndsWith("'", System.StringComparison.Ordinal))
            {
                return place;
            }

            var kind = place.Substring(0, name);
            return kind.EndsWith(" to", System.StringComparison.Ordinal) ? kind.Substring(0, kind.Length - " to".Length) : kind;
        }

        /// <summary>Creates the diagnostic with the additional locations, the given properties, and the message parts fitted to one line.</summary>
        public Diagnostic Create(DiagnosticDescriptor descriptor, ImmutableDictionary<string, string?> properties, params MessagePart[] messageParts) =>
            Diagnostic.Create(descriptor, Location, AdditionalLocations, properties, MessagePart.Fit(descriptor, messageParts));

        /// <summary>
        /// The other side as a clause: who (the member or construct that holds each other access, distinct, the first two
        /// by name) may do what to the variable.
        /// </summary>
        private static MessagePart DescribeOtherSide(SharedAccess access, ImmutableArray<SharedAccess> others, bool racesWithItself, string writeVerb)
        {
            // Another access of the same code (the same region, member or helper) is another run of it.
            var own = access.DescribeActor();
            var actors = new List<string>();
            foreach (var other in others)
            {
                var actor = other.DescribeActor();
                if (actor == own)
                {
                    racesWithItself = true;
                }
                else if (!actors.Contains(actor))
                {
                    actors.Add(actor);
                }
            }

            // What the others do: change it (all write), read it (all read), or use it (both).
            var writes = others.Any(o => o.IsWrite) || (racesWithItself && access.IsWrite);
            var reads = others.Any(o => !o.IsWrite) || (racesWithItself && !access.IsWrite);
            var verb = " may " + (writes && reads ? "use" : writes ? writeVerb : "read") + " it";
            if (!racesWithItself)
            {
                return new MessagePart(Subject(actors) + verb + " on another thread", BriefSubject(actors) + verb);
            }

            var (full, brief) = DescribeAnotherRun(access);
            return new MessagePart(Subject(actors.Append(full).ToList()) + verb + " on another thread", BriefSubject(actors.Append(brief).ToList()) + verb);
        }

        /// <summary>"A", or "A and others".</summary>
        private static string BriefSubject(List<string> actors) => actors.Count == 1 ? actors[0] : actors[0] + " and others";

        /// <summary>"A", "A and B", "A and 3 others".</summary>
        private static string Subject(List<string> actors) => actors.Count switch
        {
            1 => actors[0],
            2 => actors[0] + " and " + actors[1],
            _ => actors[0] + " and " + (actors.Count - 1).ToString(CultureInfo.InvariantCulture) + " others",
        };

        /// <summary>Another execution of the access's own code, in full and brief: "another run of the same Task.Run lambda" and "another run".</summary>
        private static (string Full, string Brief) DescribeAnotherRun(SharedAccess access) => access.Region switch
        {
            { Kind: RegionKind.AsyncFanOut, Method: { } method, Multiplicity: Multiplicity.Once, ManyAcrossCalls: false } => ("another concurrent call to '" + method.Name + "'", "another call"),
            { Multiplicity: Multiplicity.Once, ManyAcrossCalls: true } region => ("the same " + region.Construct + " started by another call of " + region.StartingMember.DescribeMember(), "another call of " + region.StartingMember.DescribeMember()),
            { Kind: RegionKind.Middleware or RegionKind.MessageHandler } => ("the same instance serving another request", "another request"),
            { Kind: RegionKind.LogSink } => ("the same instance logging for another thread", "another thread logging"),
            { } region => ("another run of the same " + region.Construct, "another run"),
            null => ("another call of " + access.DescribeActor(), "another call"),
        };
    }
}
