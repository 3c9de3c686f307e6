using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Diagnostics;

namespace RaceGuard.Analyzers
{
    /// <summary>
    /// RG0008: a lock, monitor or semaphore acquired in a body that also releases it, where the release is not in a
    /// <c>finally</c> that covers every path after the acquire: an exception, an early return or a faulted await between
    /// them leaves it held. It needs no concurrency model (every body is checked), so it is a stand-alone analyzer.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LockReleaseAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ReleaseNotGuaranteed);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                // The known types resolve on first use: nothing is looked up before a document has an invocation.
                var known = KnownSymbols.For(start.Compilation);
                start.RegisterOperationAction(operationContext => Analyze(operationContext, known), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, KnownSymbols known)
        {
            var acquire = (IInvocationOperation)context.Operation;
            var name = acquire.TargetMethod.Name;
            if (ReleaserTokenOf(acquire) is ({ } token, { } tokenStatement))
            {
                // var releaser = await _lock.LockAsync(); .. releaser.Dispose();  the token's Dispose is the release.
                bool IsTokenDisposal(IInvocationOperation invocation) =>
                    invocation.TargetMethod.Name is "Dispose" or "DisposeAsync" && invocation.Instance?.WalkDownConversion() is ILocalReferenceOperation disposed &&
                    SymbolEqualityComparer.Default.Equals(disposed.Local, token);
                // A helper of the type itself (LockAsync()) is named by the token it hands out.
                var onThis = acquire.Instance!.WalkDownConversion() is IInstanceReferenceOperation;
                Check(context, acquire, tokenStatement, onThis ? new GuardKey(token, token.Name) : Guards.KeyOf(acquire.Instance!), IsTokenDisposal, onThis ? token.Type.ToMessageString() : null);
                return;
            }

            if (!(name is "Wait" or "WaitAsync" or "Enter" or "WaitOne" or "EnterWriteLock" or "EnterReadLock" or "EnterUpgradeableReadLock") ||
                !Guards.TryClassify(acquire, known, out var acquired) || !acquired.IsAcquire ||
                acquire.Syntax.SyntaxTree.Options is null)
            {
                return;
            }

            // The acquire must stand alone as a statement (await sem.WaitAsync(); sem.Wait(); Monitor.Enter(x, ref taken);
            // spin.Enter(ref taken);): a result that is used is a try-acquire (if (sem.Wait(0)) ..).
            var statement = StatementOf(acquire);
            if (statement?.Parent is not IBlockOperation || IsSignal(acquired))
            {
                return;
            }

            var key = acquired.Key;
            Check(context, acquire, statement, key, invocation => Guards.TryClassify(invocation, known, out var released) && !released.IsAcquire && released.Key.Equals(key));
        }

        /// <summary>Reports <paramref name="acquire"/> when a release after it (<paramref name="isRelease"/>) in its block is not guaranteed.</summary>
        private static void Check(OperationAnalysisContext context, IInvocationOperation acquire, IOperation statement, GuardKey key, System.Func<IInvocationOperation, bool> isRelease, string? typeName = null)
        {
            if (statement.Parent is not IBlockOperation block)
            {
                return;
            }

            var releases = ReleasesIn(block, isRelease, after: statement);
            if (releases.Count == 0 || IsCoveredByFinally(acquire, statement, block, isRelease))
            {
                // No release in this body: released elsewhere (or a signal); or released by a finally that covers it.
                return;
            }

            // Every path from the acquire reaches a release (or a try whose finally releases) through statements that
            // cannot throw: nothing can leave in between (Monitor.Enter(x); var s = _state; if (s == ..) { Monitor.Exit(x); return; } try { .. } finally { Monitor.Exit(x); }).
            var index = block.Operations.IndexOf(statement);
            if (FlowAfter(block.Operations.Skip(index + 1), isRelease) == Flow.Released)
            {
                return;
            }

            var finding = RaceDiagnostic.At(null, acquire.Syntax.GetLocation(), releases.Select(r => r.Syntax.GetLocation()));
            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticPropertyKeys.SymbolName, key.Text);
            context.ReportDiagnostic(finding.Create(
                Descriptors.ReleaseNotGuaranteed,
                properties,
                key.Text,
                typeName ?? KindName(acquire),
                acquire.TargetMethod.Name + "()",
                context.ContainingSymbol.DescribeMember()));
        }

        /// <summary>
        /// <c>var releaser = await _lock.LockAsync();</c> (not a <c>using</c>): a lock handle of an async-lock library or of
        /// the program (a method on a field whose name speaks of locking, returning a disposable), the local that holds it
        /// and its declaration statement.
        /// </summary>
        private static (ILocalSymbol? Token, IOperation? Statement) ReleaserTokenOf(IInvocationOperation acquire)
        {
            var name = acquire.TargetMethod.Name;
            // On a field (_lock.LockAsync()) or on this (a helper of the type: LockAsync()).
            if (acquire.Instance?.WalkDownConversion() is not (IFieldReferenceOperation or IPropertyReferenceOperation or IInstanceReferenceOperation) ||
                !(name.IndexOf("Lock", System.StringComparison.Ordinal) >= 0 || name.StartsWith("Acquire", System.StringComparison.Ordinal) || name == "EnterAsync") ||
                name.StartsWith("TryAcquire", System.StringComparison.Ordinal) || name.IndexOf("Unlock", System.StringComparison.Ordinal) >= 0)
            {
                return (null, null);
            }

            var current = (IOperation)acquire;
            if (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured)
            {
                current = configured;
            }

            if (current.Parent is IAwaitOperation awaited)
            {
                current = awaited;
            }

            return current.WalkUpConversion(out _) is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var local } declarator } &&
                   declarator.Parent?.Parent is IVariableDeclarationGroupOperation { Parent: IBlockOperation } group &&
                   local.Type.IsDisposable()
                ? (local, group)
                : (null, null);
        }

        /// <summary>The expression statement (or <c>await</c> statement) that is the acquire.</summary>
        private static IOperation? StatementOf(IInvocationOperation acquire)
        {
            var current = (IOperation)acquire;
            if (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured)
            {
                current = configured;
            }

            if (current.Parent is IAwaitOperation awaited)
            {
                current = awaited;
            }

            return current.Parent as IExpressionStatementOperation;
        }

        /// <summary>A semaphore created with no free slot (<c>new SemaphoreSlim(0)</c>): a signal another party releases.</summary>
        private static bool IsSignal(Guards.GuardEvent acquired) =>
            acquired.Kind == GuardKind.Semaphore && acquired.Key.Symbol is { } symbol &&
            Guards.FirstCreationArgument(symbol) is Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax { Token.ValueText: "0" };

        /// <summary>The release statements (<paramref name="isRelease"/>) in <paramref name="block"/> after <paramref name="after"/>, at any depth (not in lambdas).</summary>
        private static List<IOperation> ReleasesIn(IBlockOperation block, System.Func<IInvocationOperation, bool> isRelease, IOperation after)
        {
            var releases = new List<IOperation>();
            foreach (var operation in block.Operations.SkipWhile(o => !ReferenceEquals(o, after)).Skip(1))
            {
                foreach (var invocation in operation.DescendantsOutsideFunctions().OfType<IInvocationOperation>())
                {
                    if (isRelease(invocation))
                    {
                        releases.Add(invocation.Parent is IExpressionStatementOperation statement ? statement : invocation);
                    }
                }
            }

            return releases;
        }

        /// <summary>
        /// True when a <c>finally</c> releases the key on every path after the acquire: the acquire stands inside a try
        /// whose finally releases it, or the statement right after the acquire is such a try.
        /// </summary>
        private static bool IsCoveredByFinally(IInvocationOperation acquire, IOperation statement, IBlockOperation block, System.Func<IInvocationOperation, bool> isRelease)
        {
            // await sem.WaitAsync(); var taken = true; try { .. } finally { if (taken) sem.Release(); }: statements that
            // cannot throw may stand between the acquire and the try.
            var index = block.Operations.IndexOf(statement) + 1;
            while (index < block.Operations.Length && CannotThrow(block.Operations[index]))
            {
                index++;
            }

            if (index < block.Operations.Length && block.Operations[index] is ITryOperation next && ReleasesKey(next.Finally, isRelease))
            {
                return true;
            }

            for (var parent = acquire.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is ITryOperation enclosing && enclosing.Body.Syntax.Span.Contains(acquire.Syntax.Span) && ReleasesKey(enclosing.Finally, isRelease))
                {
                    return true;
                }

                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return false;
        }

        /// <summary>
        /// A statement that cannot throw: a local declared or assigned with a constant or another local
        /// (<c>var lockTaken = true;</c>, <c>released = false;</c>).
        /// </summary>
        private static bool CannotThrow(IOperation statement) => statement switch
        {
            IVariableDeclarationGroupOperation group => group.Declarations.SelectMany(d => d.Declarators).All(d => d.Initializer is null || IsPlainValue(d.Initializer.Value) || IsPoolRent(d.Initializer.Value)),
            IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: var target, Value: var value } } => IsPlainTarget(target) && (IsPlainValue(value) || IsPoolRent(value)),
            IEmptyOperation => true,
            _ => false,
        };

        /// <summary>A local, or a field of this instance or a static one: storing a plain value there cannot throw.</summary>
        private static bool IsPlainTarget(IOperation target) =>
            target is ILocalReferenceOperation || target is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation };

        /// <summary>A value whose evaluation cannot throw: constants, locals, parameters, fields of this instance, comparisons and negations of such.</summary>
        private static bool IsPlainValue(IOperation value)
        {
            value = value.WalkDownConversion();
            return value.ConstantValue.HasValue || value is ILocalReferenceOperation or IParameterReferenceOperation or IDefaultValueOperation || IsCollectionCount(value) ||
                   value is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } ||
                   value is IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.IsEmpty: true } property && ReadsAFieldOnly(property.Property) ||
                   value is IPropertyReferenceOperation { Instance: null } runtimeProperty && IsRuntimeValue(runtimeProperty.Property) ||
                   value is IPropertyReferenceOperation { Property.Name: "ManagedThreadId", Instance: IPropertyReferenceOperation { Instance: null } thread } && IsRuntimeValue(thread.Property) ||
                   value is IBinaryOperation { OperatorMethod: null, OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } binary &&
                   IsPlainValue(binary.LeftOperand) && IsPlainValue(binary.RightOperand) ||
                   value is IUnaryOperation { OperatorMethod: null, OperatorKind: UnaryOperatorKind.Not } not && IsPlainValue(not.Operand);
        }

        /// <summary>
        /// <c>ArrayPool&lt;T&gt;.Shared.Rent(count)</c> with a plain length: it hands out a pooled or new array and fails only
        /// when memory runs out, which no <c>finally</c> of the caller would survive either.
        /// </summary>
        private static bool IsPoolRent(IOperation value) =>
            value.WalkDownConversion() is IInvocationOperation { TargetMethod.Name: "Rent", Arguments.Length: 1 } rent &&
            rent.Instance is IPropertyReferenceOperation { Property.Name: "Shared", Instance: null } &&
            rent.TargetMethod.ContainingType is { Name: "ArrayPool", ContainingNamespace: { Name: "Buffers", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } &&
            IsPlainValue(rent.Arguments[0].Value);

        /// <summary>
        /// The element count of a collection or array held in a local, a parameter or a field of this instance
        /// (<c>_items.Count</c>, <c>buffer.Length</c>): the collections of the runtime return a number they keep.
        /// </summary>
        private static bool IsCollectionCount(IOperation value) =>
            value is IPropertyReferenceOperation { Property.Name: "Count" or "Length", Arguments.IsEmpty: true, Instance: { } instance } count &&
            instance.WalkDownConversion() is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } &&
            (count.Property.ContainingType.SpecialType == SpecialType.System_Array || InCollectionsNamespace(count.Property.ContainingType.ContainingNamespace));

        private static bool InCollectionsNamespace(INamespaceSymbol? ns)
        {
            for (; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            {
                if (ns is { Name: "Collections", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A static property of the runtime that only reads a value it keeps (<c>Environment.CurrentManagedThreadId</c>,
        /// <c>Environment.TickCount</c>, <c>Thread.CurrentThread</c>): reading it cannot throw.
        /// </summary>
        private static bool IsRuntimeValue(IPropertySymbol property) => property switch
        {
            { Name: "CurrentManagedThreadId" or "TickCount" or "TickCount64" or "ProcessorCount", ContainingType: { Name: "Environment", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } => true,
            { Name: "CurrentThread", ContainingType: { Name: "Thread", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } } => true,
            _ => false,
        };

        /// <summary>An auto-property, or a getter that only returns a field (<c>get => (State)_state;</c>).</summary>
        private static bool ReadsAFieldOnly(IPropertySymbol property)
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax? returned;
            switch (property.GetMethod?.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax())
            {
                case Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax { Body: null, ExpressionBody: null }:
                    return true;
                case Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax getter:
                    returned = getter.ExpressionBody?.Expression;
                    break;
                case Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax arrow:
                    returned = arrow.Expression;
                    break;
                default:
                    return false;
            }

            while (returned is Microsoft.CodeAnalysis.CSharp.Syntax.CastExpressionSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.ParenthesizedExpressionSyntax)
            {
                returned = returned is Microsoft.CodeAnalysis.CSharp.Syntax.CastExpressionSyntax cast ? cast.Expression : ((Microsoft.CodeAnalysis.CSharp.Syntax.ParenthesizedExpressionSyntax)returned).Expression;
            }

            return returned is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax { Expression: Microsoft.CodeAnalysis.CSharp.Syntax.ThisExpressionSyntax };
        }

        private enum Flow
        {
            /// <summary>Every path released the key before anything that could throw.</summary>
            Released,

            /// <summary>Reached the end of the statements without a release or anything that could throw.</summary>
            FallsThrough,

            /// <summary>Something that may throw, or leave, runs while the key is held.</summary>
            Unsafe,
        }

        /// <summary>Follows <paramref name="statements"/> while the key is held: a release, a try whose finally releases, statements that cannot throw, ifs on plain conditions.</summary>
        private static Flow FlowAfter(IEnumerable<IOperation> statements, System.Func<IInvocationOperation, bool> isRelease)
        {
            foreach (var statement in statements)
            {
                if (IsRelease(statement, isRelease) || statement is ITryOperation { Finally: var @finally } && ReleasesKey(@finally, isRelease))
                {
                    return Flow.Released;
                }

                if (CannotThrow(statement))
                {
                    continue;
                }

                // try { try { .. } finally { Exit(); } .. } finally { Return(buffer); }: the outer try's body is followed
                // like a block, so the inner try that opens it covers the rest.
                if (statement is IBlockOperation or ITryOperation)
                {
                    var inner = FlowAfter(statement is ITryOperation outer ? outer.Body.Operations : ((IBlockOperation)statement).Operations, isRelease);
                    if (inner != Flow.FallsThrough)
                    {
                        return inner;
                    }

                    continue;
                }

                if (statement is IConditionalOperation { Type: null } conditional && IsPlainValue(conditional.Condition))
                {
                    var whenTrue = FlowAfter(new[] { conditional.WhenTrue }, isRelease);
                    var whenFalse = conditional.WhenFalse is null ? Flow.FallsThrough : FlowAfter(new[] { conditional.WhenFalse }, isRelease);
                    if (whenTrue == Flow.Unsafe || whenFalse == Flow.Unsafe)
                    {
                        return Flow.Unsafe;
                    }

                    if (whenTrue == Flow.Released && whenFalse == Flow.Released)
                    {
                        return Flow.Released;
                    }

                    continue;
                }

                return Flow.Unsafe;
            }

            return Flow.FallsThrough;
        }

        /// <summary>A statement that releases the key and does nothing else that could throw: <c>Monitor.Exit(x);</c>, <c>return 1 + sem.Release();</c>.</summary>
        private static bool IsRelease(IOperation statement, System.Func<IInvocationOperation, bool> isRelease)
        {
            if (statement is not (IExpressionStatementOperation or IReturnOperation))
            {
                return false;
            }

            var invocations = statement.DescendantsOutsideFunctions().OfType<IInvocationOperation>().ToList();
            return invocations.Count == 1 && isRelease(invocations[0]) &&
                   !statement.DescendantsOutsideFunctions().Any(o => o is IObjectCreationOperation or IAwaitOperation or IArrayElementReferenceOperation ||
                                                                     o is IPropertyReferenceOperation property && !(property.Arguments.IsEmpty && ReadsAFieldOnly(property.Property)));
        }

        private static bool ReleasesKey(IBlockOperation? finallyBlock, System.Func<IInvocationOperation, bool> isRelease) =>
            finallyBlock is not null && finallyBlock.DescendantsOutsideFunctions().OfType<IInvocationOperation>().Any(isRelease);

        /// <summary>
        /// The type of what is locked: the lock object of <c>Monitor.Enter(x)</c>; else the type of the object acquired
        /// (<c>Mutex</c> for <c>_mutex.WaitOne()</c>, whose method <c>WaitHandle</c> declares), or the type whose method acquires.
        /// </summary>
        private static string KindName(IInvocationOperation acquire) =>
            acquire.TargetMethod is { IsStatic: true, ContainingType.Name: "Monitor" } && acquire.Arguments.Length > 0 && acquire.Arguments[0].Value.WalkDownConversion().Type is { } locked
                ? locked.ToMessageString()
                : acquire.Instance?.WalkDownConversion().Type is INamedTypeSymbol { TypeKind: TypeKind.Class } instance ? instance.ToMessageString() : acquire.TargetMethod.ContainingType.Name;
    }
}
