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
    /// "Use Interlocked.Increment" (Decrement, Add, Or, And): rewrites a non-atomic read-modify-write into the one
    /// Interlocked call that does it atomically, keeping the value an expression used.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseInterlockedCodeFixProvider))]
    [Shared]
    public sealed class UseInterlockedCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NonAtomicUpdate);

        protected override string EquivalenceKey => "RaceGuard.UseInterlocked";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic)
        {
            var replacement = InterlockedRewrite.CreateReplacement(context.Root, context.Model, context.Generator, diagnostic, context.CancellationToken);
            return replacement is null ? null : "Use Interlocked." + replacement.Method;
        }

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics) =>
            InterlockedRewrite.Apply(context, diagnostics);
    }
}
