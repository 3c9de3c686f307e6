using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>One delegate handed to a concurrency entry point.</summary>
    public readonly struct EntryPointStart
    {
        public EntryPointStart(RegionKind kind, string entry, IOperation start, IOperation delegateValue, Multiplicity multiplicity, bool joinedAtStart, IParameterSymbol? partitionIndex = null)
        {
            Kind = kind;
            Entry = entry;
            Start = start;
            DelegateValue = delegateValue;
            Multiplicity = multiplicity;
            JoinedAtStart = joinedAtStart;
            PartitionIndex = partitionIndex;
        }

        public RegionKind Kind { get; }

        /// <summary>How a message names the entry point: "Task.Run", "Parallel.ForEach", "Timer".</summary>
        public string Entry { get; }

        /// <summary>The operation that hands the delegate over.</summary>
        public IOperation Start { get; }

        /// <summary>The argument value: a lambda, anonymous method or method group.</summary>
        public IOperation DelegateValue { get; }

        public Multiplicity Multiplicity { get; }

        /// <summary>True when the entry point returns only after the delegate finished (<c>Parallel.For</c>, <c>Parallel.Invoke</c>, PLINQ <c>ForAll</c>).</summary>
        public bool JoinedAtStart { get; }

        /// <summary>The <c>Parallel.For</c> index parameter: elements it indexes belong to one iteration.</summary>
        public IParameterSymbol? PartitionIndex { get; }
    }

    /// <summary>
    /// Recognises the concurrency entry points (the repository README, "How RaceGuard decides what may run in parallel"):
    /// Task.Run, Task.Factory.StartNew, new Task, ContinueWith, Parallel.*, ThreadPool, Thread, timers, PLINQ, async
    /// fan-out, and configured entry points.
    /// </summary>
    public static class EntryPoints
    {
        private static readonly ImmutableHashSet<string> CandidateNames = ImmutableHashSet.Create(
            "Run", "StartNew", "ContinueWith", "For", "ForEach", "ForEachAsync", "Invoke", "QueueUserWorkItem",
            "UnsafeQueueUserWorkItem");

        /// <summary>A cheap check before any binding-heavy work: could this operation start a region?</summary>
        public static bool IsCandidate(IOperation operation, KnownSymbols known, ImmutableHashSet<string> configured)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    return CandidateNames.Contains(method.Name) ||
                           method.MethodKind == MethodKind.DelegateInvoke ||
                           (method.Name == "Select" && invocation.Arguments.Length == 2 && invocation.Arguments[1].Value.GetDelegateTarget() is IAnonymousFunctionOperation { Symbol.IsAsync: true }) ||
                           known.IsType(method.ContainingType, known.ParallelEnumerable) ||
                           (method.IsAsync && !method.DeclaringSyntaxReferences.IsEmpty) ||
                           (configured.Count > 0 && IsConfigured(method, configured)) ||
                           (!known.AnalysisContexts.IsEmpty && IsAnalyzerActionRegistration(method, known));
                case IObjectCreationOperation creation:
                    var type = creation.Type;
                    return known.IsType(type, known.Thread) || known.IsType(type, known.ThreadingTimer) || known.IsTaskType(type);
                case IEventAssignmentOperation eventAssignment:
                    return eventAssignment.Adds && eventAssignment.EventReference is IEventReferenceOperation { Event.Name: "Elapsed" } reference && known.IsType(reference.Event.ContainingType, known.TimersTimer);
                default:
                    return false;
            }
        }

        /// <summary>
        /// True when <paramref name="operation"/> really starts a region: an entry point that hands over a delegate, or an
        /// async call that is not awaited on the spot. The type's gate opens on this (an awaited async call does not).
        /// </summary>
        public static bool StartsRegion(IOperation operation, KnownSymbols known, ImmutableHashSet<string> configured) =>
            IsCandidate(operation, known, configured) &&
            (!GetStarts(operation, known, configured).IsEmpty || (operation is IInvocationOperation invocation && IsUnawaitedAsyncCall(invocation, known)));

        /// <summary>The delegates that <paramref name="operation"/> hands to an entry point (empty when it is none).</summary>
        public static ImmutableArray<EntryPointStart> GetStarts(IOperation operation, KnownSymbols known, ImmutableHashSet<string> configured)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    return FromInvocation(invocation, known, configured);
                case IObjectCreationOperation creation:
                    return FromCreation(creation, known);
                case IEventAssignmentOperation { Adds: true } eventAssignment
                    when eventAssignment.EventReference is IEventReferenceOperation { Event.Name: "Elapsed" } reference && known.IsType(reference.Event.ContainingType, known.TimersTimer):
                    return ImmutableArray.Create(new EntryPointStart(RegionKind.TimerElapsed, "Timer.Elapsed", eventAssignment, eventAssignment.HandlerValue, Multiplicity.Once, joinedAtStart: false));
                default:
                    return ImmutableArray<EntryPointStart>.Empty;
            }
        }

        /// <summary>
        /// True for a call of an async method or local function of this compilation whose task is not awaited on the
        /// spot: its body runs concurrently with the caller until the task is joined.
        /// </summary>
        public static bool IsUnawaitedAsyncCall(IInvocationOperation invocation, KnownSymbols known)
        {
            var method = invocation.TargetMethod;
            var isAsyncSource = method.IsAsync && !method.DeclaringSyntaxReferences.IsEmpty;
            if (!(isAsyncSource || AsyncLambdaOfDelegateLocal(invocation) is not null) || !known.IsTaskLike(method.ReturnType))
            {
                return false;
            }

            if (RunsSynchronously(invocation))
            {
                return false;
            }

            var parent = invocation.WalkUpTaskPassThrough(out var child);

            // return cached ?? ReadAsync();  return ok ? PrepareLong() : Task.CompletedTask;  the task goes where the value goes.
            while (parent is ICoalesceOperation or IConditionalOperation { IsRef: false } && !ReferenceEquals((parent as IConditionalOperation)?.Condition, child))
            {
                parent = parent.WalkUpTaskPassThrough(out child);
            }

            // TryRead()?.Result: the conditional access waits for the task it gets.
            if (parent is IConditionalAccessOperation access && ReferenceEquals(access.Operation, child) && IsWaitOnAccessedTask(access.WhenNotNull))
            {
                return false;
            }

            return parent switch
            {
                IAwaitOperation => false,
                IReturnOperation => IsReturnedToSelect(parent),
                IInvocationOperation { TargetMethod.Name: "Wait" or "GetAwaiter" } wait when ReferenceEquals(wait.Instance, child) => false,
                IPropertyReferenceOperation { Property.Name: "Result" } => false,
                _ => true,
            };
        }

        /// <summary>
        /// <c>SendAsync(.., async: false)</c>: the sync-over-async idiom of libraries that share one async implementation
        /// between their sync and async APIs. With the flag false every await inside completes synchronously, so the call
        /// has finished when it returns.
        /// </summary>
        private static bool RunsSynchronously(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { Type.SpecialType: SpecialType.System_Boolean, Name: "async" or "isAsync" or "useAsync" or "runAsync" } &&
                    argument.Value.ConstantValue is { HasValue: true, Value: false })
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>?.Result</c>, <c>?.Wait()</c>, <c>?.GetAwaiter()</c> on the task a conditional access got.</summary>
        private static bool IsWaitOnAccessedTask(IOperation whenNotNull) => whenNotNull switch
        {
            IPropertyReferenceOperation { Property.Name: "Result", Instance: IConditionalAccessInstanceOperation } => true,
            IInvocationOperation { TargetMethod.Name: "Wait" or "GetAwaiter" or "AsTask", Instance: IConditionalAccessInstanceOperation } => true,
            IInvocationOperation { Instance: { } inner } => IsWaitOnAccessedTask(inner),
            IPropertyReferenceOperation { Instance: { } inner } => IsWaitOnAccessedTask(inner),
            _ => false,
        };

        /// <summary>
        /// True for an override of <c>Microsoft.Extensions.Hosting.BackgroundService.ExecuteAsync</c>: the host runs it in
        /// the background for the service's lifetime, in parallel with the service's public members.
        /// </summary>
        public static bool IsBackgroundServiceLoop(ISymbol member, KnownSymbols known)
        {
            if (member is not IMethodSymbol { Name: "ExecuteAsync", IsOverride: true } method)
            {
                return false;
            }

            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (known.IsType(overridden.ContainingType, known.BackgroundService))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>var work = async (int id) => ..; work(1);</c>: the async lambda a delegate local invoked here holds.</summary>
        public static IAnonymousFunctionOperation? AsyncLambdaOfDelegateLocal(IInvocationOperation invocation) =>
            invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke &&
            invocation.Instance?.WalkDownConversion() is ILocalReferenceOperation local &&
            IOperationExtensions.DelegateLocalInitializer(local)?.GetDelegateTarget() is IAnonymousFunctionOperation { Symbol.IsAsync: true } lambda
                ? lambda
                : null;

        /// <summary><c>items.Select(x => FetchAsync(x))</c>: the lambda hands each task to Select, which starts them all.</summary>
        private static bool IsReturnedToSelect(IOperation returnOperation) =>
            returnOperation.FindAncestor<IAnonymousFunctionOperation>() is { } lambda &&
            lambda.WalkUpConversion(out _) is IDelegateCreationOperation creation &&
            creation.WalkUpConversion(out _) is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Select" } };

        public static bool IsConfigured(IMethodSymbol method, ImmutableHashSet<string> configured)
        {
            if (configured.Count == 0 || method.ContainingType is null)
            {
                return false;
            }

            var fullName = method.ContainingType.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None)) + "." + method.Name;
            return configured.Contains(fullName);
        }

        /// <summary><c>context.RegisterSymbolAction(..)</c> and the other <c>Register*Action</c> methods of the Roslyn analysis contexts.</summary>
        private static bool IsAnalyzerActionRegistration(IMethodSymbol method, KnownSymbols known) =>
            method.Name.StartsWith("Register", System.StringComparison.Ordinal) &&
            method.Name.EndsWith("Action", System.StringComparison.Ordinal) &&
            known.AnalysisContexts.Any(context => known.DerivesFrom(method.ContainingType, context));

        private static ImmutableArray<EntryPointStart> FromInvocation(IInvocationOperation invocation, KnownSymbols known, ImmutableHashSet<string> configured)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            var builder = ImmutableArray.CreateBuilder<EntryPointStart>();
            if (HasCustomScheduler(invocation, known))
            {
                return ImmutableArray<EntryPointStart>.Empty;
            }

            switch (method.Name)
            {
                case "Run" when known.IsType(type, known.Task):
                    AddFirstDelegate(RegionKind.TaskRun, "Task.Run", Multiplicity.Once, false);
                    break;
                case "StartNew" when known.IsType(type, known.TaskFactory) || known.IsType(type, known.TaskFactoryOfT):
                    AddFirstDelegate(RegionKind.TaskFactoryStartNew, "Task.Factory.StartNew", Multiplicity.Once, false);
                    break;
                case "ContinueWith" when known.IsTaskType(type):
                    AddFirstDelegate(RegionKind.ContinueWith, "ContinueWith", Multiplicity.Once, false);
                    break;
                case "For" or "ForEach" or "ForEachAsync" when known.IsType(type, known.Parallel):
                    foreach (var argument in invocation.Arguments)
                    {
                        // The body, and localFinally, which also runs once per worker thread at the same time as others.
                        if (argument.Parameter?.Name is "body" or "localFinally" && argument.Value.GetDelegateTarget() is not null)
                        {
                            var entry = "Parallel." + method.Name + (argument.Parameter.Name == "localFinally" ? " localFinally" : string.Empty);
                            var joined = method.Name != "ForEachAsync" && !IsAsyncVoid(argument.Value);
                            builder.Add(new EntryPointStart(RegionKind.Parallel, entry, invocation, argument.Value, Multiplicity.Many, joined, PartitionIndexOf(method, argument.Value)));
                        }
                    }

                    break;
                case "Invoke" when known.IsType(type, known.Parallel):
                    foreach (var argument in invocation.Arguments)
                    {
                        var values = argument.ArgumentKind == ArgumentKind.ParamArray && argument.Value is IArrayCreationOperation { Initializer: { } initializer }
                            ? initializer.ElementValues
                            : ImmutableArray.Create(argument.Value);
                        foreach (var value in values)
                        {
                            if (value.GetDelegateTarget() is not null)
                            {
                                // Each action is a sibling region; the start is the action itself so siblings are ordered.
                                builder.Add(new EntryPointStart(RegionKind.ParallelInvokeAction, "Parallel.Invoke", value, value, Multiplicity.Once, joinedAtStart: !IsAsyncVoid(value)));
                            }
                        }
                    }

                    break;
                case "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" when known.IsType(type, known.ThreadPool):
                    AddFirstDelegate(RegionKind.ThreadPool, "ThreadPool." + method.Name, Multiplicity.Once, false);
                    break;
                case "Select" when known.IsType(type, known.Enumerable):
                    if (invocation.Arguments.Length == 2 && invocation.Arguments[1].Value.GetDelegateTarget() is IAnonymousFunctionOperation { Symbol.IsAsync: true } && FeedsConcurrentJoin(invocation, known))
                    {
                        builder.Add(new EntryPointStart(RegionKind.AsyncFanOut, "async Select", invocation, invocation.Arguments[1].Value, Multiplicity.Many, joinedAtStart: false));
                    }

                    break;
                default:
                    if (known.IsType(type, known.ParallelEnumerable))
                    {
                        foreach (var argument in invocation.Arguments)
                        {
                            if (argument.Value.GetDelegateTarget() is not null)
                            {
                                builder.Add(new EntryPointStart(RegionKind.Plinq, "PLINQ " + method.Name, invocation, argument.Value, Multiplicity.Many, joinedAtStart: true));
                            }
                        }
                    }
                    else if (!known.AnalysisContexts.IsEmpty && IsAnalyzerActionRegistration(method, known))
                    {
                        // Every callback registered on an analysis context may run on many threads at once (once the
                        // analyzer enables concurrent execution; the walker drops these starts otherwise).
                        foreach (var argument in invocation.Arguments)
                        {
                            if (argument.Value.GetDelegateTarget() is not null)
                            {
                                builder.Add(new EntryPointStart(RegionKind.AnalyzerAction, method.Name, invocation, argument.Value, Multiplicity.Many, joinedAtStart: false));
                                break;
                            }
                        }
                    }
                    else if (IsConfigured(method, configured))
                    {
                        AddFirstDelegate(RegionKind.Configured, type!.Name + "." + method.Name, Multiplicity.Once, false);
                    }

                    break;
            }

            return builder.ToImmutable();

            void AddFirstDelegate(RegionKind kind, string entry, Multiplicity multiplicity, bool joinedAtStart)
            {
                foreach (var argument in invocation.Arguments)
                {
                    if (ReferenceEquals(argument.Value, invocation.Instance))
                    {
                        continue;
                    }

                    if (argument.Value.GetDelegateTarget() is not null)
                    {
                        builder.Add(new EntryPointStart(kind, entry, invocation, argument.Value, multiplicity, joinedAtStart));
                        return;
                    }
                }
            }
        }

        /// <summary>
        /// True when a call hands a TaskScheduler other than <c>TaskScheduler.Default</c>: that scheduler decides where the
        /// delegate runs (a UI context, an exclusive scheduler, an event loop that is its own scheduler), so the delegate
        /// is not assumed to run in parallel with anything.
        /// </summary>
        internal static bool HasCustomScheduler(IInvocationOperation invocation, KnownSymbols known) =>
            known.TaskScheduler is not null &&
            invocation.Arguments.Any(a =>
                a.Parameter is { } parameter && known.IsType(parameter.Type, known.TaskScheduler) &&
                a.ArgumentKind == ArgumentKind.Explicit &&
                !(a.Value.WalkDownConversion() is IPropertyReferenceOperation { Property.Name: "Default" } property && known.IsType(property.Property.ContainingType, known.TaskScheduler)));

        private static ImmutableArray<EntryPointStart> FromCreation(IObjectCreationOperation creation, KnownSymbols known)
        {
            var type = creation.Type;
            RegionKind kind;
            string entry;
            if (known.IsType(type, known.Thread))
            {
                (kind, entry) = (RegionKind.Thread, "Thread");
            }
            else if (known.IsType(type, known.ThreadingTimer))
            {
                (kind, entry) = (RegionKind.Timer, "Timer");
            }
            else if (known.IsTaskType(type))
            {
                // new Task(..).Start(scheduler) on a scheduler of the program's own, or RunSynchronously(): not a thread-pool start.
                if (creation.WalkUpConversion(out var child) is IInvocationOperation { TargetMethod.Name: "Start" or "RunSynchronously" } start && ReferenceEquals(start.Instance, child) &&
                    (start.TargetMethod.Name == "RunSynchronously" || HasCustomScheduler(start, known)))
                {
                    return ImmutableArray<EntryPointStart>.Empty;
                }

                (kind, entry) = (RegionKind.NewTask, "new Task");
            }
            else
            {
                return ImmutableArray<EntryPointStart>.Empty;
            }

            foreach (var argument in creation.Arguments)
            {
                if (argument.Value.GetDelegateTarget() is not null)
                {
                    return ImmutableArray.Create(new EntryPointStart(kind, entry, creation, argument.Value, Multiplicity.Once, joinedAtStart: false));
                }
            }

            return ImmutableArray<EntryPointStart>.Empty;
        }

        /// <summary>
        /// An async lambda handed over as a void-returning delegate (<c>Parallel.ForEach(items, async x => ..)</c>): the
        /// entry point returns at the lambda's first await, so it does not wait for the rest.
        /// </summary>
        private static bool IsAsyncVoid(IOperation delegateValue) =>
            delegateValue.GetDelegateTarget() is IAnonymousFunctionOperation { Symbol: { IsAsync: true, ReturnsVoid: true } };

        /// <summary>The index parameter of a <c>Parallel.For</c> body (its first parameter) or of an indexed <c>Parallel.ForEach</c> body (its third).</summary>
        private static IParameterSymbol? PartitionIndexOf(IMethodSymbol method, IOperation delegateValue)
        {
            if (delegateValue.GetDelegateTarget() is not IAnonymousFunctionOperation function)
            {
                return null;
            }

            var parameters = function.Symbol.Parameters;
            return method.Name switch
            {
                "For" when parameters.Length >= 1 => parameters[0],
                "ForEach" when parameters.Length == 3 => parameters[2],
                _ => null,
            };
        }

        /// <summary>
        /// True when the tasks of <c>items.Select(async ...)</c> all start before any is awaited: the sequence is
        /// materialised (<c>ToList</c>, <c>ToArray</c>) or handed to <c>Task.WhenAll/WhenAny/WaitAll/WaitAny</c>,
        /// directly or through a local. A lazy sequence awaited one by one in a <c>foreach</c> is sequential.
        /// </summary>
        private static bool FeedsConcurrentJoin(IInvocationOperation select, KnownSymbols known)
        {
            var current = (IOperation)select;
            for (var depth = 0; depth < 6; depth++)
            {
                var parent = current.WalkUpConversion(out var child);
                switch (parent)
                {
                    case IInvocationOperation materialize when known.IsLinqMaterializer(materialize.TargetMethod):
                        return true;
                    case IArgumentOperation { Parent: IInvocationOperation materialize } when known.IsLinqMaterializer(materialize.TargetMethod):
                        return true;
                    case IArgumentOperation { Parent: IInvocationOperation combinator } when known.IsTaskCombinator(combinator.TargetMethod):
                        return true;
                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                        return LocalFeedsCombinator(declarator.Symbol, declarator, known);
                    case IArgumentOperation or IInvocationOperation:
                        current = parent;
                        break;
                    default:
                        return false;
                }
            }

            return false;
        }

        private static bool LocalFeedsCombinator(ILocalSymbol local, IOperation declarator, KnownSymbols known)
        {
            var root = declarator;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            return root.Descendants().OfType<ILocalReferenceOperation>().Any(reference =>
                SymbolEqualityComparer.Default.Equals(reference.Local, local) &&
                reference.WalkUpConversion(out _) is IArgumentOperation { Parent: IInvocationOperation combinator } && known.IsTaskCombinator(combinator.TargetMethod));
        }
    }
}
