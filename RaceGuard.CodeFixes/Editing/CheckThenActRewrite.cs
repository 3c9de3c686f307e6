using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using RaceGuard.Diagnostics;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>
    /// Replaces a check-then-act on a concurrent dictionary with the one atomic call, keeping the branch on its result:
    /// <c>if (d.ContainsKey(k)) return X; d[k] = v;</c> → <c>if (!d.TryAdd(k, v)) return X;</c>;
    /// <c>if (!d.ContainsKey(k)) { d[k] = v; .. }</c> → <c>if (d.TryAdd(k, v)) { .. }</c>;
    /// <c>if (d.ContainsKey(k)) { d.TryRemove(k, out x); .. }</c> → <c>if (d.TryRemove(k, out x)) { .. }</c>;
    /// <c>if (!d.TryGetValue(k, out var v)) { v = create; d[k] = v; }</c> → <c>var v = d.GetOrAdd(k, _ => create);</c>.
    /// </summary>
    internal static class CheckThenActRewrite
    {
        private sealed class Plan
        {
            public Plan(string method, IfStatementSyntax? check, StatementSyntax? removed, SyntaxNode replaced, SyntaxNode replacement)
                : this(method, check, removed is null ? new List<StatementSyntax>() : new List<StatementSyntax> { removed }, replaced, replacement)
            {
            }

            public Plan(string method, IfStatementSyntax? check, List<StatementSyntax> removed, SyntaxNode replaced, SyntaxNode replacement)
            {
                Method = method;
                Check = check;
                Removed = removed;
                Replaced = replaced;
                Replacement = replacement;
            }

            public string Method { get; }

            public IfStatementSyntax? Check { get; }

            /// <summary>Statements removed: the act's (its work moves into the atomic call), or those merged into one lock.</summary>
            public List<StatementSyntax> Removed { get; }

            public SyntaxNode Replaced { get; }

            public SyntaxNode Replacement { get; }
        }

        public static string? TitleFor(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            PlanFor(root, model, diagnostic, cancellationToken) is { } plan ? "Use " + plan.Method : null;

        public static Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics)
        {
            var root = context.Root;
            var model = context.Model;
            var cancellationToken = context.CancellationToken;

            var editor = context.Editor;
            var done = new HashSet<SyntaxNode>();
            foreach (var diagnostic in diagnostics)
            {
                if (PlanFor(root, model, diagnostic, cancellationToken) is not { } plan || !done.Add(plan.Replaced))
                {
                    continue;
                }

                editor.ReplaceNode(plan.Replaced, plan.Replacement);
                foreach (var removed in plan.Removed)
                {
                    StatementLayout.Remove(editor, removed, plan.Removed);
                }
            }

            return done.Count == 0 ? null : context.ChangedDocument();
        }

        private static Plan? PlanFor(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var fix = diagnostic.Get<CheckThenActFix>(DiagnosticPropertyKeys.CheckThenActFix);
            if (fix == CheckThenActFix.AddOrUpdate && diagnostic.Location.SourceTree == root.SyntaxTree)
            {
                return AddOrUpdate(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true));
            }

            if (fix is not { } method ||
                diagnostic.Location.SourceTree != root.SyntaxTree || diagnostic.AdditionalLocations.Count == 0 ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax act ||
                act.Parent is not ExpressionStatementSyntax actStatement ||
                root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax checkAccess } check)
            {
                return null;
            }

            if (method == CheckThenActFix.MergeLocks)
            {
                return MergeLocks(act, check);
            }

            var (condition, negated) = Unwrap(check);
            if (condition.Parent is not IfStatementSyntax ifStatement || ifStatement.Condition != condition)
            {
                return null;
            }

            var collection = checkAccess.Expression.WithoutTrivia();
            var checkName = checkAccess.Name.Identifier.ValueText;
            var key = check.ArgumentList.Arguments.FirstOrDefault()?.Expression;
            if (key is null)
            {
                return null;
            }

            switch (method)
            {
                case CheckThenActFix.TryAdd when checkName == "ContainsKey" && ValueAdded(act) is { } value:
                {
                    var tryAdd = Call(collection, "TryAdd", key, value);

                    // if (d.ContainsKey(k)) return X;  d[k] = v;   →   if (!d.TryAdd(k, v)) return X;
                    if (!negated && ifStatement.Else is null && ifStatement.Parent is BlockSyntax block &&
                        block.Statements.IndexOf(ifStatement) is var at && at + 1 < block.Statements.Count && block.Statements[at + 1] == actStatement)
                    {
                        return new Plan("TryAdd", ifStatement, actStatement, condition, PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, tryAdd).WithTriviaFrom(condition));
                    }

                    // if (!d.ContainsKey(k)) { d[k] = v; rest }   →   if (d.TryAdd(k, v)) { rest }   (or d.TryAdd(k, v); alone)
                    if (negated && ifStatement.Else is null && ifStatement.Statement is BlockSyntax then && then.Statements.FirstOrDefault() == actStatement)
                    {
                        return then.Statements.Count == 1
                            ? new Plan("TryAdd", ifStatement, (StatementSyntax?)null, ifStatement, ExpressionStatement(tryAdd).WithTriviaFrom(ifStatement).WithAdditionalAnnotations(Formatter.Annotation))
                            : new Plan("TryAdd", ifStatement, actStatement, condition, tryAdd.WithTriviaFrom(condition));
                    }

                    return null;
                }

                case CheckThenActFix.TryRemove when !negated && checkName is "ContainsKey" && act is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "TryRemove" } } tryRemove &&
                                      ifStatement.Statement is BlockSyntax removeBlock && removeBlock.Statements.FirstOrDefault() == actStatement:
                    return new Plan("TryRemove", ifStatement, actStatement, condition, tryRemove.WithoutTrivia().WithTriviaFrom(condition));

                case CheckThenActFix.GetOrAdd when negated && checkName == "TryGetValue" && ifStatement.Else is null && ifStatement.Statement is BlockSyntax { Statements.Count: 2 } create &&
                                     create.Statements[1] == actStatement &&
                                     check.ArgumentList.Arguments.Count == 2 && check.ArgumentList.Arguments[1].Expression is DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax variable } &&
                                     create.Statements[0] is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax assigned } creation } &&
                                     assigned.Identifier.ValueText == variable.Identifier.ValueText &&
                                     ValueAdded(act) is IdentifierNameSyntax stored && stored.Identifier.ValueText == variable.Identifier.ValueText:
                {
                    // if (!d.TryGetValue(k, out var v)) { v = create; d[k] = v; }   →   var v = d.GetOrAdd(k, _ => create);
                    var factory = SimpleLambdaExpression(Parameter(Identifier("_")), creation.Right.WithoutTrivia());
                    var declaration = LocalDeclarationStatement(VariableDeclaration(
                            IdentifierName(Identifier(TriviaList(), SyntaxKind.VarKeyword, "var", "var", TriviaList())),
                            SingletonSeparatedList(VariableDeclarator(variable.Identifier.WithoutTrivia()).WithInitializer(EqualsValueClause(Call(collection, "GetOrAdd", key, factory))))))
                        .WithTriviaFrom(ifStatement)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    return new Plan("GetOrAdd", ifStatement, (StatementSyntax?)null, ifStatement, declaration);
                }

                default:
                    return null;
            }
        }

        /// <summary>
        /// <c>d[k] = d.TryGetValue(k, out var c) ? c + 1 : 1;</c> → <c>d.AddOrUpdate(k, 1, (_, c) => c + 1);</c> (the same
        /// values; <c>d[k] += n</c> throws for a missing key today and is left to the developer).
        /// </summary>
        private static Plan? AddOrUpdate(SyntaxNode node)
        {
            if (node is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } target } assignment ||
                assignment.Parent is not ExpressionStatementSyntax statement ||
                StatementLayout.WithoutParentheses(assignment.Right) is not ConditionalExpressionSyntax
                {
                    Condition: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "TryGetValue" }, ArgumentList.Arguments.Count: 2 } tryGet,
                } conditional ||
                tryGet.ArgumentList.Arguments[1].Expression is not DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax current } ||
                conditional.WhenFalse.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == current.Identifier.ValueText))
            {
                return null;
            }

            var update = ParenthesizedLambdaExpression(
                ParameterList(SeparatedList(new[] { Parameter(Identifier("_")), Parameter(current.Identifier.WithoutTrivia()) })),
                conditional.WhenTrue.WithoutTrivia());
            var call = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target.Expression.WithoutTrivia(), IdentifierName("AddOrUpdate")),
                ArgumentList(SeparatedList(new[] { Argument(target.ArgumentList.Arguments[0].Expression.WithoutTrivia()), Argument(conditional.WhenFalse.WithoutTrivia()), Argument(update) })));
            return new Plan("AddOrUpdate", null, (StatementSyntax?)null, statement, ExpressionStatement(call).WithTriviaFrom(statement).WithAdditionalAnnotations(Formatter.Annotation));
        }

        /// <summary>
        /// <c>lock (g) { check } .. lock (g) { act }</c> in one block → one <c>lock (g) { check .. act }</c>: the statements
        /// between join the lock (refused when one awaits).
        /// </summary>
        private static Plan? MergeLocks(ExpressionSyntax act, InvocationExpressionSyntax check)
        {
            if (check.FirstAncestorOrSelf<LockStatementSyntax>() is not { Parent: BlockSyntax block, Statement: BlockSyntax firstBody } first ||
                act.FirstAncestorOrSelf<LockStatementSyntax>() is not { Statement: BlockSyntax secondBody } second ||
                second.Parent != block || !SyntaxFactory.AreEquivalent(first.Expression, second.Expression))
            {
                return null;
            }

            var start = block.Statements.IndexOf(first);
            var end = block.Statements.IndexOf(second);
            var between = block.Statements.Skip(start + 1).Take(end - start - 1).ToList();
            if (end <= start || between.Any(s => s.DescendantNodesAndSelf(n => n is not AnonymousFunctionExpressionSyntax).Any(n => n is AwaitExpressionSyntax)))
            {
                return null;
            }

            // A local declared between the blocks and used after them would end up inside the lock: no fix.
            var declared = between.OfType<LocalDeclarationStatementSyntax>().SelectMany(d => d.Declaration.Variables).Select(v => v.Identifier.ValueText).ToImmutableHashSet();
            if (!declared.IsEmpty && block.Statements.Skip(end + 1).Any(s => s.DescendantNodes().OfType<IdentifierNameSyntax>().Any(name => declared.Contains(name.Identifier.ValueText))))
            {
                return null;
            }

            var merged = first.WithStatement(Block(firstBody.Statements.Concat(between).Concat(secondBody.Statements)))
                .WithTrailingTrivia(second.GetTrailingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
            return new Plan("one lock", (IfStatementSyntax?)null, between.Append(second).ToList(), first, merged);
        }

        /// <summary>The check call with its negation and parentheses: the whole condition, and whether it is negated.</summary>
        private static (ExpressionSyntax Condition, bool Negated) Unwrap(ExpressionSyntax check)
        {
            var negated = false;
            ExpressionSyntax current = check;
            while (current.Parent is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } or ParenthesizedExpressionSyntax)
            {
                if (current.Parent is PrefixUnaryExpressionSyntax)
                {
                    negated = !negated;
                }

                current = (ExpressionSyntax)current.Parent;
            }

            return (current, negated);
        }

        /// <summary>The value an act stores for the key: <c>d[k] = v</c> or <c>d.TryAdd(k, v)</c>.</summary>
        private static ExpressionSyntax? ValueAdded(ExpressionSyntax act) => act switch
        {
            AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: ElementAccessExpressionSyntax, Right: var value } => value.WithoutTrivia(),
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "TryAdd" }, ArgumentList.Arguments: { Count: 2 } arguments } => arguments[1].Expression.WithoutTrivia(),
            _ => null,
        };

        private static InvocationExpressionSyntax Call(ExpressionSyntax target, string method, ExpressionSyntax key, ExpressionSyntax value) =>
            InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, IdentifierName(method)),
                ArgumentList(SeparatedList(new[] { Argument(key.WithoutTrivia()), Argument(value) })));
    }
}
