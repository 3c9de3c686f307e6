using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using RaceGuard.CodeFixes.Editing;
using RaceGuard.Diagnostics;

namespace RaceGuard.CodeFixes
{
    /// <summary>
    /// "Use Volatile.Read/Volatile.Write": rewrites every plain access of the flag in the document, so that no read can
    /// be hoisted out of a loop and every write is published.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseVolatileCodeFixProvider))]
    [Shared]
    public sealed class UseVolatileCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "RaceGuard.UseVolatile";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnsynchronizedFlag);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => await VolatileAccessRewrite.ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!FlagAccesses.IsVisibilityFinding(diagnostic) || !VolatileAccessRewrite.CanFix(SharedVariable.Find(root, model, diagnostic, context.CancellationToken), model))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use Volatile.Read/Volatile.Write for '" + diagnostic.Properties[DiagnosticPropertyKeys.SymbolName] + "'",
                        async cancellationToken => await VolatileAccessRewrite.ApplyAsync(context.Document, new[] { diagnostic }, cancellationToken).ConfigureAwait(false) ?? context.Document,
                        EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
