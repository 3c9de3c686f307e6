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
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.Tests.Meta
{
    /// <summary>
    /// For every code fix: Fix All at document, project and solution scope over a solution of two projects (the second
    /// referencing the first), each with several documents taken from the rule tests' inputs. The result compiles with
    /// no new compiler errors or warnings, and no diagnostic that the fix was offered for is left in the scope.
    /// </summary>
    public class FixAllScopeTests
    {
        public static TheoryData<string, FixAllScope> ProvidersAndScopes()
        {
            var data = new TheoryData<string, FixAllScope>();
            foreach (var type in Harness.CodeFixProviderTypes)
            {

                foreach (var scope in new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution })
                {
                    data.Add(type.Name, scope);
                }
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(ProvidersAndScopes))]
        public async Task FixAll_CompilesAndLeavesNoFixableDiagnostic(string providerName, FixAllScope scope)
        {
            var provider = (CodeFixProvider)Activator.CreateInstance(Harness.CodeFixProviderTypes.Single(t => t.Name == providerName))!;
            var solution = await CreateSolutionAsync(provider);
            var before = await DiagnoseAsync(solution, provider);
            var fixable = await FixableAsync(solution, provider, before);
            Assert.True(fixable.Count > 0, providerName + " offers no fix on the rule tests' inputs");

            // Fix All started from the first fixable diagnostic of the second project (it references the first).
            var (start, key) = fixable.OrderByDescending(f => f.Diagnostic.Document.Project.Name).First();
            var context = new FixAllContext(start.Document, provider, scope, key, provider.FixableDiagnosticIds, new Provider(before), CancellationToken.None);
            var action = await provider.GetFixAllProvider()!.GetFixAsync(context);
            Assert.NotNull(action);
            var changed = (await action!.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single().ChangedSolution;

            foreach (var project in changed.Projects)
            {
                var newErrors = Errors((await project.GetCompilationAsync())!).Except(Errors((await solution.GetProject(project.Id)!.GetCompilationAsync())!)).ToList();
                Assert.True(newErrors.Count == 0, providerName + " Fix All (" + scope + ") introduced errors or warnings in " + project.Name + ":\n" + string.Join("\n", newErrors));
            }

            var inScope = fixable.Where(f => scope switch
            {
                FixAllScope.Document => f.Diagnostic.Document.Id == start.Document.Id,
                FixAllScope.Project => f.Diagnostic.Document.Project.Id == start.Document.Project.Id,
                _ => true,
            }).Select(f => f.Diagnostic.Document.Id).ToHashSet();
            var after = await DiagnoseAsync(changed, provider);
            var stillFixable = (await FixableAsync(changed, provider, after)).Where(f => f.Key == key && inScope.Contains(f.Diagnostic.Document.Id)).ToList();
            Assert.True(stillFixable.Count == 0, providerName + " Fix All (" + scope + ") left fixable diagnostics: " + string.Join(", ", stillFixable.Select(f => f.Diagnostic.Diagnostic.ToString())));
        }

        [Fact]
        public async Task PartialClassAcrossDocuments_NeverGetsTwoLocksForOneField()
        {
            // The race on _items spans both files; a fix in one document cannot guard the other, so it is not offered,
            // and Fix All cannot declare a second lock object for the same field from the other document.
            const string first = """
                using System.Collections.Generic;

                public partial class Store
                {
                    private readonly object _gate = new object();
                    private readonly List<int> _items = new List<int>();

                    public void Add(int item)
                    {
                        lock (_gate)
                        {
                            _items.Add(item);
                        }
                    }
                }
                """;
            const string second = """
                public partial class Store
                {
                    public void Clear() => {|RG0001:_items.Clear()|};

                    public void Remove(int item) => {|RG0001:_items.Remove(item)|};
                }
                """;

            var test = new Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.WrapInLockCodeFixProvider>.Test();
            test.TestState.Sources.Add(("/0/Store.cs", first));
            test.TestState.Sources.Add(("/0/Store.Clear.cs", second));
            test.FixedState.Sources.Add(("/0/Store.cs", first));
            test.FixedState.Sources.Add(("/0/Store.Clear.cs", second));
            await test.RunAsync();
        }

        private sealed record Located(Document Document, Diagnostic Diagnostic);

        private static async Task<List<(Located Diagnostic, string Key)>> FixableAsync(Solution solution, CodeFixProvider provider, Dictionary<DocumentId, ImmutableArray<Diagnostic>> diagnostics)
        {
            var fixable = new List<(Located, string)>();
            foreach (var (documentId, list) in diagnostics)
            {
                var document = solution.GetDocument(documentId)!;
                foreach (var diagnostic in list)
                {
                    var actions = new List<CodeAction>();
                    await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
                    foreach (var action in actions.Where(a => a.EquivalenceKey is not null))
                    {
                        fixable.Add((new Located(document, diagnostic), action.EquivalenceKey!));
                    }
                }
            }

            return fixable;
        }

        private static async Task<Dictionary<DocumentId, ImmutableArray<Diagnostic>>> DiagnoseAsync(Solution solution, CodeFixProvider provider)
        {
            var result = new Dictionary<DocumentId, ImmutableArray<Diagnostic>>();
            foreach (var project in solution.Projects)
            {
                var compilation = (await project.GetCompilationAsync())!;
                var (diagnostics, exceptions) = await Harness.AnalyzeAsync(compilation);
                Assert.Empty(exceptions);
                foreach (var group in diagnostics.Where(d => provider.FixableDiagnosticIds.Contains(d.Id)).GroupBy(d => d.Location.SourceTree))
                {
                    var document = project.GetDocument(group.Key!)!;
                    result[document.Id] = group.ToImmutableArray();
                }
            }

            return result;
        }

        /// <summary>The compiler's errors and warnings (a fix must add neither).</summary>
        private static List<string> Errors(Compilation compilation) =>
            compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id + " " + d.Location.SourceTree?.FilePath + ": " + d.GetMessage()).ToList();

        /// <summary>Two projects (B references A), three documents each: inputs of the rules this provider fixes, each in its own namespace.</summary>
        private static async Task<Solution> CreateSolutionAsync(CodeFixProvider provider)
        {
            var seed = await Harness.CompileAsync("class Seed { }");
            var workspace = new AdhocWorkspace();
            var ids = provider.FixableDiagnosticIds;
            var inputs = Harness.RuleTestInputs
                .Where(i => i.IsPositive && ids.Any(id => i.Name.StartsWith(id, StringComparison.Ordinal)) && !i.Name.Contains("AspNet", StringComparison.Ordinal))
                .Select(i => (i.Name, Root: (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(i.Source).GetRoot()))
                .Where(i => !i.Root.Members.Any(m => m is GlobalStatementSyntax or FileScopedNamespaceDeclarationSyntax))
                .Take(40)
                .ToList();

            var a = ProjectId.CreateNewId();
            var b = ProjectId.CreateNewId();
            var solution = workspace.CurrentSolution
                .AddProject(ProjectInfo.Create(a, VersionStamp.Default, "A", "A", LanguageNames.CSharp, compilationOptions: seed.Options, parseOptions: seed.SyntaxTrees.First().Options, metadataReferences: seed.References))
                .AddProject(ProjectInfo.Create(b, VersionStamp.Default, "B", "B", LanguageNames.CSharp, compilationOptions: seed.Options, parseOptions: seed.SyntaxTrees.First().Options, metadataReferences: seed.References, projectReferences: new[] { new ProjectReference(a) }));

            // Spread the inputs over the two projects, and keep only those whose diagnostics the provider offers a fix for.
            var index = 0;
            foreach (var (name, root) in inputs)
            {
                var wrapped = root.WithMembers(SingletonList<MemberDeclarationSyntax>(NamespaceDeclaration(IdentifierName("Case" + index)).WithMembers(root.Members)));
                var project = index % 2 == 0 ? a : b;
                solution = solution.AddDocument(DocumentId.CreateNewId(project), "Case" + index + ".cs", SourceText.From(wrapped.NormalizeWhitespace().ToFullString()));
                index++;
            }

            return solution;
        }

        private sealed class Provider : FixAllContext.DiagnosticProvider
        {
            private readonly Dictionary<DocumentId, ImmutableArray<Diagnostic>> diagnostics;

            public Provider(Dictionary<DocumentId, ImmutableArray<Diagnostic>> diagnostics) => this.diagnostics = diagnostics;

            public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
                Task.FromResult(diagnostics.TryGetValue(document.Id, out var list) ? (IEnumerable<Diagnostic>)list : Array.Empty<Diagnostic>());

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                Task.FromResult(diagnostics.Where(d => d.Key.ProjectId == project.Id).SelectMany(d => d.Value));

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                GetProjectDiagnosticsAsync(project, cancellationToken);
        }
    }
}
