using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
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
    public sealed class UseInterlockedCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NonAtomicUpdate);

        protected override string EquivalenceKey => "RaceGuard.UseInterlocked";

        protected override string? TitleFor(Document document, SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var replacement = InterlockedRewrite.CreateReplacement(root, model, SyntaxGenerator.GetGenerator(document), diagnostic, cancellationToken);
            return replacement is null ? null : "Use Interlocked." + replacement.Method;
        }

        protected override Task<Document?> ApplyAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken) =>
            InterlockedRewrite.ApplyAsync(document, diagnostics, cancellationToken);
    }
}
