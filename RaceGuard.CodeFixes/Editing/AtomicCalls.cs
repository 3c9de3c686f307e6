using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>Builds <c>Interlocked.X(ref target, ..)</c> and <c>Volatile.X(ref target, ..)</c> calls, importing the namespace when needed.</summary>
    internal static class AtomicCalls
    {
        /// <summary>The type's name as an expression, simplified to <c>Interlocked</c> with <c>using System.Threading;</c> added when needed.</summary>
        public static ExpressionSyntax TypeName(SyntaxGenerator generator, INamedTypeSymbol type) =>
            ((ExpressionSyntax)generator.TypeExpression(type)).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

        /// <summary><c>type.method(ref target, values..)</c>.</summary>
        public static InvocationExpressionSyntax Call(ExpressionSyntax type, string method, ExpressionSyntax target, params ExpressionSyntax[] values)
        {
            var arguments = new List<ArgumentSyntax> { Argument(target.WithoutTrivia()).WithRefKindKeyword(Token(SyntaxKind.RefKeyword)) };
            arguments.AddRange(values.Select(Argument));
            return InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type, IdentifierName(method)), ArgumentList(SeparatedList(arguments)))
                .WithAdditionalAnnotations(Formatter.Annotation);
        }
    }
}
