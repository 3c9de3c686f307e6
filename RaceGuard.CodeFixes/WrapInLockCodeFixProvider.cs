using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using RaceGuard.CodeFixes.Editing;
using RaceGuard.Diagnostics;

namespace RaceGuard.CodeFixes
{
    /// <summary>
    /// "Guard with a lock": wraps the racing accesses to one variable in <c>lock</c> on one lock object, reusing the
    /// one the code already locks on or introducing one next to the variable.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WrapInLockCodeFixProvider))]
    [Shared]
    public sealed class WrapInLockCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "RaceGuard.WrapInLock";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SharedCollectionMutation, RuleIds.UnsynchronizedFlag, RuleIds.NonAtomicUpdate);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => await LockGuarding.ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

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
                if (!LockGuarding.CanFix(root, model, diagnostic, context.CancellationToken))
                {
                    continue;
                }

                var name = diagnostic.Properties[DiagnosticPropertyKeys.SymbolName];
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Guard '" + name + "' with a lock",
                        async cancellationToken => await LockGuarding.ApplyAsync(context.Document, new[] { diagnostic }, cancellationToken).ConfigureAwait(false) ?? context.Document,
                        EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
