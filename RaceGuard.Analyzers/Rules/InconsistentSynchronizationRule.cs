using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Diagnostics;

namespace RaceGuard.Rules
{
    /// <summary>
    /// RG0007: a field of the type accessed under one guard in most places and with no guard in a few, at least one of
    /// them a write (SpotBugs' inconsistent-synchronisation measure: unguarded accesses at most a third of all, writes
    /// counted twice). Reports the unguarded reads and plain writes; a racing unguarded mutation, update or flag access
    /// is RG0001's, RG0003's or RG0002's.
    /// </summary>
    public sealed class InconsistentSynchronizationRule : RaceRule
    {
        /// <summary>At most this many guarded accesses are attached to a diagnostic as additional locations.</summary>
        private const int MaxGuardedLocations = 5;

        public override DiagnosticDescriptor Descriptor => Descriptors.InconsistentSynchronization;

        public override ConcurrencySources Needs => ConcurrencySources.SharedInstances | ConcurrencySources.Regions | ConcurrencySources.FrameworkEntryPoints;

        public override void Analyze(RuleContext context)
        {
            var facts = context.Facts;

            // The fields whose members are written through them (_state.Count = 0): a read of such a field can see half a change.
            var writtenThrough = new System.Lazy<ImmutableHashSet<ISymbol>>(() => facts.AccessesByPath
                .Where(other => other.Key.Symbols.Length > 1 && other.Key.Root is not null && other.Value.Any(a => a.IsWrite))
                .Select(other => other.Key.Root!)
                .ToImmutableHashSet<ISymbol>(SymbolEqualityComparer.Default));
            // The fields a lock block writes together (Clear() { lock (_lock) { _hits = 0; _misses = 0; } }): a member that reads
            // two of them without the lock can see one changed and not the other.
            var writtenTogether = new System.Lazy<Dictionary<ISymbol, HashSet<ISymbol>>>(() => WrittenTogether(facts));
            // The plain reads through each field's object (_last.Error), by field.
            var membersRead = new System.Lazy<Dictionary<ISymbol, List<SharedAccess>>>(() =>
            {
                var byField = new Dictionary<ISymbol, List<SharedAccess>>(SymbolEqualityComparer.Default);
                foreach (var other in facts.AccessesByPath)
                {
                    if (other.Key.Symbols.Length == 2 && other.Key.Root is IFieldSymbol root)
                    {
                        foreach (var read in other.Value.Where(a => a.Kind == AccessKind.Read && a.Via == AccessVia.Variable && a.Region is null))
                        {
                            if (!byField.TryGetValue(root, out var reads))
                            {
                                byField[root] = reads = new List<SharedAccess>();
                            }

                            reads.Add(read);
                        }
                    }
                }

                return byField;
            });
            // Members already reported for writing a field without its lock, with that lock: a second pass reports their
            // other unlocked writes of fields the same lock guards everywhere else.
            var forgetting = new HashSet<(MemberFacts Member, string Guard)>();
            var deferred = new List<KeyValuePair<AccessPath, ImmutableArray<SharedAccess>>>();
            foreach (var entry in facts.AccessesByPath)
            {
                AnalyzeField(entry, siblingPass: false);
            }

            foreach (var entry in deferred)
            {
                AnalyzeField(entry, siblingPass: true);
            }

            void AnalyzeField(KeyValuePair<AccessPath, ImmutableArray<SharedAccess>> entry, bool siblingPass)
            {
                // A readonly field counts when it holds a collection changed in place (under the lock, read without it). A
                // field inherited from a source base class is the type's state: its own members' accesses are weighed.
                if (entry.Key.Symbols.Length != 1 || entry.Key.Root is not IFieldSymbol { IsConst: false } field ||
                    (field.IsReadOnly && facts.CollectionTypeOf(entry.Key) is null) ||
                    !facts.Type.IsSelfOrSourceBase(field.ContainingType) ||
                    field.Type.SpecialType == SpecialType.System_Boolean || (facts.InstanceMembersRunOneAtATime && !field.IsStatic))
                {
                    return;
                }

                // A constructor's or Dispose's own code runs before or after the type is shared; a region it starts does not.
                // A Start or Initialize that takes the lock shows the policy all the same (its locked accesses count).
                bool counts(SharedAccess a) => !a.IsAtomic && !(a.Region is null && RunsUnshared(a, context));
                var accesses = entry.Value.Where(counts).ToList();
                if (!accesses.Any(a => a.IsWrite))
                {
                    return;
                }

                // A read of a value that is only ever replaced whole (a reference, an int, an immutable snapshot) sees the old
                // or the new value: stale at worst, RG0002's concern for flags. A read is reported when it can see a
                // half-done change: a value written in several steps, or an object the guarded code changes in place.
                // A Hashtable is documented safe for readers alongside one writer at a time: locked writes, unlocked reads.
                // An object of a type that locks its own state (a queue whose Enqueue takes its lock) is not changed half-way.
                var readsCanTear = (context.Known.IsTearable(field.Type) ||
                                    (entry.Value.Any(a => a.Kind == AccessKind.MutatingCall) && !context.Known.SynchronisesItself(field.Type)) ||
                                    writtenThrough.Value.Contains(field)) &&
                                   !context.Known.DerivesFrom(field.Type, context.Known.Hashtable);

                // Only these accesses can be reported: a field without one needs no guards computed (the callers' locks on
                // entry may bind call sites across the compilation).
                // An object replaced whole (not a collection changed in place): reads through it (_last.Error) read the field
                // first, and two of them in one statement may see two different objects.
                var objectReplacedWhole = facts.CollectionTypeOf(entry.Key) is null && field.Type.IsReferenceType;
                var readsThrough = objectReplacedWhole && membersRead.Value.TryGetValue(field, out var through) ? through : new List<SharedAccess>();
                bool CanTear(SharedAccess read) => readsCanTear || ReadsHalfOfAJointChange(read, field, writtenTogether.Value, facts) || IsFirstOfTwoReads(read, entry.Value.Concat(readsThrough), objectReplacedWhole);
                if (!accesses.Any(a => MayBeReported(a, field, CanTear)) || MostCommonGuard(accesses, facts.Type) is not { } guard)
                {
                    return;
                }

                // A write holds a reader/writer lock only in write mode: under the read lock it runs beside every reader.
                var guarded = accesses.Where(a => a.Guards.Any(g => g.Key.Equals(guard.Key) && (g.Exclusive || !a.IsWrite))).ToList();
                var unguarded = accesses.Where(a => a.Guards.IsEmpty || UnderAnotherLockOnly(a, guard, guarded, facts.Type) || WritesUnderTheReadLock(a, guard)).ToList();
                var total = accesses.Sum(Weight);
                var loose = unguarded.Where(a => a.Guards.IsEmpty).Sum(Weight);
                // "Guarded in most members, forgotten in one": the guard must be taken in at least two members, and the
                // unguarded accesses are at most a third of all, or all sit in one member that takes no guard of it (a
                // Reset, Abort or export beside members that all lock). An access whose own member takes another lock
                // shows the state needs locking and counts against no threshold.
                // A foreach or copy of a collection the guarded code changes in place needs no second member's evidence: the
                // enumeration throws when a change lands in the middle of it (an export beside the one member that adds).
                // (An array's foreach has no version check: a change in the middle of it is no exception.)
                var guardedMembers = guarded.Select(g => g.Member).Distinct().ToList();
                // Helpers a region runs count as members of their own (a connection's handler loop calling HandleLogin and
                // HandleLogout, which lock, and HandleMessage, which does not): all their accesses belong to the region.
                var guardedMethods = guarded.Select(a => a.DeclaringCode).Distinct().Count();
                var enumeratesWhileChanged = facts.CollectionTypeOf(entry.Key) is not null &&
                                             unguarded.Any(IsUnguardedEnumeration) &&
                                             guarded.Any(g => g.Kind == AccessKind.MutatingCall && g.Guards.Any(x => x.Exclusive));
                var majority = System.Math.Max(guardedMembers.Count, guardedMethods) >= 2 &&
                               (loose * 3 <= total || ForgottenInOneMember(unguarded, guardedMembers) || ForgottenInOneMethod(unguarded, guarded));
                // A statistics read (HitRatio reading _hits and _misses without the lock, each counted under it by its own
                // member): the counters read together are one state, and the members that lock them are its guarded members.
                var siblings = !majority && guarded.Count > 0 && unguarded.Count > 0
                    ? GuardedSiblingsOfAStatisticsRead(unguarded, guardedMembers, guard, field, facts, counts)
                    : new List<SharedAccess>();
                if (siblings.Count > 0)
                {
                    guarded.AddRange(siblings);
                    majority = guarded.Select(g => g.Member).Distinct().Count() >= 2;
                }

                // A field a member writes without the lock beside sibling fields it is already reported for (Reset() zeroing
                // _count, _totalMs and _maxMs, the last written under the lock only by Record()): the same forgotten lock.
                var bySiblings = siblingPass && unguarded.All(a => a.Guards.IsEmpty && forgetting.Contains((a.Member, guard.Key.Text)));
                // The first of two unguarded reads through the object in one statement (_last.Error, then _last.Value): no
                // weight of its own (the field's own accesses show the policy), reported like the field's own reads.
                unguarded.AddRange(readsThrough.Where(a => a.Guards.IsEmpty && counts(a) && IsFirstOfTwoReads(a, entry.Value.Concat(readsThrough), objectReplacedWhole)));
                if (unguarded.Count == 0 || (!majority && !enumeratesWhileChanged && !bySiblings))
                {
                    if (!siblingPass && unguarded.Count > 0 && unguarded.All(a => a.Guards.IsEmpty && a.IsWrite) && guarded.Count >= 2)
                    {
                        deferred.Add(entry);
                    }

                    return;
                }

                // Distinct source accesses: a helper reached from several members is one access in the code.
                var guardedPlaces = new HashSet<Location>(guarded.Select(g => g.Operation.Syntax.GetLocation()));
                var siblingSet = new HashSet<SharedAccess>(siblings);
                var ownGuardedPlaces = new HashSet<Location>(guarded.Where(g => !siblingSet.Contains(g)).Select(g => g.Operation.Syntax.GetLocation()));
                var allPlaces = new HashSet<Location>(accesses.Select(a => a.Operation.Syntax.GetLocation()));
                var reported = new HashSet<Location>();
                foreach (var access in unguarded)
                {
                    // A Start or Initialize shows the policy with its locked accesses; its own accesses are not reported.
                    var location = access.Operation.Syntax.GetLocation();
                    // Without the majority only the enumerations themselves are findings.
                    if (!MayBeReported(access, field, CanTear) || (!majority && !bySiblings && !IsUnguardedEnumeration(access)) || IsDoubleCheckedFastPath(access, guarded) || (access.Region is null && (Lifecycle.IsStartUp(access.Member.Symbol) || InStartUpCode(access))))
                    {
                        continue;
                    }

                    // The reported access does not count among the others (reached under the lock on another path, it is
                    // no evidence of its own).
                    var guardedCount = guardedPlaces.Count - (guardedPlaces.Contains(location) ? 1 : 0);
                    var ownGuardedCount = ownGuardedPlaces.Count - (ownGuardedPlaces.Contains(location) ? 1 : 0);
                    var others = allPlaces.Count - (allPlaces.Contains(location) ? 1 : 0);
                    // "Guarded in most places": at least two places in the code take the guard (one helper reached from
                    // several members under it is one place).
                    if (guardedCount < 2 || !reported.Add(location))
                    {
                        continue;
                    }

                    // The guarded accesses show the policy; none is a racing access the fix must also guard (ConflictCount 0).
                    var hazard = facts.LockHazardOf(access);
                    var race = RaceDiagnostic.At(access, location, Enumerable.Empty<Location>(), guarded.Select(g => g.Operation.Syntax.GetLocation()).Distinct().Take(MaxGuardedLocations), hazard);
                    var properties = race.CreateProperties(context.Known);
                    properties[DiagnosticPropertyKeys.SymbolName] = field.Name;

                    if (guard.Kind is GuardKind.Lock or GuardKind.Monitor or GuardKind.LockType)
                    {
                        properties[DiagnosticPropertyKeys.ExistingLock] = guard.Key.Text;
                    }
                    else if (guard.Kind == GuardKind.Semaphore && guard.Key.Symbol is IFieldSymbol or ILocalSymbol)
                    {
                        properties[DiagnosticPropertyKeys.ExistingSemaphore] = guard.Key.Text;
                    }

                    forgetting.Add((access.Member, guard.Key.Text));
                    context.ReportDiagnostic(race.Create(
                        Descriptor,
                        properties.ToImmutable(),
                        field.Name,
                        field.Type.ToMessageString(),
                        RaceDiagnostic.ReportedPlaceOf(access).Map(place => (access.IsWrite ? "written " : "read ") + place + (access.Guards.IsEmpty ? string.Empty : " under " + GuardName(access.Guards[0], access))),
                        WritesUnderTheReadLock(access, guard) ? "its write lock" : GuardName(guard),
                        ownGuardedCount.ToString(CultureInfo.InvariantCulture) + " of its " + others.ToString(CultureInfo.InvariantCulture) + " other accesses" +
                        (siblings.Count > 0 ? " and every change of the fields read with it" : string.Empty),
                        hazard == LockHazard.None ? "take it here too" : LockHazards.Advice(hazard)));
                }
            }
        }

        /// <summary>
        /// The first check of double-checked locking (docs/RG0007.md; RULES.md: "an unlocked read, then a lock and a
        /// re-read is correct"): an unguarded null test of the field (<c>if (_listeners is null) return false;</c>) in a
        /// member that tests or uses the field again under the guard afterwards, or any unguarded read in a member that
        /// reads the field again under the guard afterwards (<c>if (_next == due) return;</c>, then <c>lock (_lock) { if
        /// (_next == due) return; .. }</c>). The locked re-check decides.
        /// </summary>
        private static bool IsDoubleCheckedFastPath(SharedAccess access, List<SharedAccess> guarded)
        {
            var parent = access.Operation.WalkUpConversion(out _);
            var nullTest = parent is IIsPatternOperation { Pattern: IConstantPatternOperation or INegatedPatternOperation { Pattern: IConstantPatternOperation } } ||
                           parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison &&
                           (comparison.LeftOperand.WalkDownConversion().ConstantValue is { HasValue: true, Value: null } ||
                            comparison.RightOperand.WalkDownConversion().ConstantValue is { HasValue: true, Value: null });
            return access.Kind == AccessKind.Read &&
                   guarded.Any(g => ReferenceEquals(g.Member, access.Member) && ReferenceEquals(g.Region, access.Region) && (nullTest || g.Kind == AccessKind.Read) &&
                                    (ReferenceEquals(g.Anchor, access.Anchor)
                                        ? ReferenceEquals(g.DeclaringCode, access.DeclaringCode) && g.Operation.Syntax.SpanStart > access.Operation.Syntax.SpanStart
                                        : g.Anchor.Syntax.SpanStart > access.Anchor.Syntax.SpanStart));
        }

        /// <summary>
        /// True when <paramref name="access"/> holds other locks of the type's own, taken by the method around it, but not
        /// <paramref name="guard"/>, and shares none of them with a guarded access it conflicts with (one of the two
        /// writes): state guarded by two different locks is guarded by neither (ConcurrencyModel/README.md, "Which lock, not a lock").
        /// </summary>
        private static bool UnderAnotherLockOnly(SharedAccess access, Guard guard, List<SharedAccess> guarded, INamedTypeSymbol type) =>
            ParallelismQuery.HoldsOnlyOwnLocks(access) &&
            access.Guards.All(g => g.IsOwnedBy(type) && !g.Key.Equals(guard.Key)) &&
            guarded.Any(other => (other.IsWrite || access.IsWrite) && ParallelismQuery.CommonGuard(access, other) is null);

        /// <summary>
        /// An access of the kind this rule reports: a plain read (one that can see half a change) or write, and for a
        /// readonly collection field a read of its contents.
        /// </summary>
        private static bool MayBeReported(SharedAccess access, IFieldSymbol field, System.Func<SharedAccess, bool> readCanTear) =>
            IsOwnedByThisRule(access) && (access.Kind != AccessKind.Read || readCanTear(access)) && !(field.IsReadOnly && !ReadsTheContents(access)) &&
            !ReadsWhatNoChangeAffects(access, field);

        private static bool IsUnguardedEnumeration(SharedAccess access) => access.Via == AccessVia.Enumeration && access.Guards.IsEmpty;

        /// <summary>
        /// The first of two unguarded reads of the field's value in one statement, which assume it did not change between
        /// them (<c>return total == 0 ? 0 : (double)_hits / (_hits + _misses);</c>: the ratio can pass 1; <c>_last.Error !=
        /// null ? _last.Error : ..</c> for an object <paramref name="objectReplacedWhole"/>: a reset to null in between throws).
        /// Reported once, at the first read; the fix takes the lock around both (or copies the value to a local).
        /// </summary>
        private static bool IsFirstOfTwoReads(SharedAccess read, IEnumerable<SharedAccess> accesses, bool objectReplacedWhole)
        {
            bool IsPlainRead(SharedAccess a) =>
                a.Kind == AccessKind.Read && (a.Via == AccessVia.Variable || (objectReplacedWhole && a.Via == AccessVia.Property)) && a.Region is null && a.Guards.IsEmpty &&
                ReferenceEquals(a.Member, read.Member) && ReferenceEquals(a.DeclaringCode, read.DeclaringCode);

            if (!IsPlainRead(read))
            {
                return false;
            }

            // In one statement (RULES.md: "two reads of the same field in one expression"): reads in separate statements are
            // as often a test and a use that tolerate a change in between.
            var statement = StatementOf(read.Operation.Syntax);
            var start = read.Operation.Syntax.SpanStart;
            var others = accesses.Where(a => IsPlainRead(a) && !ReferenceEquals(a.Operation, read.Operation) && ReferenceEquals(StatementOf(a.Operation.Syntax), statement))
                .Select(a => a.Operation.Syntax.SpanStart).ToList();
            return others.Any(other => other > start) && !others.Any(other => other < start);
        }

        /// <summary>The statement (or expression body) <paramref name="node"/> stands in.</summary>
        private static SyntaxNode? StatementOf(SyntaxNode node) =>
            node.FirstAncestorOrSelf<SyntaxNode>(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.StatementSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax);

        /// <summary>
        /// An unguarded read of <paramref name="field"/> in a member that also reads, without a guard, a field that some lock
        /// block writes together with it (<c>_hits + _misses</c> beside <c>lock (_lock) { _hits = 0; _misses = 0; }</c>): the
        /// two values read belong to one consistent state only under the lock (docs/RG0007.md).
        /// </summary>
        private static bool ReadsHalfOfAJointChange(SharedAccess read, IFieldSymbol field, Dictionary<ISymbol, HashSet<ISymbol>> writtenTogether, TypeFacts facts) =>
            read.Kind == AccessKind.Read && read.Guards.IsEmpty && writtenTogether.TryGetValue(field, out var partners) &&
            // A value with its partner (a token with its expiry): two references swapped together are snapshots, each read whole.
            partners.Any(partner => (field.Type.IsValueType || partner is IFieldSymbol { Type.IsValueType: true }) &&
                                    facts.AccessesByPath.TryGetValue(new AccessPath(ImmutableArray.Create(partner)), out var others) &&
                                    others.Any(o => o.Kind == AccessKind.Read && ReferenceEquals(o.Member, read.Member) && ReferenceEquals(o.Region, read.Region) && o.Guards.IsEmpty));

        /// <summary>
        /// For each field of the type, the other fields written in the same critical section (one <c>lock</c> block, or the
        /// code one acquire of a semaphore or reader/writer lock guards; plain writes of the fields themselves). A section
        /// counts when it writes a value with them: references replaced whole under the lock are snapshots, each
        /// consistent in itself (copy-on-write lists read without the lock on purpose), but a token written with its
        /// expiry, or a buffer with its count, is read half-changed.
        /// </summary>
        private static Dictionary<ISymbol, HashSet<ISymbol>> WrittenTogether(TypeFacts facts)
        {
            var bySection = new Dictionary<IOperation, HashSet<IFieldSymbol>>();
            foreach (var entry in facts.AccessesByPath)
            {
                if (entry.Key.Symbols.Length != 1 || entry.Key.Root is not IFieldSymbol field)
                {
                    continue;
                }

                foreach (var write in entry.Value)
                {
                    if (write.Kind is AccessKind.Write or AccessKind.ReadModifyWrite && write.OwnGuards.FirstOrDefault(g => g.Exclusive) is { } guard)
                    {
                        var section = (IOperation?)write.Operation.FindAncestor<ILockOperation>() ?? guard.Acquire;
                        if (!bySection.TryGetValue(section, out var fields))
                        {
                            bySection[section] = fields = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
                        }

                        fields.Add(field);
                    }
                }
            }

            var byLock = bySection.Values.Where(fields => fields.Any(f => f.Type.IsValueType)).Select(fields => new HashSet<ISymbol>(fields, SymbolEqualityComparer.Default)).ToList();
            var together = new Dictionary<ISymbol, HashSet<ISymbol>>(SymbolEqualityComparer.Default);
            foreach (var fields in byLock.Where(f => f.Count > 1))
            {
                foreach (var field in fields)
                {
                    if (!together.TryGetValue(field, out var partners))
                    {
                        together[field] = partners = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                    }

                    partners.UnionWith(fields.Where(f => !SymbolEqualityComparer.Default.Equals(f, field)));
                }
            }

            return together;
        }

        /// <summary>
        /// For a readonly collection field, a read that looks into the collection (a call, a property such as <c>Count</c>,
        /// an indexer, a <c>foreach</c>); not the reference itself, which never changes (passing it on, <c>lock (_items)</c>).
        /// </summary>
        private static bool ReadsTheContents(SharedAccess access) =>
            access.Via is AccessVia.Call or AccessVia.Property or AccessVia.Indexer or AccessVia.Enumeration;

        /// <summary>
        /// One read of the reference, then a property that no change of the object affects: an array's <c>Length</c> or
        /// <c>Rank</c>, a collection's <c>Comparer</c> or <c>IsReadOnly</c>. Whether the field is changed in place or replaced
        /// whole, the value read belongs to one consistent object (a snapshot: docs/RG0007.md).
        /// </summary>
        private static bool ReadsWhatNoChangeAffects(SharedAccess access, IFieldSymbol field) =>
            access.Kind == AccessKind.Read && access.Via == AccessVia.Property &&
            (field.Type is IArrayTypeSymbol ? access.MemberName is "Length" or "LongLength" or "Rank" : access.MemberName is "Comparer" or "IsReadOnly");

        /// <summary>
        /// Code that runs before the type is shared or after its users are done: a constructor, Dispose, the compilation
        /// end of an analyzer; and the unlocked accesses of a Start or Initialize (its locked ones show the policy); and a
        /// view for the debugger, which evaluates it while every thread of the program is stopped.
        /// </summary>
        private static bool RunsUnshared(SharedAccess access, RuleContext context) =>
            Lifecycle.IsTeardown(access.Member.Symbol) || context.Known.Regions.RunsAtCompilationEnd(access.Member.Symbol) || IsDebuggerView(access.Member.Symbol) ||
            (Lifecycle.IsStartUp(access.Member.Symbol) && (access.Member.Symbol is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } || access.Guards.IsEmpty)) ||
            (InStartUpCode(access) && access.Guards.IsEmpty);

        /// <summary>
        /// An access in the body of a start-up method reached through another member (<c>Reconnect()</c> calling
        /// <c>Disconnect()</c> and then <c>Connect()</c>): the connect code sets up what the connection's sends then use
        /// under their lock, whoever calls it.
        /// </summary>
        private static bool InStartUpCode(SharedAccess access) =>
            access.DeclaringCode is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax declaration &&
            Lifecycle.IsStartUpName(declaration.Identifier.ValueText) &&
            access.Operation.SemanticModel?.GetDeclaredSymbol(declaration) is { } method && Lifecycle.IsStartUp(method);

        /// <summary>
        /// A member the debugger calls: named for it (<c>GetStateForDebugger</c>, <c>DebuggerDisplay</c>), or named in a
        /// <c>[DebuggerDisplay("State = {GetState}")]</c> of its type.
        /// </summary>
        private static bool IsDebuggerView(ISymbol member)
        {
            var name = (member as IMethodSymbol)?.AssociatedSymbol?.Name ?? member.Name;
            if (name.IndexOf("Debugger", System.StringComparison.Ordinal) >= 0)
            {
                return true;
            }

            return member.ContainingType?.GetAttributes().Any(a =>
                a.AttributeClass?.Name == "DebuggerDisplayAttribute" && a.ConstructorArguments.Length > 0 &&
                a.ConstructorArguments[0].Value is string display && display.IndexOf("{" + name, System.StringComparison.Ordinal) >= 0) == true;
        }

        /// <summary>
        /// For a statistics read, the guarded accesses of the other counters read with this one: every unguarded access of
        /// the counter is a plain read in one member (its own code), which takes the guard nowhere, and that member reads,
        /// also without the guard, other counters that every other member changes and reads only under the same guard.
        /// Empty otherwise (references and collections read by a set-up method are no statistics).
        /// </summary>
        private static List<SharedAccess> GuardedSiblingsOfAStatisticsRead(List<SharedAccess> unguarded, List<MemberFacts> guardedMembers, Guard guard, IFieldSymbol field, TypeFacts facts, System.Func<SharedAccess, bool> counts)
        {
            var siblings = new List<SharedAccess>();
            var reader = unguarded[0].Member;
            if (!IsCounter(field) || guardedMembers.Contains(reader) || !unguarded.All(a => a.Kind == AccessKind.Read && a.Guards.IsEmpty && a.Region is null && ReferenceEquals(a.Member, reader)))
            {
                return siblings;
            }

            foreach (var entry in facts.AccessesByPath)
            {
                if (entry.Key.Symbols.Length != 1 || entry.Key.Root is not IFieldSymbol other || SymbolEqualityComparer.Default.Equals(other, field) || !IsCounter(other) ||
                    !entry.Value.Any(a => ReferenceEquals(a.Member, reader)))
                {
                    continue;
                }

                var rest = entry.Value.Where(a => !ReferenceEquals(a.Member, reader) && counts(a)).ToList();
                if (entry.Value.Where(a => ReferenceEquals(a.Member, reader)).All(a => a.Kind == AccessKind.Read && a.Guards.IsEmpty && a.Region is null) &&
                    rest.Any(a => a.IsWrite) && rest.All(a => a.Guards.Any(g => g.Key.Equals(guard.Key) && (g.Exclusive || !a.IsWrite))))
                {
                    siblings.AddRange(rest);
                }
            }

            return siblings;
        }

        /// <summary>A number a statistics read reports: an integer or floating-point field.</summary>
        private static bool IsCounter(IFieldSymbol field) => field.Type.IsNumber();

        /// <summary>Every unguarded access sits in one member, which takes the guard nowhere, and at least two other members take it.</summary>
        private static bool ForgottenInOneMember(List<SharedAccess> unguarded, List<MemberFacts> guardedMembers)
        {
            var member = unguarded[0].Member;
            return unguarded.All(a => ReferenceEquals(a.Member, member) && a.Guards.IsEmpty) &&
                   guardedMembers.Count(m => !ReferenceEquals(m, member)) >= 2 && !guardedMembers.Contains(member);
        }

        /// <summary>
        /// As <see cref="ForgottenInOneMember"/>, by the methods the code stands in: every unguarded access sits in one method
        /// that takes the guard nowhere, and at least two other methods take it (helpers one region runs).
        /// </summary>
        private static bool ForgottenInOneMethod(List<SharedAccess> unguarded, List<SharedAccess> guarded)
        {
            var method = unguarded[0].DeclaringCode;
            var guardedMethods = guarded.Select(a => a.DeclaringCode).Distinct().ToList();
            return unguarded.All(a => ReferenceEquals(a.DeclaringCode, method) && a.Guards.IsEmpty) &&
                   guardedMethods.Count(m => !ReferenceEquals(m, method)) >= 2 && !guardedMethods.Contains(method);
        }

        /// <summary>Writes count twice (SpotBugs' weighting): a forgotten write is worse than a forgotten read.</summary>
        private static int Weight(SharedAccess access) => access.IsWrite ? 2 : 1;

        /// <summary>The guard of the type's own held at most of the guarded accesses (a subclass's or caller's lock says nothing of the type's policy).</summary>
        private static Guard? MostCommonGuard(List<SharedAccess> accesses, INamedTypeSymbol type) =>
            accesses.SelectMany(a => a.Guards.Where(g => g.IsOwnedBy(type)).GroupBy(g => g.Key).Select(g => g.First()))
                .GroupBy(g => g.Key)
                .OrderByDescending(g => g.Count())
                .Select(g => (Guard?)g.First())
                .FirstOrDefault();

        /// <summary>
        /// Plain reads and writes of the field and reads through it (a collection's <c>Count</c>, <c>Contains</c>, a
        /// <c>foreach</c>); not mutations of a non-thread-safe collection (RG0001), not <c>x++</c> of a number (RG0003).
        /// </summary>
        private static bool IsOwnedByThisRule(SharedAccess access) =>
            access.Kind is AccessKind.Read || (access.Kind == AccessKind.Write && access.Via == AccessVia.Variable);

        /// <summary>A write that holds <paramref name="guard"/>, a reader/writer lock, only in read mode.</summary>
        private static bool WritesUnderTheReadLock(SharedAccess access, Guard guard) =>
            access.IsWrite && guard.Kind == GuardKind.ReaderWriterLock &&
            access.Guards.Any(g => g.Key.Equals(guard.Key)) && !access.Guards.Any(g => g.Key.Equals(guard.Key) && g.Exclusive);

        private static string GuardName(Guard guard, SharedAccess? access = null) => guard.Kind switch
        {
            GuardKind.ReaderWriterLock when access is { IsWrite: true } && !guard.Exclusive => "the read lock of '" + guard.Key.Text + "'",
            GuardKind.Semaphore => "the semaphore '" + guard.Key.Text + "'",
            GuardKind.ReaderWriterLock => "the reader/writer lock '" + guard.Key.Text + "'",
            GuardKind.Mutex => "the mutex '" + guard.Key.Text + "'",
            GuardKind.Claim => "the claim on '" + guard.Key.Text + "'",
            _ => "the lock '" + guard.Key.Text + "'",
        };
    }
}
