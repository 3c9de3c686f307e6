using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using RaceGuard.Diagnostics;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>
    /// "Use Interlocked.CompareExchange": turns a private <c>bool</c> flag into an <c>int</c> (0/1) and every test-and-set
    /// of it into one atomic call: <c>if (!_started) { _started = true; .. }</c> becomes
    /// <c>if (Interlocked.CompareExchange(ref _started, 1, 0) == 0) { .. }</c>, <c>if (_disposed) return; _disposed = true;</c>
    /// becomes <c>if (Interlocked.Exchange(ref _disposed, 1) == 1) return;</c>. Every other access follows: reads become
    /// <c>Volatile.Read(ref _f) != 0</c> (<c>== 0</c> under <c>!</c>), writes <c>Volatile.Write(ref _f, 1)</c>.
    /// </summary>
    internal static class TestAndSetRewrite
    {
        private sealed class Site
        {
            public Site(IfStatementSyntax check, ExpressionSyntax reference, StatementSyntax set, bool exchange, bool enterWhen)
            {
                Check = check;
                Reference = reference;
                Set = set;
                Exchange = exchange;
                EnterWhen = enterWhen;
            }

            public IfStatementSyntax Check { get; }

            public ExpressionSyntax Reference { get; }

            public StatementSyntax Set { get; }

            /// <summary>True for check-leave-set (<c>Interlocked.Exchange</c>), false for check-then-set (<c>CompareExchange</c>).</summary>
            public bool Exchange { get; }

            /// <summary>The flag's value that enters the then branch.</summary>
            public bool EnterWhen { get; }
        }

        /// <summary>True when the fix can rewrite the flag of <paramref name="diagnostic"/>.</summary>
        public static bool CanFix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            IsFixed(diagnostic) && FlagOf(root, model, diagnostic, cancellationToken) is { } field &&
            Plan(root, model, field, MovedSets(root, new[] { diagnostic }), cancellationToken) is not null;

        /// <summary>The findings this rewrite fixes: a test-and-set, and a check-then-start (the set moves to the check).</summary>
        private static bool IsFixed(Diagnostic diagnostic) => FlagAccesses.FindingOf(diagnostic) is FlagFinding.TestAndSet or FlagFinding.CheckThenStart;

        /// <summary>
        /// For each check-then-start diagnostic: the span of the check and the statement that sets the flag in the started
        /// work (the diagnostic's first additional location), which the fix moves into the check.
        /// </summary>
        private static List<(Microsoft.CodeAnalysis.Text.TextSpan Check, StatementSyntax Set)> MovedSets(SyntaxNode root, IEnumerable<Diagnostic> diagnostics)
        {
            var moved = new List<(Microsoft.CodeAnalysis.Text.TextSpan, StatementSyntax)>();
            foreach (var diagnostic in diagnostics)
            {
                if (FlagAccesses.FindingOf(diagnostic) == FlagFinding.CheckThenStart && diagnostic.AdditionalLocations.Count > 0 &&
                    diagnostic.AdditionalLocations[0] is { SourceTree: { } tree } setLocation && tree == root.SyntaxTree &&
                    root.FindNode(setLocation.SourceSpan).FirstAncestorOrSelf<ExpressionStatementSyntax>() is { } set)
                {
                    moved.Add((diagnostic.Location.SourceSpan, set));
                }
            }

            return moved;
        }

        public static Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics)
        {
            var root = context.Root;
            var model = context.Model;
            var cancellationToken = context.CancellationToken;
            if (context.Known.Interlocked is not { } interlocked || context.Known.Volatile is not { } volatileType)
            {
                return null;
            }

            var fixedDiagnostics = diagnostics.Where(IsFixed).ToList();
            var moved = MovedSets(root, fixedDiagnostics);
            var fields = fixedDiagnostics
                .Select(d => FlagOf(root, model, d, cancellationToken))
                .OfType<IFieldSymbol>()
                .Distinct<IFieldSymbol>(SymbolEqualityComparer.Default)
                .ToList();
            var generator = context.Generator;
            var interlockedSyntax = AtomicCalls.TypeName(generator, interlocked);
            var volatileSyntax = AtomicCalls.TypeName(generator, volatileType);
            var editor = context.Editor;
            var changed = false;
            foreach (var field in fields)
            {
                if (Plan(root, model, field, moved, cancellationToken) is not { } plan)
                {
                    continue;
                }

                changed = true;
                var (declaration, sites, reads, writes) = plan;
                editor.ReplaceNode(declaration, (current, _) => ToInt((VariableDeclarationSyntax)current));
                foreach (var site in sites)
                {
                    var target = site.Reference.WithoutTrivia();
                    var entered = Int(site.EnterWhen);
                    ExpressionSyntax call = site.Exchange
                        ? AtomicCalls.Call(interlockedSyntax, "Exchange", target, entered)
                        : AtomicCalls.Call(interlockedSyntax, "CompareExchange", target, Int(!site.EnterWhen), entered);
                    editor.ReplaceNode(site.Check.Condition, BinaryExpression(SyntaxKind.EqualsExpression, call, entered).WithTriviaFrom(site.Check.Condition));
                    StatementLayout.Remove(editor, site.Set);
                }

                foreach (var read in reads)
                {
                    var parent = FlagAccesses.ParentOf(read, out var outermost);
                    var value = AtomicCalls.Call(volatileSyntax, "Read", read.WithoutTrivia());
                    if (parent is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not)
                    {
                        editor.ReplaceNode(not, BinaryExpression(SyntaxKind.EqualsExpression, value, Int(false)).WithTriviaFrom(not).WithAdditionalAnnotations(Simplifier.Annotation));
                    }
                    else
                    {
                        editor.ReplaceNode(read, ParenthesizedExpression(BinaryExpression(SyntaxKind.NotEqualsExpression, value, Int(false))).WithTriviaFrom(read).WithAdditionalAnnotations(Simplifier.Annotation));
                    }
                }

                foreach (var (assignment, target) in writes)
                {
                    editor.ReplaceNode(assignment, (current, _) =>
                    {
                        var right = ((AssignmentExpressionSyntax)current).Right.WithoutTrivia();
                        ExpressionSyntax stored = right switch
                        {
                            LiteralExpressionSyntax { RawKind: (int)SyntaxKind.TrueLiteralExpression } => Int(true),
                            LiteralExpressionSyntax { RawKind: (int)SyntaxKind.FalseLiteralExpression } => Int(false),
                            _ => ConditionalExpression(right, Int(true), Int(false)),
                        };
                        return AtomicCalls.Call(volatileSyntax, "Write", target.WithoutTrivia(), stored).WithTriviaFrom(current);
                    });
                }
            }

            return changed ? context.ChangedDocument() : null;
        }

        private static IFieldSymbol? FlagOf(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            SharedVariable.Find(root, model, diagnostic, cancellationToken) as IFieldSymbol;

        /// <summary>
        /// The rewrite of <paramref name="field"/>: its declaration, the test-and-set sites, the other reads and writes.
        /// Null when the field is not a private bool declared alone in this document with every use in it, or when some use
        /// has no int form (passed by ref, compound assignment, an assignment whose value is used, a non-literal initialiser).
        /// </summary>
        private static (VariableDeclarationSyntax Declaration, List<Site> Sites, List<ExpressionSyntax> Reads, List<(AssignmentExpressionSyntax, ExpressionSyntax)> Writes)?
            Plan(SyntaxNode root, SemanticModel model, IFieldSymbol field, List<(Microsoft.CodeAnalysis.Text.TextSpan Check, StatementSyntax Set)> moved, CancellationToken cancellationToken)
        {
            if (field is not { DeclaredAccessibility: Accessibility.Private, IsReadOnly: false, IsConst: false, IsVolatile: false, Type.SpecialType: SpecialType.System_Boolean } ||
                field.ContainingType.DeclaringSyntaxReferences.Any(r => r.SyntaxTree != root.SyntaxTree) ||
                field.DeclaringSyntaxReferences.Length != 1 ||
                field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } declaration } declarator ||
                declarator.Initializer?.Value is { } initial && !initial.IsKind(SyntaxKind.TrueLiteralExpression) && !initial.IsKind(SyntaxKind.FalseLiteralExpression))
            {
                return null;
            }

            var references = FlagAccesses.References(root, model, field, cancellationToken);
            var sites = new List<Site>();
            foreach (var reference in references)
            {
                if (SiteOf(reference, field, model, moved, cancellationToken) is { } site && !sites.Any(s => s.Set == site.Set))
                {
                    sites.Add(site);
                }
            }

            if (sites.Count == 0)
            {
                return null;
            }

            var reads = new List<ExpressionSyntax>();
            var writes = new List<(AssignmentExpressionSyntax, ExpressionSyntax)>();
            foreach (var reference in references)
            {
                if (sites.Any(s => s.Reference == reference || s.Set.Span.Contains(reference.Span)))
                {
                    continue;
                }

                switch (FlagAccesses.ParentOf(reference, out var outermost))
                {
                    case AssignmentExpressionSyntax assignment when assignment.Left == outermost:
                        if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || !ValueUse.IsUnused(assignment, model, cancellationToken))
                        {
                            return null;
                        }

                        writes.Add((assignment, reference));
                        break;
                    case ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None }:
                    case RefExpressionSyntax:
                        return null;
                    default:
                        reads.Add(reference);
                        break;
                }
            }

            return (declaration, sites, reads, writes);
        }

        /// <summary>The test-and-set <paramref name="reference"/> is the check of, or null.</summary>
        private static Site? SiteOf(ExpressionSyntax reference, IFieldSymbol field, SemanticModel model, List<(Microsoft.CodeAnalysis.Text.TextSpan Check, StatementSyntax Set)> moved, CancellationToken cancellationToken)
        {
            var enterWhen = true;
            SyntaxNode current = reference;
            while (current.Parent is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } or ParenthesizedExpressionSyntax)
            {
                if (current.Parent is PrefixUnaryExpressionSyntax)
                {
                    enterWhen = !enterWhen;
                }

                current = current.Parent;
            }

            if (current.Parent is not IfStatementSyntax check || check.Condition != current)
            {
                return null;
            }

            // if (!_started) { _started = true; .. }
            var thenStatements = check.Statement is BlockSyntax block ? block.Statements : default;
            foreach (var statement in thenStatements)
            {
                if (IsSet(statement, field, !enterWhen, model, cancellationToken))
                {
                    return new Site(check, reference, statement, exchange: false, enterWhen);
                }
            }

            // if (_disposed) return; _disposed = true;
            if (check.Else is null && Leaves(check.Statement) && check.Parent is BlockSyntax parent)
            {
                var index = parent.Statements.IndexOf(check);
                foreach (var statement in parent.Statements.Skip(index + 1).Take(3))
                {
                    if (IsSet(statement, field, enterWhen, model, cancellationToken))
                    {
                        return new Site(check, reference, statement, exchange: true, enterWhen);
                    }
                }
            }

            // Check-then-start: the started work sets the flag; the set moves into the check.
            var leaves = check.Else is null && Leaves(check.Statement);
            foreach (var (checkSpan, set) in moved)
            {
                if (checkSpan.IntersectsWith(reference.Span) && IsSet(set, field, leaves ? enterWhen : !enterWhen, model, cancellationToken))
                {
                    return new Site(check, reference, set, exchange: leaves, enterWhen);
                }
            }

            return null;
        }

        private static bool IsSet(StatementSyntax statement, IFieldSymbol field, bool value, SemanticModel model, CancellationToken cancellationToken) =>
            statement is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment } &&
            assignment.Right.IsKind(value ? SyntaxKind.TrueLiteralExpression : SyntaxKind.FalseLiteralExpression) &&
            SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol, field);

        private static bool Leaves(StatementSyntax statement) => statement switch
        {
            BlockSyntax block => block.Statements.Count > 0 && Leaves(block.Statements[block.Statements.Count - 1]),
            ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax => true,
            ExpressionStatementSyntax { Expression: ThrowExpressionSyntax } => true,
            _ => false,
        };

        private static VariableDeclarationSyntax ToInt(VariableDeclarationSyntax declaration)
        {
            var variable = declaration.Variables[0];
            if (variable.Initializer is { } initializer)
            {
                variable = variable.WithInitializer(initializer.WithValue(Int(initializer.Value.IsKind(SyntaxKind.TrueLiteralExpression)).WithTriviaFrom(initializer.Value)));
            }

            return declaration
                .WithType(PredefinedType(Token(SyntaxKind.IntKeyword)).WithTriviaFrom(declaration.Type))
                .WithVariables(SingletonSeparatedList(variable));
        }

        private static LiteralExpressionSyntax Int(bool value) => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(value ? 1 : 0));
    }
}
