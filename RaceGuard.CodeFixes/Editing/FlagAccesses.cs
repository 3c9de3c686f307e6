using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RaceGuard.Diagnostics;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>The flag an RG0002 diagnostic is about and every reference to it in one document.</summary>
    internal static class FlagAccesses
    {
        /// <summary>Which RG0002 finding the diagnostic is (the analyzer writes <see cref="FlagFinding"/> by name); null when it carries none.</summary>
        public static FlagFinding? FindingOf(Diagnostic diagnostic) =>
            diagnostic.Get<FlagFinding>(DiagnosticPropertyKeys.FlagFinding);

        /// <summary>True for the findings a Volatile access or a volatile field fixes: a loop's read and write, a Parallel body's early-exit flag, a timer's teardown flag, accesses outside the lock of the writes, and a fast path's test before the lock.</summary>
        public static bool IsVisibilityFinding(Diagnostic diagnostic) =>
            FindingOf(diagnostic) is FlagFinding.LoopRead or FlagFinding.LoopWrite or FlagFinding.ParallelRead or FlagFinding.TeardownRead or FlagFinding.UnlockedRead or FlagFinding.UnlockedWrite or FlagFinding.FastPathRead;

        /// <summary>
        /// The expressions in <paramref name="root"/> that name <paramref name="flag"/>: <c>_flag</c>, <c>this._flag</c>,
        /// <c>Type._flag</c>; not the name inside <c>nameof</c>.
        /// </summary>
        public static List<ExpressionSyntax> References(SyntaxNode root, SemanticModel model, ISymbol flag, CancellationToken cancellationToken)
        {
            var references = new List<ExpressionSyntax>();
            foreach (var identifier in root.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText != flag.Name ||
                    !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol?.OriginalDefinition, flag) ||
                    identifier.Ancestors().Any(a => a is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } }))
                {
                    continue;
                }

                var expression = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : (ExpressionSyntax)identifier;
                references.Add(expression);
            }

            return references;
        }

        /// <summary>The parent of <paramref name="expression"/> past parentheses.</summary>
        public static SyntaxNode? ParentOf(ExpressionSyntax expression, out ExpressionSyntax outermost)
        {
            outermost = expression;
            while (outermost.Parent is ParenthesizedExpressionSyntax parenthesized)
            {
                outermost = parenthesized;
            }

            return outermost.Parent;
        }
    }
}
