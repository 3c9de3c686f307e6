using System;
using System.Collections.Immutable;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// The walk, part 3: access classification. What a reference to a shared variable does (read, write, read-modify-write,
    /// mutating call, send, acquire, release), where a rule reports it, whether it is atomic or partitioned, and the
    /// guards held there (computed on first use).
    /// </summary>
    internal sealed partial class MemberWalker
    {
        /// <summary>
        /// The guards held at <paramref name="operation"/>: those held at the call sites that led into the frame's body,
        /// then those within it. Computed on first use. Bodies that call no acquire and use no <c>using</c> can only hold
        /// <c>lock</c> statements: the costly look at earlier statements is skipped for them.
        /// </summary>
        private GuardSet GuardsAt(IOperation operation, Frame frame)
        {
            var root = frame.GuardRoot;
            if (!acquiresByRoot.TryGetValue(root, out var hasAcquires))
            {
                var known = this.known;
                hasAcquires = new Lazy<bool>(() => Guards.MayAcquire(root, known), System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
                acquiresByRoot[root] = hasAcquires;
            }

            var outer = frame.OuterGuards;
            var knownSymbols = known;

            // The member's own code (not a region it starts, and callees inherit through their call sites' guards) runs
            // with the locks its callers hold on entry.
            var entryMethod = frame.Region is null && frame.Depth == 0 && facts.Symbol is IMethodSymbol method ? method : null;
            var inner = new GuardSet(() => Guards.GetGuardsAt(operation, root, knownSymbols, hasAcquires.Value));
            var held = GuardSet.Concat(outer, inner);
            return entryMethod is null
                ? held
                : new GuardSet(() => held.Own, () => GuardSet.Concat(held.Value, Guards.HeldOnEntry(operation, root, entryMethod, knownSymbols)));
        }


        private bool TryRecordAccess(IOperation reference, Frame frame)
        {
            var path = PathOf(reference, frame);
            if (path.IsDefault)
            {
                return false;
            }

            if (path.Last is IFieldSymbol field && known.ThreadStaticAttribute is { } threadStatic &&
                field.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, threadStatic)))
            {
                return true;
            }

            var parent = reference.WalkUpConversion(out var child);
            var kind = AccessKind.Read;
            var report = reference;
            string? memberName = null;
            var via = AccessVia.Variable;
            ITypeSymbol? assignedType = null;
            var atomic = false;
            var partitioned = false;
            switch (parent)
            {
                case ILockOperation lockOperation when ReferenceEquals(lockOperation.LockedValue, child):
                    return true;

                case IInvocationOperation call when ReferenceEquals(call.Instance, child):
                    memberName = call.TargetMethod.Name;
                    via = AccessVia.Call;
                    report = call;
                    kind = (KnownSymbols.MutatingMethodNames.Contains(memberName) || known.IsObjectMutator(call)) && !KnownSymbols.IsImmutableCollection(call.TargetMethod.ContainingType)
                        ? AccessKind.MutatingCall
                        : ClassifyCall(call);
                    break;

                case IPropertyReferenceOperation { Arguments.IsEmpty: false } indexer when ReferenceEquals(indexer.Instance, child):
                    via = AccessVia.Indexer;
                    (kind, report) = ElementAccess(indexer);
                    partitioned = kind == AccessKind.MutatingCall && IsPartitioned(indexer.Arguments[0].Value, frame) && (path.Type?.OriginalDefinition.Name is "List" or "IList");
                    break;

                case IPropertyReferenceOperation property when ReferenceEquals(property.Instance, child):
                    memberName = property.Property.Name;
                    via = AccessVia.Property;
                    report = property;
                    break;

                case IArrayElementReferenceOperation element when ReferenceEquals(element.ArrayReference, child):
                    via = AccessVia.ArrayElement;
                    (kind, report) = ElementAccess(element);
                    partitioned = element.Indices.Length == 1 && IsPartitioned(element.Indices[0], frame);
                    break;

                case IForEachLoopOperation loop when ReferenceEquals(loop.Collection, child):
                    via = AccessVia.Enumeration;
                    break;

                case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, child):
                    assignedType = assignment.Value.WalkDownConversion().Type;
                    kind = ReadsPath(assignment.Value, path, frame) ? AccessKind.ReadModifyWrite : AccessKind.Write;
                    report = assignment;
                    break;

                case IAssignmentOperation compound when ReferenceEquals(compound.Target, child):
                    // Compound (x += 1) and coalesce (x ??= y) assignments read and write.
                    kind = AccessKind.ReadModifyWrite;
                    report = compound;
                    break;

                case IIncrementOrDecrementOperation increment when ReferenceEquals(increment.Target, child):
                    kind = AccessKind.ReadModifyWrite;
                    report = increment;
                    break;

                case IArgumentOperation argument when argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out:
                    kind = argument.Parameter.RefKind == RefKind.Out ? AccessKind.Write : AccessKind.ReadModifyWrite;
                    via = AccessVia.ReferenceArgument;
                    report = argument.Parent ?? argument;
                    atomic = argument.Parent is IInvocationOperation atomicCall && IsAtomicType(atomicCall.TargetMethod.ContainingType);
                    if (argument.Parent is IInvocationOperation monitorCall && known.IsType(monitorCall.TargetMethod.ContainingType, known.Monitor))
                    {
                        return true;
                    }

                    break;

                case IArgumentOperation { Parent: IInvocationOperation guardCall } when known.IsType(guardCall.TargetMethod.ContainingType, known.Monitor):
                    return true;

                case IArgumentOperation { Parent: IInvocationOperation volatileRead } when IsAtomicType(volatileRead.TargetMethod.ContainingType):
                    atomic = true;
                    break;

                case IArgumentOperation copied when IsCopied(copied):
                    // new List<T>(_items), _items.ToArray(): the callee enumerates the collection.
                    via = AccessVia.Enumeration;
                    break;
            }

            if (kind != AccessKind.Send && reference is ILocalReferenceOperation { Local: var alias } && sendAliases.Contains(alias))
            {
                return true;
            }

            if (!atomic && path.Last is IFieldSymbol { IsVolatile: true } && kind is AccessKind.Read or AccessKind.Write)
            {
                atomic = true;
            }

            var guards = GuardsAt(report, frame);

            // An async body runs synchronously in its caller until its first await: an access there happens at the start,
            // in the starter's code, one call after the other (items.Select(async x => { list.Add(x); await .. })).
            var region = frame.Region;
            var anchor = frame.Anchor ?? report;
            // An asynchronous send started there is still outstanding when the next call starts its own: it stays in the region.
            var outlivesThePrefix = kind == AccessKind.Send && report is IInvocationOperation { Type: var sendType } && known.IsTaskLike(sendType);
            if (region is { Kind: RegionKind.AsyncFanOut } asyncRegion && !outlivesThePrefix && ReferenceEquals(frame.ContextRoot, RegionBodyOf(asyncRegion, frame)) && InSynchronousPrefix(frame.ContextRoot, anchor))
            {
                region = asyncRegion.Parent;
                anchor = asyncRegion.StartAnchor;

                // ..under the locks held where the call stands (lock (_gate) { _drain = DrainAsync(); }).
                if (guardsAtAsyncStart.TryGetValue(asyncRegion, out var atStart))
                {
                    guards = GuardSet.Concat(atStart, guards);
                }
            }

            accesses.Add(new SharedAccess(
                path,
                kind,
                operation: reference,
                reportOperation: report,
                anchor: anchor,
                region: region,
                guards: guards,
                isAtomic: atomic,
                isPartitionedByParallelIndex: partitioned,
                via: via,
                memberName: memberName,
                assignedType: assignedType,
                member: facts));
            return true;
        }

        /// <summary>
        /// A collection handed to a collection's copy constructor or to a LINQ operator (<c>new List&lt;T&gt;(_items)</c>,
        /// <c>_items.ToArray()</c>, <c>_items.Where(..)</c>): the callee enumerates it, as a <c>foreach</c> would.
        /// </summary>
        private bool IsCopied(IArgumentOperation argument) =>
            argument.Parameter?.Type.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_IEnumerable_T or SpecialType.System_Collections_IEnumerable &&
            argument.Parent switch
            {
                IObjectCreationOperation creation => known.GetNonThreadSafeCollection(creation.Type) is not null || known.IsThreadSafeType(creation.Type),
                IInvocationOperation linq => linq.TargetMethod.IsExtensionMethod && argument.Parameter.Ordinal == 0 && known.IsType(linq.TargetMethod.ContainingType, known.Enumerable),
                _ => false,
            };

        /// <summary>The body the walk of <paramref name="region"/> orders its statements by (its context root), when the frame walks it.</summary>
        private static IOperation? RegionBodyOf(ConcurrentRegion region, Frame frame) =>
            region.BodySyntax is { } body && frame.ContextRoot.Syntax.Span.Equals(body.Span) || region.Body is IAnonymousFunctionOperation { Body: { } lambdaBody } && ReferenceEquals(lambdaBody, frame.ContextRoot)
                ? frame.ContextRoot
                : null;

        /// <summary>
        /// True when <paramref name="position"/> runs before the async body can first suspend: no await, <c>await foreach</c>
        /// or <c>await using</c> completes before it, and no loop around it suspends (its next iteration would run later).
        /// What a body's suspensions are is worked out once per body.
        /// </summary>
        private bool InSynchronousPrefix(IOperation body, IOperation position)
        {
            if (!suspensionsByBody.TryGetValue(body, out var suspensions))
            {
                var firstEnd = int.MaxValue;
                var scopes = ImmutableArray.CreateBuilder<Microsoft.CodeAnalysis.Text.TextSpan>();
                foreach (var operation in body.DescendantsOutsideFunctions())
                {
                    if (Suspends(operation))
                    {
                        firstEnd = Math.Min(firstEnd, operation.Syntax.Span.End);
                        if (operation is not IAwaitOperation)
                        {
                            scopes.Add(operation.Syntax.Span);
                        }
                    }
                    else if (operation is ILoopOperation loop && loop.DescendantsOutsideFunctions().Any(Suspends))
                    {
                        scopes.Add(loop.Syntax.Span);
                    }
                }

                suspensions = (firstEnd, scopes.ToImmutable());
                suspensionsByBody[body] = suspensions;
            }

            var start = position.Syntax.SpanStart;
            return start < suspensions.FirstEnd && !suspensions.Scopes.Any(scope => scope.Contains(start));

            static bool Suspends(IOperation operation) =>
                operation is IAwaitOperation or IForEachLoopOperation { IsAsynchronous: true } or IUsingOperation { IsAsynchronous: true } or IUsingDeclarationOperation { IsAsynchronous: true };
        }

        /// <summary>
        /// A call on the variable that is not a collection mutation: a send or write on a socket, stream or pipe; the
        /// acquire or release of a lock, semaphore or monitor the variable holds; else a read.
        /// </summary>
        private AccessKind ClassifyCall(IInvocationOperation call)
        {
            if (Guards.TryClassify(call, known, out var guardEvent))
            {
                return guardEvent.IsAcquire ? AccessKind.Acquire : AccessKind.Release;
            }

            return known.IsSendCall(call) ? AccessKind.Send : AccessKind.Read;
        }

        private static (AccessKind Kind, IOperation Report) ElementAccess(IOperation element)
        {
            var parent = element.WalkUpConversion(out var child);
            return parent switch
            {
                IAssignmentOperation assignment when ReferenceEquals(assignment.Target, child) => (AccessKind.MutatingCall, parent),
                IIncrementOrDecrementOperation increment when ReferenceEquals(increment.Target, child) => (AccessKind.MutatingCall, parent),
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => (AccessKind.MutatingCall, parent.Parent ?? parent),
                _ => (AccessKind.Read, element),
            };
        }

        /// <summary>
        /// True when each instance of the region indexes its own element: by the <c>Parallel.For</c> index, or by a
        /// local the enclosing loop declares afresh for every iteration (<c>var k = i;</c>, a foreach variable).
        /// </summary>
        private static bool IsPartitioned(IOperation index, Frame frame)
        {
            var region = frame.Region;
            switch (index.WalkDownConversion())
            {
                case IParameterReferenceOperation parameter:
                    return region?.PartitionIndex is { } partition && SymbolEqualityComparer.Default.Equals(parameter.Parameter, partition);
                case ILocalReferenceOperation local when region?.EnclosingLoop is { } loop:
                    return (loop is IForEachLoopOperation forEach && forEach.Locals.Contains(local.Local, SymbolEqualityComparer.Default)) ||
                           local.Local.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == loop.Body.Syntax.SyntaxTree && loop.Body.Syntax.Span.Contains(r.Span) && !(region.BodySyntax?.Span.Contains(r.Span) ?? false));
                default:
                    return false;
            }
        }

        /// <summary>
        /// True when the value written to <paramref name="path"/> is computed from its own old value: <c>_n = _n + 1</c>, or
        /// across two statements through a local defined once before (<c>var n = _n; _n = n + 1;</c>,
        /// <c>var n = _n + 1; _n = n;</c>) for a field or property.
        /// </summary>
        private bool ReadsPath(IOperation value, AccessPath path, Frame frame)
        {
            value = value.WalkDownConversion();
            if (IsComputation(value) && value.DescendantsAndSelf().Any(o => IsReferenceTo(o, path, frame)))
            {
                return true;
            }

            return (IsComputation(value) || value is ILocalReferenceOperation) && path.Root is IFieldSymbol or IPropertySymbol &&
                   value.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Any(local => LocalHoldsPath(local, path, frame, depth: 0));
        }

        /// <summary>
        /// Arithmetic, or arithmetic of <c>System.Math</c> (<c>Math.Min(_capacity, current + 1)</c>, <c>Math.Max(_length,
        /// position)</c>): a new value computed from old ones. Other static calls (a parser given the old value as its
        /// default) do not count.
        /// </summary>
        private static bool IsComputation(IOperation value) =>
            value is IBinaryOperation or IUnaryOperation ||
            value is IInvocationOperation { Instance: null, TargetMethod.ContainingType: { Name: "Math" or "MathF", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

        private bool IsReferenceTo(IOperation operation, AccessPath path, Frame frame) =>
            operation is ILocalReferenceOperation or IFieldReferenceOperation or IParameterReferenceOperation or IPropertyReferenceOperation && PathOf(operation, frame).Equals(path);

        /// <summary>
        /// The local's one definition in its body comes before the use and reads the path: plainly, or in arithmetic on
        /// it or on another such local (<c>var current = _balance; var next = current + d;</c>, two locals deep).
        /// </summary>
        private bool LocalHoldsPath(ILocalReferenceOperation use, AccessPath path, Frame frame, int depth)
        {
            if (aliases.ContainsKey(use.Local) || DefinitionsIn(frame.GuardRoot).TryGetValue(use.Local, out var definitions) is false || definitions.Count != 1)
            {
                return false;
            }

            var definition = definitions[0].WalkDownConversion();
            return definition.Syntax.SyntaxTree == use.Syntax.SyntaxTree && definition.Syntax.Span.End <= use.Syntax.SpanStart &&
                   (IsReferenceTo(definition, path, frame) ||
                    (IsComputation(definition) &&
                     definition.DescendantsAndSelf().Any(o => IsReferenceTo(o, path, frame) || (depth < 2 && o is ILocalReferenceOperation chained && LocalHoldsPath(chained, path, frame, depth + 1)))));
        }

        /// <summary>The values each local of a body is given (initialisers and assignments), worked out once per body.</summary>
        private Dictionary<ILocalSymbol, List<IOperation>> DefinitionsIn(IOperation root)
        {
            if (!localDefinitions.TryGetValue(root, out var definitions))
            {
                definitions = new Dictionary<ILocalSymbol, List<IOperation>>(SymbolEqualityComparer.Default);
                foreach (var operation in root.DescendantsAndSelf())
                {
                    var (local, assigned) = operation switch
                    {
                        IVariableDeclaratorOperation { Initializer.Value: var initial } declarator => (declarator.Symbol, initial),
                        ISimpleAssignmentOperation { Target: ILocalReferenceOperation target, Value: var value } => (target.Local, value),
                        IAssignmentOperation { Target: ILocalReferenceOperation target } compound => (target.Local, (IOperation)compound),
                        _ => (null, null),
                    };

                    if (local is not null && assigned is not null)
                    {
                        if (!definitions.TryGetValue(local, out var list))
                        {
                            definitions[local] = list = new List<IOperation>();
                        }

                        list.Add(assigned);
                    }
                }

                localDefinitions[root] = definitions;
            }

            return definitions;
        }

        private bool IsAtomicType(INamedTypeSymbol? type) => known.IsType(type, known.Interlocked) || known.IsType(type, known.Volatile);
    }
}
