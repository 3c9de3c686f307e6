using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using RaceGuard.Diagnostics;

namespace RaceGuard.Tests.Meta
{
    /// <summary>
    /// What every message of the rule tests' inputs looks like: one line a build log shows whole (at most 200 characters,
    /// most within <see cref="MessagePart.TargetLength"/>), starting with the variable and its type, with the reasoning
    /// left to the description.
    /// </summary>
    public class MessageTests
    {
        private const int MaxLength = 200;

        [Fact]
        public async Task EveryMessageIsOneShortLineThatNamesTheVariableAndItsType()
        {
            var messages = await MessagesAsync();
            Assert.True(messages.Count >= 200, "only " + messages.Count + " diagnostics");

            var tooLong = messages.Where(m => m.Text.Length > MaxLength).Select(m => m.Id + " (" + m.Text.Length + "): " + m.Text).ToList();
            Assert.True(tooLong.Count == 0, tooLong.Count + " messages over " + MaxLength + " characters:\n" + string.Join("\n", tooLong.Take(40)));

            var withinTarget = messages.Count(m => m.Text.Length <= MessagePart.TargetLength);
            Assert.True(withinTarget * 10 >= messages.Count * 8, withinTarget + " of " + messages.Count + " messages within " + MessagePart.TargetLength + " characters (at least 80% expected):\n" + string.Join("\n", messages.Where(m => m.Text.Length > MessagePart.TargetLength).Select(m => m.Id + " (" + m.Text.Length + "): " + m.Text).Distinct().Take(20)));

            // "'_items' (List<int>) is ...": the variable in quotes, then its type in parentheses.
            var unnamed = messages.Where(m => !m.Text.StartsWith("'", StringComparison.Ordinal) || m.Text.IndexOf("' (", StringComparison.Ordinal) < 2).Select(m => m.Id + ": " + m.Text).ToList();
            Assert.True(unnamed.Count == 0, "messages that do not start with the variable and its type:\n" + string.Join("\n", unnamed.Take(10)));

            // The reasoning about why members run in parallel lives in the description, not in every message.
            Assert.DoesNotContain(messages, m => m.Text.Contains("may be called from several threads", StringComparison.Ordinal));
        }

        [Fact]
        public void EveryDescriptionSaysWhyTheMessageIsShort()
        {
            foreach (var descriptor in Harness.Analyzers.SelectMany(a => a.SupportedDiagnostics).Where(d => d.Id.StartsWith("RG", StringComparison.Ordinal)))
            {
                var format = descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture);
                Assert.True(format.Length <= 130, descriptor.Id + "'s message format is " + format.Length + " characters: " + format);
                Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString(CultureInfo.InvariantCulture)), descriptor.Id + " has no description");
            }
        }

        private static async Task<List<(string Id, string Text)>> MessagesAsync()
        {
            var compilation = await DeterminismTests.BuildCompilationAsync();
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(Harness.Analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            return diagnostics
                .Where(d => d.Id.StartsWith("RG", StringComparison.Ordinal))
                .Select(d => (d.Id, d.GetMessage(CultureInfo.InvariantCulture)))
                .ToList();
        }
    }
}
