using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard
{
    /// <summary>Small helpers over <see cref="IOperation"/>.</summary>
    internal static class IOperationExtensions
    {
        /// <summary>
        /// True when a branch always leaves: it ends with <c>return</c>, <c>throw</c>, or (when <paramref name="loopExits"/>
        /// allows only loop exits) <c>break</c>; with <paramref name="loopExits"/> false any jump counts (<c>continue</c>, <c>goto</c>).
        /// </summary>
        public static bool AlwaysLeaves(this IOperation branch, bool loopExits = false) => branch switch
        {
            IBlockOperation block => block.Operations.Length > 0 && block.Operations[block.Operations.Length - 1].AlwaysLeaves(loopExits),
            IReturnOperation or IThrowOperation => true,
            IBranchOperation jump => !loopExits || jump.BranchKind == BranchKind.Break,
            IExpressionStatementOperation { Operation: IThrowOperation } => true,
            _ => false,
        };

        /// <summary>True when a branch ends by throwing: <c>throw ..;</c>, or a block whose last statement throws (after a log call, say).</summary>
        public static bool AlwaysThrows(this IOperation branch) => branch switch
        {
            IBlockOperation block => block.Operations.Length > 0 && block.Operations[block.Operations.Length - 1].AlwaysThrows(),
            IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation } => true,
            _ => false,
        };

        /// <summary>Skips implicit and explicit conversions and parentheses.</summary>
        public static IOperation WalkDownConversion(this IOperation operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        break;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        break;
                    default:
                        return operation;
                }
            }
        }

        /// <summary>The first parent that is not a conversion or parenthesis, and the child it was reached from.</summary>
        public static IOperation? WalkUpConversion(this IOperation operation, out IOperation child)
        {
            child = operation;
            var parent = operation.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                child = parent;
                parent = parent.Parent;
            }

            return parent;
        }

        /// <summary>
        /// Skips what passes a task through on its way up: conversions, <c>.ConfigureAwait(..)</c>, and
        /// <c>.WaitAsync(..)</c> (which completes only when the task does, or throws), a <c>new ValueTask(task)</c> that wraps it, and an extension method that returns something made of it (<c>.AnyContext()</c>).
        /// </summary>
        public static IOperation? WalkUpTaskPassThrough(this IOperation operation, out IOperation child)
        {
            var parent = operation.WalkUpConversion(out child);
            while (true)
            {
                if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" or "WaitAsync" or "AsTask" } configure && ReferenceEquals(configure.Instance, child))
                {
                    parent = parent.WalkUpConversion(out child);
                }
                else if (parent is IArgumentOperation { Parent: IObjectCreationOperation { Type: INamedTypeSymbol { Name: "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } } } wrapper })
                {
                    // new ValueTask<int>(ReadAsync(buffer)): the value task stands for the task it wraps.
                    parent = wrapper.WalkUpConversion(out child);
                }
                else if (parent is IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation { TargetMethod: { IsExtensionMethod: true, ReturnsVoid: false }, Instance: null } extension })
                {
                    // await ReleaseAsync().AnyContext(): an extension that hands the task on (a ConfigureAwait of the program's
                    // own) goes where its result goes; one that returns nothing (task.Forget()) lets the task run on.
                    parent = extension.WalkUpConversion(out child);
                }
                else
                {
                    return parent;
                }
            }
        }

        /// <summary>The delegate body an argument hands over: a lambda, anonymous method or method group.</summary>
        public static IOperation? GetDelegateTarget(this IOperation? value)
        {
            value = value?.WalkDownConversion();
            return value switch
            {
                IDelegateCreationOperation creation => creation.Target.WalkDownConversion(),
                IAnonymousFunctionOperation function => function,
                IMethodReferenceOperation reference => reference,
                ILocalReferenceOperation { Local.Type.TypeKind: TypeKind.Delegate } local => DelegateLocalInitializer(local)?.GetDelegateTarget(),
                _ => null,
            };
        }

        /// <summary>The lambda or method group a delegate local was declared with (<c>Action work = () => ..; Task.Run(work);</c>).</summary>
        public static IOperation? DelegateLocalInitializer(ILocalReferenceOperation local)
        {
            var root = (IOperation)local;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            foreach (var declarator in root.Descendants().OfType<IVariableDeclaratorOperation>())
            {
                if (SymbolEqualityComparer.Default.Equals(declarator.Symbol, local.Local) &&
                    declarator.Initializer?.Value.WalkDownConversion() is IDelegateCreationOperation initializer)
                {
                    return initializer;
                }
            }

            return null;
        }

        /// <summary>True when <paramref name="inner"/> lies within <paramref name="outer"/> in the same syntax tree.</summary>
        public static bool IsWithin(this IOperation inner, SyntaxNode outer) =>
            inner.Syntax.SyntaxTree == outer.SyntaxTree && outer.Span.Contains(inner.Syntax.Span);

        /// <summary>The closest ancestor of type <typeparamref name="T"/>, stopping at <paramref name="stop"/>.</summary>
        public static T? FindAncestor<T>(this IOperation operation, IOperation? stop = null)
            where T : class, IOperation
        {
            for (var parent = operation.Parent; parent is not null && !ReferenceEquals(parent, stop); parent = parent.Parent)
            {
                if (parent is T match)
                {
                    return match;
                }
            }

            return null;
        }

        /// <summary>The symbol a reference denotes (local, parameter, field, property), or null.</summary>
        public static ISymbol? ReferencedSymbol(this IOperation operation) => operation.WalkDownConversion() switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property when property.Arguments.IsEmpty => property.Property,
            _ => null,
        };

        /// <summary>Descendants of <paramref name="root"/> (itself included), not entering lambdas or local functions.</summary>
        public static IEnumerable<IOperation> DescendantsOutsideFunctions(this IOperation root)
        {
            var stack = new Stack<IOperation>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                yield return current;
                foreach (var child in current.ChildOperations.Reverse())
                {
                    if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                    {
                        stack.Push(child);
                    }
                }
            }
        }
    }
}
