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
            }

            public LanguageVersion LanguageVersion { get; set; }

            protected override ParseOptions CreateParseOptions() =>
                ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion);
        }
    }
}
