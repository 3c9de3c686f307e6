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
    /// RG0002: a shared flag read or written without Volatile, Interlocked or a lock where another thread's write may
    /// never be seen (a loop condition), where two threads may both pass a check before either sets the flag
    /// (test-and-set), or where the type writes it under a lock elsewhere.
    /// </summary>
    public sealed class UnsynchronizedFlagRule : RaceRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.UnsynchronizedFlag;

        public override void Analyze(RuleContext context)
        {
            var facts = context.Facts;
            var reported = new HashSet<Location>();
            foreach (var entry in facts.AccessesByPath)
            {
                if (!IsFlag(entry.Key, entry.Value))
                {
                    continue;
                }

                var accesses = entry.Value;
                ReportLoopConditionReads(context, accesses, reported);
                ReportCheckThenStart(context, accesses, reported);
                if (entry.Key.Symbols.Length == 1 && entry.Key.Root is IPropertySymbol)
                {
                    // The type's own auto-properties are mostly public status (IsStarted, IsRunning) read by its users: only
                    // a loop that may hoist the read and a check that starts the work that sets it are findings (the scan
                    // gave 19 reads and writes "outside the lock of its writes" of two status properties, none a bug).
                    continue;
                }

                ReportTestAndSet(context, accesses, reported);
                ReportEarlyExitSharedByParallelInstances(context, accesses, reported);
                ReportTeardownFlagOfATimer(context, accesses, reported);
                ReportAccessesOutsideTheLockOfItsWrites(context, accesses, reported);
            }
        }

        /// <summary>
        /// A <c>bool</c> field or local, or an <c>int</c>/<c>long</c>/enum one used only as on/off state: every write stores
        /// a constant and nothing updates it in place.
        /// </summary>
        private static bool IsFlag(AccessPath path, ImmutableArray<SharedAccess> accesses)
        {
            if (path.Type is not { } type || !(path.Symbols.Length == 1 ? path.Last is IFieldSymbol or ILocalSymbol or IParameterSymbol || IsAutoPropertyFlag(path.Last) : IsOneStepMemberFlag(path)))
            {
                return false;
            }

            if (type.SpecialType == SpecialType.System_Boolean)
            {
                return true;
            }

            if (type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64) && type.TypeKind != TypeKind.Enum)
            {
                return false;
            }

            var writes = 0;
            foreach (var access in accesses)
            {
                switch (access.Kind)
                {
                    case AccessKind.ReadModifyWrite when access.Via != AccessVia.ReferenceArgument:
                        return false;
                    case AccessKind.Write when access.Via == AccessVia.Variable:
                        if (access.ReportOperation is not ISimpleAssignmentOperation { Value.ConstantValue.HasValue: true })
                        {
                            return false;
                        }

                        writes++;
                        break;
                }
            }

            return writes > 0;
        }

        /// <summary>
        /// An auto-property of the type (<c>public bool IsRunning { get; private set; }</c>): the JIT inlines its getter to
        /// a plain read of the hidden field, which a tight loop may hoist like any other.
        /// </summary>
        private static bool IsAutoPropertyFlag(ISymbol? symbol) => symbol is IPropertySymbol { IsIndexer: false } property && property.IsAutoProperty();

        /// <summary>
        /// A flag one step into an object the type holds (<c>_work.IsPausing</c>, <c>_state.Closed</c>): a field, or an
        /// auto-property (whose getter the JIT inlines to the field), of the object in a field of the type.
        /// </summary>
        private static bool IsOneStepMemberFlag(AccessPath path) =>
            path.Symbols.Length == 2 && path.Root is IFieldSymbol { Type.IsReferenceType: true } &&
            path.Last switch
            {
                IFieldSymbol { IsStatic: false } => true,
                IPropertySymbol { IsStatic: false } property => property.IsAutoProperty(),
                _ => false,
            };

        /// <summary>True for a plain read or write: not through Volatile/Interlocked, not of a volatile field, not under an exclusive guard (a read: any guard).</summary>
        /// <remarks>Asked after the cheap tests of a finding: the callers' locks on entry may bind call sites across the compilation.</remarks>
        private static bool IsPlain(SharedAccess access) =>
            access.Via == AccessVia.Variable && !access.IsAtomic && access.Kind is AccessKind.Read or AccessKind.Write &&
            Unguarded(access.OwnGuards, access.Kind) && Unguarded(access.Guards, access.Kind);

        private static bool Unguarded(ImmutableArray<Guard> guards, AccessKind kind) =>
            kind == AccessKind.Read ? guards.IsEmpty : !guards.Any(g => g.Exclusive);

        private const string LoopAdvice = "the loop may never see the change; use Volatile.Read/Write, volatile or a CancellationToken";

        private const string BriefLoopAdvice = "the loop may miss it; use Volatile or a CancellationToken";

        private const string ParallelAdvice = "they may miss the set; use Volatile.Read/Write or ParallelLoopState.Stop()";

        /// <summary>
        /// <c>while (_running)</c> in code that runs concurrently, while another thread writes the flag: the JIT may read it
        /// once and loop forever. Reports the read and the plain writes racing with it.
        /// </summary>
        private void ReportLoopConditionReads(RuleContext context, ImmutableArray<SharedAccess> accesses, HashSet<Location> reported)
        {
            foreach (var read in accesses)
            {
                if (read.Kind != AccessKind.Read || LoopOf(read) is not ({ } part, { } loop) || reported.Contains(read.Location) || !IsPlain(read))
                {
                    continue;
                }

                var writers = context.Facts.RacesWith(read).Where(w => w.IsWrite).ToList();
                if (writers.Count == 0)
                {
                    continue;
                }

                reported.Add(read.Location);
                var race = RaceDiagnostic.For(read, writers, context.Facts);
                context.ReportDiagnostic(race.Create(
                    Descriptor,
                    Properties(race, context.Known, FlagFinding.LoopRead),
                    read.Path.DisplayName,
                    read.Path.Type!.ToMessageString(),
                    new MessagePart(
                        "read in the " + part + " of a " + loop + " " + read.DescribePlace() + " while " + race.OtherSide.Full,
                        "read in a " + loop + " " + read.DescribePlace(brief: true) + " while " + race.OtherSide.Brief),
                    new MessagePart(LoopAdvice, BriefLoopAdvice)));

                foreach (var write in writers)
                {
                    if (!IsPlain(write) || reported.Contains(write.Location))
                    {
                        continue;
                    }

                    reported.Add(write.Location);
                    var writeRace = RaceDiagnostic.For(write, new[] { read }, context.Facts);
                    context.ReportDiagnostic(writeRace.Create(
                        Descriptor,
                        Properties(writeRace, context.Known, FlagFinding.LoopWrite),
                        write.Path.DisplayName,
                        write.Path.Type!.ToMessageString(),
                        new MessagePart(
                            "written " + write.DescribePlace() + " while a " + loop + " " + read.DescribePlace() + " reads it in its " + part,
                            "written " + write.DescribePlace(brief: true) + " while a " + loop + " " + read.DescribePlace(brief: true) + " reads it"),
                        new MessagePart(LoopAdvice, BriefLoopAdvice)));
                }
            }
        }

        /// <summary>
        /// <c>if (!_started) { _started = true; .. }</c> and <c>if (_disposed) return; _disposed = true;</c> where the set
        /// may run in parallel with another run of itself or another write: both runs may pass the check.
        /// </summary>
        private void ReportTestAndSet(RuleContext context, ImmutableArray<SharedAccess> accesses, HashSet<Location> reported)
        {
            foreach (var check in accesses)
            {
                if (check.Kind != AccessKind.Read || reported.Contains(check.Location) || FlagCheck.Of(check.Operation) is not { } test)
                {
                    continue;
                }

                // The guards last (the callers' locks on entry may bind call sites across the compilation): most checked
                // flags are set nowhere after their check.
                var set = accesses.FirstOrDefault(w => w.Kind == AccessKind.Write && ReferenceEquals(w.Member, check.Member) && ReferenceEquals(w.Region, check.Region) &&
                                                       SetsAfterCheck(test, w.ReportOperation) && IsPlain(w));
                if (set is null || reported.Contains(set.Location) || !IsPlain(check))
                {
                    continue;
                }

                // Two runs of the check-and-set at once both pass the check: the set must race with another run of itself
                // (in a type built for concurrent use, under the precision policy: the member synchronises something or
                // the flag is protected elsewhere; lifecycle members such as Start() that take no lock are left alone).
                var conflicts = context.Facts.RacesWith(set).Where(w => w.IsWrite).ToList();
                if (!conflicts.Any(c => ReferenceEquals(c, set)))
                {
                    // A busy flag tested and set in a timer callback: the test-and-set says the author expects the next
                    // tick while this one runs (neither timer waits for its callback), and the two ticks both pass it.
                    // A Dispose (Close, Stop) of a type built for concurrent use that guards against a second call and then
                    // takes the type's lock: two callers (the owner and a timeout, a failing reader) both pass the guard.
                    if (!ParallelismQuery.Chain(set.Region).Any(TicksMayOverlap) && !IsTeardownCalledTwice(set, context.Facts))
                    {
                        continue;
                    }

                    conflicts.Add(set);
                }

                reported.Add(check.Location);
                reported.Add(set.Location);
                var race = RaceDiagnostic.For(set, conflicts, context.Facts);
                var self = RaceDiagnostic.For(set, new[] { set }, context.Facts);
                var detail = new MessagePart(
                    "checked and then set " + set.DescribePlace() + " while " + self.OtherSide.Full,
                    "checked and then set " + set.DescribePlace(brief: true) + " while " + self.OtherSide.Brief);
                MessagePart advice = "both may pass the check; use Interlocked.CompareExchange on an int, or a lock";
                var properties = Properties(race, context.Known, FlagFinding.TestAndSet);
                context.ReportDiagnostic(race.ReportedAt(check.Location, set.Location).Create(Descriptor, properties, check.Path.DisplayName, check.Path.Type!.ToMessageString(), detail, advice));
                context.ReportDiagnostic(race.Create(Descriptor, properties, set.Path.DisplayName, set.Path.Type!.ToMessageString(), detail, advice));
            }
        }

        /// <summary>
        /// The set of a test-and-set in an externally callable teardown member (<c>if (_disposed) return; _disposed =
        /// true;</c>) of a type built for concurrent use (another of its members takes a lock), where the member itself
        /// takes a lock of the type: it expects to run beside the others, and a second call beside itself passes the guard
        /// too (docs/RG0002.md).
        /// </summary>
        private static bool IsTeardownCalledTwice(SharedAccess set, TypeFacts facts) =>
            set.Region is null && facts.SharedInstance != SharedInstanceEvidence.None && set.Member.IsExternallyCallable && set.Member.Synchronises &&
            !set.Member.Symbol.IsStatic && Lifecycle.IsTeardown(set.Member.Symbol) &&
            facts.Members.Any(m => !ReferenceEquals(m, set.Member) && m.Synchronises && m.IsExternallyCallable && !Lifecycle.IsShutdown(m.Symbol));

        /// <summary>
        /// <c>if (_isListening) return; _listenTask = Task.Run(ListenAsync);</c> with <c>_isListening = true</c> inside
        /// <c>ListenAsync</c>: the flag is set by the work the check starts, so a second call made before the work sets it
        /// (from another thread, or the same one a moment later) passes the check and starts the work again. Reported at
        /// the check; the set the fix moves to the check is its first additional location.
        /// </summary>
        private void ReportCheckThenStart(RuleContext context, ImmutableArray<SharedAccess> accesses, HashSet<Location> reported)
        {
            foreach (var check in accesses)
            {
                if (check.Kind != AccessKind.Read || check.Region is not null ||
                    check.Member.Symbol is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } || reported.Contains(check.Location) ||
                    FlagCheck.Of(check.Operation) is not { } test || !check.Member.IsExternallyCallable)
                {
                    continue;
                }

                var conditional = test.Conditional;
                var leaves = test.Leaves;
                // The start itself, or the call that reaches it when the check stands in the member and the start in a helper.
                var started = check.Member.Regions.FirstOrDefault(r => !r.StartedOnce && r.Parent is null &&
                    (StartsAfterPassing(conditional, leaves, r.StartAnchor) || StartsAfterPassing(conditional, leaves, r.Start)));
                if (started is null ||
                    accesses.Any(w => w.IsWrite && ReferenceEquals(w.Member, check.Member) && w.Region is null && test.IsStoppedBy(w)))
                {
                    continue;
                }

                var set = accesses.FirstOrDefault(w => w.Kind == AccessKind.Write && ReferenceEquals(w.Member, check.Member) && test.IsStoppedBy(w) && ParallelismQuery.Chain(w.Region).Contains(started) && IsPlain(w));
                if (set is null || !IsPlain(check))
                {
                    continue;
                }

                reported.Add(check.Location);
                var race = RaceDiagnostic.For(check, new[] { set }, context.Facts);
                var properties = Properties(race, context.Known, FlagFinding.CheckThenStart);
                context.ReportDiagnostic(race.ReportedAt(check.Location, set.Location).Create(
                    Descriptor,
                    properties,
                    check.Path.DisplayName,
                    check.Path.Type!.ToMessageString(),
                    RaceDiagnostic.PlaceOf(check).Map(place => "checked " + place + " but set only by the " + started.Construct + " it starts"),
                    check.Path.Root is IPropertySymbol
                        ? "two calls may both start it; keep it in an int field set at the check with Interlocked"
                        : "two calls may both start it; set it at the check with Interlocked"));
            }
        }

        /// <summary>
        /// A "found" flag of a <c>Parallel</c> body: <c>if (found) return; .. found = true;</c> where every instance of the
        /// body reads the flag to stop early and may set it, with plain accesses. Reported at the read, with the writes as
        /// the other side, and at each plain write.
        /// </summary>
        private void ReportEarlyExitSharedByParallelInstances(RuleContext context, ImmutableArray<SharedAccess> accesses, HashSet<Location> reported)
        {
            foreach (var read in accesses)
            {
                if (read.Kind != AccessKind.Read || reported.Contains(read.Location) ||
                    read.Region is not { Kind: RegionKind.Parallel or RegionKind.ParallelInvokeAction or RegionKind.Plinq, Multiplicity: Multiplicity.Many } region ||
                    FlagCheck.Of(read.Operation) is not { Leaves: true } || !IsPlain(read))
                {
                    continue;
                }

                var writers = context.Facts.RacesWith(read).Where(w => w.Kind == AccessKind.Write && IsPlain(w) && ReferenceEquals(w.Region, region)).ToList();
                if (writers.Count == 0)
                {
                    continue;
                }

                reported.Add(read.Location);
                var race = RaceDiagnostic.For(read, writers, context.Facts);
                context.ReportDiagnostic(race.Create(
                    Descriptor,
                    Properties(race, context.Known, FlagFinding.ParallelRead),
                    read.Path.DisplayName,
                    read.Path.Type!.ToMessageString(),
                    RaceDiagnostic.PlaceOf(read).Map(place => "read to stop early " + place + " while other runs of it set it"),
                    ParallelAdvice));

                // ..and the plain sets the other runs may miss (found = true;).
                foreach (var write in writers)
                {
                    if (reported.Add(write.Location))
                    {
                        var writeRace = RaceDiagnostic.For(write, new[] { read }, context.Facts);
                        context.ReportDiagnostic(writeRace.Create(
                            Descriptor,
                            Properties(writeRace, context.Known, FlagFinding.ParallelRead),
                            write.Path.DisplayName,
                            write.Path.Type!.ToMessageString(),
                            RaceDiagnostic.PlaceOf(write).Map(place => "set " + place + " while other runs of it read it to stop early"),
                            ParallelAdvice));
                    }
                }
            }
        }

        /// <summary>
        /// <c>if (_disposed) return;</c> (or <c>if (!_disposed) { .. }</c>) in a timer callback while <c>Dispose()</c> (or <c>Stop()</c>, <c>Close()</c>) sets the
        /// flag with a plain write on another thread: the tick may not see the set, pass the check and work on what
        /// <c>Dispose</c> tears down. Reported at the check, with the teardown's write as the other side.
        /// </summary>
        private void ReportTeardownFlagOfATimer(RuleContext context, ImmutableArray<SharedAccess> accesses, HashSet<Location> reported)
        {
            foreach (var read in accesses)
            {
                if (read.Kind != AccessKind.Read || reported.Contains(read.Location) ||
                    !ParallelismQuery.Chain(read.Region).Any(r => r.Kind is RegionKind.Timer or RegionKind.TimerElapsed) ||
                    FlagCheck.Of(read.Operation) is not { } test || !IsPlain(read))
                {
                    continue;
                }

                // The value the teardown stores stops the tick: one that leaves (if (_disposed) return;), or one that skips
                // the work (if (!_disposed) { .. }).
                var teardowns = context.Facts.RacesWith(read)
                    .Where(w => w.Kind == AccessKind.Write && IsPlain(w) && w.Region is null && Lifecycle.IsShutdown(w.Member.Symbol) && test.IsStoppedBy(w))
                    .ToList();
                if (teardowns.Count == 0)
                {
                    continue;
                }

                reported.Add(read.Location);
                var race = RaceDiagnostic.For(read, teardowns, context.Facts);
                context.ReportDiagnostic(race.Create(
                    Descriptor,
                    Properties(race, context.Known, FlagFinding.TeardownRead),
                    read.Path.DisplayName,
                    read.Path.Type!.ToMessageString(),
                    RaceDiagnostic.PlaceOf(read).Map(place => "checked " + place + " while " + teardowns[0].Member.Describe() + " may set it on another thread"),
                    new MessagePart("the tick may miss the set and run after it; use Volatile.Read/Write, or a lock around the check and the teardown", "the tick may run after it; use Volatile or a lock")));
            }
        }

        /// <summary>True when <paramref name="start"/> runs when the check passes: after an <c>if</c> that leaves, or inside the then branch.</summary>
        private static bool StartsAfterPassing(IConditionalOperation conditional, bool leaves, IOperation start)
        {
            if (start.Syntax.SyntaxTree != conditional.Syntax.SyntaxTree)
            {
                return false;
            }

            if (!leaves)
            {
                return conditional.WhenTrue.Syntax.Span.Contains(start.Syntax.Span);
            }

            return conditional.Parent is IBlockOperation block && start.Syntax.SpanStart > conditional.Syntax.Span.End && block.Syntax.Span.Contains(start.Syntax.Span);
        }

        private static bool Stores(SharedAccess write, bool value) =>
            write.ReportOperation is ISimpleAssignmentOperation { Value.ConstantValue: { HasValue: true, Value: bool stored } } && stored == value;

        /// <summary>
        /// True for a timer whose callbacks may overlap: not a one-shot <c>System.Threading.Timer</c> (period
        /// <c>Timeout.Infinite</c>, re-armed by <c>Change</c> when a tick ends), not a <c>System.Timers.Timer</c> whose
        /// <c>AutoReset</c> the type sets to false.
        /// </summary>
        private static bool TicksMayOverlap(ConcurrentRegion region)
        {
            switch (region.Kind)
            {
                case RegionKind.Timer:
                    var period = region.Start is IObjectCreationOperation creation
                        ? creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "period")?.Value.WalkDownConversion()
                        : null;
                    return period is null || !IsInfinite(period);
                case RegionKind.TimerElapsed:
                    var type = region.Start.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>();
                    return type is null || !type.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax>().Any(a =>
                        a.Left is Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AutoReset" } or Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax { Identifier.ValueText: "AutoReset" } &&
                        a.Right.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.FalseLiteralExpression));
                default:
                    return false;
            }
        }

        /// <summary><c>Timeout.Infinite</c>, <c>-1</c>, <c>Timeout.InfiniteTimeSpan</c>.</summary>
        private static bool IsInfinite(IOperation period) =>
            period.ConstantValue is { HasValue: true, Value: int or long or uint } constant && System.Convert.ToInt64(constant.Value, System.Globalization.CultureInfo.InvariantCulture) is -1 or uint.MaxValue ||
            period is IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" } or IPropertyReferenceOperation { Property.Name: "InfiniteTimeSpan" };

        /// <summary>
        /// A flag the type writes under a lock somewhere, read or written elsewhere without it (a circuit breaker's
        /// <c>_isOpen</c> set under <c>_gate</c>, read in <c>AllowRequest()</c> without it).
        /// </summary>
        private void ReportAccessesOutsideTheLockOfItsWrites(RuleContext context, ImmutableArray<SharedAccess> accesses, HashSet<Location> reported)
        {
            var lockedWrite = accesses.FirstOrDefault(a => a.IsWrite && a.Guards.Any(g => g.Exclusive && g.IsOwnedBy(context.Facts.Type)));
            if (lockedWrite is null)
            {
                return;
            }

            var gate = lockedWrite.Guards.First(g => g.Exclusive && g.IsOwnedBy(context.Facts.Type)).Key.Text;
            foreach (var access in accesses)
            {
                if (!IsPlain(access) || reported.Contains(access.Location) || IsDoubleCheck(access, accesses) || OnlyFormatted(access) || IsRejectionGuard(access, accesses))
                {
                    continue;
                }

                var conflicts = context.Facts.RacesWith(access).Where(w => w.IsWrite && !ReferenceEquals(w, access)).ToList();
                if (!conflicts.Any(c => c.Guards.Any(g => g.Exclusive)))
                {
                    continue;
                }

                reported.Add(access.Location);
                var race = RaceDiagnostic.For(access, conflicts, context.Facts);
                if (IsFastPathWithoutRecheck(access))
                {
                    context.ReportDiagnostic(race.Create(
                        Descriptor,
                        Properties(race, context.Known, FlagFinding.FastPathRead),
                        access.Path.DisplayName,
                        access.Path.Type!.ToMessageString(),
                        new MessagePart(
                            "tested " + access.DescribeReportedPlace() + " before the lock '" + gate + "', not again under it, while " + race.OtherSide.Full,
                            "tested " + access.DescribeReportedPlace(brief: true) + " before the lock '" + gate + "', not again under it"),
                        new MessagePart("two callers may both pass; use Volatile.Read/Write and test it again under the lock", "use Volatile and re-test it under the lock")));
                    continue;
                }

                var verb = access.Kind == AccessKind.Read ? "read" : "written";
                context.ReportDiagnostic(race.Create(
                    Descriptor,
                    Properties(race, context.Known, access.Kind == AccessKind.Read ? FlagFinding.UnlockedRead : FlagFinding.UnlockedWrite),
                    access.Path.DisplayName,
                    access.Path.Type!.ToMessageString(),
                    new MessagePart(
                        verb + " " + access.DescribeReportedPlace() + " outside the lock '" + gate + "' of its writes while " + race.OtherSide.Full,
                        verb + " " + access.DescribeReportedPlace(brief: true) + " outside the lock '" + gate + "' of its writes while " + race.OtherSide.Brief,
                        verb + " " + RaceDiagnostic.ReportedPlaceOf(access).Minimal + " outside the lock '" + gate + "' of its writes while " + race.OtherSide.Brief),
                    new MessagePart("take the lock here too, or use Volatile.Read/Write", "take the lock or use Volatile")));
            }
        }

        /// <summary>
        /// The first check of double-checked locking: <c>if (!_initialized) { lock (_gate) { if (!_initialized) { ..; _initialized = true; } } }</c>.
        /// The idiom re-checks under the lock (there, or in a helper the locked code calls); the docs recommend
        /// <c>Lazy&lt;T&gt;</c> or Volatile, the rule leaves it alone.
        /// </summary>
        private static bool IsDoubleCheck(SharedAccess access, ImmutableArray<SharedAccess> accesses) =>
            access.Kind == AccessKind.Read && EnteredIf(access.Operation) is { } conditional &&
            ((TakesALock(conditional) && IsTestedAgainInside(access, conditional, accesses)) ||
             (conditional.WhenFalse is null && conditional.WhenTrue.AlwaysLeaves() && IsTestedAgainUnderALock(access, conditional, accesses)));

        /// <summary>
        /// A fast path without the re-check: <c>if (!_loaded) { lock (_gate) { Load(); _loaded = true; } }</c>, the flag
        /// tested once, outside the lock its then branch takes: two callers both load, and a reader may see the flag before
        /// what it publishes. Volatile (and a re-check under the lock) fixes it; a lock around the test would serialise
        /// every call.
        /// </summary>
        private static bool IsFastPathWithoutRecheck(SharedAccess access) =>
            access.Kind == AccessKind.Read && EnteredIf(access.Operation) is { } conditional && TakesALock(conditional);

        private static bool TakesALock(IConditionalOperation conditional) =>
            conditional.WhenTrue.DescendantsAndSelf().Any(o => o is ILockOperation or IInvocationOperation { TargetMethod.Name: "Enter" or "Wait" or "WaitAsync" or "EnterScope" });

        /// <summary>True when the flag is tested again inside the then branch of <paramref name="conditional"/> (or in a method it calls there).</summary>
        private static bool IsTestedAgainInside(SharedAccess first, IConditionalOperation conditional, ImmutableArray<SharedAccess> accesses) =>
            accesses.Any(other =>
                other.Kind == AccessKind.Read && !ReferenceEquals(other.Operation, first.Operation) && FlagCheck.Of(other.Operation) is not null &&
                ((other.Operation.Syntax.SyntaxTree == conditional.Syntax.SyntaxTree && conditional.WhenTrue.Syntax.Span.Contains(other.Operation.Syntax.Span)) ||
                 (ReferenceEquals(other.Member, first.Member) && other.Anchor.Syntax.SyntaxTree == conditional.Syntax.SyntaxTree && conditional.WhenTrue.Syntax.Span.Contains(other.Anchor.Syntax.Span))));

        /// <summary>
        /// The guard-clause form: <c>if (_isReleased) return; using (await _lock.LockAsync()) { if (_isReleased) return; .. }</c>:
        /// the same method body tests the flag again further down, under an exclusive guard (in whichever walk of the
        /// body: after an await the re-check may belong to the async part of a call), or calls a helper that does
        /// (<c>if (_disposed) return; close(false);</c> with <c>close</c> testing <c>_disposed</c> under its lock).
        /// </summary>
        private static bool IsTestedAgainUnderALock(SharedAccess first, IConditionalOperation firstCheck, ImmutableArray<SharedAccess> accesses)
        {
            var body = firstCheck.Syntax.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax>();
            return body is not null && accesses.Any(other =>
                other.Kind == AccessKind.Read && EnteredIf(other.Operation) is not null && other.Guards.Any(g => g.Exclusive) &&
                (After(other.Operation, firstCheck, body) ||
                 (ReferenceEquals(other.Member, first.Member) && ReferenceEquals(other.Region, first.Region) && !ReferenceEquals(other.Anchor, other.Operation) &&
                  After(other.Anchor, firstCheck, body))));
        }

        /// <summary>True when <paramref name="position"/> stands in <paramref name="body"/> after <paramref name="check"/>.</summary>
        private static bool After(IOperation position, IConditionalOperation check, SyntaxNode body) =>
            position.Syntax.SyntaxTree == check.Syntax.SyntaxTree && position.Syntax.SpanStart > check.Syntax.Span.End && body.Span.Contains(position.Syntax.Span);

        /// <summary>
        /// The <c>if</c> whose then-branch runs only after the flag was tested (<see cref="TestOf"/>): the whole condition,
        /// its negation or comparison with a constant, or one conjunct of an <c>&amp;&amp;</c> (<c>if (!_isDisposing &amp;&amp; _configLoaded) { lock (..) { .. } }</c>).
        /// </summary>
        private static IConditionalOperation? EnteredIf(IOperation reference)
        {
            var current = TestOf(reference, BinaryOperatorKind.ConditionalAnd, out _);
            return current.Parent is IConditionalOperation { Type: null } conditional && ReferenceEquals(conditional.Condition, current) ? conditional : null;
        }

        /// <summary>
        /// The whole test a flag read stands in, through negations, parentheses, comparisons with a constant
        /// (<c>_started == false</c> reads as <c>!_started</c>) and <paramref name="logical"/> (<c>&amp;&amp;</c> or
        /// <c>||</c>); <paramref name="negated"/> when the test is true while the flag is false.
        /// </summary>
        private static IOperation TestOf(IOperation reference, BinaryOperatorKind logical, out bool negated)
        {
            negated = false;
            var current = reference;
            while (true)
            {
                switch (current.Parent)
                {
                    case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not }:
                        negated = !negated;
                        break;
                    case IConversionOperation { IsImplicit: true } or IParenthesizedOperation:
                        break;
                    case IBinaryOperation binary when binary.OperatorKind == logical:
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison when
                        (ReferenceEquals(comparison.LeftOperand, current) ? comparison.RightOperand : comparison.LeftOperand).ConstantValue.Value is bool constant:
                        negated ^= constant != (comparison.OperatorKind == BinaryOperatorKind.Equals);
                        break;
                    default:
                        return current;
                }

                current = current.Parent!;
            }
        }

        /// <summary>
        /// A guard clause that turns callers away once the flag is set, where every write of the flag sets it that way
        /// (<c>if (_disposed) throw new ObjectDisposedException(..);</c>, <c>ObjectDisposedException.ThrowIf(_closed, this)</c>,
        /// with <c>_disposed = true</c> under the lock in <c>Close()</c>): a stale read lets one call in as if the write
        /// came just after the check, which no lock around the check alone prevents; the call's own work decides what a
        /// closed object does. A flag that is set to let callers in (<c>if (!_started) throw ..</c> with
        /// <c>_started = true</c>) is still reported: a stale read there rejects a call the write already allowed.
        /// </summary>
        private static bool IsRejectionGuard(SharedAccess access, ImmutableArray<SharedAccess> accesses)
        {
            if (access.Kind != AccessKind.Read || access.Path.Type?.SpecialType != SpecialType.System_Boolean)
            {
                return false;
            }

            var current = TestOf(access.Operation, BinaryOperatorKind.ConditionalOr, out var negated);
            var rejectWhen = !negated;

            var rejects = current.Parent switch
            {
                IConditionalOperation { Type: null, WhenFalse: null } conditional when ReferenceEquals(conditional.Condition, current) => conditional.WhenTrue.AlwaysThrows(),
                IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "ThrowIf", ContainingType.Name: "ObjectDisposedException" } } } => true,
                _ => false,
            };

            // A member that sets the flag itself after its guard (if (_isLocked) throw ..; lock (_lock) { _isLocked = true; })
            // is a test-and-set split across the lock: two callers both pass the check.
            return rejects && accesses.All(a => !a.IsWrite || a.Member.Symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } || (Stores(a, rejectWhen) && !ReferenceEquals(a.Member, access.Member)));
        }

        /// <summary>A read that only goes into a string (<c>$"State={_state}"</c>): nothing acts on the value.</summary>
        private static bool OnlyFormatted(SharedAccess access) =>
            access.Kind == AccessKind.Read && access.Operation.WalkUpConversion(out _) is IInterpolationOperation;

        private static ImmutableDictionary<string, string?> Properties(RaceDiagnostic race, KnownSymbols known, FlagFinding finding)
        {
            var properties = race.CreateProperties(known);
            properties[DiagnosticPropertyKeys.FlagFinding] = finding.ToString();
            return properties.ToImmutable();
        }

        /// <summary>
        /// Where the access (or the getter call that returned it) tests a loop: ("condition", "while loop") for
        /// <c>while (_running)</c>, ("exit test", "for loop") for <c>for (;;) { if (_stop) break; .. }</c>; (null, null) otherwise.
        /// </summary>
        private static (string? Part, string? Loop) LoopOf(SharedAccess access)
        {
            // A getter that returns the flag (while (IsRunning)) tests the loop where it is called; a method that reads
            // it somewhere inside (if (TryAdd(..)) return;) does not.
            var found = LoopTests.Tested(access.Operation);
            if (found.Part is null && access.Anchor is IPropertyReferenceOperation && access.Operation.Parent is IReturnOperation)
            {
                found = LoopTests.Tested(access.Anchor);
            }

            // Only a loop whose reads the JIT may hoist can miss the change for good (docs/RG0002.md).
            return found.Loop is { } loop && LoopTests.MayHoistReads(loop) ? (found.Part, LoopTests.Name(loop)) : (null, null);
        }

        /// <summary>
        /// True when <paramref name="assignment"/> stores a value that fails the check for the next caller: in the then
        /// branch (<c>if (!_started) { _started = true; }</c>, <c>if (_state == Idle) { _state = Running; }</c>), or right
        /// after an <c>if</c> whose then branch leaves (<c>if (_disposed || _busy) return; _busy = true;</c>).
        /// </summary>
        private static bool SetsAfterCheck(FlagCheck test, IOperation assignment)
        {
            if (FlagCheck.StoredValue(assignment) is not { } stored)
            {
                return false;
            }

            var conditional = test.Conditional;
            if (test.Enters(stored) == false && conditional.WhenTrue.Syntax.Span.Contains(assignment.Syntax.Span))
            {
                return true;
            }

            if (!test.Leaves || test.Enters(stored) != true || conditional.Parent is not IBlockOperation block)
            {
                return false;
            }

            // The set is one of the statements after the if, in the same block, before anything else that could leave.
            var index = block.Operations.IndexOf(conditional);
            return index >= 0 && block.Operations.Skip(index + 1).Take(3).Any(o => o.Syntax.Span.Contains(assignment.Syntax.Span) && o is IExpressionStatementOperation);
        }

        /// <summary>
        /// An <c>if</c> statement that tests a flag: the flag itself, its negation, its comparison with a constant
        /// (<c>_connected == false</c>, <c>_state == State.Running</c>, <c>_state != 0</c>), or one operand of <c>||</c> and
        /// <c>&amp;&amp;</c> (<c>if (_disposed || _relaying) return;</c>). For a value the flag may hold it says whether the
        /// then branch surely runs, surely does not, or depends on the rest of the condition.
        /// </summary>
        private sealed class FlagCheck
        {
            private readonly IOperation reference;

            private FlagCheck(IOperation reference, IConditionalOperation conditional)
            {
                this.reference = reference;
                Conditional = conditional;
                Leaves = conditional.WhenFalse is null && conditional.WhenTrue.AlwaysLeaves();
            }

            public IConditionalOperation Conditional { get; }

            /// <summary>True for a guard clause: no else, and the then branch always leaves (<c>if (_f) return;</c>).</summary>
            public bool Leaves { get; }

            /// <summary>The check the read <paramref name="reference"/> stands in; null when it is no test of an <c>if</c>.</summary>
            public static FlagCheck? Of(IOperation reference)
            {
                var current = reference;
                while (true)
                {
                    switch (current.Parent)
                    {
                        case IConditionalOperation { Type: null } conditional when ReferenceEquals(conditional.Condition, current):
                            return new FlagCheck(reference, conditional);
                        case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not }:
                        case IConversionOperation { IsImplicit: true } or IParenthesizedOperation:
                        case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.ConditionalAnd }:
                            break;
                        case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison when OtherOperand(comparison, current).ConstantValue.HasValue:
                            break;
                        default:
                            return null;
                    }

                    current = current.Parent!;
                }
            }

            /// <summary>The constant an assignment stores (<c>true</c>, <c>State.Running</c>, <c>1</c>); null for anything else.</summary>
            public static object? StoredValue(IOperation assignment) =>
                assignment is ISimpleAssignmentOperation { Value.ConstantValue: { HasValue: true, Value: { } value } } ? value : null;

            /// <summary>
            /// True when a write stores a value that stops the next run: for a guard clause one that surely enters its
            /// then branch (<c>if (_f) return;</c> and <c>_f = true</c>); otherwise one that surely skips it
            /// (<c>if (!_f) { start }</c> and <c>_f = true</c>).
            /// </summary>
            public bool IsStoppedBy(SharedAccess write) =>
                StoredValue(write.ReportOperation) is { } stored && Enters(stored) == Leaves;

            /// <summary>Whether the then branch runs when the flag holds <paramref name="value"/>: true, false, or null when the rest of the condition decides.</summary>
            public bool? Enters(object value)
            {
                object? current = value;
                bool? truth = null;
                var isValue = true;
                for (var operation = reference; !ReferenceEquals(operation, Conditional.Condition); operation = operation.Parent!)
                {
                    switch (operation.Parent)
                    {
                        case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not }:
                            truth = isValue ? !(current as bool?) : !truth;
                            isValue = false;
                            break;
                        case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                            var constant = OtherOperand(comparison, operation).ConstantValue.Value;
                            var same = isValue ? SameConstant(current, constant) : truth is { } known && constant is bool expected ? known == expected : null;
                            truth = comparison.OperatorKind == BinaryOperatorKind.Equals ? same : !same;
                            isValue = false;
                            break;
                        case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr }:
                            truth = (isValue ? current as bool? : truth) == true ? true : null;
                            isValue = false;
                            break;
                        case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd }:
                            truth = (isValue ? current as bool? : truth) == false ? false : null;
                            isValue = false;
                            break;
                    }
                }

                return isValue ? current as bool? : truth;
            }

            private static IOperation OtherOperand(IBinaryOperation comparison, IOperation operand) =>
                ReferenceEquals(comparison.LeftOperand, operand) ? comparison.RightOperand : comparison.LeftOperand;

            /// <summary>Two constants of a flag compared by value: bools, or integers and enum members by their numbers.</summary>
            private static bool? SameConstant(object? a, object? b)
            {
                if (a is bool x || b is bool)
                {
                    return a is bool left && b is bool right ? left == right : null;
                }

                if (a is null || b is null || !IsInteger(a) || !IsInteger(b))
                {
                    return null;
                }

                return System.Convert.ToInt64(a, System.Globalization.CultureInfo.InvariantCulture) == System.Convert.ToInt64(b, System.Globalization.CultureInfo.InvariantCulture);
            }

            private static bool IsInteger(object value) => value is int or long or short or byte or sbyte or ushort or uint;
        }
    }
}
