using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using RaceGuard.CodeFixes.Editing;
using RaceGuard.Diagnostics;

namespace RaceGuard.CodeFixes
{
    /// <summary>
    /// "Use ConcurrentDictionary&lt;K, V&gt;" (Queue → ConcurrentQueue, Stack → ConcurrentStack, List → ConcurrentBag when
    /// it is only added to and enumerated): offered only when every use of the variable translates.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseConcurrentCollectionCodeFixProvider))]
    [Shared]
    public sealed class UseConcurrentCollectionCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "RaceGuard.UseConcurrentCollection";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SharedCollectionMutation);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => await ConcurrentCollectionRewrite.ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            var generator = SyntaxGenerator.GetGenerator(context.Document);
            foreach (var diagnostic in context.Diagnostics)
            {
                if (ConcurrentCollectionRewrite.CreatePlan(root, model, generator, diagnostic, context.CancellationToken) is not { } plan)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use " + plan.ConcurrentType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                        async cancellationToken => await ConcurrentCollectionRewrite.ApplyAsync(context.Document, new[] { diagnostic }, cancellationToken).ConfigureAwait(false) ?? context.Document,
                        EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
