using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace RaceGuard.Configuration
{
    /// <summary>Reads the <c>raceguard.*</c> keys of .editorconfig (and global analyzer config files).</summary>
    public static class AnalyzerOptionsExtensions
    {
        /// <summary>Methods whose delegate arguments run concurrently: <c>raceguard.concurrent_entry_points = MyLib.Jobs.Schedule, ...</c>.</summary>
        public const string ConcurrentEntryPointsKey = "raceguard.concurrent_entry_points";

        /// <summary>The configured entry points that apply to <paramref name="tree"/>, as fully qualified <c>Type.Method</c> names.</summary>
        public static ImmutableHashSet<string> GetConcurrentEntryPoints(this AnalyzerOptions options, SyntaxTree tree)
        {
            var provider = options.AnalyzerConfigOptionsProvider;
            if (!provider.GetOptions(tree).TryGetValue(ConcurrentEntryPointsKey, out var value) &&
                !provider.GlobalOptions.TryGetValue(ConcurrentEntryPointsKey, out value))
            {
                return ImmutableHashSet<string>.Empty;
            }

            return ParseList(value);
        }

        /// <summary>Splits a comma- or semicolon-separated list, trimming entries and dropping empty ones and a leading <c>global::</c>.</summary>
        public static ImmutableHashSet<string> ParseList(string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return ImmutableHashSet<string>.Empty;
            }

            return value!
                .Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(entry => entry.Trim())
                .Select(entry => entry.StartsWith("global::", StringComparison.Ordinal) ? entry.Substring("global::".Length) : entry)
                .Where(entry => entry.Length > 0)
                .ToImmutableHashSet(StringComparer.Ordinal);
        }
    }
}
