using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RaceGuard.Diagnostics;

namespace RaceGuard.Analyzers
{
    /// <summary>
    /// One finding, one rule: where two rules report the same variable in the same member (one unguarded run of code,
    /// e.g. <c>_cache.Remove(k); if (_cache.Count == 0) ..</c> as RG0001 at the Remove and RG0007 at the Count), the more
    /// specific rule reports and the other stays silent. Reports of one rule are merged only when they are the same
    /// report twice (one access reached along two paths).
    /// </summary>
    internal static class OneFindingOneRule
    {
        /// <summary>The rules from the most specific: a check-then-act or a lost update says more than "unguarded".</summary>
        private static readonly string[] Precedence =
        {
            RuleIds.SideChannelHandOver,
            RuleIds.CheckThenAct,
            RuleIds.NonAtomicUpdate,
            RuleIds.UnguardedConcurrentSend,
            RuleIds.UnsynchronizedFlag,
            RuleIds.SharedCollectionMutation,
            RuleIds.InconsistentSynchronization,
        };

        /// <summary>The diagnostics of one type to report: each one unless a more specific rule reported its variable in its member.</summary>
        public static IEnumerable<Diagnostic> Keep(List<Diagnostic> diagnostics)
        {
            if (diagnostics.Count < 2)
            {
                return diagnostics;
            }

            var claimed = new Dictionary<(string Variable, SyntaxNode Member), int>();
            foreach (var diagnostic in diagnostics)
            {
                if (KeyOf(diagnostic) is { } key)
                {
                    var rank = RankOf(diagnostic.Id);
                    claimed[key] = claimed.TryGetValue(key, out var best) && best < rank ? best : rank;
                }
            }

            // A rule that reaches one access along two paths (a member's own code, and the same code inlined into a caller)
            // reports it once.
            var seen = new HashSet<(string Id, SyntaxTree? Tree, Microsoft.CodeAnalysis.Text.TextSpan Span, string Message)>();
            var kept = new List<Diagnostic>(diagnostics.Count);
            foreach (var diagnostic in diagnostics)
            {
                if ((KeyOf(diagnostic) is not { } key || claimed[key] >= RankOf(diagnostic.Id)) &&
                    seen.Add((diagnostic.Id, diagnostic.Location.SourceTree, diagnostic.Location.SourceSpan, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture))))
                {
                    kept.Add(diagnostic);
                }
            }

            return kept;
        }

        private static int RankOf(string id)
        {
            var rank = System.Array.IndexOf(Precedence, id);
            return rank < 0 ? Precedence.Length : rank;
        }

        /// <summary>The variable a diagnostic is about and the member declaration it is reported in; null when either is unknown.</summary>
        private static (string, SyntaxNode)? KeyOf(Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticPropertyKeys.SymbolName, out var variable) || variable is null ||
                diagnostic.Location.SourceTree?.GetRoot().FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node ||
                node.FirstAncestorOrSelf<MemberDeclarationSyntax>() is not { } member)
            {
                return null;
            }

            return (variable, member);
        }
    }
}
