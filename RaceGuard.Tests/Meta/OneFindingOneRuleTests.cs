using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using RaceGuard.Analyzers;
using RaceGuard.Diagnostics;

namespace RaceGuard.Tests.Meta
{
    /// <summary>
    /// One finding, one rule: where two rules report the same variable in one member, the more specific rule reports
    /// and the other stays silent (the host's last step for each type); other variables, other members and reports of
    /// one rule are untouched.
    /// </summary>
    public class OneFindingOneRuleTests
    {
        private const string Source = """
            class FileCache
            {
                void Close(string name)
                {
                    _open.Remove(name);
                    if (_open.Count == 0) { _last = name; }
                }

                bool IsEmpty => _open.Count == 0;
            }
            """;

        private static readonly SyntaxTree Tree = CSharpSyntaxTree.ParseText(Source);

        [Fact]
        public void TheMoreSpecificRuleKeepsTheFindingInAMember()
        {
            var kept = OneFindingOneRule.Keep(new List<Diagnostic>
            {
                At(RuleIds.InconsistentSynchronization, "_open.Count == 0)", "_open"),
                At(RuleIds.SharedCollectionMutation, "_open.Remove", "_open"),
            });

            Assert.Equal(new[] { RuleIds.SharedCollectionMutation }, kept.Select(d => d.Id));
        }

        [Fact]
        public void OtherMembersOtherVariablesAndOneRulesReportsStand()
        {
            var diagnostics = new List<Diagnostic>
            {
                At(RuleIds.SharedCollectionMutation, "_open.Remove", "_open"),
                At(RuleIds.InconsistentSynchronization, "_open.Count == 0;", "_open"),   // another member
                At(RuleIds.InconsistentSynchronization, "_last", "_last"),               // another variable
                At(RuleIds.SharedCollectionMutation, "_open.Count == 0)", "_open"),      // the same rule twice
            };

            Assert.Equal(diagnostics, OneFindingOneRule.Keep(diagnostics));
        }

        private static Diagnostic At(string id, string code, string variable)
        {
            var descriptor = RaceGuardAnalyzer.Rules.Select(r => r.Descriptor).Single(d => d.Id == id);
            var location = Location.Create(Tree, new TextSpan(Source.IndexOf(code, System.StringComparison.Ordinal), code.Length));
            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticPropertyKeys.SymbolName, variable);
            return Diagnostic.Create(descriptor, location, properties);
        }
    }
}
