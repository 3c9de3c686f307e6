using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using RaceGuard.Analyzers;
using RaceGuard.Rules;

namespace RaceGuard.Tests.Verifiers
{
    /// <summary>
    /// Runs the host analyzer and checks one rule: the host's other rules are disabled, and <c>[|..|]</c> markup means
    /// this rule's diagnostic. Rule tests stay about their rule when the host gains rules.
    /// </summary>
    public static class CSharpRuleVerifier<TRule>
        where TRule : RaceRule, new()
    {
        private static readonly DiagnosticDescriptor RuleDescriptor = new TRule().Descriptor;

        /// <summary>An expected diagnostic; its additional locations are checked only where a test adds them with <see cref="DiagnosticWithAdditionalLocations"/>.</summary>
        public static DiagnosticResult Diagnostic(string id) => DiagnosticWithAdditionalLocations(id).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

        public static DiagnosticResult DiagnosticWithAdditionalLocations(string id) => CSharpAnalyzerVerifier<RaceGuardAnalyzer, DefaultVerifier>.Diagnostic(id);

        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
        {
            var test = new Test { TestCode = source };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync(CancellationToken.None);
        }

        public sealed class Test : CSharpAnalyzerTest<RaceGuardAnalyzer, DefaultVerifier>
        {
            public Test()
            {
                ReferenceAssemblies = TestReferences.Net80;
                LanguageVersion = LanguageVersion.CSharp12;
                DisabledDiagnostics.AddRange(RaceGuardAnalyzer.Rules.Select(r => r.Descriptor.Id).Where(id => id != RuleDescriptor.Id));
            }

            public LanguageVersion LanguageVersion { get; set; }

            protected override ParseOptions CreateParseOptions() =>
                ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion);

            protected override DiagnosticDescriptor? GetDefaultDiagnostic(DiagnosticAnalyzer[] analyzers) => RuleDescriptor;
        }
    }
}
