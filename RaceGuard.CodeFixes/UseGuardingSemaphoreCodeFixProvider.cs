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
    /// "Guard with the semaphore '_gate'": an access that RG0007 finds outside the <c>SemaphoreSlim</c> guarding the
    /// field's other accesses is wrapped in <c>await _gate.WaitAsync(); try { .. } finally { _gate.Release(); }</c>
    /// (<c>Wait()</c> where the code cannot await).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseGuardingSemaphoreCodeFixProvider))]
    [Shared]
    public sealed class UseGuardingSemaphoreCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.InconsistentSynchronization);

        protected override string EquivalenceKey => "RaceGuard.UseGuardingSemaphore";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic) =>
            SendGuarding.SemaphoreTitleFor(context.Root, context.Model, diagnostic, context.CancellationToken);

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            SendGuarding.GuardAccesses(context, diagnostics);
    }
}
