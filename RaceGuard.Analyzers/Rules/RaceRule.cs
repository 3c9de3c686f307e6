using Microsoft.CodeAnalysis;
using RaceGuard.ConcurrencyModel;

namespace RaceGuard.Rules
{
    /// <summary>
    /// One rule ID: a small query over the facts of a type that <see cref="Analyzers.RaceGuardAnalyzer"/> builds once
    /// per type for every rule. A rule reports only its own descriptor.
    /// </summary>
    public abstract class RaceRule
    {
        /// <summary>The one descriptor this rule reports.</summary>
        public abstract DiagnosticDescriptor Descriptor { get; }

        /// <summary>
        /// The sources of concurrency the rule reports on; the host opens a type's gate only for sources some active rule
        /// needs, and asks a rule only about types that have one of its sources.
        /// </summary>
        public virtual ConcurrencySources Needs => ConcurrencySources.All;

        /// <summary>
        /// True when the compilation references what the rule needs (checked once per compilation; false registers nothing
        /// for it). Ask only for types of the core library: other lookups search every referenced assembly, a cost each new
        /// compilation (each edit in the IDE) would pay before the first document is analysed.
        /// </summary>
        public virtual bool AppliesTo(KnownSymbols known) => true;

        /// <summary>Reports the rule's diagnostics for one type.</summary>
        public abstract void Analyze(RuleContext context);
    }

    /// <summary>
    /// What a rule gets for one type: its facts, the compilation's known symbols, and a way to report (the host reports
    /// the type's findings once every rule has run, one rule per finding).
    /// </summary>
    public readonly struct RuleContext
    {
        private readonly System.Collections.Generic.List<Diagnostic> findings;

        public RuleContext(TypeFacts facts, KnownSymbols known, System.Collections.Generic.List<Diagnostic> findings, System.Threading.CancellationToken cancellationToken)
        {
            Facts = facts;
            Known = known;
            this.findings = findings;
            CancellationToken = cancellationToken;
        }

        public TypeFacts Facts { get; }

        public KnownSymbols Known { get; }

        public System.Threading.CancellationToken CancellationToken { get; }

        public void ReportDiagnostic(Diagnostic diagnostic) => findings.Add(diagnostic);
    }
}
