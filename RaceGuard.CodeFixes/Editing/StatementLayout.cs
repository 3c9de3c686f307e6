using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>Keeps the layout of a block when a fix removes a statement or puts a new block in it.</summary>
    internal static class StatementLayout
    {
        /// <summary>The statement's trailing trivia, plus a blank line when more statements follow it in its block (as after any block).</summary>
        public static SyntaxTriviaList TrailingWithBlankLine(StatementSyntax statement) =>
            statement.Parent is BlockSyntax block && block.Statements.Last() != statement
                ? statement.GetTrailingTrivia().Add(GateDeclaration.EndOfLine(statement.SyntaxTree.GetRoot()))
                : statement.GetTrailingTrivia();

        /// <summary>
        /// Removes <paramref name="removed"/>; the next statement that stays takes its leading trivia, so a blank line or
        /// comment before it is not lost. <paramref name="alsoRemoved"/> are removed by the same edit.
        /// </summary>
        public static void Remove(SyntaxEditor editor, StatementSyntax removed, ICollection<StatementSyntax>? alsoRemoved = null)
        {
            if (removed.Parent is BlockSyntax block && block.Statements.IndexOf(removed) is var at && at + 1 < block.Statements.Count &&
                !(alsoRemoved?.Contains(block.Statements[at + 1]) ?? false))
            {
                var trivia = removed.GetLeadingTrivia();
                editor.ReplaceNode(block.Statements[at + 1], (current, _) => current.WithLeadingTrivia(trivia));
            }

            editor.RemoveNode(removed, SyntaxRemoveOptions.KeepNoTrivia);
        }

        /// <summary>The whitespace that indents <paramref name="statement"/> (not its comments or blank lines).</summary>
        public static SyntaxTriviaList Indentation(StatementSyntax statement) =>
            statement.GetLeadingTrivia().LastOrDefault() is var last && last.IsKind(SyntaxKind.WhitespaceTrivia) ? TriviaList(last) : TriviaList();

        /// <summary>The expression inside any parentheses.</summary>
        public static ExpressionSyntax WithoutParentheses(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }
    }
}
