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
    /// "Release in a finally": the statements after the acquire go into <c>try</c> and the release into <c>finally</c>, the
    /// acquire staying before the <c>try</c>; <c>Monitor.Enter(x) .. Monitor.Exit(x)</c> becomes <c>lock (x)</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReleaseInFinallyCodeFixProvider))]
    [Shared]
    public sealed class ReleaseInFinallyCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ReleaseNotGuaranteed);

        protected override string EquivalenceKey => "RaceGuard.ReleaseInFinally";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic) =>
            ReleaseInFinally.TitleFor(context.Root, context.Model, diagnostic, context.CancellationToken);

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            ReleaseInFinally.Apply(context, diagnostics);
    }
}
