using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;
using RaceGuard.Diagnostics;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>
    /// Rewrites <c>x++</c>, <c>x--</c>, <c>x += n</c>, <c>x -= n</c>, <c>x |= f</c>, <c>x &amp;= f</c> and <c>x = x + n</c>
    /// into the Interlocked call that performs the update atomically. Where the old expression's value is used, the
    /// rewrite yields the same value (<c>x++</c> is <c>Interlocked.Increment(ref x) - 1</c>).
    /// </summary>
    internal static class InterlockedRewrite
    {
        /// <summary>The Interlocked method and the expression replacing the update.</summary>
        public sealed class Replacement
        {
            public Replacement(ExpressionSyntax update, string method, ExpressionSyntax expression)
            {
                Update = update;
                Method = method;
                Expression = expression;
            }

            public ExpressionSyntax Update { get; }

            public string Method { get; }

            public ExpressionSyntax Expression { get; }
        }

        public static Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics)
        {
            var root = context.Root;
            var model = context.Model;
            var cancellationToken = context.CancellationToken;

            var editor = context.Editor;
            var generator = context.Generator;
            var changed = false;
            foreach (var diagnostic in diagnostics)
            {
                if (CreateReplacement(root, model, generator, diagnostic, cancellationToken) is { } replacement)
                {
                    editor.ReplaceNode(replacement.Update, replacement.Expression.WithTriviaFrom(replacement.Update));
                    changed = true;
                }
            }

            return changed ? context.ChangedDocument() : null;
        }

        /// <summary>The rewrite of the update <paramref name="diagnostic"/> reports, or null when no Interlocked call keeps its meaning.</summary>
        public static Replacement? CreateReplacement(SyntaxNode root, SemanticModel model, SyntaxGenerator generator, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticPropertyKeys.InterlockedMethod, out var method) || method is null ||
                diagnostic.Location.SourceTree != root.SyntaxTree ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax update ||
                model.Compilation.GetTypeByMetadataName("System.Threading.Interlocked") is not { } interlockedType)
            {
                return null;
            }

            var valueUsed = !ValueUse.IsUnused(update, model, cancellationToken);
            switch (update)
            {
                case PostfixUnaryExpressionSyntax postfix when Variable(postfix.Operand, model, cancellationToken) is { } target:
                {
                    var call = Call(generator, interlockedType, method, target);
                    var isIncrement = postfix.IsKind(SyntaxKind.PostIncrementExpression);
                    return new Replacement(update, method, valueUsed
                        ? Parenthesized(BinaryExpression(isIncrement ? SyntaxKind.SubtractExpression : SyntaxKind.AddExpression, call, One()))
                        : call);
                }

                case PrefixUnaryExpressionSyntax prefix when Variable(prefix.Operand, model, cancellationToken) is { } target:
                    return new Replacement(update, method, Call(generator, interlockedType, method, target));

                case AssignmentExpressionSyntax assignment when Variable(assignment.Left, model, cancellationToken) is { } target:
                    return AssignmentReplacement(assignment, generator, interlockedType, method, target, valueUsed, model, cancellationToken);

                default:
                    return null;
            }
        }

        private static Replacement? AssignmentReplacement(AssignmentExpressionSyntax assignment, SyntaxGenerator generator, INamedTypeSymbol interlockedType, string method, ExpressionSyntax target, bool valueUsed, SemanticModel model, CancellationToken cancellationToken)
        {
            var targetType = model.GetTypeInfo(assignment.Left, cancellationToken).Type;
            ExpressionSyntax? operand;
            var negate = false;
            switch (assignment.Kind())
            {
                case SyntaxKind.AddAssignmentExpression:
                    operand = assignment.Right;
                    break;
                case SyntaxKind.SubtractAssignmentExpression:
                    operand = assignment.Right;
                    negate = true;
                    break;
                case SyntaxKind.OrAssignmentExpression or SyntaxKind.AndAssignmentExpression:
                    // Interlocked.Or/And return the old value: offered only where the value is not used.
                    operand = valueUsed ? null : assignment.Right;
                    break;
                case SyntaxKind.SimpleAssignmentExpression when StatementLayout.WithoutParentheses(assignment.Right) is BinaryExpressionSyntax binary:
                    var variable = model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol;
                    bool IsVariable(ExpressionSyntax side) => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(StatementLayout.WithoutParentheses(side), cancellationToken).Symbol, variable);
                    operand = IsVariable(binary.Left) ? binary.Right : IsVariable(binary.Right) && binary.IsKind(SyntaxKind.AddExpression) ? binary.Left : null;
                    negate = binary.IsKind(SyntaxKind.SubtractExpression);
                    break;
                default:
                    operand = null;
                    break;
            }

            if (operand is null || targetType is null || !ConvertsImplicitly(operand, targetType, negate, model, cancellationToken))
            {
                return null;
            }

            var argument = negate ? Negate(operand) : operand.WithoutTrivia();
            return new Replacement(assignment, method, Call(generator, interlockedType, method, target, argument));
        }

        /// <summary>True when the operand (negated, for <c>-=</c>) converts to the variable's type without a cast.</summary>
        private static bool ConvertsImplicitly(ExpressionSyntax operand, ITypeSymbol targetType, bool negate, SemanticModel model, CancellationToken cancellationToken)
        {
            if (negate && targetType.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
            {
                return false;
            }

            var conversion = model.ClassifyConversion(operand, targetType);
            return conversion.Exists && conversion.IsImplicit;
        }

        /// <summary>The variable as a <c>ref</c> argument can take it: a local, parameter or field (of this instance or static).</summary>
        private static ExpressionSyntax? Variable(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken) =>
            model.GetSymbolInfo(expression, cancellationToken).Symbol is ILocalSymbol { IsRef: false } or IParameterSymbol { RefKind: RefKind.None } or IFieldSymbol { IsReadOnly: false, IsConst: false }
                ? expression.WithoutTrivia()
                : null;

        private static InvocationExpressionSyntax Call(SyntaxGenerator generator, INamedTypeSymbol interlockedType, string method, ExpressionSyntax target, ExpressionSyntax? operand = null) =>
            operand is null
                ? AtomicCalls.Call(AtomicCalls.TypeName(generator, interlockedType), method, target)
                : AtomicCalls.Call(AtomicCalls.TypeName(generator, interlockedType), method, target, operand);

        private static ExpressionSyntax Negate(ExpressionSyntax operand)
        {
            var value = operand.WithoutTrivia();
            return value switch
            {
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } minus => minus.Operand,
                LiteralExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax
                    => PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, value),
                _ => PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, ParenthesizedExpression(value)),
            };
        }

        private static ExpressionSyntax One() => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1));

        private static ExpressionSyntax Parenthesized(ExpressionSyntax expression) =>
            ParenthesizedExpression(expression).WithAdditionalAnnotations(Simplifier.Annotation);
    }
}
