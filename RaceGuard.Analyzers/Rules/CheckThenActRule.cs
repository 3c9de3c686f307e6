using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Diagnostics;

namespace RaceGuard.Rules
{
    /// <summary>
    /// RG0006: a check (<c>ContainsKey</c>, <c>TryGetValue</c>, <c>Contains</c>) followed by an act on the same key
    /// (<c>Add</c>, <c>TryAdd</c>, an indexer set, <c>TryRemove</c>) of a thread-safe dictionary or set, or of a collection
    /// whose check and act each hold the lock but not together, in code that may run in parallel with itself: another
    /// thread may change the collection between the two steps.
    /// </summary>
    public sealed class CheckThenActRule : RaceRule
    {
        private static readonly ImmutableHashSet<string> CheckNames = ImmutableHashSet.Create("ContainsKey", "TryGetValue", "Contains");

        private static readonly ImmutableHashSet<string> ActNames = ImmutableHashSet.Create("Add", "TryAdd", "Remove", "TryRemove", "TryUpdate", "AddOrUpdate", "GetOrAdd");

        public override DiagnosticDescriptor Descriptor => Descriptors.CheckThenAct;

        public override void Analyze(RuleContext context)
        {
            var facts = context.Facts;
            var known = context.Known;
            foreach (var entry in facts.AccessesByPath)
            {
                ReportBoundCheckThenIncrement(context, entry.Value);
                ReportStateCheckThenAct(context, entry.Value);
                var type = entry.Key.Type;
                var concurrent = known.IsThreadSafeType(type);
                if (type is null || (!concurrent && known.GetNonThreadSafeCollection(type) is null))
                {
                    continue;
                }

                // The checks by the member and region they run in (a check controls only an act of its own code), last first.
                var checks = entry.Value
                    .Where(a => a.Via == AccessVia.Call && a.MemberName is { } name && CheckNames.Contains(name))
                    .OrderByDescending(c => c.ReportOperation.Syntax.SpanStart)
                    .ToLookup(c => (c.Member, c.Region));
                var reported = new HashSet<Location>();
                if (concurrent)
                {
                    ReportValueUpdates(context, entry.Value, type, reported);
                    ReportFactoriesThatMayRunTwice(context, entry.Value, type, reported);
                }

                if (checks.Count == 0)
                {
                    continue;
                }

                foreach (var act in entry.Value)
                {
                    var actName = ActName(act);
                    if (actName is null || reported.Contains(act.Location) || CheckControlling(act, checks) is not { } check ||
                        (concurrent && !ActsOnTheCheckAlone(actName, check, act)) || ReleasesOwnClaim(act, actName, entry.Value) ||
                        (!concurrent && actName == "the indexer" && check.MemberName == "TryGetValue" && StoresAValue(act) && IsIdempotentFill(act)))
                    {
                        continue;
                    }

                    // On a plain collection the finding is two locks where one is needed; an unlocked race is RG0001's.
                    if (concurrent ? ParallelismQuery.CommonGuard(check, act) is not null : !InSeparateLocks(check, act))
                    {
                        continue;
                    }

                    if (!MayRunConcurrently(act, facts))
                    {
                        continue;
                    }

                    reported.Add(act.Location);
                    var fix = concurrent ? FixFor(check.MemberName!, actName) : CheckThenActFix.MergeLocks;
                    var race = RaceDiagnostic.At(act, null, new[] { check.Location });
                    context.ReportDiagnostic(race.Create(
                        Descriptor,
                        PropertiesFor(race, context.Known, fix),
                        act.Path.DisplayName,
                        type.ToMessageString(),
                        TwoSteps("checked with " + check.MemberName + "() and then changed with " + actName + (actName == "the indexer" ? string.Empty : "()"), act),
                        concurrent ? (MessagePart)fix.ToString() : new MessagePart("one lock around the check and the act", "one lock around both")));
                }
            }
        }

        /// <summary>
        /// The value a <c>TryAdd</c> stores is an object with an identity (not a number, flag, struct or string): two callers
        /// who each keep the one they made hold different objects; equal values computed twice are interchangeable.
        /// </summary>
        private static bool StoresAnObject(SharedAccess act) =>
            act.ReportOperation is IInvocationOperation { Arguments.Length: 2 } call &&
            call.Arguments.OrderBy(a => a.Syntax.SpanStart).Last().Value.WalkDownConversion().Type is { IsReferenceType: true, SpecialType: not SpecialType.System_String };

        /// <summary>
        /// <c>_downloads.GetOrAdd(url, u => DownloadAsync(u))</c>: under contention <c>GetOrAdd</c> runs the factory on
        /// every thread that missed and keeps one result, so work a factory starts (a task, a thread, a timer) runs twice
        /// and a resource it opens (a connection, a stream, a client) leaks. Cheap values and light synchronisation
        /// objects (<c>new SemaphoreSlim(1, 1)</c> per key: the one stored is the one every caller gets) are fine.
        /// </summary>
        private void ReportFactoriesThatMayRunTwice(RuleContext context, ImmutableArray<SharedAccess> accesses, ITypeSymbol type, HashSet<Location> reported)
        {
            foreach (var act in accesses)
            {
                if (act.Via != AccessVia.Call || act.MemberName != "GetOrAdd" || reported.Contains(act.Location) ||
                    act.ReportOperation is not IInvocationOperation { Arguments.Length: >= 2 } call ||
                    call.Arguments.OrderBy(a => a.Syntax.SpanStart).ElementAt(1).Value.WalkDownConversion() is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation factory } ||
                    FactoryEffect(factory, context.Known) is not { } effect || !MayRunConcurrently(act, context.Facts))
                {
                    continue;
                }

                reported.Add(act.Location);
                var valueType = (type as INamedTypeSymbol)?.TypeArguments.LastOrDefault();
                var race = RaceDiagnostic.At(act, null, Enumerable.Empty<Location>());
                context.ReportDiagnostic(race.Create(
                    Descriptor,
                    PropertiesFor(race, context.Known, CheckThenActFix.LazyValues),
                    act.Path.DisplayName,
                    type.ToMessageString(),
                    RaceDiagnostic.PlaceOf(act).Map(place => "filled by GetOrAdd() " + place + " with a factory that " + effect + " and may run on several threads"),
                    "Lazy<" + (valueType?.ToMessageString() ?? "T") + "> values"));
            }
        }

        /// <summary>What a <c>GetOrAdd</c> factory does that must not happen twice ("starts work", "opens a resource"), or null.</summary>
        private static string? FactoryEffect(IAnonymousFunctionOperation factory, KnownSymbols known)
        {
            foreach (var operation in factory.Body.DescendantsOutsideFunctions())
            {
                switch (operation)
                {
                    case IReturnOperation { ReturnedValue: { } returned } when returned.WalkDownConversion() is IInvocationOperation started &&
                                                                              started.Type is INamedTypeSymbol { Name: "Task" or "ValueTask" }:
                        return "starts work (" + started.TargetMethod.Name + ")";
                    case IObjectCreationOperation { Type: INamedTypeSymbol created } when OpensAResource(created):
                        return "opens a " + created.Name;
                    case IInvocationOperation { TargetMethod: var method } when StartedWork(method) is { } started:
                        return started;
                    case IInvocationOperation { TargetMethod: { Name: "Start" or "StartAsync" or "Run" or "RunAsync" } method } when StartsWorkInItsBody(method, known):
                        return "starts work (" + method.Name + ")";
                }
            }

            return null;
        }

        /// <summary>What <c>thread.Start()</c>, <c>Task.Run</c>, <c>Task.Factory.StartNew</c> or <c>ThreadPool.QueueUserWorkItem</c> starts; null for other calls.</summary>
        private static string? StartedWork(IMethodSymbol method)
        {
            if (method.ContainingType?.ContainingNamespace?.ToDisplayString() is not ("System.Threading" or "System.Threading.Tasks"))
            {
                return null;
            }

            return (method.ContainingType.Name, method.Name) switch
            {
                ("Thread", "Start") => "starts a thread",
                ("Task", "Run") or ("TaskFactory", "StartNew") => "starts a task",
                ("ThreadPool", "QueueUserWorkItem" or "UnsafeQueueUserWorkItem") => "queues a work item",
                _ => null,
            };
        }

        /// <summary>
        /// A method of the program (<c>new FeedPoller(url).Start()</c>) whose own body starts a region the model knows (a
        /// task, thread, timer or work item). Asked only of the calls a <c>GetOrAdd</c> factory makes.
        /// </summary>
        private static bool StartsWorkInItsBody(IMethodSymbol method, KnownSymbols known) =>
            method.DeclaringSyntaxReferences.Length > 0 && known.Compilation.DeclarationOperationOf(method.OriginalDefinition) is { } body &&
            body.DescendantsOutsideFunctions().Any(operation => EntryPoints.StartsRegion(operation, known, ImmutableHashSet<string>.Empty));

        /// <summary>A disposable that holds a real resource or runs something (not a light synchronisation object or an in-memory stream).</summary>
        private static bool OpensAResource(INamedTypeSymbol type) =>
            type.IsDisposable() &&
            type.Name is not ("SemaphoreSlim" or "CancellationTokenSource" or "ManualResetEventSlim" or "CountdownEvent" or "MemoryStream" or "StringWriter" or "StringReader" or "ReaderWriterLockSlim");

        /// <summary>
        /// A capacity race: <c>if (_active >= Max) return false; Interlocked.Increment(ref _active);</c>. Each step is atomic,
        /// the pair is not: two callers both see room for one more and both take it. Reported at the increment.
        /// </summary>
        private void ReportBoundCheckThenIncrement(RuleContext context, ImmutableArray<SharedAccess> accesses)
        {
            foreach (var act in accesses)
            {
                if (act.Via != AccessVia.ReferenceArgument || act.Operation.Parent is not IArgumentOperation { Parent: IInvocationOperation increment } ||
                    increment.TargetMethod.Name is not ("Increment" or "Add") || !context.Known.IsType(increment.TargetMethod.ContainingType, context.Known.Interlocked) ||
                    increment.Arguments.Length == 0 || !ReferenceEquals(increment.Arguments[0].Value.WalkDownConversion(), act.Operation))
                {
                    continue;
                }

                var check = accesses.FirstOrDefault(c =>
                    c.Kind == AccessKind.Read && ReferenceEquals(c.Member, act.Member) && ReferenceEquals(c.Region, act.Region) &&
                    c.Operation.Syntax.SyntaxTree == increment.Syntax.SyntaxTree && c.Operation.Syntax.Span.End <= increment.Syntax.SpanStart &&
                    IsBoundComparison(c.Operation) && Controls(c.Operation, increment) && ParallelismQuery.CommonGuard(c, act) is null);
                if (check is null || !MayRunConcurrently(act, context.Facts))
                {
                    continue;
                }

                var race = RaceDiagnostic.At(act, increment.Syntax.GetLocation(), new[] { check.Operation.Syntax.GetLocation() });
                context.ReportDiagnostic(race.Create(
                    Descriptor,
                    PropertiesFor(race, context.Known, CheckThenActFix.CompareExchangeLoop),
                    act.Path.DisplayName,
                    act.Path.Type!.ToMessageString(),
                    TwoSteps("checked against a bound and then changed with Interlocked." + increment.TargetMethod.Name + "()", act),
                    "a CompareExchange loop that re-checks the bound"));
            }
        }

        /// <summary>The calls that end what a state check tests: after them, an Add throws.</summary>
        private static readonly ImmutableHashSet<string> EndingNames = ImmutableHashSet.Create("CompleteAdding", "Complete", "Close", "Shutdown", "Stop", "Dispose");

        /// <summary>The acts that throw (or are lost) once the state a check tested has ended.</summary>
        private static readonly ImmutableHashSet<string> StateActNames = ImmutableHashSet.Create("Add", "Enqueue", "Post", "Push", "Write");

        /// <summary>
        /// A state check then an act on an object that is thread-safe call by call: <c>if (!_queue.IsAddingCompleted)
        /// _queue.Add(item);</c> while another thread may call <c>CompleteAdding()</c> in between, so the <c>Add</c> throws.
        /// The object is a thread-safe collection or a type of the program that locks its own state; some code of this
        /// type ends it (<c>CompleteAdding</c>, <c>Complete</c>, <c>Close</c>, ...). Reported at the act, advice only.
        /// </summary>
        private void ReportStateCheckThenAct(RuleContext context, ImmutableArray<SharedAccess> accesses)
        {
            var type = accesses[0].Path.Type;
            if (!(context.Known.IsThreadSafeType(type) || context.Known.SynchronisesItself(type)))
            {
                return;
            }

            static bool Ends(SharedAccess a) => a.Via == AccessVia.Call && a.MemberName is { } name && EndingNames.Contains(name);
            if (!accesses.Any(Ends))
            {
                return;
            }

            foreach (var act in accesses)
            {
                if (act.Via != AccessVia.Call || act.MemberName is not { } actName || !StateActNames.Contains(actName) || act.ReportOperation.Parent is not IExpressionStatementOperation)
                {
                    continue;
                }

                var check = accesses.FirstOrDefault(c =>
                    c.Via == AccessVia.Property && c.Kind == AccessKind.Read && c.MemberName is { } state && IsStateTest(state) &&
                    c.ReportOperation is IPropertyReferenceOperation { Type.SpecialType: SpecialType.System_Boolean } &&
                    ReferenceEquals(c.Member, act.Member) && ReferenceEquals(c.Region, act.Region) &&
                    c.ReportOperation.Syntax.SyntaxTree == act.ReportOperation.Syntax.SyntaxTree && c.ReportOperation.Syntax.Span.End <= act.ReportOperation.Syntax.SpanStart &&
                    Controls(c.ReportOperation, act.ReportOperation));
                var endedBy = accesses.FirstOrDefault(e =>
                    Ends(e) && !(ReferenceEquals(e.Member, act.Member) && ReferenceEquals(e.Region, act.Region)) &&
                    ParallelismQuery.CommonGuard(e, act) is null &&
                    // The shutdown that ends the queue is what users race with here (a log call during Dispose).
                    (ParallelismQuery.MayRunInParallel(act, e) || (e.Region is null && Lifecycle.IsShutdown(e.Member.Symbol) && MayRunConcurrently(act, context.Facts))));
                if (check is null || endedBy is null || ParallelismQuery.CommonGuard(check, act) is not null)
                {
                    continue;
                }

                var race = RaceDiagnostic.At(act, null, new[] { check.Location, endedBy.Location });
                context.ReportDiagnostic(race.Create(
                    Descriptor,
                    PropertiesFor(race, context.Known, CheckThenActFix.StateCheck),
                    act.Path.DisplayName,
                    act.Path.Type!.ToMessageString(),
                    TwoSteps("checked with " + check.MemberName + " and then changed with " + actName + "()", act),
                    AdviceForState(act.Path.Type, actName, endedBy)));
            }
        }

        /// <summary>"TryAdd() (CompleteAdding() in Dispose() may run in between)", without the reason when the message runs long.</summary>
        private static MessagePart AdviceForState(ITypeSymbol? type, string actName, SharedAccess endedBy)
        {
            var advice = type is not null && type.GetMembers("Try" + actName).Any() ? "Try" + actName + "()" : "one locked call that checks and acts";
            return new MessagePart(advice + " (" + endedBy.MemberName + "() " + RaceDiagnostic.PlaceOf(endedBy).Brief + " may run in between)", advice);
        }

        /// <summary>A property that tests a state that can end: <c>IsAddingCompleted</c>, <c>IsCompleted</c>, <c>IsClosed</c>, <c>IsDisposed</c>, <c>IsRunning</c>.</summary>
        private static bool IsStateTest(string property) =>
            property is "IsAddingCompleted" or "IsCompleted" or "IsClosed" or "IsDisposed" or "IsRunning" or "IsOpen" or "IsStopped" or "IsShutdown" or "IsAlive";

        /// <summary>The read is one side of <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c> or <c>&gt;=</c> (a bound), directly or through <c>Volatile.Read</c>.</summary>
        private static bool IsBoundComparison(IOperation read)
        {
            var value = read.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Read" } volatileRead } ? volatileRead : read;
            return value.WalkUpConversion(out _) is IBinaryOperation
            {
                OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual,
            };
        }

        /// <summary>
        /// <c>d[k] = d[k] + 1</c>, <c>d[k] += n</c>, <c>d[k]++</c>, <c>d[k] = d.TryGetValue(k, out var c) ? c + 1 : 1</c> on a
        /// concurrent dictionary: the value is read and written back in two steps, and a concurrent update is lost.
        /// </summary>
        private void ReportValueUpdates(RuleContext context, System.Collections.Immutable.ImmutableArray<SharedAccess> accesses, ITypeSymbol type, HashSet<Location> reported)
        {
            foreach (var act in accesses)
            {
                if (act.Via != AccessVia.Indexer || act.Kind != AccessKind.MutatingCall || reported.Contains(act.Location) || KeyOf(act.ReportOperation) is not { } key)
                {
                    continue;
                }

                string? check = act.ReportOperation switch
                {
                    ICompoundAssignmentOperation or IIncrementOrDecrementOperation => "the indexer",
                    ISimpleAssignmentOperation { Value: var value } when value.DescendantsAndSelf().Any(o =>
                        o is IPropertyReferenceOperation { Arguments.Length: > 0 } read && !ReferenceEquals(read, ((ISimpleAssignmentOperation)act.ReportOperation).Target) &&
                        SameVariable(read.Instance, act) && read.Arguments[0].Value.Syntax.IsEquivalentTo(key, topLevel: false)) => "the indexer",
                    ISimpleAssignmentOperation { Value: var conditional } when conditional.DescendantsAndSelf().OfType<IInvocationOperation>().Any(i =>
                        i.TargetMethod.Name == "TryGetValue" && SameVariable(i.Instance, act) && i.Arguments.Length > 0 &&
                        i.Arguments.OrderBy(a => a.Syntax.SpanStart).First().Value.Syntax.IsEquivalentTo(key, topLevel: false)) => "TryGetValue()",
                    _ => null,
                };
                if (check is null || !MayRunConcurrently(act, context.Facts))
                {
                    continue;
                }

                reported.Add(act.Location);
                var race = RaceDiagnostic.At(act, null, Enumerable.Empty<Location>());
                context.ReportDiagnostic(race.Create(
                    Descriptor,
                    PropertiesFor(race, context.Known, CheckThenActFix.AddOrUpdate),
                    act.Path.DisplayName,
                    type.ToMessageString(),
                    TwoSteps("read with " + check + " and written back with the indexer", act),
                    "AddOrUpdate"));
            }
        }

        /// <summary>
        /// An indexer set of a value or string (<c>_hashes[path] = hash</c>): two threads that both missed store equal
        /// values. An object is a new identity each time (<c>_constants[name] = new object()</c>): callers keep different ones.
        /// </summary>
        private static bool StoresAValue(SharedAccess act) =>
            act.ReportOperation is ISimpleAssignmentOperation { Value.Type: { } stored } && (stored.IsValueType || stored.SpecialType == SpecialType.System_String);

        /// <summary>True when <paramref name="instance"/> reads the same variable as <paramref name="access"/>.</summary>
        private static bool SameVariable(IOperation? instance, SharedAccess access) =>
            instance?.ReferencedSymbol() is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, access.Path.Last);

        /// <summary>
        /// On a concurrent collection, an act that trusts the check: an indexer set or <c>Add</c> (they overwrite or throw
        /// whatever happened since the check), or a <c>TryAdd</c>/<c>TryRemove</c> whose result is ignored after a
        /// <c>ContainsKey</c>/<c>Contains</c> (the code branches on the check, not on the atomic call), or after a
        /// <c>TryGetValue</c> miss with a value that depends on more than the key (the caller keeps its own value when
        /// another's was stored). <c>GetOrAdd</c>, <c>AddOrUpdate</c>, <c>TryUpdate</c>, and memo fills from the key alone,
        /// are atomic or idempotent on their own.
        /// </summary>
        private static bool ActsOnTheCheckAlone(string act, SharedAccess check, SharedAccess access) => act switch
        {
            "the indexer" => !(check.MemberName == "TryGetValue" && IsIdempotentFill(access)),
            "Add" => true,
            "TryAdd" or "TryRemove" when check.MemberName is "ContainsKey" or "Contains" => access.ReportOperation.Parent is IExpressionStatementOperation,
            // if (!_map.TryGetValue(k, out v)) { v = Create(k, other); _map.TryAdd(k, v); } return v;  the caller keeps its
            // own v even when another thread's value was stored: two callers hold two different objects for one key.
            "TryAdd" when check.MemberName == "TryGetValue" => access.ReportOperation.Parent is IExpressionStatementOperation && StoresAnObject(access) && !IsIdempotentFill(access),
            _ => false,
        };

        /// <summary>
        /// A <c>Remove</c>/<c>TryRemove</c> in a <c>finally</c> that gives back the entry the same code added before the
        /// <c>try</c> or in it (<c>_inProgress[user] = true; try { .. } finally { _inProgress.TryRemove(user, out _); }</c>):
        /// it removes what this run claimed whatever the check said, so it acts on nothing the check decided. The claim is
        /// where a race can be, and is reported on its own.
        /// </summary>
        private static bool ReleasesOwnClaim(SharedAccess act, string actName, ImmutableArray<SharedAccess> accesses)
        {
            if (actName is not ("Remove" or "TryRemove") || KeyOf(act.ReportOperation) is not { } key)
            {
                return false;
            }

            ITryOperation? @try = null;
            for (var parent = act.ReportOperation.Parent; parent is not null && parent is not IAnonymousFunctionOperation and not ILocalFunctionOperation; parent = parent.Parent)
            {
                if (parent is ITryOperation { Finally: { } @finally } candidate && @finally.Syntax.Span.Contains(act.ReportOperation.Syntax.Span))
                {
                    @try = candidate;
                    break;
                }
            }

            return @try is not null && accesses.Any(claim =>
                ReferenceEquals(claim.Member, act.Member) && ReferenceEquals(claim.Region, act.Region) &&
                ActName(claim) is "the indexer" or "Add" or "TryAdd" or "GetOrAdd" or "AddOrUpdate" &&
                claim.ReportOperation.Syntax.SyntaxTree == @try.Syntax.SyntaxTree &&
                claim.ReportOperation.Syntax.SpanStart < @try.Finally!.Syntax.SpanStart &&
                KeyOf(claim.ReportOperation) is { } claimKey && claimKey.IsEquivalentTo(key, topLevel: false));
        }

        /// <summary>
        /// A memo cache filled after a <c>TryGetValue</c> miss with a value computed from the key alone
        /// (<c>_cache[key] = Parse(key)</c>): two threads that both miss store equal values, nothing is lost (docs/RG0006.md).
        /// Not a constant (<c>_counts[key] = 1</c>, <c>_inProgress[id] = true</c>: a count or a claim, whose
        /// check decides what the caller may do), not a value that must be disposed or is running work (a <c>Task</c>,
        /// <c>Thread</c>, <c>Timer</c>), not one that uses a variable other than the key.
        /// </summary>
        private static bool IsIdempotentFill(SharedAccess act)
        {
            var stored = act.ReportOperation switch
            {
                ISimpleAssignmentOperation assignment => assignment.Value,
                IInvocationOperation { TargetMethod.Name: "TryAdd" } call when call.Arguments.Length == 2 => call.Arguments.OrderBy(a => a.Syntax.SpanStart).Last().Value,
                _ => null,
            };
            if (stored is not { } value || KeyOf(act.ReportOperation) is not { } key)
            {
                return false;
            }

            value = value.WalkDownConversion();
            if (value.ConstantValue.HasValue)
            {
                return false;
            }

            var root = act.ReportOperation;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            var collection = act.ReportOperation switch
            {
                ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Instance: { } instance } } => instance.Syntax,
                IInvocationOperation { Instance: { } receiver } => receiver.Syntax,
                _ => null,
            };
            return FromKeyAlone(value, new Derivation(key, collection, root, act.ReportOperation), new HashSet<ISymbol>(SymbolEqualityComparer.Default), depth: 0);
        }

        /// <summary>What a stored value may be computed from: the key; where the member's code is; where the act stands.</summary>
        private sealed class Derivation
        {
            public Derivation(SyntaxNode key, SyntaxNode? collection, IOperation root, IOperation act)
            {
                Key = key;
                Collection = collection;
                Root = root;
                Act = act;
            }

            public SyntaxNode Key { get; }

            /// <summary>The dictionary the act stores into: a value read from it is the previous value, not the key's.</summary>
            public SyntaxNode? Collection { get; }

            public IOperation Root { get; }

            public IOperation Act { get; }
        }

        /// <summary>
        /// True when <paramref name="value"/> is computed from the key, constants and the instance's fields alone, following
        /// locals to every value they are given in the member (an assignment, an <c>out</c> argument of a call on the key, a
        /// pattern); nothing that holds resources or starts work.
        /// </summary>
        private static bool FromKeyAlone(IOperation value, Derivation derivation, HashSet<ISymbol> followed, int depth)
        {
            foreach (var operation in value.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IObjectCreationOperation creation when HoldsResources(creation.Type):
                        return false;
                    case IInvocationOperation call when (HoldsResources(call.Type) && !IsAwaited(call)) || call.TargetMethod.Name is "Run" or "StartNew" or "Start":
                        return false;
                    case ILocalReferenceOperation or IParameterReferenceOperation when operation.Syntax.IsEquivalentTo(derivation.Key, topLevel: false) || DeclaredWithin(operation, value):
                        continue;
                    case ILocalReferenceOperation { Parent: ISimpleAssignmentOperation written } when ReferenceEquals(written.Target, operation):
                        // _cache[key] = value = Load(key): the local is given the value, not read.
                        continue;
                    case IParameterReferenceOperation { Parameter.Type: { Name: "CancellationToken", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } }:
                        // await LoadAsync(key, token): how long to wait, not what is loaded.
                        continue;
                    case IParameterReferenceOperation { Parameter.Type.TypeKind: TypeKind.Delegate, Parent: IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } factoryCall }
                        when ReferenceEquals(factoryCall.Instance, operation):
                        // value = factory(key): the caller's factory, as GetOrAdd(key, factory) would run it (its arguments are
                        // checked like any others).
                        continue;
                    case IParameterReferenceOperation:
                        return false;
                    case ILocalReferenceOperation local when !followed.Add(local.Local):
                        continue;
                    case ILocalReferenceOperation local:
                        var definitions = DefinitionsOf(local.Local, derivation);
                        if (depth >= 3 || definitions is null || definitions.Count == 0 || !definitions.All(d => FromKeyAlone(d, derivation, followed, depth + 1)))
                        {
                            return false;
                        }

                        break;
                }
            }

            return !HoldsResources(value.Type);
        }

        /// <summary>The values stored in a local before the act: the assignment right before it, else every initialiser and assignment (their values), calls that set it as an <c>out</c> argument (their other arguments), patterns (the tested value).</summary>
        private static List<IOperation>? DefinitionsOf(ILocalSymbol local, Derivation derivation)
        {
            // value = Parse(key); right before the act, in a block around it: that assignment is the value stored.
            var child = derivation.Act;
            for (var parent = child.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                if (parent is not IBlockOperation block)
                {
                    continue;
                }

                foreach (var statement in block.Operations.TakeWhile(o => !ReferenceEquals(o, child)).Reverse())
                {
                    switch (statement)
                    {
                        case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation target, Value: var assigned } } when SymbolEqualityComparer.Default.Equals(target.Local, local):
                            return new List<IOperation> { assigned };
                        case IVariableDeclarationGroupOperation group when group.Declarations.SelectMany(d => d.Declarators).FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local)) is { Initializer.Value: var initial }:
                            return new List<IOperation> { initial };
                    }
                }
            }

            var definitions = new List<IOperation>();
            foreach (var operation in derivation.Root.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer.Value: var initial } declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        definitions.Add(initial);
                        break;
                    case IAssignmentOperation { Target: ILocalReferenceOperation target, Value: var assigned } when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        definitions.Add(assigned);
                        break;
                    case IArgumentOperation { Parameter.RefKind: RefKind.Out, Parent: IInvocationOperation call } argument when
                        argument.Value.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Any(l => SymbolEqualityComparer.Default.Equals(l.Local, local)):
                        if (derivation.Collection is not null && call.Instance is { } source && source.Syntax.IsEquivalentTo(derivation.Collection, topLevel: false))
                        {
                            // TryGetValue(key, out var count) on the same dictionary: the previous value (count + 1 is an update).
                            return null;
                        }

                        definitions.AddRange(call.Arguments.Where(a => !ReferenceEquals(a, argument) && a.Parameter?.RefKind != RefKind.Out).Select(a => a.Value));
                        break;
                    case IDeclarationPatternOperation { DeclaredSymbol: var declared } pattern when SymbolEqualityComparer.Default.Equals(declared, local):
                        for (var parent = pattern.Parent; parent is not null; parent = parent.Parent)
                        {
                            if (parent is IIsPatternOperation { Value: var tested })
                            {
                                definitions.Add(tested);
                                break;
                            }
                        }

                        break;
                }
            }

            return definitions;
        }

        /// <summary><c>await LoadAsync(key)</c>: the task is consumed where it is made; what is stored is its result.</summary>
        private static bool IsAwaited(IInvocationOperation call) =>
            call.WalkUpConversion(out _) is IAwaitOperation ||
            (call.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured && configured.WalkUpConversion(out _) is IAwaitOperation);

        private static bool HoldsResources(ITypeSymbol? type) =>
            type is not null && (type.IsDisposable() || type.Name is "Task" or "ValueTask" or "Thread");

        private static bool DeclaredWithin(IOperation reference, IOperation value)
        {
            var symbol = reference switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };

            return symbol?.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == value.Syntax.SyntaxTree && value.Syntax.Span.Contains(r.Span)) ?? false;
        }

        /// <summary>The act an access is: an indexer set, or a call that adds, removes or replaces; else null.</summary>
        private static string? ActName(SharedAccess access) => access switch
        {
            { Via: AccessVia.Indexer, Kind: AccessKind.MutatingCall } => "the indexer",
            { Via: AccessVia.Call, MemberName: { } name } when ActNames.Contains(name) => name,
            _ => null,
        };

        /// <summary>
        /// The check on the same key whose outcome decides whether the act runs (same member and region), or null; of
        /// several, the last before the act (double-checked code re-checks under the lock, and that re-check decides).
        /// </summary>
        private static SharedAccess? CheckControlling(SharedAccess act, ILookup<(MemberFacts, ConcurrentRegion?), SharedAccess> checks)
        {
            // The check stands beside the act (in the act's own body, also a helper's), or in the code that calls the
            // helper holding the act with the key.
            return ControllingCheckAt(KeyOf(act.ReportOperation), act.ReportOperation, act, checks) ??
                   (KeyAtTheCheck(act) is ({ } actKey, var site) && !ReferenceEquals(site, act.ReportOperation) ? ControllingCheckAt(actKey, site, act, checks) : null);
        }

        private static SharedAccess? ControllingCheckAt(SyntaxNode? actKey, IOperation site, SharedAccess act, ILookup<(MemberFacts, ConcurrentRegion?), SharedAccess> checks)
        {
            if (actKey is null)
            {
                return null;
            }

            foreach (var check in checks[(act.Member, act.Region)])
            {
                if (KeyOf(check.ReportOperation) is not { } checkKey || !checkKey.IsEquivalentTo(actKey, topLevel: false) ||
                    check.ReportOperation.Syntax.SyntaxTree != site.Syntax.SyntaxTree || check.ReportOperation.Syntax.Span.End > site.Syntax.SpanStart)
                {
                    continue;
                }

                if (Controls(check.ReportOperation, site))
                {
                    return check;
                }
            }

            return null;
        }

        /// <summary>
        /// The act's key as the checking code names it, and where the act stands in that code: the act itself, or for an
        /// act in a helper the check's member calls with the key (<c>if (_clients.ContainsKey(id)) return; .. Register(id,
        /// ws);</c> with <c>_clients[id] = ws</c> in <c>Register</c>), the call and the argument it passes for the key.
        /// </summary>
        private static (SyntaxNode? Key, IOperation Site) KeyAtTheCheck(SharedAccess act)
        {
            if (ReferenceEquals(act.Anchor, act.ReportOperation) || act.Anchor is not IInvocationOperation call)
            {
                return (KeyOf(act.ReportOperation), act.ReportOperation);
            }

            var key = KeyOperationOf(act.ReportOperation)?.WalkDownConversion();
            return key is IParameterReferenceOperation { Parameter: { } parameter } &&
                   SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol.OriginalDefinition, call.TargetMethod.OriginalDefinition) &&
                   call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == parameter.Ordinal) is { } argument
                ? (argument.Value.Syntax, call)
                : (null, act.ReportOperation);
        }

        /// <summary>The key argument of a call or indexer (its first argument in the source), as an operation.</summary>
        private static IOperation? KeyOperationOf(IOperation operation) => operation switch
        {
            IInvocationOperation { Arguments.Length: > 0 } call => call.Arguments.OrderBy(a => a.Syntax.SpanStart).First().Value,
            ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Arguments.Length: > 0 } indexer } => indexer.Arguments[0].Value,
            ICompoundAssignmentOperation { Target: IPropertyReferenceOperation { Arguments.Length: > 0 } indexer } => indexer.Arguments[0].Value,
            IIncrementOrDecrementOperation { Target: IPropertyReferenceOperation { Arguments.Length: > 0 } indexer } => indexer.Arguments[0].Value,
            IPropertyReferenceOperation { Arguments.Length: > 0 } indexer => indexer.Arguments[0].Value,
            _ => null,
        };

        /// <summary>The key argument of a call or indexer: its first argument's syntax.</summary>
        private static SyntaxNode? KeyOf(IOperation operation) => KeyOperationOf(operation)?.Syntax;

        /// <summary>
        /// True when the check decides whether the act runs: the act stands in a branch of the <c>if</c> whose condition
        /// holds the check, or after an <c>if</c> on the check whose branch leaves.
        /// </summary>
        private static bool Controls(IOperation check, IOperation act) =>
            ControlsThroughCondition(check, act) ||
            (ResultLocal(check) is { } local && act.Syntax.SyntaxTree == check.Syntax.SyntaxTree && EnclosingBody(check) is { } body &&
             body.DescendantsOutsideFunctions().OfType<ILocalReferenceOperation>().Any(test =>
                 SymbolEqualityComparer.Default.Equals(test.Local, local) && test.Syntax.SpanStart > check.Syntax.Span.End &&
                 test.Syntax.Span.End <= act.Syntax.SpanStart && ControlsThroughCondition(test, act)));

        /// <summary>
        /// The local that holds the check's result (<c>exists = _map.ContainsKey(k);</c>, <c>var known = ..</c>) when the
        /// statement does nothing else with it: a later <c>if (exists)</c> is then the check's test.
        /// </summary>
        private static ILocalSymbol? ResultLocal(IOperation check) => check.WalkUpConversion(out _) switch
        {
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation target, Parent: IExpressionStatementOperation } => target.Local,
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            _ => null,
        };

        /// <summary>The body of the method, lambda or local function that holds <paramref name="operation"/>.</summary>
        private static IOperation? EnclosingBody(IOperation operation)
        {
            var current = operation;
            while (current.Parent is { } parent && parent is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
            {
                current = parent;
            }

            return current;
        }

        private static bool ControlsThroughCondition(IOperation check, IOperation act)
        {
            for (var parent = check.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IConditionalOperation { Type: null } conditional && conditional.Condition.Syntax.Span.Contains(check.Syntax.Span))
                {
                    if (conditional.WhenTrue.Syntax.Span.Contains(act.Syntax.Span) || (conditional.WhenFalse?.Syntax.Span.Contains(act.Syntax.Span) ?? false))
                    {
                        return true;
                    }

                    if (conditional.WhenFalse is null && conditional.WhenTrue.AlwaysLeaves())
                    {
                        // if (check) return; .. act  — also when the if stands in a lock block and the act after it.
                        for (var outer = conditional.Parent; outer is IBlockOperation or ILockOperation; outer = outer.Parent)
                        {
                            if (outer.Syntax.Span.Contains(act.Syntax.Span))
                            {
                                return true;
                            }
                        }
                    }

                    return false;
                }

                if (parent is IBlockOperation or IAnonymousFunctionOperation or ILoopOperation)
                {
                    return false;
                }
            }

            return false;
        }


        /// <summary>
        /// Both take a lock, in two lock statements that do not nest: one lock taken twice (the collection may change
        /// between the blocks), or two different locks (state guarded by two locks is guarded by neither). Not when a lock
        /// held around both (taken outside them, or by every caller) guards the pair.
        /// </summary>
        private static bool InSeparateLocks(SharedAccess check, SharedAccess act)
        {
            // An act in a helper called inside the check's own lock block runs under that lock too (lock (_map) { if
            // (_map.TryGetValue(k, out v)) return v; v = Create(k); } with Create locking _map again).
            if (!ReferenceEquals(act.Anchor, act.ReportOperation) && check.ReportOperation.Syntax.FirstAncestorOrSelf<LockStatementSyntax>() is { } outer &&
                act.Anchor.Syntax.SyntaxTree == outer.SyntaxTree && outer.Span.Contains(act.Anchor.Syntax.Span))
            {
                return false;
            }

            if (check.ReportOperation.Syntax.FirstAncestorOrSelf<LockStatementSyntax>() is not { } checkLock ||
                act.ReportOperation.Syntax.FirstAncestorOrSelf<LockStatementSyntax>() is not { } actLock ||
                checkLock == actLock || checkLock.Span.Contains(actLock.Span) || actLock.Span.Contains(checkLock.Span))
            {
                return false;
            }

            return !check.Guards.Any(held => act.Guards.Any(other => other.Key.Equals(held.Key)) &&
                (held.HeldByCaller || (held.Acquire.Syntax.SyntaxTree == act.ReportOperation.Syntax.SyntaxTree && held.Acquire.Syntax.Span.Contains(act.ReportOperation.Syntax.Span))));
        }

        /// <summary>The act may run while another run of the same code (or another writer) acts on the collection.</summary>
        private static bool MayRunConcurrently(SharedAccess act, TypeFacts facts) =>
            facts.RunsInSharedMember(act) ||
            ParallelismQuery.Chain(act.Region).Any(r => r.Multiplicity == Multiplicity.Many || r.Kind is RegionKind.Middleware or RegionKind.MessageHandler or RegionKind.LogSink) ||
            facts.AccessesByPath[act.Path].Any(other => !ReferenceEquals(other, act) && ActName(other) is not null && ParallelismQuery.MayRunInParallel(act, other));

        /// <summary>The properties the fix reads: the collection, its kind, and which rewrite the finding takes.</summary>
        private static ImmutableDictionary<string, string?> PropertiesFor(RaceDiagnostic race, KnownSymbols known, CheckThenActFix fix)
        {
            var properties = race.CreateProperties(known);
            properties[DiagnosticPropertyKeys.CheckThenActFix] = DiagnosticPropertyValues.Of(fix);
            return properties.ToImmutable();
        }

        /// <summary>The finding's clause: "checked with ContainsKey() and then changed with Add() in Put(), two steps another thread may interleave".</summary>
        private static MessagePart TwoSteps(string steps, SharedAccess act) =>
            new MessagePart(steps + " " + RaceDiagnostic.PlaceOf(act).Full + ", two steps another thread may interleave", steps + " " + RaceDiagnostic.PlaceOf(act).Brief + ", not atomically", steps + " " + RaceDiagnostic.PlaceOf(act).Minimal + ", not atomically");

        /// <summary>The one atomic call that does the check and the act together.</summary>
        private static CheckThenActFix FixFor(string check, string act) => act switch
        {
            "Remove" or "TryRemove" => CheckThenActFix.TryRemove,
            "TryUpdate" or "AddOrUpdate" => CheckThenActFix.AddOrUpdate,
            "GetOrAdd" => CheckThenActFix.GetOrAdd,
            _ when check == "TryGetValue" => CheckThenActFix.GetOrAdd,
            _ => CheckThenActFix.TryAdd,
        };
    }
}
