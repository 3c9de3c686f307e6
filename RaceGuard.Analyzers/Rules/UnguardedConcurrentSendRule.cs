using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Diagnostics;

namespace RaceGuard.Rules
{
    /// <summary>
    /// RG0004: two sends or writes to one socket, WebSocket, stream, pipe or writer that may run at the same time with no
    /// send guard between them (a heartbeat loop and the main thread both calling <c>WebSocket.SendAsync</c>).
    /// </summary>
    public sealed class UnguardedConcurrentSendRule : RaceRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.UnguardedConcurrentSend;

        public override void Analyze(RuleContext context)
        {
            var facts = context.Facts;
            var reported = new HashSet<Location>();
            foreach (var entry in facts.AccessesByPath)
            {
                if (!IsOwnTarget(entry.Key, facts.Type))
                {
                    continue;
                }

                foreach (var send in entry.Value)
                {
                    // A helper reached from several call sites is one send site: reported once.
                    if (send.Kind != AccessKind.Send || reported.Contains(send.Location))
                    {
                        continue;
                    }

                    var conflicts = facts.RacesWith(send).Where(c => c.Kind == AccessKind.Send).ToList();
                    if (conflicts.Count == 0 || ParallelismQuery.IsLockedSideOfHalfLockedRace(send, conflicts) || RacesOnlyWithALaterCallOfItsStarter(send, conflicts, facts))
                    {
                        continue;
                    }

                    reported.Add(send.Location);
                    context.ReportDiagnostic(CreateDiagnostic(send, conflicts, facts, context.Known));
                }
            }
        }

        /// <summary>
        /// The variable the sends go through is the type's own or the method's: a field, property, local or parameter (or
        /// a member chain from one). <c>Console.Out</c> and other types' statics are not this code's to guard.
        /// </summary>
        private static bool IsOwnTarget(AccessPath path, INamedTypeSymbol type) => path.Root switch
        {
            ILocalSymbol or IParameterSymbol => true,
            IFieldSymbol or IPropertySymbol => SymbolEqualityComparer.Default.Equals(path.Root.ContainingType?.OriginalDefinition, type.OriginalDefinition),
            _ => false,
        };

        /// <summary>
        /// One send site that races only with itself, and only because the public member that starts its region could be
        /// called again while it runs: a dedicated writer loop started by <c>Start()</c> (the recommended design) is not
        /// reported for that alone. Sends in regions that run many times (loops, Parallel bodies, WhenAll fan-outs,
        /// handlers serving every request) and sends in members of a type built for concurrent use still are.
        /// </summary>
        private static bool RacesOnlyWithALaterCallOfItsStarter(SharedAccess send, List<SharedAccess> conflicts, TypeFacts facts) =>
            conflicts.All(c => ReferenceEquals(c, send)) &&
            !ParallelismQuery.Chain(send.Region).Any(r => r.Multiplicity == Multiplicity.Many) &&
            !facts.RacesAsSharedInstance(send, send);

        private Diagnostic CreateDiagnostic(SharedAccess send, List<SharedAccess> conflicts, TypeFacts facts, KnownSymbols known)
        {
            var race = RaceDiagnostic.For(send, conflicts, facts, writeVerb: "send on");
            var properties = race.CreateProperties(known);
            var semaphore = ExistingSemaphore(send, facts);
            if (semaphore is not null)
            {
                properties[DiagnosticPropertyKeys.ExistingSemaphore] = semaphore;
            }

            var type = send.Path.Type!;
            return race.Create(
                Descriptor,
                properties.ToImmutable(),
                send.Path.DisplayName,
                type.ToMessageString(),
                RaceDiagnostic.PlaceOf(send).Map(place => SendVerb(send, type, known) + " " + place),
                race.OtherSide,
                new MessagePart(WhatGoesWrong(type, known), "it takes one send at a time"),
                semaphore is null ? "one SemaphoreSlim(1, 1)" : "the semaphore '" + semaphore + "'");
        }

        /// <summary>The exclusive semaphore already held at some send to the same target, by name; null when there is none.</summary>
        private static string? ExistingSemaphore(SharedAccess send, TypeFacts facts) =>
            facts.AccessesByPath[send.Path]
                .Where(a => a.Kind == AccessKind.Send)
                .SelectMany(a => a.Guards)
                .Where(g => g.Kind == GuardKind.Semaphore && g.Exclusive && g.Key.Symbol is IFieldSymbol or ILocalSymbol)
                .GroupBy(g => g.Key.Text)
                .OrderByDescending(g => g.Count())
                .FirstOrDefault()?.Key;

        /// <summary>What the call does to the target: a socket is sent on (or closed: a WebSocket's close handshake), a stream or writer written to.</summary>
        private static string SendVerb(SharedAccess send, ITypeSymbol type, KnownSymbols known) =>
            send.MemberName is "CloseAsync" or "CloseOutputAsync" ? "closed" :
            known.IsWebSocket(type) || known.IsSocket(type) ? "sent on" :
            "written to";

        /// <summary>The runtime failure, in the words of the target's type (the description quotes the exceptions).</summary>
        private static string WhatGoesWrong(ITypeSymbol type, KnownSymbols known)
        {
            if (known.IsWebSocket(type))
            {
                return "a WebSocket allows one send at a time";
            }

            if (known.IsSocket(type))
            {
                return "concurrent sends interleave their bytes";
            }

            if (known.IsPipeWriter(type) || known.IsTextOrBinaryWriter(type))
            {
                return "it is not thread-safe";
            }

            return "a stream allows one write at a time";
        }
    }
}
