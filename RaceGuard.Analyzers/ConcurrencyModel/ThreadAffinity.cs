using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// Thread confinement: code that asserts it runs on one thread (a UI dispatcher's <c>VerifyAccess()</c>,
    /// <c>if (!CheckAccess()) throw</c>, <c>Assumes.True(IsOnMainThread)</c>, <c>ThrowIfNotOnUIThread()</c>) does not run in
    /// parallel with other code that asserts the same.
    /// </summary>
    public static class ThreadAffinity
    {
        /// <summary>True when one of the top-level statements of <paramref name="body"/> asserts a thread affinity.</summary>
        public static bool AssertsOneThread(IOperation body)
        {
            var statements = body switch
            {
                IMethodBodyOperation { BlockBody: { } block } => block.Operations,
                IMethodBodyOperation { ExpressionBody: { } expression } => expression.Operations,
                IBlockOperation block => block.Operations,
                _ => System.Collections.Immutable.ImmutableArray<IOperation>.Empty,
            };

            return statements.Any(IsAssertion);
        }

        /// <summary>
        /// True when <paramref name="position"/> runs only on the affine thread: under <c>if (CheckAccess())</c> or
        /// <c>if (IsOnMainThread)</c>, or after a top-level assertion of <paramref name="body"/>.
        /// </summary>
        public static bool RunsOnOneThread(IOperation position, IOperation body)
        {
            if (AssertsOneThread(body))
            {
                return true;
            }

            var child = position;
            for (var parent = position.Parent; parent is not null && !ReferenceEquals(child, body); child = parent, parent = parent.Parent)
            {
                if (parent is ILocalFunctionOperation)
                {
                    return false;
                }

                if (parent is IAnonymousFunctionOperation lambda)
                {
                    return IsPostedToTheAffineThread(lambda, body);
                }

                if (parent is IConditionalOperation conditional && ReferenceEquals(conditional.WhenTrue, child) && TestsAffinity(conditional.Condition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The other half of "run it here when on the thread, else post it there": a lambda handed to a call in the
        /// <c>else</c> of an affinity test (<c>if (InEventLoop) Work(); else Execute(() => Work());</c>,
        /// <c>if (CheckAccess()) f(); else Dispatcher.BeginInvoke(f)</c>) runs on that thread.
        /// </summary>
        private static bool IsPostedToTheAffineThread(IAnonymousFunctionOperation lambda, IOperation body)
        {
            IOperation child = lambda;
            var parent = lambda.Parent;
            while (parent is IDelegateCreationOperation or IConversionOperation)
            {
                child = parent;
                parent = parent.Parent;
            }

            if (parent is not IArgumentOperation { Parent: IInvocationOperation or IObjectCreationOperation })
            {
                return false;
            }

            for (; parent is not null && !ReferenceEquals(child, body); child = parent, parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }

                if (parent is IConditionalOperation conditional && ReferenceEquals(conditional.WhenFalse, child) && TestsAffinity(conditional.Condition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when a thread <paramref name="region"/> runs is the one the type's affinity tests look for: a dedicated
        /// thread kept in a field (<c>this.thread = new Thread(this.Loop)</c>) that the type compares with another thread
        /// (<c>IsInEventLoop(Thread t) => this.thread == t</c>). Code under <c>if (InEventLoop)</c> then runs on that thread
        /// too, never beside it. Read from the syntax of the field's type.
        /// </summary>
        public static bool RunsTheAffineThread(ConcurrentRegion region) =>
            region.RunsTheAffineThread ??=
                region is { Kind: RegionKind.Thread, Multiplicity: Multiplicity.Once, Handle: IFieldSymbol field } &&
                field.ContainingType.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax().DescendantNodes()
                    .OfType<BinaryExpressionSyntax>()
                    .Any(comparison => comparison.IsKind(SyntaxKind.EqualsExpression) && (NamesField(comparison.Left, field) || NamesField(comparison.Right, field))));

        private static bool NamesField(ExpressionSyntax expression, IFieldSymbol field) => expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == field.Name,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var name } => name.Identifier.ValueText == field.Name,
            _ => false,
        };

        /// <summary>True for the names that read the current thread's identity: <c>Thread.CurrentThread</c>, <c>Environment.CurrentManagedThreadId</c>.</summary>
        public static bool NamesTheCurrentThread(string name) => name is "CurrentThread" or "CurrentManagedThreadId";

        /// <summary>
        /// A property or method of the program that returns whether the current thread is a given one
        /// (<c>InEventLoop => IsInEventLoop(Thread.CurrentThread)</c>, <c>IsOnLoopThread => _loopThreadId ==
        /// Environment.CurrentManagedThreadId</c>): read from its declaration's syntax, without binding.
        /// </summary>
        private static bool IsThreadIdentityTest(ISymbol member)
        {
            var returnsBool = member switch
            {
                IPropertySymbol property => property.Type.SpecialType == SpecialType.System_Boolean && property.Parameters.IsEmpty,
                IMethodSymbol method => method.ReturnType.SpecialType == SpecialType.System_Boolean && method.Parameters.IsEmpty,
                _ => false,
            };

            return returnsBool && member.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax().DescendantNodes()
                .OfType<IdentifierNameSyntax>()
                .Any(identifier => NamesTheCurrentThread(identifier.Identifier.ValueText)));
        }

        private static bool IsAssertion(IOperation statement) => statement switch
        {
            // VerifyAccess(); Dispatcher.VerifyAccess(); ThreadHelper.ThrowIfNotOnUIThread(); Assumes.True(IsOnMainThread);
            IExpressionStatementOperation { Operation: IInvocationOperation call } =>
                IsAffinityCheckName(call.TargetMethod.Name) || call.Arguments.Any(a => TestsAffinity(a.Value)),

            // if (!CheckAccess()) throw ..;  if (!IsOnMainThread) throw ..;
            IConditionalOperation { Condition: IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var tested }, WhenTrue: var whenTrue, WhenFalse: null } =>
                whenTrue.AlwaysLeaves() && whenTrue.DescendantsAndSelf().Any(o => o is IThrowOperation) && TestsAffinity(tested),
            _ => false,
        };

        /// <summary>True for a name that may take part in an affinity check (for a quick test over a compilation's names).</summary>
        public static bool MayTestAffinity(string name) =>
            IsAffinityCheckName(name) || name == "CheckAccess" ||
            (name.StartsWith("Is", StringComparison.Ordinal) && (name.IndexOf("MainThread", StringComparison.Ordinal) >= 0 || name.IndexOf("UIThread", StringComparison.Ordinal) >= 0));

        private static bool IsAffinityCheckName(string name) =>
            name is "VerifyAccess" or "ThrowIfNotOnUIThread" or "ThrowIfNotOnMainThread" or "VerifyOnUIThread" or "VerifyIsOnMainThread" or
                "AssertIsOnMainThread" or "AssertOnMainThread" or "AssertIsOnUIThread" or "VerifyUIThread" or "EnsureOnMainThread" or "EnsureOnUIThread";

        private static bool TestsAffinity(IOperation value)
        {
            value = value.WalkDownConversion();
            var member = value switch
            {
                IInvocationOperation call => (ISymbol)call.TargetMethod,
                IPropertyReferenceOperation property => property.Property,
                IFieldReferenceOperation field => field.Field,
                _ => null,
            };

            var name = member?.Name;
            return name is "CheckAccess" || (member is IPropertySymbol or IMethodSymbol && IsThreadIdentityTest(member.OriginalDefinition)) ||
                   (name is not null && name.StartsWith("Is", StringComparison.Ordinal) &&
                    (name.IndexOf("MainThread", StringComparison.Ordinal) >= 0 || name.IndexOf("UIThread", StringComparison.Ordinal) >= 0));
        }
    }
}
