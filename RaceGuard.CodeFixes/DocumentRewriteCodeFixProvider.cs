using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using RaceGuard.CodeFixes.Editing;

namespace RaceGuard.CodeFixes
{
    /// <summary>
    /// The shape every RaceGuard fix shares: one rewrite of a document for a set of diagnostics, offered per diagnostic
    /// when it applies, and the same rewrite for Fix All (document, project, solution) over each document's diagnostics.
    /// The base class makes the <see cref="EditContext"/> (root, semantic model, editor, known symbols) of each rewrite.
    /// </summary>
    public abstract class DocumentRewriteCodeFixProvider : CodeFixProvider
    {
        /// <summary>The equivalence key of the fix's code actions (Fix All groups by it).</summary>
        protected abstract string EquivalenceKey { get; }

        public sealed override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => await RewriteAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var edit = await EditContext.CreateAsync(context.Document, context.CancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in context.Diagnostics)
            {
                if (TitleFor(edit, diagnostic) is not { } title)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        title,
                        async cancellationToken => await RewriteAsync(context.Document, new[] { diagnostic }, cancellationToken).ConfigureAwait(false) ?? context.Document,
                        EquivalenceKey),
                    diagnostic);
            }
        }

        /// <summary>The title of the fix for <paramref name="diagnostic"/>, or null when the fix does not apply to it (the context's editor is not used).</summary>
        protected abstract string? TitleFor(EditContext context, Diagnostic diagnostic);

        /// <summary>The document with every diagnostic of <paramref name="diagnostics"/> that the fix applies to fixed, through the context's editor; null when none is.</summary>
        protected abstract Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics);

        private async Task<Document?> RewriteAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken) =>
            Apply(await EditContext.CreateAsync(document, cancellationToken).ConfigureAwait(false), diagnostics);
    }
}
