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
    /// "Use ConcurrentDictionary&lt;K, V&gt;" (Queue → ConcurrentQueue, Stack → ConcurrentStack, List → ConcurrentBag when
    /// it is only added to and enumerated): offered only when every use of the variable translates.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseConcurrentCollectionCodeFixProvider))]
    [Shared]
    public sealed class UseConcurrentCollectionCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SharedCollectionMutation);

        protected override string EquivalenceKey => "RaceGuard.UseConcurrentCollection";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic)
        {
            var plan = ConcurrentCollectionRewrite.CreatePlan(context.Root, context.Model, context.Generator, diagnostic, context.CancellationToken);
            return plan is null ? null : "Use " + plan.ConcurrentType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        }

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            ConcurrentCollectionRewrite.Apply(context, diagnostics);
    }
}
