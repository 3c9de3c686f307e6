using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// Walks one member body once: finds the regions it starts (with their joins) and records every access to a
    /// local, parameter or field with the region it runs in and the guards it holds. Calls to local functions and to
    /// methods of the same type on <c>this</c> are followed (depth-bounded), re-rooting the callee's parameters at the
    /// caller's arguments, the way RacerD composes summaries. Part 1 (this file): the walk, the regions it starts and the
    /// calls it follows; part 2 (<c>MemberWalker.Paths.cs</c>): which variable an operation reaches; part 3
    /// (<c>MemberWalker.Accesses.cs</c>): what an access does and what guards it.
    /// </summary>
    internal sealed partial class MemberWalker
    {
        private const int MaxCallDepth = 3;

        private readonly KnownSymbols known;
        private readonly RegionPolicy regionPolicy;
        private readonly ImmutableHashSet<string> configured;
        private readonly Func<IMethodSymbol, IOperation?> findMethodBody;
        private readonly MemberFacts facts;
        private readonly Dictionary<IMethodSymbol, IOperation> localFunctions = new Dictionary<IMethodSymbol, IOperation>(SymbolEqualityComparer.Default);
        private readonly List<ConcurrentRegion> regions = new List<ConcurrentRegion>();
        private readonly List<SharedAccess> accesses = new List<SharedAccess>();
        private readonly List<(AccessPath, ITypeSymbol)> initializers = new List<(AccessPath, ITypeSymbol)>();
        private readonly Dictionary<ILocalSymbol, AccessPath> aliases = new Dictionary<ILocalSymbol, AccessPath>(SymbolEqualityComparer.Default);

        /// <summary>Bodies whose local functions are already known (a callee is entered once per call site).</summary>
        private readonly HashSet<IOperation> bodiesWithKnownLocalFunctions = new HashSet<IOperation>();

        /// <summary>Locals that hold <c>this</c> (<c>var self = this;</c>): <c>self._flag</c> is <c>_flag</c>.</summary>
        private readonly HashSet<ILocalSymbol> thisAliases = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);

        /// <summary>
        /// Locals that name a shared socket, stream or writer (<c>var stream = _stream;</c>): only their sends count as
        /// accesses of the field; anything else they do (a read under another lock, passing it on) says nothing of it.
        /// </summary>
        private readonly HashSet<ILocalSymbol> sendAliases = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IOperation, Lazy<bool>> acquiresByRoot = new Dictionary<IOperation, Lazy<bool>>();
        private readonly Dictionary<IOperation, Dictionary<ILocalSymbol, List<IOperation>>> localDefinitions = new Dictionary<IOperation, Dictionary<ILocalSymbol, List<IOperation>>>();

        /// <summary>The guards held where an un-awaited async call starts: its synchronous prefix runs under them.</summary>
        private readonly Dictionary<ConcurrentRegion, GuardSet> guardsAtAsyncStart = new Dictionary<ConcurrentRegion, GuardSet>();
        private readonly Dictionary<IOperation, (int FirstEnd, ImmutableArray<Microsoft.CodeAnalysis.Text.TextSpan> Scopes)> suspensionsByBody = new Dictionary<IOperation, (int, ImmutableArray<Microsoft.CodeAnalysis.Text.TextSpan>)>();

        private readonly TypeContext typeContext;

        /// <summary>The IDE cancels on every keystroke: the walk stops at the next call it follows.</summary>
        private System.Threading.CancellationToken cancellationToken;

        private MemberWalker(MemberFacts facts, KnownSymbols known, ImmutableHashSet<string> configured, Func<IMethodSymbol, IOperation?> findMethodBody, TypeContext typeContext)
        {
            this.facts = facts;
            this.known = known;
            this.configured = configured;
            this.findMethodBody = findMethodBody;
            this.typeContext = typeContext;
            regionPolicy = new RegionPolicy(known, facts.RunsAtConstruction, call => FindBody(call.TargetMethod, call.Instance));
        }

        /// <summary>Fills <paramref name="facts"/> with the regions, accesses and initialisers of its bodies.</summary>
        public static void Build(MemberFacts facts, KnownSymbols known, ImmutableHashSet<string> configured, Func<IMethodSymbol, IOperation?> findMethodBody, TypeContext typeContext = default, System.Threading.CancellationToken cancellationToken = default)
        {
            var walker = new MemberWalker(facts, known, configured, findMethodBody, typeContext) { cancellationToken = cancellationToken };
            foreach (var body in facts.Bodies)
            {
                walker.AddLocalFunctionsOf(body);
            }

            foreach (var body in facts.Bodies)
            {
                var memberFrame = Frame.ForMember(body, region: null);

                // A hosted service's ExecuteAsync runs on its own from the host's start: the whole body is a region.
                if (EntryPoints.IsBackgroundServiceLoop(facts.Symbol, known))
                {
                    var region = walker.NewRegion(RegionKind.HostedService, RegionKinds.Of(RegionKind.HostedService).LambdaNoun, body, function: null, method: (IMethodSymbol)facts.Symbol, Multiplicity.Once, memberFrame, handle: null, joins: ImmutableArray<IOperation>.Empty, code: body, bodySyntax: body.Syntax);
                    memberFrame = Frame.ForMember(body, region);
                }
                else if (ConcurrentUse.FrameworkEntryOf(facts.Symbol, known) is var entry && entry != FrameworkEntryKind.None)
                {
                    // Middleware Invoke, a message handler's SendAsync: the framework runs the body for every request at once.
                    var kind = entry switch
                    {
                        FrameworkEntryKind.Middleware => RegionKind.Middleware,
                        FrameworkEntryKind.LogSink => RegionKind.LogSink,
                        _ => RegionKind.MessageHandler,
                    };
                    var construct = RegionKinds.ConstructName(kind, facts.Symbol.Name, method: null);
                    var region = walker.NewRegion(kind, construct, body, function: null, method: (IMethodSymbol)facts.Symbol, Multiplicity.Many, memberFrame, handle: null, joins: ImmutableArray<IOperation>.Empty, code: body, bodySyntax: body.Syntax);
                    memberFrame = Frame.ForMember(body, region);
                }
                else if (known.Regions.StartsOf(facts.Symbol) is { IsEmpty: false } external)
                {
                    // Code of another type runs this member as a region: many runs at once when one of its starts runs many,
                    // or when two starts may run it; in parallel with the type's other members when a start outlives its starter.
                    var first = external[0];
                    var multiplicity = external.Any(s => s.Multiplicity == Multiplicity.Many) || RunsFromTwoStarts(external) ? Multiplicity.Many : Multiplicity.Once;
                    var joins = external.Any(s => s.Escapes) ? ImmutableArray<IOperation>.Empty : ImmutableArray.Create(body);
                    var region = walker.NewRegion(first.Kind, first.Construct, body, function: null, method: (IMethodSymbol)facts.Symbol, multiplicity, memberFrame, handle: null, joins: joins, code: body, bodySyntax: body.Syntax, external: first);
                    memberFrame = Frame.ForMember(body, region);
                }

                walker.Visit(body, memberFrame);
            }

            facts.Complete(walker.regions.ToImmutableArray(), walker.accesses.ToImmutableArray(), walker.initializers.ToImmutableArray());
        }

        private void Visit(IOperation operation, Frame frame)
        {
            // Deeply nested expressions: give up on the type (ConcurrencyAnalysis catches this) rather than overflow.
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
            switch (operation)
            {
                case ILocalFunctionOperation:
                case INameOfOperation:
                case ITypeOfOperation:
                    return;

                case IInvocationOperation invocation:
                    RecordIfConcurrentValue(invocation, frame);
                    AliasOutValue(invocation, frame);
                    if (KnownSymbols.IsClientStream(invocation) && invocation.WalkUpConversion(out var stream) is IInvocationOperation { Instance: { } written } && ReferenceEquals(written, stream))
                    {
                        // _tcp.GetStream().WriteAsync(..): a write to the client's connection.
                        TryRecordAccess(invocation, frame);
                    }

                    VisitInvocation(invocation, frame);
                    if (invocation is { TargetMethod.Name: "Add" or "TryAdd", Instance: { } dictionary } &&
                        invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 1)?.Value is { } added)
                    {
                        AliasPublishedValue(dictionary, added, frame);
                    }

                    return;

                case IPropertyReferenceOperation { Arguments.IsEmpty: false } indexer:
                    RecordIfConcurrentValue(indexer, frame);
                    break;

                case IForEachLoopOperation { Locals.Length: 1 } loop when SharedElementPath(loop, frame) is { IsDefault: false } element:
                    // foreach (var peer in _sockets.Values) peer.SendAsync(..): every run sends to the same sockets.
                    aliases[loop.Locals[0]] = element;
                    sendAliases.Add(loop.Locals[0]);
                    break;

                case IObjectCreationOperation or IEventAssignmentOperation when EntryPoints.IsCandidate(operation, known, configured):
                    var starts = EntryPoints.GetStarts(operation, known, configured);
                    if (!starts.IsEmpty)
                    {
                        HandleStarts(operation, starts, frame);
                        return;
                    }

                    break;

                case IFieldInitializerOperation fieldInitializer:
                    var value = fieldInitializer.Value.WalkDownConversion();
                    if (value.Type is { } initializedType)
                    {
                        foreach (var field in fieldInitializer.InitializedFields)
                        {
                            initializers.Add((new AccessPath(ImmutableArray.Create<ISymbol>(field)), initializedType));
                        }
                    }

                    break;

                case IVariableDeclaratorOperation { Initializer.Value: { } initializer } declarator:
                    if (initializer.WalkDownConversion() is IDelegateCreationOperation && IsHandedToEntryPoint(declarator.Symbol, frame.ContextRoot))
                    {
                        // Action work = () => ..; Task.Run(work): the lambda is walked as the region where it is started.
                        return;
                    }

                    if (initializer.WalkDownConversion().Type is { } declaredType)
                    {
                        initializers.Add((new AccessPath(ImmutableArray.Create<ISymbol>(declarator.Symbol)), declaredType));
                    }

                    // var list = _items;  var list = groups.GetOrAdd(k, ..);  var client = await GetClientAsync();  the local
                    // names the shared collection or send target.
                    if (AliasedPath(declarator.Symbol, initializer, frame) is { IsDefault: false } aliased)
                    {
                        aliases[declarator.Symbol] = aliased;
                        if (known.SendTargets.Any(target => known.DerivesFrom(declarator.Symbol.Type, target)))
                        {
                            sendAliases.Add(declarator.Symbol);
                        }
                    }

                    if (initializer.WalkDownConversion() is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
                    {
                        thisAliases.Add(declarator.Symbol);
                    }

                    break;

                case IConditionalOperation { Type: null } conditional when !frame.Constants.IsEmpty && ConstantTest(conditional.Condition, frame) is { } taken:
                    // if (lockHeld) .. else ..: a call site that passes a constant runs one branch only.
                    Visit(conditional.Condition, frame);
                    if ((taken ? conditional.WhenTrue : conditional.WhenFalse) is { } live)
                    {
                        Visit(live, frame);
                    }

                    return;

                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed } } stored:
                    foreach (var child in operation.ChildOperations)
                    {
                        Visit(child, frame);
                    }

                    AliasPublishedValue(indexed, stored.Value, frame);
                    return;

                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation reassigned } assignment:
                    aliases.Remove(reassigned.Local);
                    sendAliases.Remove(reassigned.Local);
                    thisAliases.Remove(reassigned.Local);

                    // PlayerState p; lock (_sync) p = _players[id];  p names the shared value from here on.
                    if (known.GetNonThreadSafeCollection(reassigned.Local.Type) is null && !known.SendTargets.Any(target => known.DerivesFrom(reassigned.Local.Type, target)) &&
                        AliasedPath(reassigned.Local, assignment.Value, frame) is { IsDefault: false } perKey)
                    {
                        aliases[reassigned.Local] = perKey;
                    }

                    break;

                case ILocalReferenceOperation:
                case IParameterReferenceOperation:
                case IFieldReferenceOperation:
                case IPropertyReferenceOperation:
                    if (TryRecordAccess(operation, frame))
                    {
                        return;
                    }

                    break;
            }

            foreach (var child in operation.ChildOperations)
            {
                Visit(child, frame);
            }
        }

        private void VisitInvocation(IInvocationOperation invocation, Frame frame)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (EntryPoints.IsCandidate(invocation, known, configured))
            {
                var starts = EntryPoints.GetStarts(invocation, known, configured);
                if (!typeContext.AnalyzerActionsRunConcurrently)
                {
                    // Analyzer callbacks run concurrently only once the analyzer enables concurrent execution.
                    starts = starts.RemoveAll(s => s.Kind == RegionKind.AnalyzerAction);
                }

                if (typeContext.TurnBased)
                {
                    // An actor's async fan-out continues on its own turn-based scheduler: interleaved, not parallel.
                    starts = starts.RemoveAll(s => s.Kind == RegionKind.AsyncFanOut);
                }

                if (!starts.IsEmpty)
                {
                    HandleStarts(invocation, starts, frame);
                    return;
                }

                if (!typeContext.TurnBased && EntryPoints.IsUnawaitedAsyncCall(invocation, known))
                {
                    var lambda = EntryPoints.AsyncLambdaOfDelegateLocal(invocation);
                    if ((lambda?.Body ?? FindBody(invocation.TargetMethod, invocation.Instance)) is { } asyncBody)
                    {
                        foreach (var child in invocation.ChildOperations)
                        {
                            Visit(child, frame);
                        }

                        StartAsyncCall(invocation, asyncBody, lambda, frame);
                        return;
                    }
                }
            }

            var target = invocation.TargetMethod;
            var body = CanEnter(target, frame) ? FindBody(target, invocation.Instance) : null;
            foreach (var child in invocation.ChildOperations)
            {
                // A variable handed to a callee that is followed is accessed where the callee uses it, not here.
                if (body is not null && child is IArgumentOperation { Parameter.RefKind: RefKind.None } argument && !PathOf(argument.Value.WalkDownConversion(), frame).IsDefault)
                {
                    continue;
                }

                // Run(() => _items.Add(x)) where Run posts the delegate to a scheduler of the program's own (an event loop
                // that is its own TaskScheduler): the delegate runs where that scheduler runs it, not here.
                if (child is IArgumentOperation { Parameter: { } delegateParameter } delegateArgument &&
                    delegateArgument.Value.GetDelegateTarget() is not null &&
                    (body ?? FindBody(target, invocation.Instance)) is { } calleeBody && ForwardsToCustomScheduler(calleeBody, delegateParameter))
                {
                    continue;
                }

                Visit(child, frame);
            }

            if (body is null)
            {
                return;
            }

            frame.Region?.AddCalleeBody(body.Syntax);
            AddLocalFunctionsOf(body);
            var outerGuards = GuardsAt(invocation, frame);
            Visit(body, new Frame(
                frame.Region,
                frame.ContextRoot,
                body,
                frame.Anchor ?? invocation,
                outerGuards,
                BindParameters(invocation, frame),
                frame.Depth + 1,
                frame.CallStack.Add(target.OriginalDefinition),
                BoolConstants(invocation)));
        }

        /// <summary>
        /// True when two starts in one other type may run the member on the same object at once: both call the object every
        /// run calls (a field, not an element each), and one of them is not waited for where it starts. (Starts in two
        /// different types hold two different objects as often as one.)
        /// </summary>
        private static bool RunsFromTwoStarts(ImmutableArray<ExternalStart> starts) =>
            starts.Where(s => s.SameObject)
                .GroupBy(s => s.StartingMember.ContainingType, SymbolEqualityComparer.Default)
                .Any(g => g.Select(s => s.Start).Distinct().Skip(1).Any() && g.Any(s => !s.JoinedWhereStarted));

        /// <summary>Makes the local functions declared in <paramref name="body"/> (a member's, or a callee's the walk enters) followable.</summary>
        private void AddLocalFunctionsOf(IOperation body)
        {
            if (!bodiesWithKnownLocalFunctions.Add(body))
            {
                return;
            }

            foreach (var localFunction in body.Descendants().OfType<ILocalFunctionOperation>())
            {
                if (!localFunctions.ContainsKey(localFunction.Symbol) && (localFunction.Body ?? localFunction.IgnoredBody) is { } localBody)
                {
                    localFunctions[localFunction.Symbol] = localBody;
                }
            }
        }

        /// <summary>The constant <c>bool</c> arguments of a call: <c>RecordCore(name, lockHeld: true)</c>.</summary>
        private static ImmutableDictionary<IParameterSymbol, bool> BoolConstants(IInvocationOperation invocation)
        {
            var constants = ImmutableDictionary<IParameterSymbol, bool>.Empty.WithComparers(SymbolEqualityComparer.Default);
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { Type.SpecialType: SpecialType.System_Boolean } parameter && argument.Value.WalkDownConversion().ConstantValue is { HasValue: true, Value: bool value })
                {
                    constants = constants.SetItem(parameter.OriginalDefinition, value);
                }
            }

            return constants;
        }

        /// <summary>The value of a test of <c>p</c> (<c>p</c>, <c>!p</c>, <c>false == p</c>) when the frame's call site passed a constant for <c>p</c>; null otherwise.</summary>
        private static bool? ConstantTest(IOperation condition, Frame frame) =>
            Guards.BoolParameterTest(condition) is ({ } parameter, var whenTrue) && frame.Constants.TryGetValue(parameter.OriginalDefinition, out var value)
                ? value == whenTrue
                : null;

        private void HandleStarts(IOperation operation, ImmutableArray<EntryPointStart> starts, Frame frame)
        {
            var delegateValues = new HashSet<IOperation>(starts.Select(s => s.DelegateValue));
            VisitExcept(operation, delegateValues, frame);

            foreach (var start in starts)
            {
                var target = start.DelegateValue.GetDelegateTarget();
                var method = (target as IMethodReferenceOperation)?.Method;
                var function = target as IAnonymousFunctionOperation;
                var body = function?.Body ?? (method is null ? null : FindBody(method, (target as IMethodReferenceOperation)?.Instance));

                var startOperation = start.Start;
                ISymbol? handle;
                ImmutableArray<IOperation> joins;
                if (start.JoinedAtStart)
                {
                    (handle, joins) = (null, ImmutableArray.Create(operation));
                }
                else
                {
                    (handle, joins) = Joins.Resolve(start.Kind == RegionKind.AsyncFanOut ? operation : startOperation, frame.ContextRoot, known);
                    if (start.Kind is RegionKind.Thread or RegionKind.NewTask && handle is not null)
                    {
                        startOperation = FindStartCall(handle, frame.GuardRoot) ?? FindStartCall(handle, frame.ContextRoot) ?? startOperation;
                    }

                    if (body is not null)
                    {
                        joins = joins.AddRange(Joins.FindSignalJoins(body, frame.ContextRoot, known));
                    }
                }

                var antecedent = start.Kind == RegionKind.ContinueWith && operation is IInvocationOperation { Instance: { } continued }
                    ? FindRegionOf(continued.WalkDownConversion())
                    : null;
                var region = NewRegion(
                    start.Kind,
                    RegionKinds.ConstructName(start.Kind, start.Entry, method),
                    startOperation,
                    function: function,
                    method: method,
                    start.Multiplicity,
                    frame,
                    handle: handle,
                    joins: joins,
                    code: body,
                    bodySyntax: function?.Syntax ?? body?.Syntax,
                    partitionIndex: start.PartitionIndex,
                    antecedent: antecedent);
                if (function is not null)
                {
                    Visit(function.Body, RegionFrame(region, function, function.Body, frame));
                }
                else if (body is not null && method is not null && CanEnter(method, frame))
                {
                    // A method group runs the method's body as the region (bounded: a method may start itself again).
                    AddLocalFunctionsOf(body);
                    Visit(body, new Frame(region, body, body, null, GuardSet.Empty, frame.Substitution, frame.Depth + 1, frame.CallStack.Add(method.OriginalDefinition)));
                }
            }
        }

        private void StartAsyncCall(IInvocationOperation invocation, IOperation body, IAnonymousFunctionOperation? lambda, Frame frame)
        {
            var (handle, joins) = Joins.Resolve(invocation, frame.ContextRoot, known);
            if (lambda is not null)
            {
                // work(1) of `var work = async (int id) => ..`: the lambda runs as the region; its parameters are its own.
                var name = ((ILocalReferenceOperation)invocation.Instance!.WalkDownConversion()).Local.Name;
                var lambdaRegion = NewRegion(RegionKind.AsyncFanOut, "concurrent call to '" + name + "'", invocation, function: lambda, method: null, Multiplicity.Once, frame, handle: handle, joins: joins, code: body, bodySyntax: lambda.Syntax);
                Visit(body, RegionFrame(lambdaRegion, lambda, body, frame));
                return;
            }

            var method = invocation.TargetMethod;
            var region = NewRegion(RegionKind.AsyncFanOut, "concurrent call to '" + method.Name + "'", invocation, function: null, method: method, Multiplicity.Once, frame, handle: handle, joins: joins, code: body, bodySyntax: body.Syntax);
            if (CanEnter(method, frame))
            {
                guardsAtAsyncStart[region] = GuardsAt(invocation, frame);
                AddLocalFunctionsOf(body);
                Visit(body, new Frame(region, body, body, null, GuardSet.Empty, BindParameters(invocation, frame), frame.Depth + 1, frame.CallStack.Add(method.OriginalDefinition)));
            }
        }

        /// <summary>True when <paramref name="body"/> hands its delegate parameter to a task started on a custom scheduler.</summary>
        private bool ForwardsToCustomScheduler(IOperation body, IParameterSymbol parameter) =>
            body.DescendantsOutsideFunctions().OfType<IInvocationOperation>().Any(call =>
                EntryPoints.HasCustomScheduler(call, known) &&
                call.DescendantsAndSelf().OfType<IParameterReferenceOperation>().Any(p => SymbolEqualityComparer.Default.Equals(p.Parameter.OriginalDefinition, parameter.OriginalDefinition)));

        /// <summary>True when the walk may enter <paramref name="method"/>'s body: within the depth bound and not already on the call stack.</summary>
        private static bool CanEnter(IMethodSymbol method, Frame frame) =>
            frame.Depth < MaxCallDepth && !frame.CallStack.Contains(method.OriginalDefinition);

        private ConcurrentRegion NewRegion(
            RegionKind kind,
            string construct,
            IOperation start,
            IOperation? function,
            IMethodSymbol? method,
            Multiplicity multiplicity,
            Frame frame,
            ISymbol? handle,
            ImmutableArray<IOperation> joins,
            IOperation? code,
            SyntaxNode? bodySyntax,
            IParameterSymbol? partitionIndex = null,
            ConcurrentRegion? antecedent = null,
            ExternalStart? external = null)
        {
            var placement = regionPolicy.Place(kind, start, handle, joins, code, multiplicity, frame.Anchor, frame.ContextRoot, frame.GuardRoot);
            var region = new ConcurrentRegion(
                kind,
                construct,
                start,
                body: function,
                method: method,
                code: code,
                parent: frame.Region,
                startingMember: facts.Symbol,
                placement: placement,
                bodySyntax: bodySyntax,
                partitionIndex: partitionIndex,
                antecedent: antecedent,
                external: external);
            regions.Add(region);
            return region;
        }

        /// <summary>True when a delegate local is passed to an entry point, or invoked without await, somewhere in <paramref name="root"/>.</summary>
        private bool IsHandedToEntryPoint(ILocalSymbol local, IOperation root) =>
            root.Descendants().OfType<ILocalReferenceOperation>().Any(reference =>
                SymbolEqualityComparer.Default.Equals(reference.Local, local) &&
                reference.WalkUpConversion(out var child) switch
                {
                    IArgumentOperation { Parent: { } call } => EntryPoints.IsCandidate(call, known, configured) && !EntryPoints.GetStarts(call, known, configured).IsEmpty,
                    IInvocationOperation invoke when ReferenceEquals(invoke.Instance, child) => EntryPoints.IsUnawaitedAsyncCall(invoke, known),
                    _ => false,
                });

        /// <summary>The region a task expression belongs to: the start itself, or a handle that holds it.</summary>
        private ConcurrentRegion? FindRegionOf(IOperation task)
        {
            var symbol = task.ReferencedSymbol();
            return regions.LastOrDefault(r => ReferenceEquals(r.Start, task) || (symbol is not null && SymbolEqualityComparer.Default.Equals(r.Handle, symbol)));
        }

        private static Frame RegionFrame(ConcurrentRegion region, IOperation guardRoot, IOperation contextRoot, Frame outer) =>
            new Frame(region, contextRoot, guardRoot, null, GuardSet.Empty, outer.Substitution, outer.Depth, outer.CallStack);

        private void VisitExcept(IOperation operation, HashSet<IOperation> skip, Frame frame)
        {
            foreach (var child in operation.ChildOperations)
            {
                if (skip.Contains(child))
                {
                    continue;
                }

                if (child.Descendants().Any(skip.Contains))
                {
                    VisitExcept(child, skip, frame);
                }
                else
                {
                    Visit(child, frame);
                }
            }
        }

        private static IOperation? FindStartCall(ISymbol handle, IOperation root) =>
            root.DescendantsOutsideFunctions().OfType<IInvocationOperation>().FirstOrDefault(i =>
                i.TargetMethod.Name == "Start" && i.Instance is { } instance && SymbolEqualityComparer.Default.Equals(instance.ReferencedSymbol(), handle));

        /// <summary>The body of a local function, or of a method of this type called on <c>this</c> (or static).</summary>
        private IOperation? FindBody(IMethodSymbol method, IOperation? instance)
        {
            method = method.OriginalDefinition;
            if (method.MethodKind == MethodKind.LocalFunction)
            {
                return localFunctions.TryGetValue(method, out var local) ? local : null;
            }

            if (instance is not null && !IsThis(instance))
            {
                return null;
            }

            return findMethodBody(method);
        }

        /// <summary>True for <c>this</c>, or a local that holds it (<c>var self = this;</c>).</summary>
        private bool IsThis(IOperation instance) =>
            instance.WalkDownConversion() is IInstanceReferenceOperation || (instance.WalkDownConversion() is ILocalReferenceOperation local && thisAliases.Contains(local.Local));

        private sealed class Frame
        {
            public Frame(ConcurrentRegion? region, IOperation contextRoot, IOperation guardRoot, IOperation? anchor, GuardSet outerGuards, ImmutableDictionary<IParameterSymbol, AccessPath> substitution, int depth, ImmutableHashSet<IMethodSymbol> callStack, ImmutableDictionary<IParameterSymbol, bool>? constants = null)
            {
                Constants = constants ?? ImmutableDictionary<IParameterSymbol, bool>.Empty;
                Region = region;
                ContextRoot = contextRoot;
                GuardRoot = guardRoot;
                Anchor = anchor;
                OuterGuards = outerGuards;
                Substitution = substitution;
                Depth = depth;
                CallStack = callStack.WithComparer(SymbolEqualityComparer.Default);
            }

            /// <summary>The frame for a member's own body.</summary>
            public static Frame ForMember(IOperation body, ConcurrentRegion? region) =>
                new Frame(region, body, body, null, GuardSet.Empty, ImmutableDictionary<IParameterSymbol, AccessPath>.Empty, 0, ImmutableHashSet<IMethodSymbol>.Empty);

            /// <summary>The innermost region the walk is in; null in the member's own code.</summary>
            public ConcurrentRegion? Region { get; }

            /// <summary>The body whose statements order the starts and joins met here.</summary>
            public IOperation ContextRoot { get; }

            /// <summary>Where guard look-ups stop: the lambda or method body being walked.</summary>
            public IOperation GuardRoot { get; }

            /// <summary>The call site in the region's (or member's) own body when walking an inlined callee.</summary>
            public IOperation? Anchor { get; }

            /// <summary>Guards held at the call sites leading into an inlined callee.</summary>
            public GuardSet OuterGuards { get; }

            public ImmutableDictionary<IParameterSymbol, AccessPath> Substitution { get; }

            public int Depth { get; }

            public ImmutableHashSet<IMethodSymbol> CallStack { get; }

            /// <summary>The <c>bool</c> parameters of an inlined callee that its call site passes as constants (<c>lockHeld: true</c>).</summary>
            public ImmutableDictionary<IParameterSymbol, bool> Constants { get; }
        }
    }
}
