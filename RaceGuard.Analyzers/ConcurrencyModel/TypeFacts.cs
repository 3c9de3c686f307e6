using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// The facts of one named type: the members that run as roots (everything but private methods reached only by
    /// calls or method groups inside the type, which are followed from their callers), their regions and accesses.
    /// </summary>
    public sealed class TypeFacts
    {
        /// <summary>Memo of <see cref="IsProtectedElsewhere"/>: guards are computed on first use, so this is too.</summary>
        private readonly ConcurrentDictionary<AccessPath, bool> protectedPaths = new ConcurrentDictionary<AccessPath, bool>();

        /// <summary>Memo of <see cref="IsLockedElsewhere"/>: asked for many pairs of one variable.</summary>
        private readonly ConcurrentDictionary<AccessPath, bool> lockedPaths = new ConcurrentDictionary<AccessPath, bool>();

        /// <summary>Memo of <see cref="NoSendIsGuarded"/>: asked once per racing pair of sends, answered once per target.</summary>
        private readonly ConcurrentDictionary<AccessPath, bool> unguardedSendTargets = new ConcurrentDictionary<AccessPath, bool>();

        /// <summary>
        /// Up to this many accesses of one variable, a race query compares pair by pair; beyond it, by the groups of
        /// <see cref="ProtectionGroups"/> (whose signatures need the guards of every access, computed on first use).
        /// </summary>
        private const int PairwiseLimit = 64;

        /// <summary>Memo of <see cref="RacesWith"/>.</summary>
        private readonly ConcurrentDictionary<SharedAccess, ImmutableArray<SharedAccess>> races = new ConcurrentDictionary<SharedAccess, ImmutableArray<SharedAccess>>();

        /// <summary>The accesses of each variable asked about, grouped by what protects them.</summary>
        private readonly ConcurrentDictionary<AccessPath, ProtectionGroups> groupsByPath = new ConcurrentDictionary<AccessPath, ProtectionGroups>();

        /// <summary>Memo of <see cref="NeverCalled"/>.</summary>
        private readonly ConcurrentDictionary<MemberFacts, bool> neverCalled = new ConcurrentDictionary<MemberFacts, bool>();

        private readonly Func<SharedAccess, ImmutableArray<SharedAccess>> computeRaces;
        private readonly Func<AccessPath, bool> isLockedElsewhere;

        private readonly KnownSymbols known;

        private TypeFacts(INamedTypeSymbol type, ImmutableArray<MemberFacts> members, SharedInstanceEvidence sharedInstance, bool instanceMembersRunOneAtATime, KnownSymbols known)
        {
            this.known = known;
            computeRaces = ComputeRaces;
            isLockedElsewhere = ComputeIsLockedElsewhere;
            Type = type;
            Members = members;
            SharedInstance = sharedInstance;
            InstanceMembersRunOneAtATime = instanceMembersRunOneAtATime;
            AccessesByPath = members
                .SelectMany(m => m.Accesses)
                .GroupBy(a => a.Path)
                .ToImmutableDictionary(g => g.Key, g => g.ToImmutableArray());
        }

        public INamedTypeSymbol Type { get; }

        public ImmutableArray<MemberFacts> Members { get; }

        public ImmutableDictionary<AccessPath, ImmutableArray<SharedAccess>> AccessesByPath { get; }

        public bool HasRegions => Members.Any(m => !m.Regions.IsEmpty);

        /// <summary>The sources of concurrency this type has: regions it starts, framework entry points, shared instances.</summary>
        public ConcurrencySources Sources
        {
            get
            {
                var sources = SharedInstance == SharedInstanceEvidence.None ? ConcurrencySources.None : ConcurrencySources.SharedInstances;
                foreach (var region in Members.SelectMany(m => m.Regions))
                {
                    sources |= region.Kind is RegionKind.Middleware or RegionKind.MessageHandler or RegionKind.LogSink or RegionKind.HostedService or RegionKind.AnalyzerAction
                        ? ConcurrencySources.FrameworkEntryPoints
                        : ConcurrencySources.Regions;
                }

                return sources;
            }
        }

        /// <summary>
        /// Why the externally callable members of one instance may run in parallel with each other and themselves
        /// (a type built for concurrent use), or None.
        /// </summary>
        public SharedInstanceEvidence SharedInstance { get; }

        /// <summary>
        /// The members of one instance never run in parallel with each other: a per-request object (controller, page, hub,
        /// component: each request has its own), an actor (one turn at a time, <see cref="KnownSymbols.IsTurnBasedType"/>),
        /// or a stream, pipe reader or writer, or reader or writer type itself (<c>class CountingStream : Stream</c>: like what
        /// it derives from, it takes one call at a time, <c>Write</c> then <c>Flush</c>, <c>GetMemory</c>, <c>Advance</c> then
        /// <c>Complete</c>).
        /// Its instance fields race only with the regions its own code starts on other threads.
        /// </summary>
        public bool InstanceMembersRunOneAtATime { get; }

        /// <summary>Builds the facts of <paramref name="type"/> from the operation blocks of its members.</summary>
        public static TypeFacts Build(INamedTypeSymbol type, IEnumerable<MemberBlocks> blocks, KnownSymbols known, TypeContext context = default, System.Threading.CancellationToken cancellationToken = default)
        {
            // The operation blocks arrive in whatever order concurrent analysis produced them: order them by position so
            // that members, accesses and therefore every diagnostic's additional locations come out the same every run.
            var all = blocks
                .OrderBy(b => b.Operations.IsEmpty ? string.Empty : b.Operations[0].Syntax.SyntaxTree.FilePath, System.StringComparer.Ordinal)
                .ThenBy(b => b.Operations.IsEmpty ? 0 : b.Operations[0].Syntax.SpanStart)
                .ToList();
            var inherited = RunsOverridesOfABaseThread(type, all, known) ? InheritedBlocks(type, known, cancellationToken) : ImmutableArray<MemberBlocks>.Empty;
            all.AddRange(inherited);
            var bodies = new Dictionary<IMethodSymbol, IOperation>(SymbolEqualityComparer.Default);
            foreach (var block in all)
            {
                if (block.Symbol is IMethodSymbol method && block.Operations.FirstOrDefault(o => o is IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation) is { } body)
                {
                    bodies[method.OriginalDefinition] = body;
                }
            }

            var reachedInside = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var block in all)
            {
                foreach (var operation in block.Operations.SelectMany(o => o.Descendants()))
                {
                    var target = operation switch
                    {
                        IInvocationOperation invocation => invocation.TargetMethod,
                        IMethodReferenceOperation reference => reference.Method,
                        _ => null,
                    };

                    if (target is { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary } &&
                        (SymbolEqualityComparer.Default.Equals(target.ContainingType, type) || (!inherited.IsEmpty && type.IsOrDerivesFrom(target.ContainingType))) &&
                        !SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, block.Symbol.OriginalDefinition))
                    {
                        reachedInside.Add(target.OriginalDefinition);
                    }
                }
            }

            IOperation? FindBody(IMethodSymbol method) =>
                (SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, type.OriginalDefinition) || !inherited.IsEmpty) && bodies.TryGetValue(method, out var body) ? body : null;

            var members = ImmutableArray.CreateBuilder<MemberFacts>();
            foreach (var block in all)
            {
                if (block.Symbol is IMethodSymbol method && reachedInside.Contains(method.OriginalDefinition))
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                var facts = new MemberFacts(block.Symbol, block.Operations, FindBody, known, block.Synchronises);
                MemberWalker.Build(facts, known, block.ConfiguredEntryPoints, FindBody, context, cancellationToken);
                members.Add(facts);
            }

            return new TypeFacts(type, members.ToImmutable(), context.SharedInstance, known.IsPerRequestType(type) || known.IsTurnBasedType(type) || known.TakesOneCallAtATime(type), known) { HasInheritedMembers = !inherited.IsEmpty };
        }

        /// <summary>
        /// True when a member of the type is run as a region by a start in a base class of the compilation (<c>new
        /// Thread(Run)</c> with <c>Run</c> overridden here): the base class's members then act on the same object.
        /// </summary>
        private static bool RunsOverridesOfABaseThread(INamedTypeSymbol type, List<MemberBlocks> blocks, KnownSymbols known) =>
            blocks.Any(b => known.Regions.StartsOf(b.Symbol).Any(s =>
                s.StartingMember.ContainingType is { } starter &&
                !SymbolEqualityComparer.Default.Equals(starter.OriginalDefinition, type.OriginalDefinition) &&
                type.IsOrDerivesFrom(starter)));

        /// <summary>
        /// The members the type inherits from base classes of the compilation that it does not override, with their bodies:
        /// the other side of races with the type's own code (a <c>Stop()</c> of the base class that sets the flag an
        /// override's loop polls). Reported only where the type's own code stands (<see cref="HasInheritedMembers"/>).
        /// </summary>
        private static ImmutableArray<MemberBlocks> InheritedBlocks(INamedTypeSymbol type, KnownSymbols known, System.Threading.CancellationToken cancellationToken)
        {
            var builder = ImmutableArray.CreateBuilder<MemberBlocks>();
            var overridden = new HashSet<IMethodSymbol>(
                type.GetMembers().OfType<IMethodSymbol>().Select(m => m.OverriddenMethod?.OriginalDefinition).Where(m => m is not null)!,
                SymbolEqualityComparer.Default);
            for (var baseType = type.BaseType; baseType is not null && baseType.Locations.Any(l => l.IsInSource); baseType = baseType.BaseType)
            {
                foreach (var method in baseType.GetMembers().OfType<IMethodSymbol>())
                {
                    if (method.IsAbstract || method.IsStatic || method.MethodKind is not (MethodKind.Ordinary or MethodKind.PropertyGet or MethodKind.PropertySet) ||
                        overridden.Contains(method.OriginalDefinition))
                    {
                        continue;
                    }

                    if (method.OverriddenMethod is { } further)
                    {
                        overridden.Add(further.OriginalDefinition);
                    }

                    foreach (var reference in method.DeclaringSyntaxReferences)
                    {
                        var syntax = reference.GetSyntax(cancellationToken);
                        if (syntax is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax &&
                            known.Compilation.GetSemanticModelForAnalysis(reference.SyntaxTree).GetOperation(syntax, cancellationToken) is { } body)
                        {
                            builder.Add(new MemberBlocks(method, ImmutableArray.Create(body), ImmutableHashSet<string>.Empty));
                        }
                    }
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>
        /// True when the facts include members inherited from a base class (<see cref="InheritedBlocks"/>): findings are then
        /// reported only where the type's own code stands (<see cref="Declares"/>).
        /// </summary>
        public bool HasInheritedMembers { get; private set; }

        /// <summary>True when <paramref name="location"/> lies in one of the type's declarations.</summary>
        public bool Declares(Location location) =>
            Type.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == location.SourceTree && r.Span.Contains(location.SourceSpan));

        /// <summary>
        /// True when a type of the compilation that derives from this one calls the protected helper from code users may
        /// run on any thread: an externally callable member of its own (not a constructor, not a teardown member) or a
        /// lambda (<c>protected void AddIdle(..)</c> called by <c>TcpPool.Return()</c>). The base type's lock, if the callers
        /// hold it, is the helper's entry lock and protects it (this folder's README.md, "Locks held on entry").
        /// </summary>
        private bool IsCalledByDerivedSharedMembers(MemberFacts member) =>
            derivedCallers.GetOrAdd(member, m => m.Symbol is IMethodSymbol method && known.Summaries.CallSitesOf(method).Any(site => IsDerivedSharedCaller(site.Call)));

        private readonly ConcurrentDictionary<MemberFacts, bool> derivedCallers = new ConcurrentDictionary<MemberFacts, bool>();

        private bool IsDerivedSharedCaller(IOperation? call)
        {
            if (call?.SemanticModel?.GetEnclosingSymbol(call.Syntax.SpanStart) is not { } caller)
            {
                return false;
            }

            var inLambda = false;
            while (caller is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } inner)
            {
                inLambda |= inner.MethodKind == MethodKind.AnonymousFunction;
                caller = inner.ContainingSymbol;
            }

            if (caller is not IMethodSymbol { IsStatic: false } method || method.ContainingType is not { } callerType ||
                SymbolEqualityComparer.Default.Equals(callerType.OriginalDefinition, Type.OriginalDefinition) || !callerType.IsOrDerivesFrom(Type) ||
                method.MethodKind is MethodKind.Constructor || Lifecycle.IsTeardown(method))
            {
                return false;
            }

            var accessibility = method.AssociatedSymbol?.DeclaredAccessibility ?? method.DeclaredAccessibility;
            return inLambda || method.IsOverride || method.MethodKind == MethodKind.ExplicitInterfaceImplementation ||
                   accessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;
        }

        /// <summary>A protected member that overrides nothing: only derived types call it, on their own instance's thread.</summary>
        private static bool IsProtectedOnly(ISymbol member)
        {
            var method = member as IMethodSymbol;
            var accessibility = method?.AssociatedSymbol?.DeclaredAccessibility ?? member.DeclaredAccessibility;
            return accessibility is Accessibility.Protected or Accessibility.ProtectedAndInternal && method is not { IsOverride: true } && method?.AssociatedSymbol is not IPropertySymbol { IsOverride: true };
        }

        /// <summary>
        /// The accesses that race with <paramref name="access"/> (itself included when it races with another instance of
        /// itself); a write published through an "initialised" flag that the other side tests first does not race with it.
        /// </summary>
        /// <remarks>
        /// Memoised per access (several rules ask about the same access); for a variable of many accesses, linear in those
        /// not protected from it as a group (<see cref="ProtectionGroups"/>). In the order of the variable's accesses.
        /// </remarks>
        public ImmutableArray<SharedAccess> RacesWith(SharedAccess access) => races.GetOrAdd(access, computeRaces);

        /// <summary>
        /// A protected hook nothing runs: no call of it anywhere in the compilation, and only its class hierarchy can call
        /// it (an overload the base class never calls). Its accesses race with nothing. Asked last, for pairs that race
        /// otherwise: the answer searches the method's call sites.
        /// </summary>
        private bool NeverCalled(MemberFacts member) =>
            member.Symbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method &&
            neverCalled.GetOrAdd(member, _ => known.Summaries.EntryOf(method).NoCaller);

        private ImmutableArray<SharedAccess> ComputeRaces(SharedAccess access)
        {
            if (!AccessesByPath.TryGetValue(access.Path, out var candidates))
            {
                return ImmutableArray<SharedAccess>.Empty;
            }

            List<int>? racing = null;
            void Check(int index)
            {
                var other = candidates[index];
                if ((RacesAsSharedInstance(access, other) || ParallelismQuery.Races(access, other)) &&
                    !Publication.Orders(access, other, known) && !Publication.Orders(other, access, known) &&
                    !NeverCalled(access.Member) && !NeverCalled(other.Member))
                {
                    (racing ??= new List<int>()).Add(index);
                }
            }

            if (candidates.Length <= PairwiseLimit)
            {
                // Few accesses: pair by pair, which computes the guards of only those that may run in parallel.
                for (var index = 0; index < candidates.Length; index++)
                {
                    Check(index);
                }
            }
            else
            {
                // Many accesses: skip every group of them protected from this one as a whole.
                foreach (var group in groupsByPath.GetOrAdd(access.Path, _ => ProtectionGroups.Of(candidates)).Groups)
                {
                    if (!group.Protects(access))
                    {
                        foreach (var index in group.Indices)
                        {
                            Check(index);
                        }
                    }
                }
            }

            if (racing is null)
            {
                return ImmutableArray<SharedAccess>.Empty;
            }

            racing.Sort();
            return racing.Select(i => candidates[i]).ToImmutableArray();
        }

        /// <summary>
        /// True when two accesses race only because the type is built for concurrent use: both in externally callable
        /// members of one instance, under the precision policy of this folder's README.md ("Types built for concurrent
        /// use"): at least one write, at least one unprotected access, and the member holding it synchronises something
        /// itself or the same state is protected elsewhere in the type; a type declared thread-safe by attribute or
        /// configuration needs no such evidence of intent.
        /// </summary>
        public bool RacesAsSharedInstance(SharedAccess a, SharedAccess b)
        {
            if (SharedInstance == SharedInstanceEvidence.None || !(a.IsWrite || b.IsWrite) || !a.Path.Equals(b.Path) ||
                !IsSharedState(a.Path) || !RunsAsSharedMember(a, a.Path) || !RunsAsSharedMember(b, b.Path))
            {
                return false;
            }

            // The evidence of intent below, before any guard of the pair is computed (the callers' locks may bind call
            // sites across the compilation): without any of it the pair is no finding, whatever locks it holds.
            var declared = SharedInstance is SharedInstanceEvidence.ThreadSafeAttribute or SharedInstanceEvidence.Configured;
            // A volatile flag alone (a close flag set from another thread) is no evidence that the sends themselves
            // come from several threads: a single-writer stream or transport has one.
            var sendsOfTwoMembers = a.Kind == AccessKind.Send && b.Kind == AccessKind.Send && !ReferenceEquals(a.Member, b.Member) &&
                                    SharedInstance is not SharedInstanceEvidence.VolatileField;
            // An update racing with another call of its own member loses counts whatever the member: the state locked
            // elsewhere (_hits read under the lock by Ratio) shows the type means it to be shared. A volatile field is no
            // such evidence: flags updated in place by code confined to an event loop are often volatile for their readers.
            var updatedTwice = ReferenceEquals(a.Member, b.Member) && a.Kind == AccessKind.ReadModifyWrite && b.Kind == AccessKind.ReadModifyWrite &&
                               !Lifecycle.IsStartUp(a.Member.Symbol) && IsLockedElsewhere(a.Path);
            // A broadcast to the sockets of a registry the type keeps for concurrent use (foreach (var peer in
            // _sockets.Values) await peer.SendAsync(..) in a member every connection runs): two runs send to one socket.
            var broadcastTwice = ReferenceEquals(a.Member, b.Member) && a.Kind == AccessKind.Send && b.Kind == AccessKind.Send &&
                                 a.Path.Symbols.Length == 2 && a.Path.Last is IPropertySymbol { IsIndexer: true } &&
                                 new AccessPath(ImmutableArray.Create(a.Path.Symbols[0])) is var registry &&
                                 (known.IsThreadSafeType(registry.Type) || IsLockedElsewhere(registry));
            if (broadcastTwice)
            {
                return !ParallelismQuery.IsProtected(a, b);
            }

            if (!declared && !sendsOfTwoMembers && !a.Member.ShowsIntentFor(a) && !b.Member.ShowsIntentFor(b) && (a.OwnGuards.IsEmpty || b.OwnGuards.IsEmpty) &&
                ((ReferenceEquals(a.Member, b.Member) && !updatedTwice) || !IsProtectedElsewhere(a.Path)))
            {
                return false;
            }

            if (ParallelismQuery.IsProtected(a, b))
            {
                return false;
            }

            var aUnprotected = IsUnprotected(a);
            var bUnprotected = IsUnprotected(b);
            if (!aUnprotected && !bUnprotected)
            {
                // Both locked, but by different locks of the type's own: two locks guard nothing together (this folder's
                // README.md, "Which lock, not a lock"), and taking them shows the members were written for concurrent use.
                // Locks held on entry do not count, so a pair with an access that takes no lock itself is never this.
                return UnderDifferentOwnLocks(a, b);
            }

            if (declared)
            {
                // The user declared the type thread-safe: no further evidence of intent is needed.
                return true;
            }

            if ((aUnprotected && a.Member.ShowsIntentFor(a)) || (bUnprotected && b.Member.ShowsIntentFor(b)))
            {
                return true;
            }

            // Protected elsewhere: enough between two members; a member racing only with another call of itself must
            // show it was written for concurrency (lifecycle members such as Stop() are rarely called twice at once).
            // Two members of a type built for concurrent use that send on its own target with no send guard anywhere:
            // the missing guard is the evidence (docs/RG0004.md).
            return (!ReferenceEquals(a.Member, b.Member) || updatedTwice) && (IsProtectedElsewhere(a.Path) || (sendsOfTwoMembers && NoSendIsGuarded(a.Path)));
        }

        /// <summary>No send to the target holds a guard: the type has no send discipline at all.</summary>
        private bool NoSendIsGuarded(AccessPath path) =>
            unguardedSendTargets.GetOrAdd(path, p => AccessesByPath.TryGetValue(p, out var accesses) && accesses.Where(x => x.Kind == AccessKind.Send).All(x => x.Guards.IsEmpty));

        /// <summary>
        /// True when the access runs in an externally callable member of a type built for concurrent use, so another call
        /// of the same member may run it at the same time (before any precision policy: a rule whose finding is a
        /// sequence that two callers interleave, such as check-then-act on a concurrent collection, asks this).
        /// </summary>
        public bool RunsInSharedMember(SharedAccess access) =>
            SharedInstance != SharedInstanceEvidence.None && IsSharedState(access.Path) && RunsAsSharedMember(access, access.Path);

        /// <summary>
        /// True when both accesses hold only exclusive locks the methods around them take themselves, and no lock is common
        /// to them. Locks held on entry or taken further up are left out: they come from callers (a set-up path that holds
        /// another lock before the object is shared reads the same as a second lock) and stand as protection, not evidence.
        /// </summary>
        private static bool UnderDifferentOwnLocks(SharedAccess a, SharedAccess b) =>
            ParallelismQuery.HoldsOnlyOwnLocks(a) && ParallelismQuery.HoldsOnlyOwnLocks(b) && ParallelismQuery.CommonGuard(a, b) is null;

        /// <summary>Neither atomic nor guarded (a write needs an exclusive guard: a write under a read lock is unprotected).</summary>
        private static bool IsUnprotected(SharedAccess access) =>
            !access.IsAtomic && !ProtectedBy(access.OwnGuards, access.IsWrite) && !ProtectedBy(access.Guards, access.IsWrite);

        private static bool ProtectedBy(ImmutableArray<Guard> guards, bool write) => write ? guards.Any(g => g.Exclusive) : !guards.IsEmpty;

        /// <summary>
        /// True when some access of the variable holds an exclusive lock of the type's own (the locks the code takes itself
        /// first: the callers' locks on entry may bind call sites across the compilation).
        /// </summary>
        private bool IsLockedElsewhere(AccessPath path) => lockedPaths.GetOrAdd(path, isLockedElsewhere);

        private bool ComputeIsLockedElsewhere(AccessPath path) =>
            AccessesByPath.TryGetValue(path, out var accesses) &&
            (accesses.Any(a => a.OwnGuards.Any(g => g.Exclusive && g.IsOwnedBy(Type))) || accesses.Any(a => a.Guards.Any(g => g.Exclusive && g.IsOwnedBy(Type))));

        /// <summary>True when some access of the type to <paramref name="path"/> holds an exclusive guard of its own or is atomic.</summary>
        public bool IsProtectedElsewhere(AccessPath path) =>
            protectedPaths.GetOrAdd(path, p => (AccessesByPath.TryGetValue(p, out var accesses) && accesses.Any(a => a.IsAtomic)) || IsLockedElsewhere(p));

        /// <summary>
        /// A field or property of this type or of a base class declared in source (inherited state is the type's state);
        /// for a type whose members run one at a time, only a static one.
        /// </summary>
        private bool IsSharedState(AccessPath path) =>
            path.Root is IFieldSymbol or IPropertySymbol && path.Root is { } root &&
            root.ContainingType is { } declaring && Type.IsSelfOrSourceBase(declaring) &&
            (root.IsStatic || !InstanceMembersRunOneAtATime);

        /// <summary>
        /// An access made by the own code of an externally callable member that users may call on a shared instance (not
        /// a constructor, not Dispose, which callers run once after use); instance state only from instance members.
        /// Static state is shared by every instance: a non-private constructor that touches it runs on every thread that
        /// creates one (<c>if (s_instances >= Max) throw ..; Interlocked.Increment(ref s_instances);</c>).
        /// Accesses inside regions the type starts are left to the region model, which knows their joins.
        /// </summary>
        private bool RunsAsSharedMember(SharedAccess access, AccessPath path) =>
            access.Region is null or { Kind: RegionKind.Middleware or RegionKind.MessageHandler or RegionKind.LogSink } &&
            (access.Member.IsExternallyCallable ||
             (path.Root is { IsStatic: true } && access.Member.Symbol is IMethodSymbol { MethodKind: MethodKind.Constructor, DeclaredAccessibility: not Accessibility.Private })) &&
            (!IsProtectedOnly(access.Member.Symbol) || (IsLockedElsewhere(path) && IsCalledByDerivedSharedMembers(access.Member))) &&
            !Lifecycle.IsTeardown(access.Member.Symbol) && !access.Member.IsFluentStep &&
            (path.Root is { IsStatic: true } || !access.Member.Symbol.IsStatic);

        /// <summary>
        /// Why no lock may go around the statement of <paramref name="access"/>: it waits for another thread
        /// (<c>foreach (var t in _threads) t.Join();</c>, a deadlock when that thread takes the same lock) or does I/O.
        /// </summary>
        public LockHazard LockHazardOf(SharedAccess access) => LockHazards.InStatementOf(access.ReportOperation, known);

        /// <summary>
        /// The lock that guards the other accesses of <paramref name="access"/>'s variable, by name: the one held at most of
        /// them and usable at the access (a field of the type, or a local in scope). Null when no lock guards them: messages
        /// then name none, never an unrelated lock of the type.
        /// </summary>
        public string? GuardingLockFor(SharedAccess access)
        {
            if (access.Path.Symbols.Length != 1)
            {
                return null;
            }

            var root = access.Path.Root;
            var isStaticContext = root is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true } || access.Member.Symbol.IsStatic;
            return AccessesByPath[access.Path]
                .SelectMany(a => a.Guards)
                .Where(g => g.Kind is GuardKind.Lock or GuardKind.Monitor or GuardKind.LockType && IsUsableLock(g.Key.Symbol, root, isStaticContext))
                .GroupBy(g => g.Key.Text)
                .OrderByDescending(g => g.Count())
                .FirstOrDefault()?.Key;
        }

        /// <summary>
        /// The lock object to guard <paramref name="access"/>'s variable with, by name: one already held at some access to
        /// the same variable; else one the member (for locals) or the type (for fields) already locks on. Null when there is
        /// none in scope (the fix then introduces one).
        /// </summary>
        public string? ReusableLockFor(SharedAccess access)
        {
            if (access.Path.Symbols.Length != 1)
            {
                return null;
            }

            var root = access.Path.Root;
            var isStaticContext = root is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true } || access.Member.Symbol.IsStatic;

            bool Usable(ISymbol? symbol) => IsUsableLock(symbol, root, isStaticContext);

            if (GuardingLockFor(access) is { } guarding)
            {
                return guarding;
            }

            var scope = root is ILocalSymbol or IParameterSymbol ? new[] { access.Member } : Members.ToArray();
            var fromLocks = scope
                .SelectMany(m => m.Bodies)
                .SelectMany(b => b.Descendants().OfType<ILockOperation>())
                .Select(l => Guards.KeyOf(l.LockedValue))
                .Where(k => Usable(k.Symbol))
                .GroupBy(k => k.Text)
                .OrderByDescending(g => g.Count())
                .FirstOrDefault();
            return fromLocks?.Key;
        }

        /// <summary>
        /// A lock object the fix can take at an access of <paramref name="root"/>: a field of the type or a non-private one
        /// of a source base class (static in static code), or a local declared before it.
        /// </summary>
        private bool IsUsableLock(ISymbol? symbol, ISymbol? root, bool isStaticContext) => symbol switch
        {
            IFieldSymbol field => (SymbolEqualityComparer.Default.Equals(field.ContainingType, Type) ||
                                   (field.DeclaredAccessibility != Accessibility.Private && field.ContainingType is { } declaring && Type.IsSelfOrSourceBase(declaring))) &&
                                  (field.IsStatic || !isStaticContext),
            ILocalSymbol local => root is ILocalSymbol collection && LocalInScopeFor(local, collection),
            _ => false,
        };

        /// <summary>True when <paramref name="gate"/> is declared before <paramref name="collection"/> in a block that encloses it.</summary>
        private static bool LocalInScopeFor(ILocalSymbol gate, ILocalSymbol collection)
        {
            var gateSyntax = gate.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
            var collectionSyntax = collection.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
            if (gateSyntax is null || collectionSyntax is null || gateSyntax.SyntaxTree != collectionSyntax.SyntaxTree || gateSyntax.SpanStart > collectionSyntax.SpanStart)
            {
                return false;
            }

            var gateBlock = gateSyntax.FirstAncestorOrSelf<BlockSyntax>();
            var gateScope = gateBlock ?? (SyntaxNode?)gateSyntax.FirstAncestorOrSelf<CompilationUnitSyntax>();
            return gateScope is not null && gateScope.Span.Contains(collectionSyntax.Span);
        }

        /// <summary>The non-thread-safe collection a variable holds: its declared type, or for an interface-typed variable every type stored into it.</summary>
        public INamedTypeSymbol? CollectionTypeOf(AccessPath path)
        {
            var declared = path.Type;
            if (declared is null || known.IsThreadSafeType(declared))
            {
                return null;
            }

            if (known.GetNonThreadSafeCollection(declared) is { } collection)
            {
                return (INamedTypeSymbol)collection.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            }

            if (declared.TypeKind != TypeKind.Interface)
            {
                return null;
            }

            INamedTypeSymbol? found = null;
            foreach (var stored in StoredTypes(path))
            {
                var storedCollection = known.GetNonThreadSafeCollection(stored);
                if (storedCollection is null)
                {
                    return null;
                }

                found ??= (INamedTypeSymbol)storedCollection.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            }

            return found;
        }

        /// <summary>The types stored into a variable by its initialisers and assignments, seen anywhere in the type.</summary>
        public IEnumerable<ITypeSymbol> StoredTypes(AccessPath path)
        {
            foreach (var member in Members)
            {
                foreach (var (initialized, type) in member.Initializers)
                {
                    if (initialized.Equals(path))
                    {
                        yield return type;
                    }
                }
            }

            if (AccessesByPath.TryGetValue(path, out var accesses))
            {
                foreach (var access in accesses)
                {
                    if (access.Kind == AccessKind.Write && access.AssignedType is { } assigned)
                    {
                        yield return assigned;
                    }
                }
            }
        }
    }

    /// <summary>The operation blocks of one member, as an operation block action received them.</summary>
    public readonly struct MemberBlocks
    {
        private readonly ImmutableArray<IOperation> operations;
        private readonly ImmutableHashSet<string>? configuredEntryPoints;

        public MemberBlocks(ISymbol symbol, ImmutableArray<IOperation> operations, ImmutableHashSet<string> configuredEntryPoints, bool synchronises = false)
        {
            Symbol = symbol;
            this.operations = operations;
            this.configuredEntryPoints = configuredEntryPoints;
            Synchronises = synchronises;
        }

        /// <summary>True when the member's own code synchronises state of its type (lock, exclusive acquire, Interlocked/Volatile on a field).</summary>
        public bool Synchronises { get; }

        public ISymbol Symbol { get; }

        /// <summary>The operation blocks; empty for <c>default(MemberBlocks)</c>.</summary>
        public ImmutableArray<IOperation> Operations => operations.IsDefault ? ImmutableArray<IOperation>.Empty : operations;

        public ImmutableHashSet<string> ConfiguredEntryPoints => configuredEntryPoints ?? ImmutableHashSet<string>.Empty;
    }
}
