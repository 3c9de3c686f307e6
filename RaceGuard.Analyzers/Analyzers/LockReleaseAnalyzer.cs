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
                var known = KnownSymbols.Create(start.Compilation);
                if (known.Monitor is null)
                {
                    return;
                }

                start.RegisterOperationAction(operationContext => Analyze(operationContext, known), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, KnownSymbols known)
        {
            var acquire = (IInvocationOperation)context.Operation;
            var name = acquire.TargetMethod.Name;
            if (!(name is "Wait" or "WaitAsync" or "Enter" or "WaitOne" or "EnterWriteLock" or "EnterReadLock" or "EnterUpgradeableReadLock") ||
                !Guards.TryClassify(acquire, known, out var acquired) || !acquired.IsAcquire ||
                acquire.Syntax.SyntaxTree.Options is null)
            {
                return;
            }

            // The acquire must stand alone as a statement (await sem.WaitAsync(); sem.Wait(); Monitor.Enter(x, ref taken);
            // spin.Enter(ref taken);): a result that is used is a try-acquire (if (sem.Wait(0)) ..).
            var statement = StatementOf(acquire);
            if (statement?.Parent is not IBlockOperation block || IsSignal(acquired))
            {
                return;
            }

            var releases = ReleasesIn(block, acquired.Key, known, after: statement);
            if (releases.Count == 0 || IsCoveredByFinally(acquire, statement, block, acquired.Key, known))
            {
                // No release in this body: released elsewhere (or a signal); or released by a finally that covers it.
                return;
            }

            // Nothing between the acquire and the release: nothing can leave in between.
            var index = block.Operations.IndexOf(statement);
            if (index + 1 < block.Operations.Length && ReleaseStatement(block.Operations[index + 1], acquired.Key, known) is { } next && releases.Contains(next))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticPropertyKeys.SymbolName, acquired.Key.Text);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.ReleaseNotGuaranteed,
                acquire.Syntax.GetLocation(),
                releases.Select(r => r.Syntax.GetLocation()),
                properties,
                acquired.Key.Text,
                KindName(acquire),
                name + "()",
                context.ContainingSymbol.DescribeMember()));
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

        /// <summary>The release statements of <paramref name="key"/> in <paramref name="block"/> after <paramref name="after"/>, at any depth (not in lambdas).</summary>
        private static List<IOperation> ReleasesIn(IBlockOperation block, GuardKey key, KnownSymbols known, IOperation after)
        {
            var releases = new List<IOperation>();
            foreach (var operation in block.Operations.SkipWhile(o => !ReferenceEquals(o, after)).Skip(1))
            {
                foreach (var invocation in operation.DescendantsOutsideFunctions().OfType<IInvocationOperation>())
                {
                    if (Guards.TryClassify(invocation, known, out var released) && !released.IsAcquire && released.Key.Equals(key))
                    {
                        releases.Add(invocation.Parent is IExpressionStatementOperation statement ? statement : invocation);
                    }
                }
            }

            return releases;
        }

        private static IOperation? ReleaseStatement(IOperation statement, GuardKey key, KnownSymbols known) =>
            statement is IExpressionStatementOperation { Operation: IInvocationOperation invocation } &&
            Guards.TryClassify(invocation, known, out var released) && !released.IsAcquire && released.Key.Equals(key)
                ? statement
                : null;

        /// <summary>
        /// True when a <c>finally</c> releases the key on every path after the acquire: the acquire stands inside a try
        /// whose finally releases it, or the statement right after the acquire is such a try.
        /// </summary>
        private static bool IsCoveredByFinally(IInvocationOperation acquire, IOperation statement, IBlockOperation block, GuardKey key, KnownSymbols known)
        {
            // await sem.WaitAsync(); var taken = true; try { .. } finally { if (taken) sem.Release(); }: statements that
            // cannot throw may stand between the acquire and the try.
            var index = block.Operations.IndexOf(statement) + 1;
            while (index < block.Operations.Length && CannotThrow(block.Operations[index]))
            {
                index++;
            }

            if (index < block.Operations.Length && block.Operations[index] is ITryOperation next && ReleasesKey(next.Finally, key, known))
            {
                return true;
            }

            for (var parent = acquire.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is ITryOperation enclosing && enclosing.Body.Syntax.Span.Contains(acquire.Syntax.Span) && ReleasesKey(enclosing.Finally, key, known))
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
            IVariableDeclarationGroupOperation group => group.Declarations.SelectMany(d => d.Declarators).All(d => d.Initializer is null || IsPlainValue(d.Initializer.Value)),
            IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation, Value: var value } } => IsPlainValue(value),
            IEmptyOperation => true,
            _ => false,
        };

        private static bool IsPlainValue(IOperation value)
        {
            value = value.WalkDownConversion();
            return value.ConstantValue.HasValue || value is ILocalReferenceOperation or IParameterReferenceOperation or IDefaultValueOperation;
        }

        private static bool ReleasesKey(IBlockOperation? finallyBlock, GuardKey key, KnownSymbols known) =>
            finallyBlock is not null && finallyBlock.DescendantsOutsideFunctions().OfType<IInvocationOperation>().Any(i =>
                Guards.TryClassify(i, known, out var released) && !released.IsAcquire && released.Key.Equals(key));

        private static string KindName(IInvocationOperation acquire) => acquire.TargetMethod.ContainingType.Name switch
        {
            "Monitor" => "Monitor",
            var type => type,
        };
    }
}
