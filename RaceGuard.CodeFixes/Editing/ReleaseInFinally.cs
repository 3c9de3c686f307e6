using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;
using RaceGuard.ConcurrencyModel;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>
    /// Moves the release of an acquire into a <c>finally</c>: the statements from the acquire up to the release become
    /// <c>acquire; try { .. } finally { release; }</c> (the acquire stays before the <c>try</c>: a cancelled
    /// <c>WaitAsync</c> must not release what it never took); releases right before an early <c>return</c>/<c>throw</c>
    /// inside go away, the <c>finally</c> does it. <c>Monitor.Enter(x); .. Monitor.Exit(x);</c> becomes <c>lock (x) { .. }</c>.
    /// </summary>
    internal static class ReleaseInFinally
    {
        private sealed class Plan
        {
            public Plan(StatementSyntax acquire, List<StatementSyntax> body, StatementSyntax release, List<StatementSyntax> earlyReleases, ExpressionSyntax? monitorTarget, List<(LocalDeclarationStatementSyntax Declaration, TypeSyntax Type)> hoisted)
            {
                Hoisted = hoisted;
                Acquire = acquire;
                Body = body;
                Release = release;
                EarlyReleases = earlyReleases;
                MonitorTarget = monitorTarget;
            }

            public StatementSyntax Acquire { get; }

            public List<StatementSyntax> Body { get; }

            public StatementSyntax Release { get; }

            public List<StatementSyntax> EarlyReleases { get; }

            /// <summary>Declarations in the region whose variables are used after it: declared before, assigned inside.</summary>
            public List<(LocalDeclarationStatementSyntax Declaration, TypeSyntax Type)> Hoisted { get; }

            /// <summary>The object of <c>Monitor.Enter(x)</c>, when the whole region becomes <c>lock (x)</c>.</summary>
            public ExpressionSyntax? MonitorTarget { get; }
        }

        public static string? TitleFor(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            PlanFor(root, model, diagnostic, cancellationToken) is { } plan
                ? (plan.MonitorTarget is null ? "Release in a finally" : "Use a lock statement")
                : null;

        public static Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics)
        {
            var root = context.Root;
            var model = context.Model;
            var cancellationToken = context.CancellationToken;

            var editor = context.Editor;
            var claimed = new List<Microsoft.CodeAnalysis.Text.TextSpan>();
            var changed = false;
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (PlanFor(root, model, diagnostic, cancellationToken) is not { } plan)
                {
                    continue;
                }

                var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(plan.Acquire.SpanStart, plan.Release.Span.End);
                if (claimed.Any(c => c.IntersectsWith(span)))
                {
                    continue;
                }

                claimed.Add(span);
                Apply(editor, plan);
                changed = true;
            }

            return changed ? context.ChangedDocument() : null;
        }

        private static Plan? PlanFor(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (diagnostic.Location.SourceTree != root.SyntaxTree ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax acquireCall ||
                acquireCall.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax block } acquire ||
                acquire is not (ExpressionStatementSyntax or LocalDeclarationStatementSyntax))
            {
                return null;
            }

            var releaseSpans = diagnostic.AdditionalLocations.Where(l => l.SourceTree == root.SyntaxTree).Select(l => l.SourceSpan).ToList();
            bool IsRelease(StatementSyntax statement) => statement is ExpressionStatementSyntax && releaseSpans.Any(s => statement.Span.Contains(s));

            var statements = block.Statements;
            var start = statements.IndexOf(acquire);
            var end = -1;
            for (var i = statements.Count - 1; i > start; i--)
            {
                if (IsRelease(statements[i]))
                {
                    end = i;
                    break;
                }
            }

            if (end < 0)
            {
                return null;
            }

            var body = statements.Skip(start + 1).Take(end - start - 1).ToList();

            // Releases inside the body are fine only right before leaving the block (sem.Release(); return;): the finally does them now.
            var early = new List<StatementSyntax>();
            foreach (var statement in body.SelectMany(s => s.DescendantNodesAndSelf(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax)).OfType<StatementSyntax>().Where(IsRelease))
            {
                if (statement.Parent is not BlockSyntax inner || inner.Statements.IndexOf(statement) is var at && (at + 1 >= inner.Statements.Count ||
                    inner.Statements[at + 1] is not (ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax)))
                {
                    return null;
                }

                early.Add(statement);
            }

            // Monitor.Enter(x) .. Monitor.Exit(x) with no await between: a lock statement says it all.
            ExpressionSyntax? monitorTarget = null;
            var known = KnownSymbols.For(model.Compilation);
            if (model.GetSymbolInfo(acquireCall, cancellationToken).Symbol is IMethodSymbol { Name: "Enter", Parameters.Length: 1 } enter && known.IsType(enter.ContainingType, known.Monitor) &&
                !body.Any(s => s.DescendantNodesAndSelf(n => n is not AnonymousFunctionExpressionSyntax).Any(n => n is AwaitExpressionSyntax)))
            {
                monitorTarget = acquireCall.ArgumentList.Arguments[0].Expression;
            }

            // A local of the region used after it: `var value = ..;` is declared before the acquire and assigned inside;
            // any other declaration that leaks into the block (out var, a pattern variable) keeps the fix from being offered.
            var after = statements.Skip(end + 1).ToList();
            var hoisted = new List<(LocalDeclarationStatementSyntax, TypeSyntax)>();
            var usedAfter = after
                .SelectMany(a => a.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                .Select(i => model.GetSymbolInfo(i, cancellationToken).Symbol)
                .OfType<ILocalSymbol>()
                .Distinct<ILocalSymbol>(SymbolEqualityComparer.Default);
            foreach (var local in usedAfter)
            {
                var declarationSyntax = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
                if (declarationSyntax is null || !body.Any(b => b.Span.Contains(declarationSyntax.Span)))
                {
                    continue;
                }

                if (declarationSyntax is not VariableDeclaratorSyntax { Initializer: not null, Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } } ||
                    !body.Contains(declaration) || !declaration.UsingKeyword.IsKind(SyntaxKind.None) || declaration.IsConst || local.IsRef || local.Type.IsAnonymousType)
                {
                    return null;
                }

                var type = declaration.Declaration.Type.IsVar ? ParseTypeName(local.Type.ToMinimalDisplayString(model, declaration.SpanStart)) : declaration.Declaration.Type.WithoutTrivia();
                hoisted.Add((declaration, type));
            }

            return new Plan(acquire, body, statements[end], early, monitorTarget, hoisted);
        }

        private static void Apply(SyntaxEditor editor, Plan plan)
        {
            if (plan.Body.Count == 0)
            {
                return;
            }

            // The body without the early releases; its first statement hands its leading trivia to the new statement.
            var body = plan.Body
                .Select(statement => statement.RemoveNodes(plan.EarlyReleases.Where(e => statement.Span.Contains(e.Span)), SyntaxRemoveOptions.KeepNoTrivia)!)
                .ToList();
            // Hoisted declarations become assignments inside; their declarations go before the acquire.
            for (var i = 0; i < body.Count; i++)
            {
                var hoist = plan.Hoisted.FirstOrDefault(h => h.Declaration == plan.Body[i]);
                if (hoist.Declaration is not null)
                {
                    var variable = hoist.Declaration.Declaration.Variables[0];
                    body[i] = ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(variable.Identifier.WithoutTrivia()), variable.Initializer!.Value.WithoutTrivia()))
                        .WithTriviaFrom(plan.Body[i]);
                }
            }

            foreach (var (declaration, type) in plan.Hoisted)
            {
                var declared = LocalDeclarationStatement(VariableDeclaration(type, SingletonSeparatedList(VariableDeclarator(declaration.Declaration.Variables[0].Identifier.WithoutTrivia()))))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                // Before the acquire: the try must follow the acquire directly.
                editor.InsertBefore(plan.Acquire, declared);
            }

            var leading = plan.Body[0].GetLeadingTrivia();
            body[0] = body[0].WithLeadingTrivia(StatementLayout.Indentation(plan.Body[0]));

            StatementSyntax replacement = plan.MonitorTarget is not null
                ? LockStatement(plan.MonitorTarget.WithoutTrivia(), Block(body))
                : TryStatement(Block(body), default, FinallyClause(Block(plan.Release.WithoutTrivia())));
            replacement = replacement
                .WithLeadingTrivia(plan.MonitorTarget is not null ? plan.Acquire.GetLeadingTrivia() : leading)
                .WithTrailingTrivia(StatementLayout.TrailingWithBlankLine(plan.Release))
                .WithAdditionalAnnotations(Formatter.Annotation);

            if (plan.MonitorTarget is not null)
            {
                // Monitor.Enter(x); A; B; Monitor.Exit(x);  →  lock (x) { A; B; }
                editor.ReplaceNode(plan.Acquire, replacement);
                foreach (var statement in plan.Body)
                {
                    editor.RemoveNode(statement, SyntaxRemoveOptions.KeepNoTrivia);
                }
            }
            else
            {
                editor.ReplaceNode(plan.Body[0], replacement);
                foreach (var statement in plan.Body.Skip(1))
                {
                    editor.RemoveNode(statement, SyntaxRemoveOptions.KeepNoTrivia);
                }
            }

            editor.RemoveNode(plan.Release, SyntaxRemoveOptions.KeepNoTrivia);
        }
    }
}
