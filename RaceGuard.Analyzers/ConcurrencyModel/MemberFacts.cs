using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>What one member's body does concurrently: the regions it starts and the shared accesses it makes.</summary>
    public sealed class MemberFacts
    {
        private readonly Dictionary<ISymbol, ImmutableArray<IOperation>> joinsByHandle = new Dictionary<ISymbol, ImmutableArray<IOperation>>(SymbolEqualityComparer.Default);

        private readonly Dictionary<(ISymbol Handle, IOperation Code), ImmutableArray<IOperation>> joinsInCode = new Dictionary<(ISymbol, IOperation), ImmutableArray<IOperation>>(HandleInCodeComparer.Instance);

        private readonly System.Func<IMethodSymbol, IOperation?> findMethodBody;

        private readonly KnownSymbols known;
        private bool isComplete;

        internal MemberFacts(ISymbol symbol, ImmutableArray<IOperation> bodies, System.Func<IMethodSymbol, IOperation?> findMethodBody, KnownSymbols known, bool synchronises = false)
        {
            this.known = known;
            Symbol = symbol;
            Bodies = bodies;
            this.findMethodBody = findMethodBody;
            Synchronises = synchronises;
            synchronisesInCallee = new System.Lazy<bool>(ComputeSynchronisesInCallee, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            usesConcurrentState = new System.Lazy<bool>(ComputeUsesConcurrentState, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            isFluentStep = new System.Lazy<bool>(ComputeIsFluentStep, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            confined = new System.Lazy<bool>(
                () => known.Summaries.MayConfineToOneThread &&
                      (bodies.Any(ThreadAffinity.AssertsOneThread) || (symbol is IMethodSymbol method && known.Summaries.EntryOf(method).ConfinedToOneThread)),
                System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
        }

        private readonly System.Lazy<bool> confined;

        /// <summary>
        /// True when the member's own code runs on one thread only: it asserts a thread affinity (<c>VerifyAccess()</c>,
        /// <c>Assumes.True(IsOnMainThread)</c>), or every caller does.
        /// </summary>
        public bool IsConfinedToOneThread => confined.Value;

        /// <summary>
        /// True when <paramref name="call"/> calls a method of the type that asserts a thread affinity itself
        /// (<c>ConfirmShutdown()</c> with <c>Contract.Assert(InEventLoop)</c>): what the walk reached through it runs on
        /// that thread.
        /// </summary>
        internal bool CallsAMethodConfinedToOneThread(IOperation call) =>
            call is IInvocationOperation invocation && findMethodBody(invocation.TargetMethod.OriginalDefinition) is { } body && ThreadAffinity.AssertsOneThread(body);

        /// <summary>False when nothing in the compilation names a thread-affinity check: no access can be confined.</summary>
        internal bool MayBeConfinedToOneThread => known.Summaries.MayConfineToOneThread;

        /// <summary>True when the member's own code takes a lock the type owns: it was written for concurrency.</summary>
        public bool Synchronises { get; }

        /// <summary>
        /// True for a step of a fluent configuration API: a method that returns its own object (<c>return this;</c>, or
        /// another such step of the type), as in <c>builder.AddWithName&lt;T&gt;("a").AllowFallback()</c>. Code that chains
        /// calls on one object configures it from one thread; a caller of the type does not call it from many.
        /// </summary>
        public bool IsFluentStep => isFluentStep.Value;

        private readonly System.Lazy<bool> isFluentStep;

        private bool ComputeIsFluentStep()
        {
            if (Symbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false, ReturnType: INamedTypeSymbol returned } method ||
                !SymbolEqualityComparer.Default.Equals(returned.OriginalDefinition, method.ContainingType.OriginalDefinition))
            {
                return false;
            }

            var returns = Bodies.SelectMany(body => body.DescendantsOutsideFunctions().OfType<IReturnOperation>()).ToList();
            return returns.Count > 0 && returns.All(r => r.ReturnedValue?.WalkDownConversion() switch
            {
                IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } => true,
                IInvocationOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }, TargetMethod.ReturnType: { } stepType } =>
                    SymbolEqualityComparer.Default.Equals(stepType.OriginalDefinition, method.ContainingType.OriginalDefinition),
                _ => false,
            });
        }

        /// <summary>
        /// True when the member was written for concurrency and an unprotected <paramref name="access"/> in its code is
        /// what it missed (this folder's README.md, "Types built for concurrent use"): it takes a lock the type owns
        /// itself; or a private helper it calls takes one on a lock object the type keeps for it
        /// (<c>EnsureConnected()</c> with <c>lock (_connectLock)</c>); or, for a change of a plain collection field, it
        /// works the type's concurrent collections beside it; or, for a change of a plain collection inside a value of a
        /// concurrent dictionary in its own code (<c>_carts.GetOrAdd(user, ..).Lines[sku] = n</c>), it looks that value up
        /// there (a helper that builds the value it is handed, as the winner of a <c>GetOrAdd</c> does, shows nothing).
        /// </summary>
        public bool ShowsIntentFor(SharedAccess access) =>
            Synchronises || SynchronisesInCallee ||
            (access.Kind == AccessKind.MutatingCall && access.Path.Root is IFieldSymbol root &&
             (access.Path.Symbols.Length == 1 || (known.IsConcurrentCollection(root.Type) && ReferenceEquals(access.Anchor, access.ReportOperation) && !IsForTheWinnerOnly(access.Anchor))) &&
             known.GetNonThreadSafeCollection(access.Path.Type) is not null && UsesConcurrentState);

        /// <summary>
        /// Code that only the caller whose new object won a <c>GetOrAdd</c> runs: inside
        /// <c>if (ReferenceEquals(mapper, created))</c> or <c>if (mapper == created)</c> on two locals.
        /// </summary>
        private static bool IsForTheWinnerOnly(IOperation position)
        {
            for (var current = position; current.Parent is { } parent; current = parent)
            {
                if (parent is IConditionalOperation { Type: null } conditional && ReferenceEquals(conditional.WhenTrue, current) &&
                    conditional.Condition.WalkDownConversion() switch
                    {
                        IInvocationOperation { TargetMethod.Name: "ReferenceEquals", Arguments.Length: 2 } same => same.Arguments.All(a => a.Value.WalkDownConversion() is ILocalReferenceOperation),
                        IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals, LeftOperand: var left, RightOperand: var right } =>
                            left.WalkDownConversion() is ILocalReferenceOperation { Type.IsReferenceType: true } && right.WalkDownConversion() is ILocalReferenceOperation,
                        _ => false,
                    })
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when a private method of the type that the member's own code calls directly takes an exclusive lock on a
        /// field or property the type creates itself (a dedicated lock object), around the type's state. A lock on
        /// <c>this</c> does not count: a lazily created header under <c>lock (this)</c> in a single-threaded compressor
        /// showed nothing (35 false reports on real code); nor does a lock some calls further down (a connector's
        /// message parser reaches its cancellation lock that way, and the connector has one owner at a time).
        /// </summary>
        public bool SynchronisesInCallee => synchronisesInCallee.Value;

        private readonly System.Lazy<bool> synchronisesInCallee;

        /// <summary>
        /// True when the member's own code (not a callee's: an <c>Execute(..)</c> helper that enqueues on the type's
        /// concurrent queue is how an event loop hands work over) calls a concurrent collection the type holds. An
        /// <c>Interlocked</c> update does not count: a priority queue that numbers its entries with one is still meant to
        /// be used under its caller's lock.
        /// </summary>
        public bool UsesConcurrentState => usesConcurrentState.Value;

        private readonly System.Lazy<bool> usesConcurrentState;

        private bool ComputeSynchronisesInCallee()
        {
            if (Symbol.ContainingType is not { } type)
            {
                return false;
            }

            foreach (var access in Accesses)
            {
                if (access.Region is not null || !access.Path.IsMemberOfType)
                {
                    continue;
                }

                if (access.Anchor is not IInvocationOperation { TargetMethod: { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary } helper } ||
                    !SymbolEqualityComparer.Default.Equals(helper.ContainingType?.OriginalDefinition, type.OriginalDefinition) ||
                    !Bodies.Any(body => access.Anchor.IsWithin(body.Syntax)))
                {
                    continue;
                }

                foreach (var guard in access.OwnGuards)
                {
                    if (guard.Exclusive && !guard.HeldByCaller && guard.Key.Symbol is IFieldSymbol or IPropertySymbol && guard.Key.Symbol.ContainingType is { } declaring &&
                        type.IsSelfOrSourceBase(declaring) && IsIn(guard.Acquire, helper) && ConcurrentUse.CreatesItself(guard.Key.Symbol, declaring))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>True when <paramref name="operation"/> stands in the declaration of <paramref name="method"/> (its local functions included).</summary>
        private static bool IsIn(IOperation operation, IMethodSymbol method) =>
            method.DeclaringSyntaxReferences.Any(reference => reference.SyntaxTree == operation.Syntax.SyntaxTree && reference.Span.Contains(operation.Syntax.Span));

        private bool ComputeUsesConcurrentState() =>
            Accesses.Any(access => access.Region is null && access.Path.IsMemberOfType && access.Path.Symbols.Length == 1 &&
                                   access.Via is AccessVia.Call or AccessVia.Indexer && known.IsConcurrentCollection(access.Path.Type) &&
                                   Bodies.Any(body => access.Operation.IsWithin(body.Syntax)));

        /// <summary>The member (method, accessor, constructor; <c>&lt;Main&gt;$</c> for top-level statements).</summary>
        public ISymbol Symbol { get; }

        /// <summary>The operation blocks of the member.</summary>
        public ImmutableArray<IOperation> Bodies { get; }

        /// <summary>The regions the member starts (empty until the walk completes the facts).</summary>
        public ImmutableArray<ConcurrentRegion> Regions { get; private set; } = ImmutableArray<ConcurrentRegion>.Empty;

        /// <summary>The shared accesses the member makes, in its own code, its regions and the methods it calls.</summary>
        public ImmutableArray<SharedAccess> Accesses { get; private set; } = ImmutableArray<SharedAccess>.Empty;

        /// <summary>Values stored by declarations and field initialisers, for variables declared with an interface type.</summary>
        public ImmutableArray<(AccessPath Path, ITypeSymbol Type)> Initializers { get; private set; } = ImmutableArray<(AccessPath, ITypeSymbol)>.Empty;

        /// <summary>
        /// Fills in what the walk found, once: the accesses refer back to these facts, so the facts exist before the walk
        /// and are completed by it; nothing changes them afterwards.
        /// </summary>
        internal void Complete(ImmutableArray<ConcurrentRegion> regions, ImmutableArray<SharedAccess> accesses, ImmutableArray<(AccessPath, ITypeSymbol)> initializers)
        {
            if (isComplete)
            {
                throw new System.InvalidOperationException("The facts of " + Symbol.Name + " are already complete.");
            }

            isComplete = true;
            Regions = regions;
            Accesses = accesses;
            Initializers = initializers;
        }

        /// <summary>True for constructors and field or property initialisers: they run before anything else can use the instance.</summary>
        public bool RunsAtConstruction => Symbol is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } || Symbol is IFieldSymbol || Symbol is IPropertySymbol;

        /// <summary>
        /// True for members that code outside the type may call at any time: not private, or an interface
        /// implementation or override (Dispose, event handlers wired by a framework).
        /// </summary>
        public bool IsExternallyCallable
        {
            get
            {
                if (RunsAtConstruction)
                {
                    return false;
                }

                if (Symbol is IMethodSymbol method)
                {
                    if (method.MethodKind is MethodKind.ExplicitInterfaceImplementation || method.IsOverride)
                    {
                        return true;
                    }

                    var accessibility = method.AssociatedSymbol?.DeclaredAccessibility is { } associated && method.DeclaredAccessibility == Accessibility.NotApplicable
                        ? associated
                        : method.DeclaredAccessibility;
                    return accessibility != Accessibility.Private && method.MethodKind != MethodKind.LocalFunction;
                }

                return false;
            }
        }

        /// <summary>
        /// For a member whose callers the compilation holds, when some call sites hold a lock and another holds none: that
        /// lock and the caller that reaches the member without it (<c>Reset()</c> calls <c>ClearAll()</c> without
        /// <c>_gate</c>), so the user can check that path. Null otherwise. Asked only when a rule reports.
        /// </summary>
        public (string Lock, string Caller)? UnlockedCaller()
        {
            if (Symbol is not IMethodSymbol method || !MethodSummaries.HasOnlyVisibleCallers(method.OriginalDefinition))
            {
                return null;
            }

            var sites = known.Summaries.CallSitesOf(method);
            var locked = sites.Select(s => s.Held?.FirstOrDefault(g => g.Exclusive)).FirstOrDefault(g => g is not null);
            var unlocked = sites.FirstOrDefault(s => s.Call is not null && s.Held is { IsEmpty: true });
            return locked is not null && unlocked?.Call?.SemanticModel?.GetEnclosingSymbol(unlocked.Call.Syntax.SpanStart) is { } caller
                ? (locked.Key.Text, caller.DescribeMember())
                : null;
        }

        /// <summary>How messages name the member: "Start()", "the top-level statements", "Worker()", "'Items'".</summary>
        public string Describe() => Symbol.DescribeMember();

        /// <summary>Joins on <paramref name="handle"/> within <paramref name="code"/> (the code of a region this member starts); memoised.</summary>
        public ImmutableArray<IOperation> JoinsOf(ISymbol handle, IOperation code)
        {
            lock (joinsInCode)
            {
                var key = (handle, code);
                if (!joinsInCode.TryGetValue(key, out var joins))
                {
                    joins = Joins.FindJoins(handle, code, known);
                    joinsInCode[key] = joins;
                }

                return joins;
            }
        }

        /// <summary>Joins on a field handle within this member (for regions of other members that keep their task in a field).</summary>
        public ImmutableArray<IOperation> JoinsOf(ISymbol handle)
        {
            lock (joinsByHandle)
            {
                if (!joinsByHandle.TryGetValue(handle, out var joins))
                {
                    var builder = ImmutableArray.CreateBuilder<IOperation>();
                    foreach (var body in Bodies)
                    {
                        builder.AddRange(Joins.FindJoins(handle, body, known));

                        // await EnsureStartedAsync(), where that method returns the task field (_init ??= InitAsync()).
                        foreach (var call in body.DescendantsOutsideFunctions().OfType<IInvocationOperation>())
                        {
                            if (call.Instance is null or IInstanceReferenceOperation &&
                                findMethodBody(call.TargetMethod.OriginalDefinition) is { } callee &&
                                Joins.ReturnsHandle(callee, handle))
                            {
                                builder.AddRange(Joins.Resolve(call, body, known).Joins);
                            }
                        }
                    }

                    joins = builder.ToImmutable();
                    joinsByHandle[handle] = joins;
                }

                return joins;
            }
        }
    }

    /// <summary>Compares (handle, code) keys: the handle by symbol, the code by reference.</summary>
    internal sealed class HandleInCodeComparer : IEqualityComparer<(ISymbol Handle, IOperation Code)>
    {
        public static readonly HandleInCodeComparer Instance = new HandleInCodeComparer();

        public bool Equals((ISymbol Handle, IOperation Code) x, (ISymbol Handle, IOperation Code) y) =>
            SymbolEqualityComparer.Default.Equals(x.Handle, y.Handle) && ReferenceEquals(x.Code, y.Code);

        public int GetHashCode((ISymbol Handle, IOperation Code) obj) =>
            (SymbolEqualityComparer.Default.GetHashCode(obj.Handle) * 397) ^ System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Code);
    }
}
