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
    /// The one way every race rule lays out a diagnostic: the other side of the race in words, the additional locations
    /// (conflicting accesses first, then the starts of the regions involved), and the properties code fixes read.
    /// </summary>
    public sealed class RaceDiagnostic
    {
        private RaceDiagnostic(SharedAccess access, bool racesWithItself, ImmutableArray<Location> additionalLocations, int conflictCount, string otherSide, string? existingLock)
        {
            Access = access;
            RacesWithItself = racesWithItself;
            AdditionalLocations = additionalLocations;
            ConflictCount = conflictCount;
            OtherSide = otherSide;
            ExistingLock = existingLock;
        }

        /// <summary>The access the diagnostic is reported at.</summary>
        public SharedAccess Access { get; }

        /// <summary>True when the access also races with another execution of itself.</summary>
        public bool RacesWithItself { get; }

        /// <summary>The conflicting accesses, then the region starts.</summary>
        public ImmutableArray<Location> AdditionalLocations { get; }

        /// <summary>How many of <see cref="AdditionalLocations"/>, from the first, are conflicting accesses.</summary>
        public int ConflictCount { get; }

        /// <summary>The other side in words, e.g. "the write inside the Timer callback started in Cache()".</summary>
        public string OtherSide { get; }

        /// <summary>The lock a fix should reuse, by name, or null.</summary>
        public string? ExistingLock { get; }

        /// <summary>What to guard the access with, for messages: "the lock '_gate'" or "a lock".</summary>
        public string LockAdvice => ExistingLock is null ? "a lock" : "the lock '" + ExistingLock + "'";

        /// <summary>Lays out the race of <paramref name="access"/> with <paramref name="conflicts"/> (which may include itself).</summary>
        public static RaceDiagnostic For(SharedAccess access, IReadOnlyCollection<SharedAccess> conflicts, TypeFacts facts)
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
                var startLocation = region.Start.Syntax.GetLocation();
                if (!additional.Contains(startLocation))
                {
                    additional.Add(startLocation);
                }
            }

            var otherSide = DescribeOtherSide(access, others, racesWithItself);
            if (conflicts.Any(c => !ParallelismQuery.Races(access, c)) && facts.SharedInstance != SharedInstanceEvidence.None)
            {
                // Concurrent only because the type is built for concurrent use: say why.
                otherSide += "; " + ConcurrentUse.Describe(facts.SharedInstance, facts.Type);
            }

            return new RaceDiagnostic(access, racesWithItself, additional.ToImmutableArray(), conflictCount, otherSide, facts.ReusableLockFor(access));
        }

        /// <summary>The properties every race fix reads: the variable, its kind, how many locations are accesses, the lock to reuse, the Lock-type choice.</summary>
        public ImmutableDictionary<string, string?>.Builder CreateProperties(KnownSymbols known)
        {
            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            properties[DiagnosticPropertyKeys.SymbolName] = Access.Path.DisplayName;
            properties[DiagnosticPropertyKeys.SymbolKind] = Access.Path.Root?.VariableKind();
            properties[DiagnosticPropertyKeys.ConflictCount] = ConflictCount.ToString(CultureInfo.InvariantCulture);
            if (ExistingLock is not null)
            {
                properties[DiagnosticPropertyKeys.ExistingLock] = ExistingLock;
            }

            // System.Threading.Lock needs C# 13 (newer than any version this Roslyn names) and a runtime that has the type.
            if (known.Lock is not null && Access.Operation.Syntax.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: > LanguageVersion.CSharp12 })
            {
                properties[DiagnosticPropertyKeys.UseLockType] = "true";
            }

            return properties;
        }

        /// <summary>Creates the diagnostic at the access, with the additional locations and the given properties and message arguments.</summary>
        public Diagnostic Create(DiagnosticDescriptor descriptor, ImmutableDictionary<string, string?> properties, params object[] messageArguments) =>
            Diagnostic.Create(descriptor, Access.Location, AdditionalLocations, properties, messageArguments);

        private static string DescribeOtherSide(SharedAccess access, ImmutableArray<SharedAccess> others, bool racesWithItself)
        {
            if (others.IsEmpty)
            {
                return access.Region switch
                {
                    { Kind: RegionKind.AsyncFanOut, Method: { } method, Multiplicity: Multiplicity.Once, ManyAcrossCalls: false } => "another concurrent call to '" + method.Name + "'",
                    { Multiplicity: Multiplicity.Once, ManyAcrossCalls: true } region => "the same " + region.Construct + " started by another call of " + region.StartingMember.DescribeMember(),
                    { Kind: RegionKind.Middleware } region => "the same " + region.Construct + " serving another request (one middleware instance serves every request)",
                    { Kind: RegionKind.MessageHandler } region => "the same " + region.Construct + " sending another request (one handler serves every request of its HttpClient)",
                    { } region => "other instances of the same " + region.Construct,
                    null => "another call of " + access.Member.Describe(),
                };
            }

            if (others.Length == 1)
            {
                var other = others[0];
                return "the " + (other.IsWrite ? "write" : "read") + " " + other.DescribePlace();
            }

            var writers = others.Count(o => o.IsWrite);
            var readers = others.Length - writers;
            var parts = new List<string>();
            if (writers > 0)
            {
                parts.Add(writers + " other " + (writers == 1 ? "writer" : "writers"));
            }

            if (readers > 0)
            {
                parts.Add(readers + " " + (readers == 1 ? "reader" : "readers"));
            }

            var text = string.Join(" and ", parts);
            return racesWithItself ? text + " and other instances of itself" : text;
        }
    }
}
