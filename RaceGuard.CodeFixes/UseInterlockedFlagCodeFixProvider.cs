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
    /// "Use Interlocked.CompareExchange": a test-and-set of a private bool flag becomes one atomic call on an int
    /// (see <see cref="TestAndSetRewrite"/>).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseInterlockedFlagCodeFixProvider))]
    [Shared]
    public sealed class UseInterlockedFlagCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnsynchronizedFlag);

        protected override string EquivalenceKey => "RaceGuard.UseInterlockedFlag";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic)
            => TestAndSetRewrite.CanFix(context.Root, context.Model, diagnostic, context.CancellationToken)
                ? "Make '" + diagnostic.Properties[DiagnosticPropertyKeys.SymbolName] + "' an int set with Interlocked"
                : null;

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            TestAndSetRewrite.Apply(context, diagnostics);
    }
}
