using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using RaceGuard.Diagnostics;

namespace RaceGuard.Tests.Meta
{
    /// <summary>Every rule: a well-formed unique ID, its help link, docs page, README row and release-tracking row.</summary>
    public class DescriptorTests
    {
        public static TheoryData<string> RuleIdConstants()
        {
            var data = new TheoryData<string>();
            foreach (var field in typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                data.Add((string)field.GetValue(null)!);
            }

            return data;
        }

        [Fact]
        public void RuleIds_AreWellFormedAndUnique()
        {
            var ids = typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();
            Assert.NotEmpty(ids);
            Assert.All(ids, id => Assert.Matches("^RG[0-9]{4}$", id));
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }

        [Fact]
        public void EveryRuleId_IsSupportedByExactlyOneAnalyzer()
        {
            var supported = Harness.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToList();
            foreach (var id in typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!))
            {
                Assert.Single(supported, s => s == id);
            }
        }

        [Theory]
        [MemberData(nameof(RuleIdConstants))]
        public void Descriptor_HasHelpLinkCategoryAndTexts(string id)
        {
            var descriptor = Harness.Analyzers.SelectMany(a => a.SupportedDiagnostics).Single(d => d.Id == id);
            Assert.Equal(Descriptors.RepositoryUrl + "/blob/main/docs/" + id + ".md", descriptor.HelpLinkUri);
            Assert.Equal("Concurrency", descriptor.Category);
            var title = descriptor.Title.ToString();
            Assert.False(string.IsNullOrWhiteSpace(title));
            Assert.False(title.EndsWith(".", StringComparison.Ordinal), "titles have no final period");
            Assert.Contains("{0}", descriptor.MessageFormat.ToString(), StringComparison.Ordinal);
            Assert.True(descriptor.Description.ToString().Length > 80, "the description explains the run-time failure");
        }

        [Theory]
        [MemberData(nameof(RuleIdConstants))]
        public void Rule_HasDocsPageReadmeRowAndReleaseTrackingRow(string id)
        {
            var docs = Path.Combine(Harness.RepositoryRoot, "docs", id + ".md");
            Assert.True(File.Exists(docs), "missing " + docs);
            Assert.StartsWith("# " + id + ": ", File.ReadAllText(docs), StringComparison.Ordinal);

            var readme = File.ReadAllText(Path.Combine(Harness.RepositoryRoot, "README.md"));
            Assert.Matches(new Regex(@"^\| \[?" + id + @"\b", RegexOptions.Multiline), readme);

            var analyzerDirectory = Path.Combine(Harness.RepositoryRoot, "RaceGuard.Analyzers");
            var releases = File.ReadAllText(Path.Combine(analyzerDirectory, "AnalyzerReleases.Shipped.md")) +
                           File.ReadAllText(Path.Combine(analyzerDirectory, "AnalyzerReleases.Unshipped.md"));
            Assert.Matches(new Regex("^" + id + @" \| Concurrency \|", RegexOptions.Multiline), releases);
        }

        [Fact]
        public void EveryAnalyzer_IsACSharpAnalyzerAndSealed()
        {
            Assert.NotEmpty(Harness.Analyzers);
            foreach (var analyzer in Harness.Analyzers)
            {
                var attribute = analyzer.GetType().GetCustomAttribute<DiagnosticAnalyzerAttribute>();
                Assert.NotNull(attribute);
                Assert.Contains(LanguageNames.CSharp, attribute!.Languages);
                Assert.True(analyzer.GetType().IsSealed, analyzer.GetType().Name + " should be sealed");
                Assert.EndsWith("Analyzer", analyzer.GetType().Name, StringComparison.Ordinal);
            }
        }
    }
}
