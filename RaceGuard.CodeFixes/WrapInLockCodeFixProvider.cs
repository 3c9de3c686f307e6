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
    /// "Guard with a lock": wraps the racing accesses to one variable in <c>lock</c> on one lock object, reusing the
    /// one the code already locks on or introducing one next to the variable.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WrapInLockCodeFixProvider))]
    [Shared]
    public sealed class WrapInLockCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SharedCollectionMutation, RuleIds.UnsynchronizedFlag, RuleIds.NonAtomicUpdate, RuleIds.InconsistentSynchronization);

        protected override string EquivalenceKey => "RaceGuard.WrapInLock";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic)
            => LockGuarding.CanFix(context.Root, context.Model, diagnostic, context.CancellationToken)
                ? "Guard '" + diagnostic.Properties[DiagnosticPropertyKeys.SymbolName] + "' with a lock"
                : null;

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            LockGuarding.Apply(context, diagnostics);
    }
}
