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
    /// The RG0005 rewrites: await the task that writes the variable before the first read; or hand an exception over
    /// with the completion of the channel (<c>writer.TryComplete(ex)</c> / <c>await reader.Completion</c>) or of the
    /// TaskCompletionSource (<c>tcs.TrySetException(ex)</c> / <c>await tcs.Task</c>) the region already completes.
    /// </summary>
    internal static class HandOverRewrite
    {
        /// <summary>What one RG0005 read diagnostic points at in the document.</summary>
        private sealed class Finding
        {
            public Finding(ILocalSymbol variable, ExpressionSyntax read, StatementSyntax readStatement, InvocationExpressionSyntax start, LambdaExpressionSyntax body, SyntaxNode consumer, bool consumerIsAsync)
            {
                Variable = variable;
                Read = read;
                ReadStatement = readStatement;
                Start = start;
                Body = body;
                Consumer = consumer;
                ConsumerIsAsync = consumerIsAsync;
            }

            public ILocalSymbol Variable { get; }

            public ExpressionSyntax Read { get; }

            /// <summary>The statement of the first read, in a block: the consumer's code goes before it.</summary>
            public StatementSyntax ReadStatement { get; }

            /// <summary>The <c>Task.Run(..)</c> / <c>StartNew(..)</c> call that starts the region.</summary>
            public InvocationExpressionSyntax Start { get; }

            /// <summary>The region's lambda.</summary>
            public LambdaExpressionSyntax Body { get; }

            /// <summary>The function that starts the region and reads the variable.</summary>
            public SyntaxNode Consumer { get; }

            public bool ConsumerIsAsync { get; }
        }

        private static Finding? FindingOf(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (diagnostic.Get<HandOverFinding>(DiagnosticPropertyKeys.HandOverFinding) != HandOverFinding.Read ||
                diagnostic.Location.SourceTree != root.SyntaxTree ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not IdentifierNameSyntax read ||
                model.GetSymbolInfo(read, cancellationToken).Symbol is not ILocalSymbol variable ||
                read.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax } readStatement)
            {
                return null;
            }

            var start = diagnostic.AdditionalLocations
                .Skip(SharedVariable.ConflictCount(diagnostic))
                .Where(l => l.SourceTree == root.SyntaxTree)
                .Select(l => root.FindNode(l.SourceSpan, getInnermostNodeForTie: true))
                .OfType<InvocationExpressionSyntax>()
                .FirstOrDefault(i => model.GetSymbolInfo(i, cancellationToken).Symbol is IMethodSymbol { Name: "Run" or "StartNew" } run && KnownSymbols.For(model.Compilation).IsTaskType(run.ReturnType));
            if (start?.ArgumentList.Arguments.FirstOrDefault()?.Expression is not LambdaExpressionSyntax body)
            {
                return null;
            }

            var consumer = start.Ancestors().FirstOrDefault(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax);
            if (consumer is null || !consumer.Span.Contains(readStatement.Span) ||
                (model.GetDeclaredSymbol(consumer, cancellationToken) ?? model.GetSymbolInfo(consumer, cancellationToken).Symbol) is not IMethodSymbol consumerSymbol)
            {
                return null;
            }

            return new Finding(variable, read, readStatement, start, body, consumer, consumerSymbol.IsAsync);
        }

        // ---- Await the task that writes it ------------------------------------------------------------------------

        /// <summary>The name of the task to await (existing or to introduce), or null when the start's task cannot be kept.</summary>
        public static string? AwaitTitle(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            FindingOf(root, model, diagnostic, cancellationToken) is { } finding && TaskOf(finding, model, cancellationToken) is { } task
                ? (finding.ConsumerIsAsync ? "Await '" : "Wait for '") + task.Name + "' before reading '" + finding.Variable.Name + "'"
                : null;

        /// <summary>The local that holds the start's task (<c>var t = Task.Run(..)</c>), or the one to introduce for <c>_ = Task.Run(..)</c> / a bare <c>Task.Run(..);</c>.</summary>
        private static (string Name, bool Introduce, StatementSyntax Statement)? TaskOf(Finding finding, SemanticModel model, CancellationToken cancellationToken)
        {
            switch (finding.Start.Parent)
            {
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } when declarator.Parent?.Parent is LocalDeclarationStatementSyntax statement:
                    return (declarator.Identifier.ValueText, false, statement);
                case AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" }, Parent: ExpressionStatementSyntax discard } when discard.Parent is BlockSyntax:
                    return (Unique("producer", finding.Start, model), true, discard);
                case ExpressionStatementSyntax bare when bare.Parent is BlockSyntax:
                    return (Unique("producer", finding.Start, model), true, bare);
                default:
                    return null;
            }
        }

        public static Document? AwaitTask(EditContext context, IEnumerable<Diagnostic> diagnostics)
        {
            var root = context.Root;
            var model = context.Model;
            var cancellationToken = context.CancellationToken;

            var editor = context.Editor;
            var changed = false;
            var starts = new HashSet<InvocationExpressionSyntax>();
            var waitsBefore = new HashSet<StatementSyntax>();
            foreach (var diagnostic in diagnostics)
            {
                if (FindingOf(root, model, diagnostic, cancellationToken) is not { } finding || TaskOf(finding, model, cancellationToken) is not { } task)
                {
                    continue;
                }

                if (task.Introduce && starts.Add(finding.Start))
                {
                    var declaration = LocalDeclarationStatement(VariableDeclaration(
                            IdentifierName(Identifier(TriviaList(), SyntaxKind.VarKeyword, "var", "var", TriviaList())),
                            SingletonSeparatedList(VariableDeclarator(Identifier(task.Name)).WithInitializer(EqualsValueClause(finding.Start.WithoutTrivia())))))
                        .WithTriviaFrom(task.Statement)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    editor.ReplaceNode(task.Statement, declaration);
                }

                if (waitsBefore.Add(finding.ReadStatement))
                {
                    ExpressionSyntax wait = finding.ConsumerIsAsync
                        ? AwaitExpression(ConfigureAwait(IdentifierName(task.Name), finding.Consumer))
                        : InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(task.Name), IdentifierName("Wait")));
                    InsertBeforeRead(editor, finding.ReadStatement, ExpressionStatement(wait).WithTrailingTrivia(GateDeclaration.EndOfLine(root)));
                }

                changed = true;
            }

            return changed ? context.ChangedDocument() : null;
        }

        // ---- Propagate the error through the channel's or the TaskCompletionSource's completion ---------------------

        /// <summary>How the region completes its side channel, for the completion fixes.</summary>
        private sealed class Completion
        {
            public Completion(string title, ExpressionSyntax completer, string failWith, IReadOnlyList<InvocationExpressionSyntax> strictCompletions, ExpressionSyntax awaited)
            {
                Title = title;
                Completer = completer;
                FailWith = failWith;
                StrictCompletions = strictCompletions;
                Awaited = awaited;
            }

            public string Title { get; }

            /// <summary>The channel writer or TaskCompletionSource the region completes.</summary>
            public ExpressionSyntax Completer { get; }

            /// <summary><c>TryComplete</c> or <c>TrySetException</c>.</summary>
            public string FailWith { get; }

            /// <summary><c>Complete()</c> / <c>SetResult(..)</c> calls that would throw after a failure completed first: they become Try forms.</summary>
            public IReadOnlyList<InvocationExpressionSyntax> StrictCompletions { get; }

            /// <summary>What the consumer awaits to observe the failure: <c>reader.Completion</c> or <c>tcs.Task</c>.</summary>
            public ExpressionSyntax Awaited { get; }
        }

        public static string? CompletionTitle(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, bool channel, CancellationToken cancellationToken) =>
            FindingOf(root, model, diagnostic, cancellationToken) is { ConsumerIsAsync: true } finding && CompletionOf(finding, model, channel, cancellationToken) is { } completion
                ? completion.Title
                : null;

        private static Completion? CompletionOf(Finding finding, SemanticModel model, bool channel, CancellationToken cancellationToken)
        {
            var known = KnownSymbols.For(model.Compilation);
            var exception = known.Exception;
            if (exception is null || !IsExceptionVariable(finding.Variable, exception) || ErrorAssignments(finding, model, exception, cancellationToken) is not { Count: > 0 })
            {
                return null;
            }

            var calls = finding.Body.DescendantNodes().OfType<InvocationExpressionSyntax>()
                .Select(i => (Call: i, Method: model.GetSymbolInfo(i, cancellationToken).Symbol as IMethodSymbol))
                .Where(c => c.Method is not null && c.Call.Expression is MemberAccessExpressionSyntax)
                .ToList();
            if (channel)
            {
                var completions = calls.Where(c => c.Method!.Name is "Complete" or "TryComplete" && known.IsType(c.Method.ContainingType, known.ChannelWriter)).ToList();
                if (completions.Count == 0 || ((MemberAccessExpressionSyntax)completions[0].Call.Expression).Expression is not { } writer)
                {
                    return null;
                }

                // The consumer awaits the completion of the reader it drains: channel.Reader for channel.Writer.
                ExpressionSyntax? reader = writer is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Writer" } writerAccess
                    ? writerAccess.WithName(IdentifierName("Reader"))
                    : null;
                if (reader is null)
                {
                    return null;
                }

                return new Completion(
                    "Propagate '" + finding.Variable.Name + "' through the channel's completion",
                    writer.WithoutTrivia(),
                    "TryComplete",
                    completions.Where(c => c.Method!.Name == "Complete" && c.Call.ArgumentList.Arguments.Count == 0).Select(c => c.Call).ToList(),
                    MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, reader.WithoutTrivia(), IdentifierName("Completion")));
            }

            var results = calls.Where(c => c.Method!.Name is "SetResult" or "TrySetResult" &&
                                           (known.IsType(c.Method.ContainingType, known.TaskCompletionSource) || known.IsType(c.Method.ContainingType, known.TaskCompletionSourceOfT))).ToList();
            if (results.Count == 0 || ((MemberAccessExpressionSyntax)results[0].Call.Expression).Expression is not IdentifierNameSyntax source)
            {
                return null;
            }

            return new Completion(
                "Complete '" + source.Identifier.ValueText + "' with TrySetException",
                source.WithoutTrivia(),
                "TrySetException",
                results.Where(c => c.Method!.Name == "SetResult").Select(c => c.Call).ToList(),
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, source.WithoutTrivia(), IdentifierName("Task")));
        }

        private static bool IsExceptionVariable(ILocalSymbol variable, INamedTypeSymbol exception)
        {
            for (var type = variable.Type as INamedTypeSymbol; type is not null; type = type.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(type, exception))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The statements <c>error = ex;</c> in the region that store an exception into the variable; null when some other write exists.</summary>
        private static List<ExpressionStatementSyntax>? ErrorAssignments(Finding finding, SemanticModel model, INamedTypeSymbol exception, CancellationToken cancellationToken)
        {
            var assignments = new List<ExpressionStatementSyntax>();
            foreach (var assignment in finding.Body.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (!SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol, finding.Variable))
                {
                    continue;
                }

                if (assignment.Parent is not ExpressionStatementSyntax statement || !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) ||
                    model.GetTypeInfo(assignment.Right, cancellationToken).Type is not INamedTypeSymbol assigned || !IsException(assigned, exception))
                {
                    return null;
                }

                assignments.Add(statement);
            }

            return assignments;
        }

        private static bool IsException(INamedTypeSymbol type, INamedTypeSymbol exception)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, exception))
                {
                    return true;
                }
            }

            return false;
        }

        public static Document? Complete(EditContext context, IEnumerable<Diagnostic> diagnostics, bool channel)
        {
            var document = context.Document;
            var root = context.Root;
            var model = context.Model;
            var cancellationToken = context.CancellationToken;
            if (context.Known.Exception is not { } exception)
            {
                return null;
            }

            var editor = context.Editor;
            var done = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            foreach (var diagnostic in diagnostics)
            {
                if (FindingOf(root, model, diagnostic, cancellationToken) is not { ConsumerIsAsync: true } finding || !done.Add(finding.Variable) ||
                    CompletionOf(finding, model, channel, cancellationToken) is not { } completion ||
                    ErrorAssignments(finding, model, exception, cancellationToken) is not { } assignments)
                {
                    continue;
                }

                // In the region: error = ex;  →  writer.TryComplete(ex);  and Complete() → TryComplete() (a failure may have completed it).
                foreach (var assignment in assignments)
                {
                    var error = ((AssignmentExpressionSyntax)assignment.Expression).Right.WithoutTrivia();
                    editor.ReplaceNode(assignment, ExpressionStatement(Call(completion.Completer, completion.FailWith, error)).WithTriviaFrom(assignment));
                }

                foreach (var strict in completion.StrictCompletions)
                {
                    var access = (MemberAccessExpressionSyntax)strict.Expression;
                    editor.ReplaceNode(access.Name, IdentifierName("Try" + access.Name.Identifier.ValueText).WithTriviaFrom(access.Name));
                }

                // In the consumer, before the first read: try { await reader.Completion; } catch (Exception ex) { error = ex; }
                var caught = Unique("ex", finding.ReadStatement, model);
                var observe = TryStatement(
                        Blocks.MultiLine(ExpressionStatement(AwaitExpression(ConfigureAwait(completion.Awaited, finding.Consumer)))),
                        SingletonList(CatchClause(
                            CatchDeclaration(ParseTypeName("System.Exception").WithAdditionalAnnotations(Simplifier.Annotation), Identifier(caught)),
                            null,
                            Blocks.MultiLine(ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(finding.Variable.Name), IdentifierName(caught)))))),
                        null)
                    .WithTrailingTrivia(GateDeclaration.EndOfLine(root), GateDeclaration.EndOfLine(root));

                // await tcs.Task; already waits for the signal: it becomes the observing try.
                var existingWait = finding.Consumer.DescendantNodes().OfType<ExpressionStatementSyntax>().FirstOrDefault(statement =>
                    statement.Expression is AwaitExpressionSyntax { Expression: var awaitedTask } && SyntaxFactory.AreEquivalent(awaitedTask, completion.Awaited) &&
                    statement.Parent is BlockSyntax && statement.Span.End <= finding.ReadStatement.SpanStart);
                if (existingWait is not null)
                {
                    editor.ReplaceNode(existingWait, observe.WithLeadingTrivia(existingWait.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
                }
                else
                {
                    InsertBeforeRead(editor, finding.ReadStatement, observe);
                }
            }

            var changed = editor.GetChangedRoot();
            return changed == root ? null : document.WithSyntaxRoot(changed);
        }

        // ---- helpers ----------------------------------------------------------------------------------------------

        /// <summary>Inserts <paramref name="inserted"/> before the read's statement, which hands it its leading trivia (blank lines, comments) and keeps its indentation.</summary>
        private static void InsertBeforeRead(SyntaxEditor editor, StatementSyntax read, StatementSyntax inserted)
        {
            editor.InsertBefore(read, inserted.WithLeadingTrivia(read.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
            editor.ReplaceNode(read, (current, _) => current.WithLeadingTrivia(StatementLayout.Indentation(read)));
        }

        private static InvocationExpressionSyntax Call(ExpressionSyntax target, string method, ExpressionSyntax argument) =>
            InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, IdentifierName(method)), ArgumentList(SingletonSeparatedList(Argument(argument))));

        /// <summary>Adds <c>.ConfigureAwait(false)</c> when the function already uses it.</summary>
        private static ExpressionSyntax ConfigureAwait(ExpressionSyntax awaited, SyntaxNode function) =>
            function.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i =>
                i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } && i.ArgumentList.Arguments.Count == 1 &&
                i.ArgumentList.Arguments[0].Expression.IsKind(SyntaxKind.FalseLiteralExpression))
                ? InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, awaited, IdentifierName("ConfigureAwait")), ArgumentList(SingletonSeparatedList(Argument(LiteralExpression(SyntaxKind.FalseLiteralExpression)))))
                : awaited;

        /// <summary>
        /// A name not visible at <paramref name="position"/> and not declared by a block around it (which would clash
        /// with a new local there); names in sibling lambdas and catch clauses do not clash.
        /// </summary>
        private static string Unique(string candidate, SyntaxNode position, SemanticModel model)
        {
            var taken = new HashSet<string>();
            foreach (var block in position.Ancestors().OfType<BlockSyntax>())
            {
                foreach (var declarator in block.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax and not CatchClauseSyntax).OfType<VariableDeclaratorSyntax>())
                {
                    taken.Add(declarator.Identifier.ValueText);
                }
            }

            var name = candidate;
            for (var i = 2; taken.Contains(name) || !model.LookupSymbols(position.SpanStart, name: name).IsEmpty; i++)
            {
                name = candidate + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return name;
        }
    }
}
