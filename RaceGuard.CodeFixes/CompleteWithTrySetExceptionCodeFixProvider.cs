using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using RaceGuard.CodeFixes.Editing;
using RaceGuard.Diagnostics;

namespace RaceGuard.CodeFixes
{
    /// <summary>
    /// "Complete with TrySetException": the region fails the TaskCompletionSource it completes (<c>tcs.TrySetException(ex)</c>), and the consumer observes it from <c>await tcs.Task</c> before the first read.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CompleteWithTrySetExceptionCodeFixProvider))]
    [Shared]
    public sealed class CompleteWithTrySetExceptionCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SideChannelHandOver);

        protected override string EquivalenceKey => "RaceGuard.CompleteWithTrySetException";

        protected override string? TitleFor(Document document, SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            HandOverRewrite.CompletionTitle(root, model, diagnostic, channel: false, cancellationToken);

        protected override Task<Document?> ApplyAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken) =>
            HandOverRewrite.CompleteAsync(document, diagnostics, channel: false, cancellationToken);
    }
}
