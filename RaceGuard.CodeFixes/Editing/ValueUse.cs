using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RaceGuard.ConcurrencyModel;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>Whether an expression's value is used, so a rewrite may change what it evaluates to.</summary>
    internal static class ValueUse
    {
        /// <summary>True when the value of <paramref name="expression"/> is not used: a statement, a for-incrementor, the body of a void lambda or member.</summary>
        public static bool IsUnused(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken) => expression.Parent switch
        {
            ExpressionStatementSyntax => true,
            ForStatementSyntax loop => loop.Incrementors.Contains(expression) || loop.Initializers.Contains(expression),
            LambdaExpressionSyntax lambda => ReturnsNothing(model.GetSymbolInfo(lambda, cancellationToken).Symbol, model),
            ArrowExpressionClauseSyntax arrow => ReturnsNothing(model.GetDeclaredSymbol(arrow.Parent!, cancellationToken), model) ||
                                                 arrow.Parent is AccessorDeclarationSyntax { Keyword.RawKind: (int)SyntaxKind.SetKeyword or (int)SyntaxKind.InitKeyword },
            _ => false,
        };

        /// <summary>A void method, or an async one whose task carries no value: its expression body is a statement.</summary>
        private static bool ReturnsNothing(ISymbol? symbol, SemanticModel model) =>
            symbol is IMethodSymbol method &&
            (method.ReturnsVoid || (method.IsAsync && KnownSymbols.For(model.Compilation) is var known && (known.IsType(method.ReturnType, known.Task) || known.IsType(method.ReturnType, known.ValueTask))));
    }
}
