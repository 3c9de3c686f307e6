using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>Blocks a fix introduces.</summary>
    internal static class Blocks
    {
        /// <summary>A block whose braces and statements stand on their own lines even inside a lambda (the formatter keeps one-line blocks as they are).</summary>
        public static BlockSyntax MultiLine(params StatementSyntax[] statements) =>
            Block(
                Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(ElasticCarriageReturnLineFeed),
                List(statements.Select(s => s.WithTrailingTrivia(ElasticCarriageReturnLineFeed))),
                Token(SyntaxKind.CloseBraceToken));
    }
}
