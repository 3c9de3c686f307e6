using System;
using System.Linq;
using Microsoft.CodeAnalysis;
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
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }

                if (parent is IConditionalOperation conditional && ReferenceEquals(conditional.WhenTrue, child) && TestsAffinity(conditional.Condition))
                {
                    return true;
                }
            }

            return false;
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
            var name = value switch
            {
                IInvocationOperation call => call.TargetMethod.Name,
                IPropertyReferenceOperation property => property.Property.Name,
                IFieldReferenceOperation field => field.Field.Name,
                _ => null,
            };

            return name is "CheckAccess" ||
                   (name is not null && name.StartsWith("Is", StringComparison.Ordinal) &&
                    (name.IndexOf("MainThread", StringComparison.Ordinal) >= 0 || name.IndexOf("UIThread", StringComparison.Ordinal) >= 0));
        }
    }
}
