using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace RaceGuard.Tests.Meta
{
    /// <summary>
    /// For every diagnostic on every positive rule-test input, every offered code action is applied: the result must
    /// compile with no new errors and must no longer report that diagnostic there.
    /// </summary>
    public class FixSweepTests
    {
        public static TheoryData<string> PositiveInputs()
        {
            var data = new TheoryData<string>();
            foreach (var input in Harness.RuleTestInputs.Where(i => i.IsPositive))
            {
                data.Add(input.Name);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(PositiveInputs))]
        public async Task EveryOfferedFix_CompilesAndRemovesItsDiagnostic(string name)
        {
            var source = Harness.RuleTestInputs.Single(i => i.Name == name).Source;
            var document = await CreateDocumentAsync(source);
            var compilation = (await document.Project.GetCompilationAsync())!;
            var errorsBefore = Errors(compilation);
            var (diagnostics, exceptions) = await Harness.AnalyzeAsync(compilation);
            Assert.Empty(exceptions);

            var providers = Harness.CodeFixProviderTypes.Select(t => (CodeFixProvider)Activator.CreateInstance(t)!).ToList();
            foreach (var diagnostic in diagnostics)
            {
                foreach (var provider in providers.Where(p => p.FixableDiagnosticIds.Contains(diagnostic.Id)))
                {
                    var actions = new List<CodeAction>();
                    await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
                    foreach (var action in actions)
                    {
                        var operations = await action.GetOperationsAsync(CancellationToken.None);
                        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
                        var fixedText = (await changed.GetTextAsync()).ToString();
                        var fixedCompilation = (await changed.Project.GetCompilationAsync())!;

                        var newErrors = Errors(fixedCompilation).Except(errorsBefore).ToList();
                        Assert.True(newErrors.Count == 0, $"'{action.Title}' on {diagnostic} introduced errors:\n{string.Join("\n", newErrors)}\n{fixedText}");

                        var (after, afterExceptions) = await Harness.AnalyzeAsync(fixedCompilation);
                        Assert.Empty(afterExceptions);
                        var originalText = diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);
                        var remaining = after.Where(d => d.Id == diagnostic.Id && d.GetMessage() == diagnostic.GetMessage() &&
                                                         d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan) == originalText).ToList();
                        Assert.True(remaining.Count == 0, $"'{action.Title}' left {diagnostic.Id} in place:\n{fixedText}");
                    }
                }
            }
        }

        private static List<string> Errors(Compilation compilation) =>
            compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id + ": " + d.GetMessage()).ToList();

        private static async Task<Document> CreateDocumentAsync(string source)
        {
            var compilation = await Harness.CompileAsync(source);
            var workspace = new AdhocWorkspace();
            var project = workspace.AddProject(ProjectInfo.Create(
                ProjectId.CreateNewId(),
                VersionStamp.Default,
                "Sweep",
                "Sweep",
                LanguageNames.CSharp,
                compilationOptions: compilation.Options,
                parseOptions: compilation.SyntaxTrees.First().Options,
                metadataReferences: compilation.References));
            return workspace.AddDocument(project.Id, "Test0.cs", SourceText.From(source));
        }
    }
}
