using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using RaceGuard.Analyzers;
using RaceGuard.Diagnostics;
using RaceGuard.Rules;

namespace RaceGuard.Tests.Meta
{
    /// <summary>The one host analyzer and its rule classes: one class per rule ID, and a rule that is off costs nothing.</summary>
    public class HostTests
    {
        private const string RacySource = """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                async Task RunAsync()
                {
                    var items = new List<int>();
                    var a = Task.Run(() => items.Add(1));
                    var b = Task.Run(() => items.Add(2));
                    await Task.WhenAll(a, b);
                }
            }
            """;

        [Fact]
        public void EveryRuleId_HasOneRuleClassNamedAfterItsFinding()
        {
            foreach (var field in typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var id = (string)field.GetValue(null)!;
                var standAlone = Harness.Analyzers.Where(a => a is not RaceGuardAnalyzer && a.SupportedDiagnostics.Any(d => d.Id == id)).ToList();
                if (standAlone.Count > 0)
                {
                    // A rule that needs no concurrency model (RG0008) is its own analyzer, the only one reporting its ID.
                    Assert.Single(standAlone);
                    Assert.DoesNotContain(RaceGuardAnalyzer.Rules, r => r.Descriptor.Id == id);
                    continue;
                }

                var rule = Assert.Single(RaceGuardAnalyzer.Rules, r => r.Descriptor.Id == id);
                Assert.Equal(field.Name + "Rule", rule.GetType().Name);
                Assert.True(rule.GetType().IsSealed);
            }

            Assert.Equal(RaceGuardAnalyzer.Rules.Length, RaceGuardAnalyzer.Rules.Select(r => r.Descriptor.Id).Distinct().Count());
        }

        [Fact]
        public void Host_SupportsExactlyTheDescriptorsOfItsRules()
        {
            var host = new RaceGuardAnalyzer();
            Assert.Equal(
                RaceGuardAnalyzer.Rules.Select(r => r.Descriptor.Id).OrderBy(i => i),
                host.SupportedDiagnostics.Select(d => d.Id).OrderBy(i => i));
        }

        [Fact]
        public async Task Host_ReportsWhenTheRuleIsOn()
        {
            var compilation = await Harness.CompileAsync(RacySource);
            var (diagnostics, actions) = await RunHostAsync(compilation);
            Assert.Equal(2, diagnostics.Count(d => d.Id == RuleIds.SharedCollectionMutation));
            Assert.True(actions.SymbolStartActionsCount > 0);
        }

        [Fact]
        public async Task Host_RegistersNothingWhenEveryRuleIsOff()
        {
            var compilation = await Harness.CompileAsync(RacySource);
            var options = compilation.Options.WithSpecificDiagnosticOptions(
                RaceGuardAnalyzer.Rules.ToImmutableDictionary(r => r.Descriptor.Id, _ => ReportDiagnostic.Suppress));
            var (diagnostics, actions) = await RunHostAsync(compilation.WithOptions(options));
            Assert.Empty(diagnostics);
            Assert.Equal(0, actions.SymbolStartActionsCount);
            Assert.Equal(0, actions.OperationBlockActionsCount);
        }

        [Fact]
        public async Task Host_RegistersNothingWithoutTask()
        {
            var compilation = CSharpCompilation.Create("NoTask", new[] { CSharpSyntaxTree.ParseText("class C { }") });
            var (diagnostics, actions) = await RunHostAsync(compilation);
            Assert.Empty(diagnostics);
            Assert.Equal(0, actions.SymbolStartActionsCount);
        }

        private static async Task<(ImmutableArray<Diagnostic> Diagnostics, AnalyzerTelemetryInfo Actions)> RunHostAsync(Compilation compilation)
        {
            var host = new RaceGuardAnalyzer();
            var withAnalyzers = compilation.WithAnalyzers(
                ImmutableArray.Create<DiagnosticAnalyzer>(host),
                new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(host, CancellationToken.None);
            return (diagnostics, telemetry);
        }
    }
}
