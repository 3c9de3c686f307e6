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
    /// "Propagate the error through the channel's completion": the region completes the channel with the exception (<c>writer.TryComplete(ex)</c>), and the consumer observes it from <c>await reader.Completion</c> before the first read.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PropagateThroughChannelCompletionCodeFixProvider))]
    [Shared]
    public sealed class PropagateThroughChannelCompletionCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SideChannelHandOver);

        protected override string EquivalenceKey => "RaceGuard.PropagateThroughChannelCompletion";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic) =>
            HandOverRewrite.CompletionTitle(context.Root, context.Model, diagnostic, channel: true, context.CancellationToken);

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            HandOverRewrite.Complete(context, diagnostics, channel: true);
    }
}
