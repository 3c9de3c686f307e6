using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Diagnostics;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>
    /// Guards every racing access to one variable with one lock: reuses the lock object the diagnostics name, or
    /// declares one next to the variable, and wraps each access's statement (or expression body) in <c>lock</c>.
    /// </summary>
    internal static class LockGuarding
    {
        /// <summary>Applies the guard for every variable named by <paramref name="diagnostics"/> (all in the context's document); null when it cannot be done safely.</summary>
        public static Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics)
        {
            var root = context.Root;
            var model = context.Model;
            var cancellationToken = context.CancellationToken;

            var plans = new List<Plan>();
            var introduced = new HashSet<string>();
            foreach (var group in diagnostics.GroupBy(d => SharedVariable.Find(root, model, d, cancellationToken), SymbolEqualityComparer.Default))
            {
                if (group.Key is not { } symbol || CreatePlan(root, model, symbol, group.ToList(), introduced, cancellationToken) is not { } plan)
                {
                    continue;
                }

                plans.Add(plan);
            }

            if (plans.Count == 0)
            {
                return null;
            }

            // Two variables' plans that wrap overlapping code become one lock over the outermost statement; plans that
            // still overlap (two different existing locks) keep the first.
            var claimed = new List<SyntaxNode>();
            var editor = context.Editor;
            foreach (var plan in Merge(plans))
            {
                var touched = plan.Targets.SelectMany(plan.StatementsOf).ToList();
                if (touched.Any(t => claimed.Any(c => c.Span.IntersectsWith(t.Span))))
                {
                    continue;
                }

                claimed.AddRange(touched);
                Apply(editor, model, plan, cancellationToken);
            }

            return editor.GetChangedDocument();
        }

        /// <summary>
        /// Plans of different variables whose code overlaps (<c>if (_sessions.Remove(id, out var s)) { _byUser.Remove(s.User); }</c>)
        /// merged into one: the lock of the first that reuses an existing lock, else the first's new one, around the
        /// outermost statements of both. Two different existing locks are not merged.
        /// </summary>
        private static List<Plan> Merge(List<Plan> plans)
        {
            var merged = new List<Plan>();
            foreach (var plan in plans)
            {
                var index = merged.FindIndex(other => Overlaps(other, plan) && (other.GateName == plan.GateName || other.GateDeclaration is not null || plan.GateDeclaration is not null));
                if (index < 0)
                {
                    merged.Add(plan);
                    continue;
                }

                var first = merged[index];
                var gateOwner = first.GateDeclaration is null || plan.GateDeclaration is not null ? first : plan;
                var all = first.Targets.Concat(plan.Targets).Distinct().ToList();

                // A lock around code that starts a lambda does not hold inside the lambda: such plans stay apart.
                if (all.Any(t => all.FirstOrDefault(other => other != t && other.Span.Contains(t.Span)) is { } container &&
                                 t.AncestorsAndSelf().TakeWhile(n => n != container).Any(n => n is AnonymousFunctionExpressionSyntax)))
                {
                    merged.Add(plan);
                    continue;
                }

                var targets = all.Where(t => !all.Any(other => other != t && other.Span.Contains(t.Span))).ToList();
                if (gateOwner.GateDeclaration is null)
                {
                    targets.RemoveAll(target => IsHeldAt(target, gateOwner.GateName));
                }

                var runs = new Dictionary<SyntaxNode, List<StatementSyntax>>();
                foreach (var run in first.Runs.Concat(plan.Runs))
                {
                    if (targets.Contains(run.Key) && !runs.ContainsKey(run.Key) && !runs.Values.Any(other => other.Intersect(run.Value).Any()))
                    {
                        runs.Add(run.Key, run.Value);
                    }
                }

                // A statement wrapped with a run of fields updated together is not wrapped again.
                targets.RemoveAll(target => runs.Any(run => run.Key != target && run.Value.Any(statement => statement.Span.Contains(target.Span))));

                merged[index] = new Plan(first.Symbol, gateOwner.GateName, gateOwner.GateDeclaration, gateOwner.GateAnchor, gateOwner.InsertBefore, targets, runs);
            }

            return merged;
        }

        private static bool Overlaps(Plan a, Plan b) =>
            a.Targets.SelectMany(a.StatementsOf).Any(x => b.Targets.SelectMany(b.StatementsOf).Any(y => x.Span.IntersectsWith(y.Span)));

        /// <summary>True when the fix can guard the variable of <paramref name="diagnostic"/>.</summary>
        public static bool CanFix(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            SharedVariable.Find(root, model, diagnostic, cancellationToken) is { } symbol &&
            CreatePlan(root, model, symbol, new[] { diagnostic }, new HashSet<string>(), cancellationToken) is not null;

        /// <summary>The targets to wrap and the lock object to use; <c>introduced</c> holds the names of lock objects this edit already adds for other variables.</summary>
        private static Plan? CreatePlan(SyntaxNode root, SemanticModel model, ISymbol symbol, IReadOnlyList<Diagnostic> diagnostics, HashSet<string> introduced, CancellationToken cancellationToken)
        {
            // A flag is guarded with the lock of its writes only where it is read or written outside it: a lock around a
            // loop that waits for the flag would hold it for the whole loop, and test-and-set is fixed with Interlocked.
            if (diagnostics.Any(d => d.Id == RuleIds.UnsynchronizedFlag && FlagAccesses.FindingOf(d) is not (FlagFinding.UnlockedRead or FlagFinding.UnlockedWrite)))
            {
                return null;
            }

            // A lock around a statement that waits for another thread may deadlock, one around I/O stalls every user: the message advises the safe pattern.
            if (diagnostics.Any(d => d.IsSet(DiagnosticPropertyKeys.LockWouldBlock)))
            {
                return null;
            }

            // An inconsistently guarded field takes the lock its other accesses hold; never a new one (nor for a semaphore guard).
            if (diagnostics.Any(d => d.Id == RuleIds.InconsistentSynchronization && !d.Properties.ContainsKey(DiagnosticPropertyKeys.ExistingLock)))
            {
                return null;
            }

            var targets = new List<SyntaxNode>();
            foreach (var diagnostic in diagnostics)
            {
                var locations = new List<Location> { diagnostic.Location };
                locations.AddRange(diagnostic.AdditionalLocations.Take(SharedVariable.ConflictCount(diagnostic)));
                foreach (var location in locations)
                {
                    if (location.SourceTree != root.SyntaxTree)
                    {
                        // An access in another file (a partial type): one document cannot guard it.
                        return null;
                    }

                    var target = FindWrapTarget(root.FindNode(location.SourceSpan, getInnermostNodeForTie: true));
                    if (target is null || !CanWrap(target, model, cancellationToken))
                    {
                        return null;
                    }

                    if (!targets.Contains(target))
                    {
                        targets.Add(target);
                    }
                }
            }

            var outermost = new List<SyntaxNode>();
            foreach (var target in targets)
            {
                var container = targets.FirstOrDefault(other => other != target && other.Span.Contains(target.Span));
                if (container is null)
                {
                    outermost.Add(target);
                    continue;
                }

                // A lock around code that starts a lambda does not hold inside the lambda, and may deadlock with it.
                if (target.AncestorsAndSelf().TakeWhile(n => n != container).Any(n => n is AnonymousFunctionExpressionSyntax))
                {
                    return null;
                }
            }

            var properties = diagnostics[0].Properties;
            properties.TryGetValue(DiagnosticPropertyKeys.ExistingLock, out var existing);
            var useLockType = diagnostics[0].IsSet(DiagnosticPropertyKeys.UseLockType);
            if (existing is not null)
            {
                // Accesses already inside a lock on that object stay as they are (no lock inside the same lock).
                outermost.RemoveAll(target => IsHeldAt(target, existing));
                return outermost.Count == 0 ? null : new Plan(symbol, existing, null, null, insertBefore: false, outermost, UpdateRuns(outermost, diagnostics, model, cancellationToken));
            }

            var (name, declaration, anchor, before) = CreateGateDeclaration(root, model, symbol, useLockType, introduced, cancellationToken);
            if (declaration is null)
            {
                return null;
            }

            var runs = UpdateRuns(outermost, diagnostics, model, cancellationToken);
            if (outermost.Count == 0)
            {
                return null;
            }

            introduced.Add(name);
            return new Plan(symbol, name, declaration, anchor, before, outermost, runs);
        }

        /// <summary>
        /// For lost-update findings (RG0003): the statements next to an updated field that update other fields of the
        /// type together with it (<c>_successCount++; _lastSuccess = now;</c>), so that one lock keeps them consistent.
        /// Keyed by the target statement; a run includes the target. Targets that fall into another target's run are dropped.
        /// </summary>
        private static Dictionary<SyntaxNode, List<StatementSyntax>> UpdateRuns(List<SyntaxNode> targets, IReadOnlyList<Diagnostic> diagnostics, SemanticModel model, CancellationToken cancellationToken)
        {
            var runs = new Dictionary<SyntaxNode, List<StatementSyntax>>();
            if (!diagnostics.Any(d => d.Id == RuleIds.NonAtomicUpdate))
            {
                return runs;
            }

            foreach (var target in targets.ToList())
            {
                if (target is not ExpressionStatementSyntax statement || statement.Parent is not BlockSyntax block || !targets.Contains(target))
                {
                    continue;
                }

                var statements = block.Statements;
                var index = statements.IndexOf(statement);
                var first = index;
                while (first > 0 && UpdatesFieldOfType(statements[first - 1], model, cancellationToken))
                {
                    first--;
                }

                var last = index;
                while (last < statements.Count - 1 && UpdatesFieldOfType(statements[last + 1], model, cancellationToken))
                {
                    last++;
                }

                first = StartOfTheRead(statements, first, index, model, cancellationToken);
                if (first < 0)
                {
                    // The read cannot move under the lock with the write: no lock fix for this update.
                    targets.Remove(target);
                    continue;
                }

                if (first == last)
                {
                    continue;
                }

                var run = statements.Skip(first).Take(last - first + 1).ToList();
                targets.RemoveAll(other => other != target && run.Contains(other));
                runs[target] = run;
            }

            return runs;
        }

        /// <summary>
        /// An update split over statements (<c>var n = _next; .. _next = n + 1;</c>): the index of the earliest statement of
        /// the block that gives a local the updated field's old value (directly or through another such local), so the
        /// lock holds from the read to the write. <paramref name="first"/> when there is none; -1 when the update cannot be
        /// locked whole (an await or a lambda in between, or a local declared in between and used after the write).
        /// </summary>
        private static int StartOfTheRead(SyntaxList<StatementSyntax> statements, int first, int index, SemanticModel model, CancellationToken cancellationToken)
        {
            if (statements[index] is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: var assigned } } ||
                model.GetSymbolInfo(assigned, cancellationToken).Symbol is not IFieldSymbol field)
            {
                return first;
            }

            var start = first;
            var carriers = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { field };
            for (var i = index - 1; i >= 0; i--)
            {
                var defined = statements[i] switch
                {
                    LocalDeclarationStatementSyntax declaration => declaration.Declaration.Variables
                        .Where(v => v.Initializer is { } initializer && Mentions(initializer.Value, carriers, model, cancellationToken))
                        .Select(v => model.GetDeclaredSymbol(v, cancellationToken)).ToList(),
                    ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax local, Right: var value } } when Mentions(value, carriers, model, cancellationToken) =>
                        new List<ISymbol?> { model.GetSymbolInfo(local, cancellationToken).Symbol as ILocalSymbol },
                    _ => new List<ISymbol?>(),
                };

                // Only a local the write (or a later definition) uses carries the old value to it.
                var used = defined.OfType<ILocalSymbol>().Where(l => statements.Skip(i + 1).Take(index - i).Any(s => Mentions(s, new HashSet<ISymbol>(SymbolEqualityComparer.Default) { l }, model, cancellationToken))).ToList();
                if (used.Count > 0)
                {
                    carriers.UnionWith(used);
                    start = Math.Min(start, i);
                }
            }

            if (start == first)
            {
                return first;
            }

            // An await or a lambda between the read and the write, or a local declared there and used after the write
            // (it would end up inside the lock): the update cannot be locked as a whole.
            var moved = statements.Skip(start).Take(index - start).ToList();
            var declared = moved.OfType<LocalDeclarationStatementSyntax>().SelectMany(d => d.Declaration.Variables)
                .Select(v => model.GetDeclaredSymbol(v, cancellationToken)).OfType<ISymbol>().ToList();
            return moved.Any(s => s.DescendantNodesAndSelf().Any(n => n is AwaitExpressionSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or YieldStatementSyntax)) ||
                   (declared.Count > 0 && statements.Skip(index + 1).Any(s => Mentions(s, new HashSet<ISymbol>(declared, SymbolEqualityComparer.Default), model, cancellationToken)))
                ? -1
                : start;
        }

        private static bool Mentions(SyntaxNode node, HashSet<ISymbol> symbols, SemanticModel model, CancellationToken cancellationToken) =>
            node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name => model.GetSymbolInfo(name, cancellationToken).Symbol is { } symbol && symbols.Contains(symbol));

        /// <summary>An expression statement that assigns, increments or decrements a field of the enclosing type, with no await or lambda.</summary>
        private static bool UpdatesFieldOfType(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
        {
            var assigned = (statement as ExpressionStatementSyntax)?.Expression switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left,
                PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression) => postfix.Operand,
                PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression) => prefix.Operand,
                _ => null,
            };
            if (assigned is null || statement.DescendantNodes().Any(n => n is AwaitExpressionSyntax or AnonymousFunctionExpressionSyntax))
            {
                return false;
            }

            return model.GetSymbolInfo(assigned, cancellationToken).Symbol is IFieldSymbol field &&
                   SymbolEqualityComparer.Default.Equals(field.ContainingType, model.GetEnclosingSymbol(statement.SpanStart, cancellationToken)?.ContainingType);
        }

        /// <summary>True when <paramref name="target"/> already stands inside <c>lock (gate)</c> (or <c>lock (this.gate)</c>) in the same function.</summary>
        private static bool IsHeldAt(SyntaxNode target, string gate)
        {
            foreach (var ancestor in target.Ancestors())
            {
                switch (ancestor)
                {
                    case LockStatementSyntax lockStatement when lockStatement.Statement.Span.Contains(target.Span):
                        var locked = lockStatement.Expression is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var name } ? name : lockStatement.Expression;
                        if (locked is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == gate)
                        {
                            return true;
                        }

                        break;
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }

        /// <summary>The statement or expression body to wrap around an access: the closest statement, or an expression-bodied lambda or member on the way.</summary>
        private static SyntaxNode? FindWrapTarget(SyntaxNode node)
        {
            for (var current = node; current is not null; current = current.Parent)
            {
                switch (current.Parent)
                {
                    case LambdaExpressionSyntax lambda when lambda.ExpressionBody == current:
                        return lambda;
                    case ArrowExpressionClauseSyntax arrow when arrow.Expression == current:
                        return arrow;
                }

                if (current is StatementSyntax and not BlockSyntax and not LocalFunctionStatementSyntax)
                {
                    return current;
                }

                if (current is MemberDeclarationSyntax)
                {
                    return null;
                }
            }

            return null;
        }

        private static bool CanWrap(SyntaxNode target, SemanticModel model, CancellationToken cancellationToken)
        {
            var code = target switch
            {
                LambdaExpressionSyntax lambda => lambda.ExpressionBody,
                _ => target,
            };

            // lock cannot hold across await, and yield inside lock hands the lock to the caller.
            if (code is null || code.DescendantNodesAndTokensAndSelf(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax)
                    .Any(n => n.IsKind(SyntaxKind.AwaitKeyword) || n.IsKind(SyntaxKind.AwaitExpression) || n.IsKind(SyntaxKind.YieldReturnStatement) || n.IsKind(SyntaxKind.YieldBreakStatement)))
            {
                return false;
            }

            // A conflicting access whose statement waits for another thread or does I/O is not wrapped either.
            if (model.GetOperation(code, cancellationToken) is { } operation && LockHazards.In(operation, KnownSymbols.For(model.Compilation)) != LockHazard.None)
            {
                return false;
            }

            // A variable the statement declares (out var x, a pattern) and later code uses must outlive the lock: only an
            // out declaration of a statement in a block can be declared before it.
            var leaked = LeakedVariables(target, model, cancellationToken);
            if (leaked.Count > 0 && (target.Parent is not BlockSyntax || leaked.Any(v => v.Declaration is null)))
            {
                return false;
            }

            switch (target)
            {
                case LocalDeclarationStatementSyntax declaration:
                    return declaration.Declaration.Variables.Count == 1 &&
                           declaration.Declaration.Variables[0].Initializer is not null &&
                           declaration.UsingKeyword.IsKind(SyntaxKind.None) &&
                           !declaration.IsConst &&
                           declaration.Parent is BlockSyntax or GlobalStatementSyntax or SwitchSectionSyntax &&
                           model.GetDeclaredSymbol(declaration.Declaration.Variables[0], cancellationToken) is ILocalSymbol { Type.IsAnonymousType: false, IsRef: false };
                case ArrowExpressionClauseSyntax arrow:
                    return arrow.Parent is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax or PropertyDeclarationSyntax;
                case StatementSyntax statement:
                    return statement is not (LabeledStatementSyntax or LocalDeclarationStatementSyntax);
                default:
                    return target is LambdaExpressionSyntax;
            }
        }

        /// <summary>
        /// The locals a statement declares in an expression (<c>out var buffer</c>, <c>is Session s</c>) that code after it
        /// uses: C# scopes them to the enclosing block, a lock around the statement would end their scope. Each with its
        /// <c>out</c> declaration expression, or null when it is declared otherwise (a pattern, a deconstruction).
        /// </summary>
        private static List<(ILocalSymbol Local, DeclarationExpressionSyntax? Declaration)> LeakedVariables(SyntaxNode target, SemanticModel model, CancellationToken cancellationToken)
        {
            var leaked = new List<(ILocalSymbol, DeclarationExpressionSyntax?)>();
            if (target is not StatementSyntax statement || statement.Parent is null)
            {
                return leaked;
            }

            foreach (var designation in statement.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax).OfType<SingleVariableDesignationSyntax>())
            {
                if (model.GetDeclaredSymbol(designation, cancellationToken) is not ILocalSymbol local ||
                    !statement.Parent.DescendantNodes().OfType<IdentifierNameSyntax>().Any(identifier =>
                        identifier.SpanStart > statement.Span.End && identifier.Identifier.ValueText == local.Name &&
                        SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local)))
                {
                    continue;
                }

                var declaration = designation.Parent is DeclarationExpressionSyntax { Parent: ArgumentSyntax argument } expression && argument.RefKindKeyword.IsKind(SyntaxKind.OutKeyword)
                    ? expression
                    : null;
                leaked.Add((local, declaration));
            }

            return leaked;
        }

        /// <summary>Declares the <see cref="LeakedVariables"/> of <paramref name="statement"/> before it and turns their <c>out var x</c> into <c>out x</c>.</summary>
        private static void DeclareLeakedVariablesBefore(DocumentEditor editor, SemanticModel model, StatementSyntax statement, CancellationToken cancellationToken)
        {
            foreach (var (local, declaration) in LeakedVariables(statement, model, cancellationToken))
            {
                if (declaration is null)
                {
                    continue;
                }

                var type = declaration.Type.IsVar
                    ? (TypeSyntax)editor.Generator.TypeExpression(local.Type).WithAdditionalAnnotations(Simplifier.Annotation)
                    : declaration.Type.WithoutTrivia();
                editor.InsertBefore(statement, LocalDeclarationStatement(VariableDeclaration(type, SingletonSeparatedList(VariableDeclarator(Identifier(local.Name)))))
                    .WithAdditionalAnnotations(Formatter.Annotation));
                if (!(statement is LocalDeclarationStatementSyntax))
                {
                    editor.ReplaceNode(declaration, IdentifierName(local.Name).WithTriviaFrom(declaration));
                }
            }
        }

        private static (string Name, SyntaxNode? Declaration, SyntaxNode? Anchor, bool InsertBefore) CreateGateDeclaration(SyntaxNode root, SemanticModel model, ISymbol symbol, bool useLockType, HashSet<string> introduced, CancellationToken cancellationToken)
        {
            var gateType = useLockType
                ? ParseTypeName("System.Threading.Lock").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation)
                : PredefinedType(Token(SyntaxKind.ObjectKeyword));
            ExpressionSyntax objectCreation = ObjectCreationExpression(PredefinedType(Token(SyntaxKind.ObjectKeyword))).WithArgumentList(ArgumentList());
            return GateDeclaration.Create(
                root,
                model,
                symbol,
                gateType,
                useLockType ? ImplicitObjectCreationExpression() : objectCreation,
                useLockType ? ObjectCreationExpression(gateType).WithArgumentList(ArgumentList()) : objectCreation,
                "Lock",
                introduced,
                cancellationToken);
        }

        private static void Apply(DocumentEditor editor, SemanticModel model, Plan plan, CancellationToken cancellationToken)
        {
            if (plan.GateDeclaration is not null && plan.GateAnchor is not null)
            {
                if (plan.InsertBefore)
                {
                    editor.InsertBefore(plan.GateAnchor, plan.GateDeclaration);
                }
                else
                {
                    editor.InsertAfter(plan.GateAnchor, plan.GateDeclaration);
                }
            }

            var gate = IdentifierName(plan.GateName);
            foreach (var target in plan.Targets)
            {
                switch (target)
                {
                    case LocalDeclarationStatementSyntax declaration:
                        SplitAndLock(editor, model, declaration, gate, cancellationToken);
                        break;
                    case StatementSyntax statement when plan.Runs.TryGetValue(statement, out var run):
                        var locked = LockStatement(gate, Block(run.Select((s, i) => i == 0 ? s.WithoutLeadingTrivia() : s)))
                            .WithLeadingTrivia(run[0].GetLeadingTrivia())
                            .WithTrailingTrivia(run[run.Count - 1].GetTrailingTrivia())
                            .WithAdditionalAnnotations(Formatter.Annotation);
                        editor.ReplaceNode(run[0], locked);
                        foreach (var other in run.Skip(1))
                        {
                            editor.RemoveNode(other, SyntaxRemoveOptions.KeepNoTrivia);
                        }

                        break;
                    case StatementSyntax statement:
                        DeclareLeakedVariablesBefore(editor, model, statement, cancellationToken);
                        editor.ReplaceNode(statement, (current, _) => Lock(gate, (StatementSyntax)current).WithTriviaFrom(current));
                        break;
                    case LambdaExpressionSyntax lambda:
                        var returnsValue = model.GetSymbolInfo(lambda, cancellationToken).Symbol is IMethodSymbol { ReturnsVoid: false } method && !(method.IsAsync && KnownSymbols.For(model.Compilation) is var known && known.IsType(method.ReturnType, known.Task));
                        editor.ReplaceNode(lambda, (current, _) =>
                        {
                            var currentLambda = (LambdaExpressionSyntax)current;
                            var body = currentLambda.ExpressionBody!.WithoutTrivia();
                            return currentLambda
                                .WithExpressionBody(null)
                                .WithBlock(Blocks.MultiLine(Lock(gate, returnsValue ? ReturnStatement(body) : ExpressionStatement(body))))
                                .WithAdditionalAnnotations(Formatter.Annotation);
                        });
                        break;
                    case ArrowExpressionClauseSyntax arrow:
                        ReplaceArrow(editor, model, arrow, gate, cancellationToken);
                        break;
                }
            }
        }

        private static void SplitAndLock(DocumentEditor editor, SemanticModel model, LocalDeclarationStatementSyntax declaration, IdentifierNameSyntax gate, CancellationToken cancellationToken)
        {
            var variable = declaration.Declaration.Variables[0];
            var local = (ILocalSymbol)model.GetDeclaredSymbol(variable, cancellationToken)!;
            var type = declaration.Declaration.Type.IsVar
                ? (TypeSyntax)editor.Generator.TypeExpression(local.Type).WithAdditionalAnnotations(Simplifier.Annotation)
                : declaration.Declaration.Type;
            var split = LocalDeclarationStatement(VariableDeclaration(type.WithoutTrivia(), SingletonSeparatedList(VariableDeclarator(variable.Identifier.WithoutTrivia()))))
                .WithLeadingTrivia(declaration.GetLeadingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
            var leaked = LeakedVariables(declaration, model, cancellationToken).Select(v => v.Declaration).OfType<DeclarationExpressionSyntax>().ToList();
            var value = variable.Initializer!.Value.ReplaceNodes(leaked, (original, _) => IdentifierName(((SingleVariableDesignationSyntax)original.Designation).Identifier.WithoutTrivia()).WithTriviaFrom(original));
            var assignment = ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(variable.Identifier.WithoutTrivia()), value.WithoutTrivia()));
            var locked = Lock(gate, assignment).WithTrailingTrivia(declaration.GetTrailingTrivia());
            if (declaration.Parent is GlobalStatementSyntax global)
            {
                editor.InsertBefore(global, GlobalStatement(split));
                editor.ReplaceNode(declaration, locked);
            }
            else
            {
                editor.InsertBefore(declaration, split);
                DeclareLeakedVariablesBefore(editor, model, declaration, cancellationToken);
                editor.ReplaceNode(declaration, locked);
            }
        }

        private static void ReplaceArrow(DocumentEditor editor, SemanticModel model, ArrowExpressionClauseSyntax arrow, IdentifierNameSyntax gate, CancellationToken cancellationToken)
        {
            var owner = arrow.Parent!;
            var symbol = model.GetDeclaredSymbol(owner, cancellationToken);
            var returnsValue = symbol switch
            {
                IMethodSymbol method => !method.ReturnsVoid,
                IPropertySymbol => true,
                _ => false,
            };
            var expression = arrow.Expression.WithoutTrivia();
            var block = Block(Lock(gate, returnsValue ? ReturnStatement(expression) : ExpressionStatement(expression)));
            editor.ReplaceNode(owner, (current, _) =>
            {
                SyntaxNode replaced = current switch
                {
                    BaseMethodDeclarationSyntax method => method.WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
                    LocalFunctionStatementSyntax local => local.WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
                    AccessorDeclarationSyntax accessor => accessor.WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
                    PropertyDeclarationSyntax property => property.WithExpressionBody(null).WithSemicolonToken(default)
                        .WithAccessorList(AccessorList(SingletonList(AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, block)))),
                    _ => current,
                };
                return replaced.WithAdditionalAnnotations(Formatter.Annotation);
            });
        }

        private static LockStatementSyntax Lock(ExpressionSyntax gate, StatementSyntax statement) =>
            LockStatement(gate, Blocks.MultiLine(statement.WithoutLeadingTrivia().WithTrailingTrivia())).WithAdditionalAnnotations(Formatter.Annotation);

        private sealed class Plan
        {
            public Plan(ISymbol symbol, string gateName, SyntaxNode? gateDeclaration, SyntaxNode? gateAnchor, bool insertBefore, List<SyntaxNode> targets, Dictionary<SyntaxNode, List<StatementSyntax>> runs)
            {
                Runs = runs;
                Symbol = symbol;
                GateName = gateName;
                GateDeclaration = gateDeclaration;
                GateAnchor = gateAnchor;
                InsertBefore = insertBefore;
                Targets = targets;
            }

            public ISymbol Symbol { get; }

            public string GateName { get; }

            public SyntaxNode? GateDeclaration { get; }

            public SyntaxNode? GateAnchor { get; }

            public bool InsertBefore { get; }

            public List<SyntaxNode> Targets { get; }

            /// <summary>Statements wrapped together with a target (fields updated together), keyed by the target.</summary>
            public Dictionary<SyntaxNode, List<StatementSyntax>> Runs { get; }

            /// <summary>The code a target wraps: its run of statements, or the target itself.</summary>
            public IEnumerable<SyntaxNode> StatementsOf(SyntaxNode target) => Runs.TryGetValue(target, out var run) ? run : new[] { target };
        }
    }
}
