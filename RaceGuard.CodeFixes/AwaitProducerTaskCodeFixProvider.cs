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
    /// "Await the task that writes it": keeps the region's task (<c>_ = Task.Run(..)</c> becomes <c>var producer = Task.Run(..)</c>) and awaits it (or waits for it in sync code) before the first read.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitProducerTaskCodeFixProvider))]
    [Shared]
    public sealed class AwaitProducerTaskCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SideChannelHandOver);

        protected override string EquivalenceKey => "RaceGuard.AwaitProducerTask";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic) =>
            HandOverRewrite.AwaitTitle(context.Root, context.Model, diagnostic, context.CancellationToken);

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            HandOverRewrite.AwaitTask(context, diagnostics);
    }
}
