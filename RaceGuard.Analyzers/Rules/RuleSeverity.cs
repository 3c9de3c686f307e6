using System.Threading;
using Microsoft.CodeAnalysis;

namespace RaceGuard.Rules
{
    /// <summary>Whether a rule can report anywhere in a compilation, read from its options and .editorconfig severities.</summary>
    internal static class RuleSeverity
    {
        /// <summary>
        /// False only when the rule is off everywhere: suppressed by the compilation options or by the severity of every
        /// syntax tree (and by default when the descriptor is disabled by default and nothing enables it).
        /// </summary>
        public static bool IsEnabledAnywhere(Compilation compilation, DiagnosticDescriptor descriptor, CancellationToken cancellationToken)
        {
            var options = compilation.Options;
            var enabled = descriptor.IsEnabledByDefault;
            if (options.SpecificDiagnosticOptions.TryGetValue(descriptor.Id, out var specific))
            {
                enabled = specific != ReportDiagnostic.Suppress;
            }

            if (options.SyntaxTreeOptionsProvider is not { } provider)
            {
                return enabled;
            }

            if (provider.TryGetGlobalDiagnosticValue(descriptor.Id, cancellationToken, out var global))
            {
                enabled = global != ReportDiagnostic.Suppress;
            }

            foreach (var tree in compilation.SyntaxTrees)
            {
                if (!provider.TryGetDiagnosticValue(tree, descriptor.Id, cancellationToken, out var severity))
                {
                    if (enabled)
                    {
                        return true;
                    }
                }
                else if (severity != ReportDiagnostic.Suppress)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
