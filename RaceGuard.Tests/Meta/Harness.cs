using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using RaceGuard.Tests.Verifiers;

namespace RaceGuard.Tests.Meta
{
    /// <summary>What the meta tests share: the repository, every analyzer and fixer, the test inputs, and a way to run analyzers.</summary>
    internal static class Harness
    {
        private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References =
            new(() => TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None));

        public static string RepositoryRoot { get; } = FindRepositoryRoot();

        public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = typeof(RaceGuard.Analyzers.RaceGuardAnalyzer).Assembly
            .GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        public static ImmutableArray<Type> CodeFixProviderTypes { get; } = typeof(RaceGuard.CodeFixes.WrapInLockCodeFixProvider).Assembly
            .GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
            .ToImmutableArray();

        /// <summary>
        /// Every C# source the rule tests feed to the analyzers (the raw string literals in RaceGuard.Tests/Rules), with
        /// the diagnostic markup removed, so new rules are covered without new meta test code.
        /// </summary>
        public static IReadOnlyList<(string Name, string Source, bool IsPositive)> RuleTestInputs { get; } = ReadRuleTestInputs();

        public static async Task<Compilation> CompileAsync(string source, LanguageVersion languageVersion = LanguageVersion.CSharp12)
        {
            var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(languageVersion), path: "/0/Test0.cs");
            var hasTopLevelStatements = tree.GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any();
            return CSharpCompilation.Create(
                "MetaTest",
                new[] { tree },
                await References.Value,
                new CSharpCompilationOptions(hasTopLevelStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        }

        /// <summary>Runs every analyzer; returns their diagnostics and the exceptions any of them threw.</summary>
        public static async Task<(ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<Exception> Exceptions)> AnalyzeAsync(Compilation compilation)
        {
            var exceptions = new ConcurrentQueue<Exception>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, _, _) => exceptions.Enqueue(exception),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            foreach (var diagnostic in diagnostics.Where(d => d.Id == "AD0001"))
            {
                exceptions.Enqueue(new InvalidOperationException(diagnostic.GetMessage()));
            }

            return (diagnostics.Where(d => d.Id.StartsWith("RG", StringComparison.Ordinal)).ToImmutableArray(), exceptions.ToList());
        }

        /// <summary>Removes the test markup: <c>[|x|]</c>, <c>{|#0:x|}</c>, <c>{|RG0001:x|}</c>.</summary>
        public static string StripMarkup(string source) =>
            Regex.Replace(source, @"\{\|[^:|{}]*:|\|\}|\[\||\|\]", string.Empty);

        private static IReadOnlyList<(string, string, bool)> ReadRuleTestInputs()
        {
            var inputs = new List<(string, string, bool)>();
            foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot, "RaceGuard.Tests", "Rules"), "*.cs").OrderBy(f => f, StringComparer.Ordinal))
            {
                var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();

                // The shared sources of twin tests (private const string Cache = ..., edited with .Edit by each test).
                foreach (var field in root.DescendantNodes().OfType<FieldDeclarationSyntax>().Where(f => f.Modifiers.Any(SyntaxKind.ConstKeyword)))
                {
                    foreach (var declarator in field.Declaration.Variables)
                    {
                        if (declarator.Initializer?.Value is LiteralExpressionSyntax literal && literal.Token.Value is string text &&
                            (text.Contains("class ", StringComparison.Ordinal) || text.Contains("struct ", StringComparison.Ordinal)))
                        {
                            var isPositive = text.Contains("[|", StringComparison.Ordinal) || text.Contains("{|", StringComparison.Ordinal);
                            inputs.Add((Path.GetFileNameWithoutExtension(file) + "." + declarator.Identifier.ValueText, StripMarkup(text), isPositive));
                        }
                    }
                }

                foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
                {
                    foreach (var declarator in method.DescendantNodes().OfType<VariableDeclaratorSyntax>())
                    {
                        if (declarator.Identifier.ValueText == "source" &&
                            declarator.Initializer?.Value is LiteralExpressionSyntax literal &&
                            literal.Token.Value is string text)
                        {
                            var isPositive = text.Contains("[|", StringComparison.Ordinal) || text.Contains("{|", StringComparison.Ordinal);
                            inputs.Add((Path.GetFileNameWithoutExtension(file) + "." + method.Identifier.ValueText, StripMarkup(text), isPositive));
                        }
                    }
                }
            }

            return inputs;
        }

        private static string FindRepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "RaceGuard.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("RaceGuard.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
