using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Rules;

namespace RaceGuard.Analyzers
{
    /// <summary>
    /// The host of every race rule: builds <see cref="KnownSymbols"/> once per compilation and <see cref="TypeFacts"/>
    /// once per type (when its gate is open), then asks each enabled rule. A rule that is off everywhere costs nothing;
    /// when every rule is off, or the compilation lacks what they need, nothing is registered.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RaceGuardAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Every rule the host runs, one class per rule ID.</summary>
        public static ImmutableArray<RaceRule> Rules { get; } = ImmutableArray.Create<RaceRule>(
            new SharedCollectionMutationRule(),
            new UnsynchronizedFlagRule(),
            new NonAtomicUpdateRule(),
            new UnguardedConcurrentSendRule(),
            new SideChannelHandOverRule(),
            new CheckThenActRule(),
            new InconsistentSynchronizationRule());

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = Rules.Select(r => r.Descriptor).ToImmutableArray();

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var known = KnownSymbols.For(start.Compilation);
                if (known.Task is null)
                {
                    return;
                }

                var active = Rules.Where(rule => RuleSeverity.IsEnabledAnywhere(start.Compilation, rule.Descriptor, start.CancellationToken) && rule.AppliesTo(known)).ToImmutableArray();
                if (active.IsEmpty)
                {
                    return;
                }

                var needed = active.Aggregate(ConcurrencySources.None, (sources, rule) => sources | rule.Needs);
                ConcurrencyAnalysis.RegisterTypeFactsAction(start, known, needed, (symbolContext, facts) =>
                {
                    var findings = new System.Collections.Generic.List<Diagnostic>();
                    var ruleContext = new RuleContext(facts, known, findings, symbolContext.CancellationToken);
                    var sources = facts.Sources;
                    foreach (var rule in active)
                    {
                        ruleContext.CancellationToken.ThrowIfCancellationRequested();
                        if ((rule.Needs & sources) != 0)
                        {
                            rule.Analyze(ruleContext);
                        }
                    }

                    foreach (var diagnostic in OneFindingOneRule.Keep(findings))
                    {
                        if (facts.HasInheritedMembers && !facts.Declares(diagnostic.Location))
                        {
                            // A base class's own code is reported with the base class.
                            continue;
                        }

                        symbolContext.ReportDiagnostic(diagnostic);
                    }
                });
            });
        }
    }
}
