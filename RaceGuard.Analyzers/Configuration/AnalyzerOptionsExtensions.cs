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

        /// <summary>Types whose public members may be called from several threads: <c>raceguard.thread_safe_types = MyLib.Cache, ...</c>.</summary>
        public const string ThreadSafeTypesKey = "raceguard.thread_safe_types";

        /// <summary>Whether a type that synchronises its own state is taken as built for concurrent use: <c>raceguard.infer_thread_safe_types = false</c> turns it off.</summary>
        public const string InferThreadSafeTypesKey = "raceguard.infer_thread_safe_types";

        /// <summary>The configured thread-safe types that apply to <paramref name="tree"/>, as fully qualified names.</summary>
        public static ImmutableHashSet<string> GetThreadSafeTypes(this AnalyzerOptions options, SyntaxTree tree) =>
            options.TryGetValue(tree, ThreadSafeTypesKey, out var value) ? ParseList(value) : ImmutableHashSet<string>.Empty;

        /// <summary>False when <c>raceguard.infer_thread_safe_types = false</c> applies to <paramref name="tree"/>; true by default.</summary>
        public static bool GetInferThreadSafeTypes(this AnalyzerOptions options, SyntaxTree tree) =>
            !options.TryGetValue(tree, InferThreadSafeTypesKey, out var value) || !string.Equals(value.Trim(), "false", StringComparison.OrdinalIgnoreCase);

        private static bool TryGetValue(this AnalyzerOptions options, SyntaxTree tree, string key, out string value)
        {
            var provider = options.AnalyzerConfigOptionsProvider;
            if (provider.GetOptions(tree).TryGetValue(key, out var found) || provider.GlobalOptions.TryGetValue(key, out found))
            {
                value = found;
                return true;
            }

            value = string.Empty;
            return false;
        }

        /// <summary>The configured entry points that apply to <paramref name="tree"/>, as fully qualified <c>Type.Method</c> names.</summary>
        public static ImmutableHashSet<string> GetConcurrentEntryPoints(this AnalyzerOptions options, SyntaxTree tree)
        {
            return options.TryGetValue(tree, ConcurrentEntryPointsKey, out var value) ? ParseList(value) : ImmutableHashSet<string>.Empty;
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
