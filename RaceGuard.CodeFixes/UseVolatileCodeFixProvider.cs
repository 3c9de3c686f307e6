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
    /// "Use Volatile.Read/Volatile.Write": rewrites every plain access of the flag in the document, so that no read can
    /// be hoisted out of a loop and every write is published.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseVolatileCodeFixProvider))]
    [Shared]
    public sealed class UseVolatileCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnsynchronizedFlag);

        protected override string EquivalenceKey => "RaceGuard.UseVolatile";

        protected override string? TitleFor(Document document, SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            => FlagAccesses.IsVisibilityFinding(diagnostic) && VolatileAccessRewrite.CanFix(SharedVariable.Find(root, model, diagnostic, cancellationToken), model)
                ? "Use Volatile.Read/Volatile.Write for '" + diagnostic.Properties[DiagnosticPropertyKeys.SymbolName] + "'"
                : null;

        protected override Task<Document?> ApplyAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken) =>
            VolatileAccessRewrite.ApplyAsync(document, diagnostics, cancellationToken);
    }
}
