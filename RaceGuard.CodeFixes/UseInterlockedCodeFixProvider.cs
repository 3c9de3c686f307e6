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
    /// "Use Interlocked.Increment" (Decrement, Add, Or, And): rewrites a non-atomic read-modify-write into the one
    /// Interlocked call that does it atomically, keeping the value an expression used.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseInterlockedCodeFixProvider))]
    [Shared]
    public sealed class UseInterlockedCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "RaceGuard.UseInterlocked";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NonAtomicUpdate);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => await InterlockedRewrite.ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

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
                if (InterlockedRewrite.CreateReplacement(root, model, generator, diagnostic, context.CancellationToken) is not { } replacement)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use Interlocked." + replacement.Method,
                        async cancellationToken => await InterlockedRewrite.ApplyAsync(context.Document, new[] { diagnostic }, cancellationToken).ConfigureAwait(false) ?? context.Document,
                        EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
