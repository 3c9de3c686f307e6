using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace RaceGuard.CodeFixes
{
    /// <summary>
    /// The shape every RaceGuard fix shares: one rewrite of a document for a set of diagnostics, offered per diagnostic
    /// when it applies, and the same rewrite for Fix All (document, project, solution) over each document's diagnostics.
    /// </summary>
    public abstract class DocumentRewriteCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix's code actions (Fix All groups by it).</summary>
        protected abstract string EquivalenceKey { get; }

        public sealed override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => await ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (TitleFor(context.Document, root, model, diagnostic, context.CancellationToken) is not { } title)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        title,
                        async cancellationToken => await ApplyAsync(context.Document, new[] { diagnostic }, cancellationToken).ConfigureAwait(false) ?? context.Document,
                        EquivalenceKey),
                    diagnostic);
            }
        }

        /// <summary>The title of the fix for <paramref name="diagnostic"/>, or null when the fix does not apply to it.</summary>
        protected abstract string? TitleFor(Document document, SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken);

        /// <summary>The document with every diagnostic of <paramref name="diagnostics"/> that the fix applies to fixed; null when none is.</summary>
        protected abstract Task<Document?> ApplyAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken);
    }
}
