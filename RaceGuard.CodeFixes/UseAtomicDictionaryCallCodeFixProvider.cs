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
    /// "Use TryAdd" (GetOrAdd, TryRemove): a check-then-act on a concurrent dictionary becomes the one atomic call, keeping
    /// the branch on its result.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseAtomicDictionaryCallCodeFixProvider))]
    [Shared]
    public sealed class UseAtomicDictionaryCallCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.CheckThenAct);

        protected override string EquivalenceKey => "RaceGuard.UseAtomicDictionaryCall";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic) =>
            CheckThenActRewrite.TitleFor(context.Root, context.Model, diagnostic, context.CancellationToken);

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            CheckThenActRewrite.Apply(context, diagnostics);
    }
}
