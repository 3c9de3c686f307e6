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
    /// Guards every racing send to one target with one <c>SemaphoreSlim(1, 1)</c>: reuses the semaphore that already
    /// guards some of its sends, or declares <c>_socketSendLock</c> next to the target, and wraps each send's statement in
    /// <c>await sem.WaitAsync(ct); try { .. } finally { sem.Release(); }</c> (<c>sem.Wait()</c> where the code cannot
    /// await). A non-async member or lambda that returns the send's task becomes async so the release waits for the send.
    /// </summary>
    internal static class SendGuarding
    {
        /// <summary>How one send is wrapped.</summary>
        private enum WrapKind
        {
            /// <summary>The send's statement, in an async function (WaitAsync).</summary>
            AsyncStatement,

            /// <summary>The send's statement, in a sync function with a sync send (Wait).</summary>
            SyncStatement,

            /// <summary>The body of a non-async member or lambda that returns the send's task: made async.</summary>
            ReturnedTask,
        }

        private sealed class Site
        {
            public Site(ExpressionSyntax send, SyntaxNode target, WrapKind kind, SyntaxNode function, ExpressionSyntax? token, bool returnsValue)
            {
                Send = send;
                Target = target;
                Kind = kind;
                Function = function;
                Token = token;
                ReturnsValue = returnsValue;
            }

            /// <summary>The guarded expression: the send call, or (for RG0007) the access of a field.</summary>
            public ExpressionSyntax Send { get; }

            /// <summary>The statement to wrap, or for <see cref="WrapKind.ReturnedTask"/> the member or lambda.</summary>
            public SyntaxNode Target { get; }

            public WrapKind Kind { get; }

            public SyntaxNode Function { get; }

            /// <summary><c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>: an async function that yields a value.</summary>
        private static bool IsTaskOfValue(ITypeSymbol type, SemanticModel model) =>
            KnownSymbols.For(model.Compilation) is var known && (known.IsType(type, known.TaskOfT) || known.IsType(type, known.ValueTaskOfT));

        /// <summary>The cancellation token the send is given, for <c>WaitAsync</c>; null for none or <c>CancellationToken.None</c>.</summary>
            public ExpressionSyntax? Token { get; }

            /// <summary>For a function body that is wrapped: whether it yields a value (<c>Task&lt;T&gt;</c>, or non-void when sync).</summary>
            public bool ReturnsValue { get; }
        }

        /// <summary>The fix's title for <paramref name="diagnostic"/>, or null when it cannot guard every racing send of its target.</summary>
        public static string? TitleFor(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (SharedVariable.Find(root, model, diagnostic, cancellationToken) is not { } target ||
                SitesOf(root, model, new[] { diagnostic }, cancellationToken) is not { } sites ||
                !sites.Any(s => s.Send.Span == diagnostic.Location.SourceSpan))
            {
                return null;
            }

            var own = sites.First(s => s.Send.Span == diagnostic.Location.SourceSpan);
            return "Guard sends to '" + target.Name + "' with a SemaphoreSlim" + (own.Kind == WrapKind.SyncStatement ? " (Wait)" : string.Empty);
        }

        public static Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics)
        {
            var root = context.Root;
            var model = context.Model;
            var cancellationToken = context.CancellationToken;
            if (context.Known.SemaphoreSlim is not { } semaphoreType)
            {
                return null;
            }

            var generator = context.Generator;
            var editor = context.Editor;
            var introduced = new HashSet<string>();
            var claimed = new List<SyntaxNode>();
            var changed = false;
            foreach (var group in diagnostics.GroupBy(d => SharedVariable.Find(root, model, d, cancellationToken), SymbolEqualityComparer.Default))
            {
                if (group.Key is not { } target || SitesOf(root, model, group.ToList(), cancellationToken) is not { } sites ||
                    sites.Any(s => claimed.Any(c => c.Span.IntersectsWith(s.Target.Span))))
                {
                    continue;
                }

                var gate = group.Select(d => d.Properties.TryGetValue(DiagnosticPropertyKeys.ExistingSemaphore, out var name) ? name : null).FirstOrDefault(n => n is not null);
                if (gate is null)
                {
                    var typeName = (TypeSyntax)generator.TypeExpression(semaphoreType).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
                    var one = Argument(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1)));
                    var arguments = ArgumentList(SeparatedList(new[] { one, one }));
                    // private readonly SemaphoreSlim _socketSendLock = new(1, 1); where C# has target-typed new (9 and later).
                    var targetTyped = root.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp9 };
                    var explicitCreation = ObjectCreationExpression(typeName).WithArgumentList(arguments);
                    var (name, declaration, anchor, before) = GateDeclaration.Create(
                        root, model, target, typeName, targetTyped ? ImplicitObjectCreationExpression(arguments, null) : explicitCreation, explicitCreation, "SendLock", introduced, cancellationToken);
                    if (declaration is null || anchor is null)
                    {
                        continue;
                    }

                    introduced.Add(name);
                    gate = name;
                    if (before)
                    {
                        editor.InsertBefore(anchor, declaration);
                    }
                    else
                    {
                        editor.InsertAfter(anchor, declaration);
                    }
                }

                claimed.AddRange(sites.Select(s => s.Target));
                foreach (var site in sites)
                {
                    // A send already between the reused semaphore's wait and its release stays as it is.
                    if (!IsHeldAt(site.Send, gate))
                    {
                        Wrap(editor, model, site, IdentifierName(gate), cancellationToken);
                    }
                }

                changed = true;
            }

            return changed ? context.ChangedDocument() : null;
        }

        /// <summary>"Guard with the semaphore '_gate'" for an inconsistently guarded field (RG0007), or null when it does not apply.</summary>
        public static string? SemaphoreTitleFor(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            AccessSiteOf(root, model, diagnostic, cancellationToken) is { } site && diagnostic.Properties.TryGetValue(DiagnosticPropertyKeys.ExistingSemaphore, out var gate)
                ? "Guard with the semaphore '" + gate + "'" + (site.Kind == WrapKind.SyncStatement ? " (Wait)" : string.Empty)
                : null;

        /// <summary>Wraps each unguarded access of the diagnostics in the semaphore that guards the field's other accesses.</summary>
        public static Document? GuardAccesses(EditContext context, IEnumerable<Diagnostic> diagnostics)
        {
            var root = context.Root;
            var model = context.Model;
            var cancellationToken = context.CancellationToken;

            var editor = context.Editor;
            var claimed = new List<SyntaxNode>();
            foreach (var diagnostic in diagnostics)
            {
                if (AccessSiteOf(root, model, diagnostic, cancellationToken) is not { } site || !diagnostic.Properties.TryGetValue(DiagnosticPropertyKeys.ExistingSemaphore, out var gate) ||
                    gate is null || claimed.Any(c => c.Span.IntersectsWith(site.Target.Span)))
                {
                    continue;
                }

                claimed.Add(site.Target);
                Wrap(editor, model, site, IdentifierName(gate), cancellationToken);
            }

            return claimed.Count == 0 ? null : context.ChangedDocument();
        }

        /// <summary>The statement (or expression-bodied member) around an RG0007 access, and whether its code can await.</summary>
        private static Site? AccessSiteOf(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (diagnostic.Location.SourceTree != root.SyntaxTree || !diagnostic.Properties.ContainsKey(DiagnosticPropertyKeys.ExistingSemaphore) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax access)
            {
                return null;
            }

            var function = access.Ancestors().FirstOrDefault(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or PropertyDeclarationSyntax);
            var symbol = function is AnonymousFunctionExpressionSyntax
                ? model.GetSymbolInfo(function, cancellationToken).Symbol as IMethodSymbol
                : function is null ? null : model.GetDeclaredSymbol(function, cancellationToken) as IMethodSymbol;
            if (function is null || symbol is null || StatementOf(access, model, cancellationToken) is not { } target)
            {
                return null;
            }

            var yieldsValue = IsTaskOfValue(symbol.ReturnType, model) || (!symbol.IsAsync && !symbol.ReturnsVoid);
            return new Site(access, target, symbol.IsAsync ? WrapKind.AsyncStatement : WrapKind.SyncStatement, function, null, yieldsValue);
        }

        /// <summary>
        /// Every send the diagnostics name (each diagnostic's location and its racing sends), with how to wrap it; null
        /// when one of them is in another document or cannot be guarded (a send whose task nobody awaits, a declaration
        /// whose variable is used after it).
        /// </summary>
        private static List<Site>? SitesOf(SyntaxNode root, SemanticModel model, IReadOnlyList<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var sites = new List<Site>();
            foreach (var diagnostic in diagnostics)
            {
                var locations = new List<Location> { diagnostic.Location };
                locations.AddRange(diagnostic.AdditionalLocations.Take(SharedVariable.ConflictCount(diagnostic)));
                foreach (var location in locations)
                {
                    if (location.SourceTree != root.SyntaxTree ||
                        root.FindNode(location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax send)
                    {
                        return null;
                    }

                    if (sites.Any(s => s.Send == send))
                    {
                        continue;
                    }

                    if (SiteOf(send, model, cancellationToken) is not { } site)
                    {
                        return null;
                    }

                    if (!sites.Any(s => s.Target == site.Target))
                    {
                        sites.Add(site);
                    }
                }
            }

            return sites;
        }

        private static Site? SiteOf(InvocationExpressionSyntax send, SemanticModel model, CancellationToken cancellationToken)
        {
            var function = send.Ancestors().FirstOrDefault(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax);
            if (function is null || model.GetSymbolInfo(send, cancellationToken).Symbol is not IMethodSymbol method)
            {
                return null;
            }

            var functionSymbol = function is AnonymousFunctionExpressionSyntax
                ? model.GetSymbolInfo(function, cancellationToken).Symbol as IMethodSymbol
                : model.GetDeclaredSymbol(function, cancellationToken) as IMethodSymbol;
            if (functionSymbol is null)
            {
                return null;
            }

            var isAsync = functionSymbol.IsAsync;
            var awaited = AwaitOf(send);
            var returnsTask = !method.ReturnsVoid && KnownSymbols.For(model.Compilation).IsTaskLike(method.ReturnType);
            var token = CancellationTokenOf(send, model, cancellationToken);
            var yieldsValue = IsTaskOfValue(functionSymbol.ReturnType, model) || (!isAsync && !functionSymbol.ReturnsVoid && !returnsTask);

            if (awaited is not null && isAsync)
            {
                return StatementOf(awaited, model, cancellationToken) is { } statement ? new Site(send, statement, WrapKind.AsyncStatement, function, token, yieldsValue) : null;
            }

            if (!returnsTask)
            {
                // A synchronous send: Wait() in sync code, WaitAsync in async code.
                return StatementOf(send, model, cancellationToken) is { } statement
                    ? new Site(send, statement, isAsync ? WrapKind.AsyncStatement : WrapKind.SyncStatement, function, token, yieldsValue)
                    : null;
            }

            // Task SendAsync(..) => _socket.SendAsync(..);  () => _socket.SendAsync(..): the function hands the send's task back.
            var handsBackValue = functionSymbol.ReturnType is INamedTypeSymbol { IsGenericType: true };
            return !isAsync && IsReturnedBody(send, function) ? new Site(send, function, WrapKind.ReturnedTask, function, token, handsBackValue) : null;
        }

        /// <summary>The await around the send (through <c>.ConfigureAwait(..)</c>), or null.</summary>
        private static AwaitExpressionSyntax? AwaitOf(InvocationExpressionSyntax send)
        {
            SyntaxNode current = send;
            if (current.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } access && access.Parent is InvocationExpressionSyntax configured)
            {
                current = configured;
            }

            while (current.Parent is ParenthesizedExpressionSyntax)
            {
                current = current.Parent;
            }

            return current.Parent as AwaitExpressionSyntax;
        }

        /// <summary>True when <paramref name="send"/> is the whole expression body of <paramref name="function"/>, or its only statement <c>return send;</c>.</summary>
        private static bool IsReturnedBody(InvocationExpressionSyntax send, SyntaxNode function) => BodyOf(function) == send;

        /// <summary>The statement to wrap around <paramref name="expression"/>, or an expression-bodied lambda/member; null for declarations that cannot be split.</summary>
        private static SyntaxNode? StatementOf(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
        {
            for (SyntaxNode? current = expression; current is not null; current = current.Parent)
            {
                switch (current.Parent)
                {
                    case LambdaExpressionSyntax lambda when lambda.ExpressionBody == current:
                        return lambda;
                    case ArrowExpressionClauseSyntax arrow when arrow.Expression == current && arrow.Parent is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax:
                        return arrow.Parent;
                }

                switch (current)
                {
                    case LocalDeclarationStatementSyntax declaration:
                        return declaration.Declaration.Variables.Count == 1 && declaration.Parent is BlockSyntax && declaration.UsingKeyword.IsKind(SyntaxKind.None) &&
                               model.GetDeclaredSymbol(declaration.Declaration.Variables[0], cancellationToken) is ILocalSymbol { Type.IsAnonymousType: false, IsRef: false }
                            ? declaration
                            : null;
                    case StatementSyntax statement and not BlockSyntax and not LabeledStatementSyntax:
                        return statement;
                    case AnonymousFunctionExpressionSyntax or MemberDeclarationSyntax:
                        return null;
                }
            }

            return null;
        }

        /// <summary>True when <paramref name="send"/> stands in a <c>try</c> whose <c>finally</c> releases <paramref name="gate"/>, in the same function.</summary>
        private static bool IsHeldAt(SyntaxNode send, string gate)
        {
            foreach (var ancestor in send.Ancestors())
            {
                switch (ancestor)
                {
                    case TryStatementSyntax { Finally: { } release } tryStatement when tryStatement.Block.Span.Contains(send.Span) &&
                        release.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Release" } call &&
                                                                                                  (call.Expression as IdentifierNameSyntax)?.Identifier.ValueText == gate):
                        return true;
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }

        private static void Wrap(SyntaxEditor editor, SemanticModel model, Site site, IdentifierNameSyntax gate, CancellationToken cancellationToken)
        {
            var async = site.Kind != WrapKind.SyncStatement;
            var acquire = ExpressionStatement(Acquire(gate, site, async));
            switch (site.Target)
            {
                case LocalDeclarationStatementSyntax declaration:
                {
                    // var sent = await s.SendAsync(..);  →  int sent; await gate.WaitAsync(); try { sent = await .. } finally { .. }
                    var variable = declaration.Declaration.Variables[0];
                    var local = (ILocalSymbol)model.GetDeclaredSymbol(variable, cancellationToken)!;
                    var declared = LocalDeclarationStatement(VariableDeclaration(
                            declaration.Declaration.Type.IsVar ? ParseTypeName(local.Type.ToMinimalDisplayString(model, declaration.SpanStart)) : declaration.Declaration.Type.WithoutTrivia(),
                            SingletonSeparatedList(VariableDeclarator(variable.Identifier.WithoutTrivia()))))
                        .WithLeadingTrivia(declaration.GetLeadingTrivia());
                    var assignment = ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(variable.Identifier.WithoutTrivia()), variable.Initializer!.Value.WithoutTrivia()));
                    editor.InsertBefore(declaration, new SyntaxNode[] { declared.WithAdditionalAnnotations(Formatter.Annotation), acquire.WithAdditionalAnnotations(Formatter.Annotation) });
                    editor.ReplaceNode(declaration, TryFinally(assignment, gate).WithTrailingTrivia(StatementLayout.TrailingWithBlankLine(declaration)));
                    break;
                }

                case StatementSyntax statement when statement.Parent is BlockSyntax:
                {
                    var trailing = StatementLayout.TrailingWithBlankLine(statement);
                    editor.InsertBefore(statement, acquire.WithLeadingTrivia(statement.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
                    editor.ReplaceNode(statement, (current, _) => TryFinally(((StatementSyntax)current).WithoutLeadingTrivia(), gate).WithTrailingTrivia(trailing));
                    break;
                }

                case StatementSyntax statement:
                    editor.ReplaceNode(statement, (current, _) => Blocks.MultiLine(acquire, TryFinally(((StatementSyntax)current).WithoutTrivia(), gate)).WithTriviaFrom(current).WithAdditionalAnnotations(Formatter.Annotation));
                    break;

                default:
                    WrapFunction(editor, site, acquire, gate);
                    break;
            }
        }

        /// <summary>
        /// An expression-bodied lambda or member around the send becomes a block; a function that handed the send's task
        /// back becomes async and awaits it (<c>return await</c> when the task carries a value).
        /// </summary>
        private static void WrapFunction(SyntaxEditor editor, Site site, StatementSyntax acquire, IdentifierNameSyntax gate)
        {
            editor.ReplaceNode(site.Target, (current, _) =>
            {
                var expression = BodyOf(current);
                var returnsValue = site.ReturnsValue;
                if (expression is null)
                {
                    return current;
                }

                StatementSyntax inner;
                if (site.Kind == WrapKind.ReturnedTask)
                {
                    var awaited = AwaitExpression(expression.WithoutTrivia());
                    inner = returnsValue ? ReturnStatement(awaited) : ExpressionStatement(awaited);
                }
                else
                {
                    inner = returnsValue ? ReturnStatement(expression.WithoutTrivia()) : ExpressionStatement(expression.WithoutTrivia());
                }

                var block = Blocks.MultiLine(acquire, TryFinally(inner, gate));
                var asyncToken = Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(Space);
                SyntaxNode replaced = current switch
                {
                    ParenthesizedLambdaExpressionSyntax lambda => (site.Kind == WrapKind.ReturnedTask ? lambda.WithAsyncKeyword(asyncToken) : lambda).WithExpressionBody(null).WithBlock(block),
                    SimpleLambdaExpressionSyntax lambda => (site.Kind == WrapKind.ReturnedTask ? lambda.WithAsyncKeyword(asyncToken) : lambda).WithExpressionBody(null).WithBlock(block),
                    MethodDeclarationSyntax method => (site.Kind == WrapKind.ReturnedTask ? AddAsync(method) : method).WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
                    LocalFunctionStatementSyntax local => (site.Kind == WrapKind.ReturnedTask ? local.WithModifiers(local.Modifiers.Add(asyncToken)) : local).WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
                    _ => current,
                };
                return replaced.WithAdditionalAnnotations(Formatter.Annotation);
            });
        }

        private static MethodDeclarationSyntax AddAsync(MethodDeclarationSyntax method)
        {
            var asyncToken = Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(Space);
            if (method.Modifiers.Count == 0)
            {
                return method.WithModifiers(TokenList(asyncToken.WithLeadingTrivia(method.ReturnType.GetLeadingTrivia()))).WithReturnType(method.ReturnType.WithoutLeadingTrivia());
            }

            return method.WithModifiers(method.Modifiers.Add(asyncToken));
        }

        /// <summary>The expression a function returns or evaluates: its expression body or its single <c>return</c>.</summary>
        private static ExpressionSyntax? BodyOf(SyntaxNode function) => function switch
        {
            LambdaExpressionSyntax lambda => lambda.ExpressionBody ?? OnlyReturned(lambda.Block),
            MethodDeclarationSyntax method => method.ExpressionBody?.Expression ?? OnlyReturned(method.Body),
            LocalFunctionStatementSyntax local => local.ExpressionBody?.Expression ?? OnlyReturned(local.Body),
            _ => null,
        };

        private static ExpressionSyntax? OnlyReturned(BlockSyntax? block) =>
            block is { Statements.Count: 1 } && block.Statements[0] is ReturnStatementSyntax { Expression: { } returned } ? returned : null;

        private static ExpressionSyntax Acquire(IdentifierNameSyntax gate, Site site, bool async)
        {
            if (!async)
            {
                return InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, gate, IdentifierName("Wait")));
            }

            var token = site.Token;
            ExpressionSyntax wait = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, gate, IdentifierName("WaitAsync")),
                token is null ? ArgumentList() : ArgumentList(SingletonSeparatedList(Argument(token))));
            if (UsesConfigureAwaitFalse(site.Function))
            {
                wait = InvocationExpression(
                    MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, wait, IdentifierName("ConfigureAwait")),
                    ArgumentList(SingletonSeparatedList(Argument(LiteralExpression(SyntaxKind.FalseLiteralExpression)))));
            }

            return AwaitExpression(wait);
        }

        /// <summary><c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>: an async function that yields a value.</summary>
        private static bool IsTaskOfValue(ITypeSymbol type, SemanticModel model) =>
            KnownSymbols.For(model.Compilation) is var known && (known.IsType(type, known.TaskOfT) || known.IsType(type, known.ValueTaskOfT));

        /// <summary>The cancellation token the send is given (not <c>CancellationToken.None</c> or <c>default</c>), or null.</summary>
        private static ExpressionSyntax? CancellationTokenOf(InvocationExpressionSyntax send, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var argument in send.ArgumentList.Arguments)
            {
                if (argument.Expression is IdentifierNameSyntax or MemberAccessExpressionSyntax &&
                    KnownSymbols.For(model.Compilation) is var known && known.IsType(model.GetTypeInfo(argument.Expression, cancellationToken).Type, known.CancellationToken) &&
                    model.GetSymbolInfo(argument.Expression, cancellationToken).Symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol { Name: not "None" })
                {
                    return argument.Expression.WithoutTrivia();
                }
            }

            return null;
        }

        private static bool UsesConfigureAwaitFalse(SyntaxNode function) =>
            function.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i =>
                i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } &&
                i.ArgumentList.Arguments.Count == 1 && i.ArgumentList.Arguments[0].Expression.IsKind(SyntaxKind.FalseLiteralExpression));

        private static TryStatementSyntax TryFinally(StatementSyntax statement, IdentifierNameSyntax gate) =>
            TryStatement(
                Blocks.MultiLine(statement),
                default,
                FinallyClause(Blocks.MultiLine(ExpressionStatement(InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, gate, IdentifierName("Release")))))))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }
}
