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
    /// "Guard sends to '_socket' with a SemaphoreSlim": one <c>SemaphoreSlim(1, 1)</c> per target (reused when one already
    /// guards some of its sends), and every racing send wrapped in <c>WaitAsync</c>/<c>try</c>/<c>finally Release()</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSendSemaphoreCodeFixProvider))]
    [Shared]
    public sealed class UseSendSemaphoreCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnguardedConcurrentSend);

        protected override string EquivalenceKey => "RaceGuard.UseSendSemaphore";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic) =>
            SendGuarding.TitleFor(context.Root, context.Model, diagnostic, context.CancellationToken);

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            SendGuarding.Apply(context, diagnostics);
    }
}
