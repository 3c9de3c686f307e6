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
    /// "Use Volatile.Read/Volatile.Write": rewrites every plain access of the flag in the document, so that no read can
    /// be hoisted out of a loop and every write is published.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseVolatileCodeFixProvider))]
    [Shared]
    public sealed class UseVolatileCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnsynchronizedFlag);

        protected override string EquivalenceKey => "RaceGuard.UseVolatile";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic)
            => FlagAccesses.IsVisibilityFinding(diagnostic) && VolatileAccessRewrite.CanFix(SharedVariable.Find(context.Root, context.Model, diagnostic, context.CancellationToken), context.Model)
                ? "Use Volatile.Read/Volatile.Write for '" + diagnostic.Properties[DiagnosticPropertyKeys.SymbolName] + "'"
                : null;

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            VolatileAccessRewrite.Apply(context, diagnostics);
    }
}
