using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// Where the Task or Thread of a region goes (its handle) and which operations wait for it: <c>await t</c>,
    /// <c>t.Wait()</c>, <c>t.Result</c>, <c>t.GetAwaiter().GetResult()</c>, <c>Task.WaitAll</c>, awaited
    /// <c>Task.WhenAll</c> (also over a collection of handles), <c>thread.Join()</c>.
    /// </summary>
    public static class Joins
    {
        private const int MaxDepth = 4;

        /// <summary>The handle and joins of what <paramref name="start"/> returns, searched within <paramref name="contextRoot"/>.</summary>
        public static (ISymbol? Handle, ImmutableArray<IOperation> Joins) Resolve(IOperation start, IOperation contextRoot, KnownSymbols known) =>
            Resolve(start, contextRoot, known, 0);

        /// <summary>The operations in <paramref name="root"/> that wait for the task or thread held by <paramref name="handle"/>.</summary>
        public static ImmutableArray<IOperation> FindJoins(ISymbol handle, IOperation root, KnownSymbols known) => FindJoins(handle, root, known, 0);

        /// <summary>
        /// Joins through a completion signal: when the last thing a region does is <c>done.Set()</c>,
        /// <c>countdown.Signal()</c> or <c>tcs.SetResult(..)</c> (also from a final <c>finally</c>), then
        /// <c>done.Wait()</c>, <c>done.WaitOne()</c> or <c>await tcs.Task</c> in <paramref name="contextRoot"/> waits for
        /// everything the region did before.
        /// </summary>
        public static ImmutableArray<IOperation> FindSignalJoins(IOperation regionBody, IOperation contextRoot, KnownSymbols known)
        {
            var signals = FinalStatements(regionBody)
                .SelectMany(statement => statement.DescendantsOutsideFunctions())
                .OfType<IInvocationOperation>()
                .Where(known.IsSignalSend)
                .Select(i => i.Instance?.ReferencedSymbol())
                .Where(symbol => symbol is not null)
                .ToList();
            if (signals.Count == 0)
            {
                return ImmutableArray<IOperation>.Empty;
            }

            var joins = ImmutableArray.CreateBuilder<IOperation>();
            foreach (var operation in contextRoot.DescendantsOutsideFunctions())
            {
                switch (operation)
                {
                    case IInvocationOperation { Instance: { } waited } wait
                        when known.IsSignalWait(wait) && signals.Any(s => SymbolEqualityComparer.Default.Equals(s, KnownSymbols.SignalObjectOf(waited))):
                        joins.Add(wait);
                        break;
                    case IPropertyReferenceOperation { Property.Name: "Task", Instance: { } source } task
                        when signals.Any(s => SymbolEqualityComparer.Default.Equals(s, source.ReferencedSymbol())):
                        joins.AddRange(Resolve(task, contextRoot, known).Joins);
                        break;
                }
            }

            return joins.ToImmutable();
        }

        /// <summary>The statements a body always ends with: its last statement, and the finally of a final try.</summary>
        private static IEnumerable<IOperation> FinalStatements(IOperation body)
        {
            var block = body switch
            {
                IBlockOperation plain => plain,
                IMethodBodyOperation method => method.BlockBody ?? method.ExpressionBody,
                _ => null,
            };

            // Lambda and method bodies end with an implicit return.
            var statements = block?.Operations.Where(o => !(o.IsImplicit && o is IReturnOperation { ReturnedValue: null })).ToList();
            if (statements is null || statements.Count == 0)
            {
                yield break;
            }

            var last = statements[statements.Count - 1];
            if (last is ITryOperation { Finally: { } finallyBlock } tryOperation)
            {
                yield return finallyBlock;
                if (tryOperation.Body.Operations.Length > 0)
                {
                    yield return tryOperation.Body.Operations[tryOperation.Body.Operations.Length - 1];
                }
            }
            else if (last is IReturnOperation or IExpressionStatementOperation)
            {
                yield return last;
            }
        }

        /// <summary>
        /// True when <paramref name="join"/> executes on every path to <paramref name="target"/> after
        /// <paramref name="start"/> (same body): it stands in a block that also holds the target, and is not inside a
        /// branch, loop body or lambda below it, unless that branch or body also holds the start (started and joined in
        /// the same iteration or branch).
        /// </summary>
        public static bool Dominates(IOperation join, IOperation target, IOperation? start = null)
        {
            if (join.Syntax.SyntaxTree != target.Syntax.SyntaxTree || join.Syntax.Span.End > target.Syntax.SpanStart)
            {
                return false;
            }

            var joined = JoinedSymbol(join);
            var current = join;
            for (var parent = current.Parent; parent is not null; current = parent, parent = parent.Parent)
            {
                if (parent is IConditionalOperation nullCheck && !ReferenceEquals(nullCheck.Condition, current) &&
                    ReferenceEquals(nullCheck.WhenTrue, current) && IsNotNullCheckOf(nullCheck.Condition, joined))
                {
                    // if (_loop != null) await _loop; — without a task there is no region to wait for.
                    continue;
                }

                if (start is not null && start.IsWithin(current.Syntax) && parent is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    // The start and the join share this branch or loop body: whenever the region started, it was joined.
                    if (target.IsWithin(parent.Syntax) && parent is IBlockOperation)
                    {
                        return true;
                    }

                    continue;
                }

                switch (parent)
                {
                    case IBlockOperation block when target.IsWithin(block.Syntax):
                        return true;
                    case IWhileLoopOperation { ConditionIsTop: true, ConditionIsUntil: false, Condition: IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } negated } exit
                        when ReferenceEquals(negated, current) && !target.IsWithin(exit.Syntax):
                        // while (!worker.Join(0)) { .. }: the loop ends only once the join succeeded; what follows it is joined.
                        continue;
                    case IConditionalOperation conditional when !ReferenceEquals(conditional.Condition, current):
                    case ILoopOperation loop when !ReferenceEquals((loop as IForEachLoopOperation)?.Collection, current):
                    case ISwitchCaseOperation:
                    case ICatchClauseOperation:
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                    case IConditionalAccessOperation conditionalAccess when !ReferenceEquals(conditionalAccess.Operation, current):
                    case ICoalesceOperation coalesce when !ReferenceEquals(coalesce.Value, current):
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } binary when !ReferenceEquals(binary.LeftOperand, current):
                        return false;
                    case IMethodBodyOperation or IConstructorBodyOperation:
                        return target.IsWithin(parent.Syntax);
                }
            }

            return false;
        }

        /// <summary>The handle a join waits for (<c>await t</c>, <c>t.Wait()</c>, <c>t?.Join()</c>), or null.</summary>
        private static ISymbol? JoinedSymbol(IOperation join)
        {
            var waited = join switch
            {
                IAwaitOperation awaitOperation => awaitOperation.Operation,
                IInvocationOperation { Instance: { } instance } => instance,
                IConditionalAccessOperation access => access.Operation,
                _ => null,
            };

            while (waited?.WalkDownConversion() is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
            {
                waited = configured;
            }

            return waited?.ReferencedSymbol();
        }

        /// <summary>The local a declaration or recursive pattern declares (<c>is Task t</c>, <c>is { IsCompleted: false } t</c>), or null.</summary>
        private static ILocalSymbol? DeclaredBy(IPatternOperation pattern) => pattern switch
        {
            IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol local } => local,
            IRecursivePatternOperation { DeclaredSymbol: ILocalSymbol local } => local,
            _ => null,
        };

        /// <summary>
        /// <c>x != null</c>, <c>x is not null</c>, <c>x is { }</c> for the symbol <paramref name="symbol"/>; or a pattern that
        /// declares it (<c>_loop is { IsCompleted: false } x</c>: when it fails there is no task, or it has finished).
        /// </summary>
        private static bool IsNotNullCheckOf(IOperation condition, ISymbol? symbol)
        {
            if (symbol is null)
            {
                return false;
            }

            if (condition is IIsPatternOperation { Pattern: var declaring } && SymbolEqualityComparer.Default.Equals(DeclaredBy(declaring), symbol))
            {
                return true;
            }

            return condition switch
            {
                IBinaryOperation { OperatorKind: BinaryOperatorKind.NotEquals } binary =>
                    (SymbolEqualityComparer.Default.Equals(binary.LeftOperand.ReferencedSymbol(), symbol) && binary.RightOperand.ConstantValue is { HasValue: true, Value: null }) ||
                    (SymbolEqualityComparer.Default.Equals(binary.RightOperand.ReferencedSymbol(), symbol) && binary.LeftOperand.ConstantValue is { HasValue: true, Value: null }),
                IIsPatternOperation pattern => SymbolEqualityComparer.Default.Equals(pattern.Value.ReferencedSymbol(), symbol) && pattern.Pattern is not IConstantPatternOperation,
                _ => false,
            };
        }

        private static (ISymbol? Handle, ImmutableArray<IOperation> Joins) Resolve(IOperation start, IOperation contextRoot, KnownSymbols known, int depth)
        {
            var current = start;
            for (var steps = 0; steps < 12 && depth <= MaxDepth; steps++)
            {
                var parent = current.WalkUpTaskPassThrough(out var child);
                switch (parent)
                {
                    case IAwaitOperation:
                        return (null, ImmutableArray.Create(parent));

                    case IInvocationOperation { TargetMethod.Name: "Wait" or "Join" or "RunSynchronously" } wait when ReferenceEquals(wait.Instance, child):
                        return (null, ImmutableArray.Create(parent));

                    case IInvocationOperation { TargetMethod.Name: "GetAwaiter" } getAwaiter when ReferenceEquals(getAwaiter.Instance, child):
                        return getAwaiter.WalkUpConversion(out var awaiter) is IInvocationOperation { TargetMethod.Name: "GetResult" } getResult && ReferenceEquals(getResult.Instance, awaiter)
                            ? (null, ImmutableArray.Create<IOperation>(getResult))
                            : (null, ImmutableArray<IOperation>.Empty);

                    case IConditionalAccessOperation { WhenNotNull: IInvocationOperation { TargetMethod.Name: "Wait" or "Join" } } access when ReferenceEquals(access.Operation, child):
                        // _worker?.Join();
                        return (null, ImmutableArray.Create<IOperation>(access));

                    case ICoalesceOperation coalesce when ReferenceEquals(coalesce.Value, child):
                        // await (_loop ?? Task.CompletedTask);
                        current = coalesce;
                        break;

                    case IInvocationOperation { TargetMethod.Name: "ContinueWith" } continuation when ReferenceEquals(continuation.Instance, child):
                        // Whatever waits for the continuation also waits for its antecedent.
                        current = continuation;
                        break;

                    case IPropertyReferenceOperation { Property.Name: "Result" } result when ReferenceEquals(result.Instance, child):
                        return (null, ImmutableArray.Create(parent));

                    case IInvocationOperation { TargetMethod.Name: "Start" } threadStart when ReferenceEquals(threadStart.Instance, child):
                        // new Thread(..).Start(): fire and forget.
                        return (null, ImmutableArray<IOperation>.Empty);

                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                        return (declarator.Symbol, FindJoins(declarator.Symbol, contextRoot, known, depth + 1));

                    case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, child):
                        // tasks[0] = Task.Run(..): the array holds the handle.
                        var target = assignment.Target is IArrayElementReferenceOperation element
                            ? element.ArrayReference.ReferencedSymbol()
                            : assignment.Target.ReferencedSymbol();
                        return target is null
                            ? (null, ImmutableArray<IOperation>.Empty)
                            : (target, FindJoins(target, contextRoot, known, depth + 1));

                    case ICoalesceAssignmentOperation lazy when ReferenceEquals(lazy.Value, child) && lazy.Target.ReferencedSymbol() is { } lazyTarget:
                        // _init ??= InitAsync(): the field holds the task.
                        return (lazyTarget, FindJoins(lazyTarget, contextRoot, known, depth + 1));

                    case IArgumentOperation { Parent: IInvocationOperation combinator } when IsJoinAllCombinator(combinator, known):
                        return (null, JoinPointOfCombinator(combinator, contextRoot, known, depth + 1));

                    case IArgumentOperation { Parent: IInvocationOperation add } when add.TargetMethod.Name is "Add" or "AddRange" or "Enqueue" or "Push" or "TryAdd":
                        if (add.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
                        {
                            // A collection initializer: new List<Task> { Task.Run(..) }.
                            var creation = add.FindAncestor<IObjectCreationOperation>();
                            if (creation is null)
                            {
                                return (null, ImmutableArray<IOperation>.Empty);
                            }

                            current = creation;
                            break;
                        }

                        var collection = add.Instance?.ReferencedSymbol();
                        return collection is null
                            ? (null, ImmutableArray<IOperation>.Empty)
                            : (collection, FindJoins(collection, contextRoot, known, depth + 1));

                    case IArrayInitializerOperation:
                    case IArrayCreationOperation:
                        current = parent;
                        break;

                    case IReturnOperation:
                        // The task is returned by a lambda of Select(..): follow the Select call.
                        var function = parent.FindAncestor<IAnonymousFunctionOperation>();
                        if (function?.WalkUpConversion(out _) is IDelegateCreationOperation delegateCreation &&
                            delegateCreation.WalkUpConversion(out _) is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Select" } select })
                        {
                            current = select;
                            break;
                        }

                        return (null, ImmutableArray<IOperation>.Empty);

                    case IArgumentOperation { Parent: IInvocationOperation materialize } when known.IsLinqMaterializer(materialize.TargetMethod):
                        current = materialize;
                        break;

                    case IInvocationOperation materialize when known.IsLinqMaterializer(materialize.TargetMethod) && ReferenceEquals(materialize.Instance, child):
                        current = materialize;
                        break;

                    default:
                        return (null, ImmutableArray<IOperation>.Empty);
                }
            }

            return (null, ImmutableArray<IOperation>.Empty);
        }

        private static ImmutableArray<IOperation> FindJoins(ISymbol handle, IOperation root, KnownSymbols known, int depth)
        {
            if (depth > MaxDepth)
            {
                return ImmutableArray<IOperation>.Empty;
            }

            var joins = ImmutableArray.CreateBuilder<IOperation>();
            foreach (var operation in root.DescendantsOutsideFunctions())
            {
                if (operation is IForEachLoopOperation loop &&
                    SymbolEqualityComparer.Default.Equals(loop.Collection.WalkDownConversion().ReferencedSymbol(), handle) &&
                    WaitsForEachElement(loop))
                {
                    joins.Add(loop);
                    continue;
                }

                if (!SymbolEqualityComparer.Default.Equals(operation.ReferencedSymbol(), handle) || operation is not (ILocalReferenceOperation or IFieldReferenceOperation or IParameterReferenceOperation or IPropertyReferenceOperation))
                {
                    continue;
                }

                if (operation.Parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Target, operation))
                {
                    continue;
                }

                // if (_loop is { IsCompleted: false } loop) await loop;  the pattern's local holds the same task.
                if (operation.Parent is IIsPatternOperation { Pattern: var pattern } && DeclaredBy(pattern) is { } alias)
                {
                    joins.AddRange(FindJoins(alias, root, known, depth + 1));
                    continue;
                }

                var (_, found) = Resolve(operation, root, known, depth + 1);
                joins.AddRange(found);
            }

            return joins.ToImmutable();
        }

        /// <summary>
        /// <c>foreach (var t in tasks) await t;</c> or <c>t.Join()</c>: the body waits for the element it iterates (any
        /// await or wait when the loop deconstructs its elements).
        /// </summary>
        private static bool WaitsForEachElement(IForEachLoopOperation loop)
        {
            if (loop.LoopControlVariable is not IVariableDeclaratorOperation { Symbol: var element })
            {
                return loop.Body.DescendantsOutsideFunctions().Any(o => o is IAwaitOperation || o is IInvocationOperation { TargetMethod.Name: "Wait" or "Join" });
            }

            return loop.Body.DescendantsOutsideFunctions().Any(o =>
                o is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, element) &&
                reference.WalkUpTaskPassThrough(out var child) switch
                {
                    IAwaitOperation => true,
                    IInvocationOperation { TargetMethod.Name: "Wait" or "Join" or "GetAwaiter" } wait => ReferenceEquals(wait.Instance, child),
                    _ => false,
                });
        }

        /// <summary>True when a method body returns the task held by <paramref name="handle"/> (<c>=> _init ??= InitAsync()</c>, <c>return _loop;</c>).</summary>
        public static bool ReturnsHandle(IOperation body, ISymbol handle) =>
            body.DescendantsOutsideFunctions().OfType<IReturnOperation>().Any(r =>
                r.ReturnedValue?.WalkDownConversion() is { } returned &&
                (SymbolEqualityComparer.Default.Equals(returned.ReferencedSymbol(), handle) ||
                 (returned is ICoalesceAssignmentOperation lazy && SymbolEqualityComparer.Default.Equals(lazy.Target.ReferencedSymbol(), handle))));

        private static ImmutableArray<IOperation> JoinPointOfCombinator(IInvocationOperation combinator, IOperation contextRoot, KnownSymbols known, int depth)
        {
            if (combinator.TargetMethod.Name == "WaitAll")
            {
                return ImmutableArray.Create<IOperation>(combinator);
            }

            return Resolve(combinator, contextRoot, known, depth).Joins;
        }

        private static bool IsJoinAllCombinator(IInvocationOperation invocation, KnownSymbols known) =>
            invocation.TargetMethod.Name is "WhenAll" or "WaitAll" && known.IsTaskCombinator(invocation.TargetMethod);
    }
}
