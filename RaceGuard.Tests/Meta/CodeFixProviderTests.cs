using System;
using System.Composition;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace RaceGuard.Tests.Meta
{
    /// <summary>Every code fix provider is exported under its own name, shared, fixes known rules, and supports Fix All.</summary>
    public class CodeFixProviderTests
    {
        [Fact]
        public void EveryProvider_IsExportedSharedAndHasFixAll()
        {
            Assert.NotEmpty(Harness.CodeFixProviderTypes);
            var ruleIds = Harness.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
            foreach (var type in Harness.CodeFixProviderTypes)
            {
                var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
                Assert.NotNull(export);
                Assert.Equal(type.Name, export!.Name);
                Assert.Contains(LanguageNames.CSharp, export.Languages);
                Assert.NotNull(type.GetCustomAttribute<SharedAttribute>());
                Assert.True(type.IsSealed, type.Name + " should be sealed");

                var provider = (CodeFixProvider)Activator.CreateInstance(type)!;
                Assert.NotEmpty(provider.FixableDiagnosticIds);
                Assert.All(provider.FixableDiagnosticIds, id => Assert.Contains(id, ruleIds));
                var fixAll = provider.GetFixAllProvider();
                Assert.NotNull(fixAll);
                Assert.Contains(FixAllScope.Document, fixAll!.GetSupportedFixAllScopes());
                Assert.Contains(FixAllScope.Solution, fixAll.GetSupportedFixAllScopes());
            }
        }

        [Fact]
        public void LockFix_IsTheFirstRG0001ProviderThatDotnetFormatFinds()
        {
            // dotnet format applies, per analyzer, the first provider in the assembly's type order that fixes its IDs.
            var first = Harness.CodeFixProviderTypes
                .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
                .First(p => p.FixableDiagnosticIds.Contains("RG0001"));
            Assert.IsType<RaceGuard.CodeFixes.WrapInLockCodeFixProvider>(first);
        }
    }
}
