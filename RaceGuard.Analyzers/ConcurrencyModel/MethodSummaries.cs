using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// What callers across the compilation tell about a method, the way RacerD composes method summaries: the locks every
    /// call site holds (<see cref="EntryOf"/>, also for a hook a base class calls under its lock, and per value of a
    /// "lock held" parameter), whether every caller runs on one thread, and helpers that return with a lock held or
    /// release one (<see cref="HelperEventOf"/>). Computed lazily, once per method and compilation, only for the methods a
    /// rule asks about; the call sites come from one syntax index of the compilation built on first use.
    /// </summary>
    public sealed class MethodSummaries
    {
        /// <summary>How far entry facts follow callers of callers (a private helper of a private helper of a locked member).</summary>
        private const int MaxCallerDepth = 10;

        /// <summary>
        /// How many calls through another object (<c>x.Flush()</c>) one method's callers may need bound: beyond it the
        /// name is too common to follow cheaply, and the method gets no entry locks (the safe answer).
        /// </summary>
        private const int MaxReceiverBindings = 48;

        private readonly Compilation compilation;
        private readonly KnownSymbols known;
        private readonly Lazy<NameIndex> namesInUse;
        private readonly ConcurrentDictionary<EntryKey, EntryFacts> entries = new ConcurrentDictionary<EntryKey, EntryFacts>();
        private readonly ConcurrentDictionary<IOperation, bool> rootsWithAcquires = new ConcurrentDictionary<IOperation, bool>();
        private readonly ConcurrentDictionary<SyntaxNode, INamedTypeSymbol?> enclosingTypes = new ConcurrentDictionary<SyntaxNode, INamedTypeSymbol?>();
        private readonly ConcurrentDictionary<IMethodSymbol, Guards.GuardEvent?> helpers = new ConcurrentDictionary<IMethodSymbol, Guards.GuardEvent?>(SymbolEqualityComparer.Default);

        internal MethodSummaries(Compilation compilation, KnownSymbols known)
        {
            this.compilation = compilation;
            this.known = known;
            namesInUse = new Lazy<NameIndex>(IndexNames, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>
        /// The locks held, and the thread confinement, on every entry into <paramref name="method"/>: the intersection of
        /// what its call sites hold (with what their own callers hold on entry), when every caller is in the compilation.
        /// With <paramref name="parameter"/>, only the call sites that may pass <paramref name="value"/> for it count
        /// (<c>Record(.., lockHeld: true)</c>). Empty for methods that code outside the compilation, a delegate or an
        /// interface call may reach.
        /// </summary>
        public EntryFacts EntryOf(IMethodSymbol method, IParameterSymbol? parameter = null, bool value = true, CancellationToken cancellationToken = default) =>
            EntryAt(new EntryKey(method.OriginalDefinition, parameter?.Ordinal ?? -1, value), new Walk(), cancellationToken) ?? EntryFacts.None;

        /// <summary>
        /// False when no code of the compilation names a thread-affinity check (<c>VerifyAccess</c>, <c>IsOnMainThread</c>,
        /// ...): then no caller can confine a method to one thread, and nobody needs to ask.
        /// </summary>
        public bool MayConfineToOneThread
        {
            get
            {
                return namesInUse.Value.HasAffinityChecks;
            }
        }

        /// <summary>
        /// For a method of the compilation that acquires a lock and returns with it held (<c>await AcquireLockAsync()</c>),
        /// or that releases a lock it did not acquire (<c>ReleaseLock(lease)</c>): that event, keyed by the lock's field.
        /// Null for everything else. Only methods whose names speak of locking are looked at.
        /// </summary>
        public Guards.GuardEvent? HelperEventOf(IMethodSymbol method, CancellationToken cancellationToken = default)
        {
            method = method.OriginalDefinition;
            if (method.DeclaringSyntaxReferences.IsEmpty || !SpeaksOfLocking(method.Name))
            {
                return null;
            }

            return helpers.GetOrAdd(method, m => ComputeHelperEvent(m, cancellationToken));
        }

        private static bool SpeaksOfLocking(string name) =>
            name.IndexOf("Lock", StringComparison.Ordinal) >= 0 || name.IndexOf("Acquire", StringComparison.Ordinal) >= 0 ||
            name.IndexOf("Release", StringComparison.Ordinal) >= 0 || name.IndexOf("Enter", StringComparison.Ordinal) >= 0 ||
            name.IndexOf("Exit", StringComparison.Ordinal) >= 0;

        private Guards.GuardEvent? ComputeHelperEvent(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (BodyOf(method, cancellationToken) is not { } body)
            {
                return null;
            }

            var acquire = default(Guards.GuardEvent?);
            var release = default(Guards.GuardEvent?);
            foreach (var invocation in body.DescendantsOutsideFunctions().OfType<IInvocationOperation>())
            {
                if (!Guards.TryClassify(invocation, known, out var guardEvent) || guardEvent.Key.Symbol is not (IFieldSymbol or IPropertySymbol) || InCatch(invocation))
                {
                    continue;
                }

                if (guardEvent.IsAcquire)
                {
                    acquire ??= guardEvent;
                }
                else
                {
                    release ??= guardEvent;
                }
            }

            return (acquire, release) switch
            {
                ({ } a, null) => a,
                (null, { } r) => r,
                _ => null,
            };

            static bool InCatch(IOperation operation)
            {
                for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
                {
                    if (parent is ICatchClauseOperation)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        /// <summary>
        /// The entry facts of one method, or null for a method already being computed further up this walk (a cycle of
        /// callers: that call site adds nothing the cycle's other sites do not, the greatest-fixpoint reading). Only answers
        /// that no depth cut or cycle shaped are memoised below the top: an answer cut short at depth 4 must not stand for
        /// the method when it is asked about directly.
        /// </summary>
        private EntryFacts? EntryAt(EntryKey key, Walk walk, CancellationToken cancellationToken)
        {
            if (entries.TryGetValue(key, out var memoised))
            {
                return memoised;
            }

            if (!HasOnlyVisibleCallers(key.Method))
            {
                return entries.GetOrAdd(key, EntryFacts.None);
            }

            if (walk.InProgress.Contains(key))
            {
                walk.Unsure = true;
                return null;
            }

            if (walk.InProgress.Count > MaxCallerDepth)
            {
                walk.Unsure = true;
                return EntryFacts.None;
            }

            var outerUnsure = walk.Unsure;
            walk.Unsure = false;
            walk.InProgress.Add(key);
            var computed = ComputeEntry(key, walk, cancellationToken);
            walk.InProgress.Remove(key);
            if (!walk.Unsure || walk.InProgress.Count == 0)
            {
                entries[key] = computed;
            }

            walk.Unsure |= outerUnsure;
            return computed;
        }

        /// <summary>The methods whose entry facts one question is computing, innermost last, and whether a cut or cycle shaped the answer.</summary>
        private sealed class Walk
        {
            public HashSet<EntryKey> InProgress { get; } = new HashSet<EntryKey>();

            public bool Unsure { get; set; }
        }

        private EntryFacts ComputeEntry(EntryKey key, Walk walk, CancellationToken cancellationToken)
        {
            ImmutableArray<Guard>? held = null;
            var confined = true;
            var sites = 0;
            var anyConstruction = false;
            foreach (var site in CallSites(key, walk, cancellationToken))
            {
                if (site.Call is null)
                {
                    // A method group (a delegate may call the method from anywhere), or too many uses to follow.
                    return EntryFacts.None;
                }

                if (site.Held is not { } siteHeld)
                {
                    anyConstruction = true;
                    // Called while the object is built or torn down, or from a caller already being computed: nothing to add.
                    continue;
                }

                sites++;
                held = held is null ? siteHeld : Intersect(held.Value, siteHeld);
                confined &= site.Confined;
                if (held.Value.IsEmpty && !confined)
                {
                    return EntryFacts.None;
                }
            }

            if (sites == 0)
            {
                // No call site may pass this value of the parameter: the branch that tests for it never runs. No call site
                // at all of a protected hook whose name the compilation does call: nothing runs it, so the calls it makes
                // are no way into their callees (an overload nobody calls must not strip its callees of their callers' lock).
                return !anyConstruction && (key.ParameterOrdinal >= 0 || IsUncalledHook(key.Method)) ? EntryFacts.NotCalled : EntryFacts.None;
            }

            return new EntryFacts(held ?? ImmutableArray<Guard>.Empty, confined);
        }

        /// <summary>
        /// The call sites of <paramref name="method"/> in the compilation (calls of a method it overrides included: they
        /// dispatch here), each with the locks it holds (its own and its caller's on entry); for the explanation of an
        /// entry lockset, and for a user who asks which path reaches a member without the lock.
        /// </summary>
        public ImmutableArray<CallSite> CallSitesOf(IMethodSymbol method, CancellationToken cancellationToken = default) =>
            HasOnlyVisibleCallers(method.OriginalDefinition)
                ? CallSites(new EntryKey(method.OriginalDefinition, -1, true), new Walk(), cancellationToken).ToImmutableArray()
                : ImmutableArray<CallSite>.Empty;

        private IEnumerable<CallSite> CallSites(EntryKey key, Walk walk, CancellationToken cancellationToken)
        {
            var method = key.Method;
            if (method.AssociatedSymbol is IPropertySymbol property)
            {
                foreach (var site in PropertyCallSites(method, property, walk, cancellationToken))
                {
                    yield return site;
                }

                yield break;
            }

            if (method.MethodKind == MethodKind.LocalFunction)
            {
                foreach (var site in LocalFunctionCallSites(key, walk, cancellationToken))
                {
                    yield return site;
                }

                yield break;
            }

            if (namesInUse.Value.UsesOf(method.Name) is not { IsEmpty: false } uses)
            {
                yield break;
            }

            // The method, those it overrides, and the internal interface members it implements: a call of any may run it.
            var targets = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            for (var current = method; current is not null; current = current.OverriddenMethod?.OriginalDefinition)
            {
                targets.Add(current);
                targets.UnionWith(ImplementedInterfaceMembers(current));
            }

            var receiverBindings = 0;
            foreach (var use in uses)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (AssignmentTarget(use) is not null || !CouldCall(use, method, out var needsReceiverType))
                {
                    continue;
                }

                if (needsReceiverType && ++receiverBindings > MaxReceiverBindings)
                {
                    yield return new CallSite(null, use.GetLocation(), null, confined: false);
                    yield break;
                }

                var model = compilation.GetSemanticModelForAnalysis(use.SyntaxTree);
                if (use.Parent is not InvocationExpressionSyntax && use.Parent is not MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax })
                {
                    if (model.GetSymbolInfo(use, cancellationToken).Symbol is IMethodSymbol referenced && targets.Contains(referenced.OriginalDefinition))
                    {
                        yield return new CallSite(null, use.GetLocation(), null, confined: false);
                        yield break;
                    }

                    continue;
                }

                var invocationSyntax = use.FirstAncestorOrSelf<InvocationExpressionSyntax>();
                if (invocationSyntax is null || model.GetOperation(invocationSyntax, cancellationToken) is not IInvocationOperation invocation ||
                    !targets.Contains(invocation.TargetMethod.OriginalDefinition) || !MayDispatchTo(invocation, method))
                {
                    continue;
                }

                if (key.ParameterOrdinal >= 0 && !MayPass(invocation, key.ParameterOrdinal, key.Value))
                {
                    continue;
                }

                if (AtCallSite(invocation, walk, cancellationToken) is not (var held, var confined))
                {
                    // In a method nothing calls: no way in.
                    continue;
                }

                yield return new CallSite(invocation, invocationSyntax.GetLocation(), held, confined);
            }
        }

        /// <summary>
        /// The calls of a local function, found in the member that declares it (nobody else can name it); a use as a method
        /// group hands it to code that may call it anywhere.
        /// </summary>
        private IEnumerable<CallSite> LocalFunctionCallSites(EntryKey key, Walk walk, CancellationToken cancellationToken)
        {
            var local = key.Method;
            var declaration = local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            var scope = declaration.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax or AccessorDeclarationSyntax);
            if (scope is null)
            {
                // A local function of top-level statements: not followed.
                yield return new CallSite(null, declaration.GetLocation(), null, confined: false);
                yield break;
            }

            var model = compilation.GetSemanticModelForAnalysis(declaration.SyntaxTree);
            foreach (var name in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (name.Identifier.ValueText != local.Name || name.Parent is MemberAccessExpressionSyntax { Name: var member } && member == name)
                {
                    continue;
                }

                if (model.GetSymbolInfo(name, cancellationToken).Symbol is not IMethodSymbol referenced ||
                    !SymbolEqualityComparer.Default.Equals(referenced.OriginalDefinition, local))
                {
                    continue;
                }

                if (name.Parent is not InvocationExpressionSyntax invocationSyntax ||
                    model.GetOperation(invocationSyntax, cancellationToken) is not IInvocationOperation invocation)
                {
                    yield return new CallSite(null, name.GetLocation(), null, confined: false);
                    yield break;
                }

                if (key.ParameterOrdinal >= 0 && !MayPass(invocation, key.ParameterOrdinal, key.Value))
                {
                    continue;
                }

                if (AtCallSite(invocation, walk, cancellationToken) is not (var held, var confined))
                {
                    // In a method nothing calls: no way in.
                    continue;
                }

                yield return new CallSite(invocation, invocationSyntax.GetLocation(), held, confined);
            }
        }

        /// <summary>
        /// The uses of a private property that run <paramref name="accessor"/>: reads for the getter, assignments for the
        /// setter, found in the declarations of the property's own type (nobody else can name it).
        /// </summary>
        private IEnumerable<CallSite> PropertyCallSites(IMethodSymbol accessor, IPropertySymbol property, Walk walk, CancellationToken cancellationToken)
        {
            if (!IsPrivateAccessor(accessor, property))
            {
                foreach (var site in SetterCallSites(property, walk, cancellationToken))
                {
                    yield return site;
                }

                yield break;
            }

            foreach (var declaration in property.ContainingType.DeclaringSyntaxReferences)
            {
                var model = compilation.GetSemanticModelForAnalysis(declaration.SyntaxTree);
                foreach (var name in declaration.GetSyntax(cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (name.Identifier.ValueText != property.Name)
                    {
                        continue;
                    }

                    var syntax = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? (SyntaxNode)access : name;
                    if (model.GetOperation(syntax, cancellationToken) is not IPropertyReferenceOperation reference ||
                        !SymbolEqualityComparer.Default.Equals(reference.Property.OriginalDefinition, property.OriginalDefinition))
                    {
                        continue;
                    }

                    var assigned = reference.WalkUpConversion(out var child) is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, child);
                    var compound = assigned && reference.Parent is ICompoundAssignmentOperation or ICoalesceAssignmentOperation;
                    if (accessor.MethodKind == MethodKind.PropertySet ? !assigned : assigned && !compound)
                    {
                        continue;
                    }

                    if (AtCallSite(reference, walk, cancellationToken) is not (var held, var confined))
                    {
                        continue;
                    }

                    yield return new CallSite(reference, syntax.GetLocation(), held, confined);
                }
            }
        }

        /// <summary>
        /// The assignments of a setter other types may call (<c>job.IsCompleteRequested = true;</c>), found through the
        /// compilation's index of assigned names; more than <see cref="MaxReceiverBindings"/> to bind gives up.
        /// </summary>
        private IEnumerable<CallSite> SetterCallSites(IPropertySymbol property, Walk walk, CancellationToken cancellationToken)
        {
            var bindings = 0;
            foreach (var use in namesInUse.Value.UsesOf(property.Name))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (AssignmentTarget(use) is not { } target)
                {
                    continue;
                }

                if (++bindings > MaxReceiverBindings)
                {
                    yield return new CallSite(null, use.GetLocation(), null, confined: false);
                    yield break;
                }

                var model = compilation.GetSemanticModelForAnalysis(use.SyntaxTree);
                if (model.GetOperation(target, cancellationToken) is IPropertyReferenceOperation reference &&
                    SymbolEqualityComparer.Default.Equals(reference.Property.OriginalDefinition, property.OriginalDefinition))
                {
                    if (AtCallSite(reference, walk, cancellationToken) is not (var held, var confined))
                    {
                        continue;
                    }

                    yield return new CallSite(reference, target.GetLocation(), held, confined);
                }
            }
        }

        /// <summary>The assigned expression when <paramref name="use"/> names what an assignment stores to (<c>X = ..</c>, <c>job.X = ..</c>, <c>X += ..</c>); null otherwise.</summary>
        private static SyntaxNode? AssignmentTarget(SyntaxNode use)
        {
            var target = use.Parent is MemberAccessExpressionSyntax access && access.Name == use ? (SyntaxNode)access : use;
            return target.Parent is AssignmentExpressionSyntax assignment && assignment.Left == target ? target : null;
        }

        /// <summary>
        /// What one call site holds: the guards around it in its body, plus its caller's own entry facts when the call is in
        /// the caller's own code (not in a lambda, which may run anywhere). Held null for a call in a constructor or a recursive call;
        /// null for a call in a method nothing calls (it never runs).
        /// </summary>
        private (ImmutableArray<Guard>? Held, bool Confined)? AtCallSite(IOperation invocation, Walk walk, CancellationToken cancellationToken)
        {
            IOperation? root = null;
            var inFunction = false;
            IMethodSymbol? caller = null;
            for (var parent = invocation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation)
                {
                    inFunction = true;
                    root = parent;
                    break;
                }

                if (parent is ILocalFunctionOperation localFunction)
                {
                    // A local function runs where its own call sites stand: its entry facts are theirs.
                    caller = localFunction.Symbol;
                    root = parent;
                    break;
                }

                root = parent;
            }

            if (root is null)
            {
                return (ImmutableArray<Guard>.Empty, false);
            }

            caller ??= invocation.SemanticModel?.GetEnclosingSymbol(invocation.Syntax.SpanStart, cancellationToken) as IMethodSymbol;
            if (!inFunction && caller is IMethodSymbol callerSymbol && (callerSymbol.MethodKind is MethodKind.Constructor or MethodKind.StaticConstructor || Lifecycle.IsTeardown(callerSymbol)))
            {
                // Before the object is shared, or in Dispose (run once, after use): no other thread calls in meanwhile.
                return (null, true);
            }

            var held = Guards.GetGuardsAt(invocation, root, known, rootsWithAcquires.GetOrAdd(root, r => Guards.MayAcquire(r, known)));
            var confined = false;
            if (!inFunction && caller is IMethodSymbol callerMethod)
            {
                confined = ThreadAffinity.RunsOnOneThread(invocation, root);
                if (EntryAt(new EntryKey(callerMethod.OriginalDefinition, -1, true), walk, cancellationToken) is not { } entry)
                {
                    // A caller already being computed (recursion): this site adds nothing of its own.
                    return (null, true);
                }

                if (entry.NoCaller)
                {
                    // A caller nothing calls: this site never runs.
                    return null;
                }

                // The caller's entry locks, and those its "lock held" parameters vouch for where the call stands.
                held = held.AddRange(Guards.HeldOnEntry(invocation, root, callerMethod, known, (m, p, v) =>
                    EntryAt(new EntryKey(m.OriginalDefinition, p?.Ordinal ?? -1, v), walk, cancellationToken) ?? EntryFacts.None));
                confined |= entry.ConfinedToOneThread;
            }

            return (AsTheCalleeNamesThem(invocation, held), confined);
        }

        /// <summary>
        /// The locks a call on another object holds, named as that object's own code names them: at
        /// <c>_owner.Complete()</c> under <c>lock (_owner.Context.SyncLock)</c>, <c>Complete</c> holds its own
        /// <c>Context.SyncLock</c>, the lock its other callers take as <c>lock (Context.SyncLock)</c>.
        /// </summary>
        private static ImmutableArray<Guard> AsTheCalleeNamesThem(IOperation call, ImmutableArray<Guard> held)
        {
            var instance = call switch
            {
                IInvocationOperation invocation => invocation.Instance,
                IPropertyReferenceOperation property => property.Instance,
                _ => null,
            };

            if (held.IsEmpty || instance is null || instance.WalkDownConversion() is IInstanceReferenceOperation || Guards.ChainFromThis(instance) is not { } receiver ||
                instance.Type is not INamedTypeSymbol calleeType)
            {
                return held;
            }

            var prefix = receiver + ".";
            return held.Select(guard => guard.Key.Symbol is null && guard.Key.Text.StartsWith(prefix, StringComparison.Ordinal)
                ? guard.WithKey(CalleeKey(calleeType, guard.Key.Text.Substring(prefix.Length)))
                : guard).ToImmutableArray();
        }

        /// <summary>The key the callee's own code gives a chain from its instance: a symbol for one member (as <see cref="Guards.KeyOf"/> does), the text otherwise.</summary>
        private static GuardKey CalleeKey(INamedTypeSymbol type, string chain)
        {
            if (chain.IndexOf('.') < 0)
            {
                for (var current = type; current is not null; current = current.BaseType)
                {
                    if (current.GetMembers(chain).FirstOrDefault() is { } member && member is IFieldSymbol or IPropertySymbol { IsIndexer: false })
                    {
                        return Guards.KeyOfMember(member);
                    }
                }
            }

            return new GuardKey(null, chain);
        }

        /// <summary>
        /// True when the call may run <paramref name="method"/>: <c>base.M()</c> runs exactly the base method; a virtual
        /// call runs an override only when the receiver's type and the override's type are related.
        /// </summary>
        private static bool MayDispatchTo(IInvocationOperation invocation, IMethodSymbol method)
        {
            if (SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.OriginalDefinition, method))
            {
                return true;
            }

            if (invocation.Instance?.Syntax is BaseExpressionSyntax || invocation.Instance?.Type is not INamedTypeSymbol receiver || method.ContainingType is not { } declaring)
            {
                return false;
            }

            if (receiver.TypeKind == TypeKind.Interface)
            {
                // A call through an interface the type implements may reach its implementation.
                return declaring.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, receiver.OriginalDefinition));
            }

            return receiver.IsOrDerivesFrom(declaring) || declaring.IsOrDerivesFrom(receiver);
        }

        /// <summary>The guards of <paramref name="a"/> whose lock <paramref name="b"/> also holds (exclusive only when both are).</summary>
        private static ImmutableArray<Guard> Intersect(ImmutableArray<Guard> a, ImmutableArray<Guard> b)
        {
            var builder = ImmutableArray.CreateBuilder<Guard>();
            foreach (var guard in a)
            {
                if (b.FirstOrDefault(g => g.Key.Equals(guard.Key)) is { } other && !builder.Any(g => g.Key.Equals(guard.Key)))
                {
                    builder.Add(guard.Exclusive && !other.Exclusive ? other : guard);
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>False when the call passes a constant other than <paramref name="value"/> for the parameter (or leaves a default that is one).</summary>
        private static bool MayPass(IInvocationOperation invocation, int ordinal, bool value)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == ordinal)
                {
                    return argument.Value.WalkDownConversion().ConstantValue is not { HasValue: true, Value: bool constant } || constant == value;
                }
            }

            return true;
        }

        /// <summary>
        /// True when every caller of <paramref name="method"/> is code of this compilation called directly: an ordinary
        /// method that no other assembly can call (private, internal, protected hooks and their overrides of a source base
        /// type), not an interface implementation.
        /// </summary>
        public static bool HasOnlyVisibleCallers(IMethodSymbol method)
        {
            if (method.MethodKind is MethodKind.PropertyGet or MethodKind.PropertySet)
            {
                if (method.AssociatedSymbol is not IPropertySymbol { IsIndexer: false, IsVirtual: false, IsOverride: false, IsAbstract: false, ExplicitInterfaceImplementations.IsEmpty: true } property ||
                    method.DeclaringSyntaxReferences.IsEmpty)
                {
                    return false;
                }

                // A private property's accessors: only its own type can name it. A setter no other assembly can call
                // (internal, or `{ get; internal set; }`) is found through the assignments of the compilation.
                return IsPrivateAccessor(method, property) ||
                       method.MethodKind == MethodKind.PropertySet && EffectiveAccessibility(method) is Accessibility.Internal or Accessibility.Private or Accessibility.ProtectedAndInternal &&
                       !property.ContainingType.AllInterfaces.SelectMany(i => i.GetMembers(property.Name)).Any(member => SymbolEqualityComparer.Default.Equals(property.ContainingType.FindImplementationForInterfaceMember(member), property));
            }

            if (method.MethodKind == MethodKind.LocalFunction)
            {
                // Only the member that declares it can name it.
                return !method.DeclaringSyntaxReferences.IsEmpty;
            }

            if (method.MethodKind != MethodKind.Ordinary || method.DeclaringSyntaxReferences.IsEmpty)
            {
                return false;
            }

            for (var current = method; current is not null; current = current.OverriddenMethod)
            {
                if (current.DeclaringSyntaxReferences.IsEmpty)
                {
                    // A method of a library type that this one overrides: the library calls it.
                    return false;
                }

                if (current.DeclaredAccessibility == Accessibility.Public && EffectiveAccessibility(current) == Accessibility.Public)
                {
                    return false;
                }

                if (current.OverriddenMethod is null && current.IsOverride)
                {
                    return false;
                }
            }

            // An implementation of a member of a public interface: any assembly may call it through the interface. A
            // member of an internal interface is called only here, through calls that CallSites finds.
            return ImplementedInterfaceMembers(method).All(member => member.DeclaringSyntaxReferences.Length > 0 && EffectiveAccessibility(member) != Accessibility.Public);
        }

        /// <summary>
        /// A protected hook of a class hierarchy (or its override) that the compilation calls by its name, but never this
        /// one: an overload the base class never calls (<c>DoAppend</c> calls <c>Append(item)</c> and
        /// <c>Append(IEnumerable)</c>, nobody <c>Append(array)</c>). A hook whose name nothing calls is the framework's to
        /// call (<c>BackgroundService.ExecuteAsync</c>); other methods without callers are code not wired up yet, or called
        /// by a friend assembly: their calls still count as ways into their callees.
        /// </summary>
        private bool IsUncalledHook(IMethodSymbol method) =>
            method.MethodKind == MethodKind.Ordinary && method.DeclaredAccessibility is Accessibility.Protected or Accessibility.ProtectedAndInternal &&
            namesInUse.Value.UsesOf(method.Name) is { IsEmpty: false };

        /// <summary>The interface members <paramref name="method"/> implements implicitly in its own type.</summary>
        private static IEnumerable<IMethodSymbol> ImplementedInterfaceMembers(IMethodSymbol method)
        {
            if (method.ContainingType is not { } type)
            {
                yield break;
            }

            foreach (var @interface in type.AllInterfaces)
            {
                foreach (var member in @interface.GetMembers(method.Name).OfType<IMethodSymbol>())
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member)?.OriginalDefinition, method))
                    {
                        yield return member.OriginalDefinition;
                    }
                }
            }
        }

        private static bool IsPrivateAccessor(IMethodSymbol accessor, IPropertySymbol property) =>
            property.DeclaredAccessibility == Accessibility.Private && accessor.DeclaredAccessibility is Accessibility.Private or Accessibility.NotApplicable;

        private static Accessibility EffectiveAccessibility(ISymbol symbol)
        {
            var result = symbol.DeclaredAccessibility;
            for (var type = symbol.ContainingType; type is not null; type = type.ContainingType)
            {
                if (type.DeclaredAccessibility is Accessibility.Private or Accessibility.Internal or Accessibility.ProtectedAndInternal)
                {
                    return Accessibility.Internal;
                }
            }

            return result;
        }

        /// <summary>
        /// A cheap test before binding a use: the argument count fits, and a call without a receiver (or through
        /// <c>this</c>/<c>base</c>), or of a private or protected method, stands in a type related to the method's (its own,
        /// a base, a derived or an enclosing type; the type's symbol comes from its declaration, without binding a body).
        /// </summary>
        private bool CouldCall(SyntaxNode use, IMethodSymbol method, out bool needsReceiverType)
        {
            needsReceiverType = false;
            var access = use.Parent as MemberAccessExpressionSyntax;
            var invocation = use.Parent as InvocationExpressionSyntax ?? access?.Parent as InvocationExpressionSyntax;
            if (invocation is not null && !method.IsExtensionMethod)
            {
                var count = invocation.ArgumentList.Arguments.Count;
                var required = method.Parameters.Count(p => !p.IsOptional && !p.IsParams);
                if (count < required || (count > method.Parameters.Length && !method.Parameters.Any(p => p.IsParams)))
                {
                    return false;
                }
            }

            var receiver = access is not null && access.Name == use ? access.Expression : null;
            var unqualified = receiver is null or ThisExpressionSyntax or BaseExpressionSyntax;
            if (!unqualified && method.DeclaredAccessibility is Accessibility.Internal or Accessibility.Public or Accessibility.ProtectedOrInternal)
            {
                // x.Flush(): only binding tells what x is.
                needsReceiverType = true;
                return true;
            }

            return method.ContainingType is { } declaring && IsRelatedType(EnclosingType(use), declaring);
        }

        private INamedTypeSymbol? EnclosingType(SyntaxNode use)
        {
            var declaration = use.FirstAncestorOrSelf<BaseTypeDeclarationSyntax>();
            return declaration is null
                ? null
                : enclosingTypes.GetOrAdd(declaration, d => compilation.GetSemanticModelForAnalysis(d.SyntaxTree).GetDeclaredSymbol(d) as INamedTypeSymbol);
        }

        /// <summary>True when code in <paramref name="enclosing"/> (or a type it is nested in) may call a member of <paramref name="declaring"/> without a receiver.</summary>
        private static bool IsRelatedType(INamedTypeSymbol? enclosing, INamedTypeSymbol declaring)
        {
            for (var type = enclosing; type is not null; type = type.ContainingType)
            {
                if (type.IsOrDerivesFrom(declaring) || declaring.IsOrDerivesFrom(type))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// One pass over the compilation's syntax: every simple name that is invoked (<c>Flush()</c>, <c>x.Flush()</c>) or
        /// handed on as a value (an argument, an assignment's value, a return): the candidate call sites and method groups.
        /// </summary>
        private NameIndex IndexNames() => new NameIndex(compilation.SyntaxTrees.Select(TreeIndex.Of).ToImmutableArray());

        private IOperation? BodyOf(IMethodSymbol method, CancellationToken cancellationToken) => compilation.DeclarationOperationOf(method, cancellationToken);

        /// <summary>
        /// The compilation's invoked and handed-on names, and whether any of them may check a thread affinity: the indexes
        /// of its syntax trees, merged per name when a name is asked for.
        /// </summary>
        private sealed class NameIndex
        {
            private readonly ImmutableArray<TreeIndex> trees;
            private readonly ConcurrentDictionary<string, ImmutableArray<SyntaxNode>> uses = new ConcurrentDictionary<string, ImmutableArray<SyntaxNode>>(StringComparer.Ordinal);
            private readonly Func<string, ImmutableArray<SyntaxNode>> merge;

            public NameIndex(ImmutableArray<TreeIndex> trees)
            {
                this.trees = trees;
                HasAffinityChecks = trees.Any(t => t.HasAffinityChecks);
                merge = Merge;
            }

            public bool HasAffinityChecks { get; }

            /// <summary>Every simple name of that text that is invoked, handed on or assigned to, in tree order.</summary>
            public ImmutableArray<SyntaxNode> UsesOf(string name) => uses.GetOrAdd(name, merge);

            private ImmutableArray<SyntaxNode> Merge(string name)
            {
                ImmutableArray<SyntaxNode>.Builder? builder = null;
                foreach (var tree in trees)
                {
                    if (tree.TryGetUses(name, out var inTree))
                    {
                        (builder ??= ImmutableArray.CreateBuilder<SyntaxNode>()).AddRange(inTree);
                    }
                }

                return builder?.ToImmutable() ?? ImmutableArray<SyntaxNode>.Empty;
            }
        }

        private readonly struct EntryKey : IEquatable<EntryKey>
        {
            public EntryKey(IMethodSymbol method, int parameterOrdinal, bool value)
            {
                Method = method;
                ParameterOrdinal = parameterOrdinal;
                Value = value;
            }

            public IMethodSymbol Method { get; }

            /// <summary>-1: every call site; else only those that may pass <see cref="Value"/> for this parameter.</summary>
            public int ParameterOrdinal { get; }

            public bool Value { get; }

            public bool Equals(EntryKey other) =>
                SymbolEqualityComparer.Default.Equals(Method, other.Method) && ParameterOrdinal == other.ParameterOrdinal && Value == other.Value;

            public override bool Equals(object? obj) => obj is EntryKey other && Equals(other);

            public override int GetHashCode() => (SymbolEqualityComparer.Default.GetHashCode(Method) * 31) + (ParameterOrdinal * 2) + (Value ? 1 : 0);
        }
    }

    /// <summary>One call of a method: where, the locks held there (null: during construction or teardown, or recursion), one thread or not.</summary>
    public sealed class CallSite
    {
        public CallSite(IOperation? call, Location location, ImmutableArray<Guard>? held, bool confined)
        {
            Call = call;
            Location = location;
            Held = held;
            Confined = confined;
        }

        /// <summary>The call (an invocation, or a reference to a private property); null when the callers cannot be followed: a method group (a delegate calls the method from places unknown), or a name too common to bind every use of.</summary>
        public IOperation? Call { get; }

        public Location Location { get; }

        /// <summary>The locks held at the call, with its caller's entry locks; null in a constructor or Dispose, or a recursive call.</summary>
        public ImmutableArray<Guard>? Held { get; }

        /// <summary>The caller asserts one thread, or is only called from code that does.</summary>
        public bool Confined { get; }
    }

    /// <summary>What holds on every entry into a method: the locks its callers hold, and whether they all run on one thread.</summary>
    public sealed class EntryFacts
    {
        public static readonly EntryFacts None = new EntryFacts(ImmutableArray<Guard>.Empty, confinedToOneThread: false);

        /// <summary>For a "lock held" parameter's value that no call site passes: the code that tests for it never runs.</summary>
        public static readonly EntryFacts NotCalled = new EntryFacts(ImmutableArray<Guard>.Empty, confinedToOneThread: false, noCaller: true);

        public EntryFacts(ImmutableArray<Guard> locks, bool confinedToOneThread, bool noCaller = false)
        {
            Locks = locks;
            ConfinedToOneThread = confinedToOneThread;
            NoCaller = noCaller;
        }

        /// <summary>No call site in the compilation passes the parameter value asked about, or calls the method at all.</summary>
        public bool NoCaller { get; }

        /// <summary>The locks every call site holds.</summary>
        public ImmutableArray<Guard> Locks { get; }

        /// <summary>Every caller asserts one thread (a UI or main-thread affinity check): the method runs only there.</summary>
        public bool ConfinedToOneThread { get; }
    }
}
