using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
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

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic) =>
            HandOverRewrite.CompletionTitle(context.Root, context.Model, diagnostic, channel: false, context.CancellationToken);

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            HandOverRewrite.Complete(context, diagnostics, channel: false);
    }
}
