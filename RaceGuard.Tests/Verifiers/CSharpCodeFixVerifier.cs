using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace RaceGuard.Tests.Verifiers
{
    /// <summary>Runs an analyzer and a code fix, and checks the fixed code exactly (one fix, and Fix All).</summary>
    public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        /// <summary>An expected diagnostic; its additional locations are checked only where a test adds them with <see cref="DiagnosticWithAdditionalLocations"/>.</summary>
        public static DiagnosticResult Diagnostic(string id) => DiagnosticWithAdditionalLocations(id).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

        public static DiagnosticResult DiagnosticWithAdditionalLocations(string id) => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(id);

        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
        {
            var test = new Test { TestCode = source };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync(CancellationToken.None);
        }

        public static Task VerifyCodeFixAsync(string source, string fixedSource) => new Test { TestCode = source, FixedCode = fixedSource }.RunAsync(CancellationToken.None);

        public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            public Test()
            {
                ReferenceAssemblies = TestReferences.Net80;
                LanguageVersion = LanguageVersion.CSharp12;

                // A host analyzer reports several rules: check only the ones this fixer fixes.
                var fixable = new TCodeFix().FixableDiagnosticIds;
                DisabledDiagnostics.AddRange(new TAnalyzer().SupportedDiagnostics.Select(d => d.Id).Where(id => !fixable.Contains(id)));
            }

            protected override DiagnosticDescriptor? GetDefaultDiagnostic(DiagnosticAnalyzer[] analyzers)
            {
                var fixable = new TCodeFix().FixableDiagnosticIds;
                return analyzers.SelectMany(a => a.SupportedDiagnostics).FirstOrDefault(d => fixable.Contains(d.Id)) ?? base.GetDefaultDiagnostic(analyzers);
            }

            public LanguageVersion LanguageVersion { get; set; }

            protected override ParseOptions CreateParseOptions() =>
                ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion);
        }
    }
}
