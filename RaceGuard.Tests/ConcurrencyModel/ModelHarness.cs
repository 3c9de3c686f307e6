using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Tests.Meta;

namespace RaceGuard.Tests.ConcurrencyModel
{
    /// <summary>Builds the model's facts for one type of a small program, the way the analyzers receive it.</summary>
    internal static class ModelHarness
    {
        public static async Task<TypeFacts> FactsOfAsync(string source, string typeName = "C", params string[] configuredEntryPoints)
        {
            var compilation = await Harness.CompileAsync(source);
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));

            var tree = compilation.SyntaxTrees.Single();
            var model = compilation.GetSemanticModel(tree);
            var type = compilation.GetTypeByMetadataName(typeName) ?? throw new InvalidOperationException(typeName + " not found");
            var configured = configuredEntryPoints.ToImmutableHashSet(StringComparer.Ordinal);
            var blocks = new List<MemberBlocks>();
            foreach (var member in type.GetMembers())
            {
                foreach (var reference in member.DeclaringSyntaxReferences)
                {
                    var syntax = reference.GetSyntax();
                    var operation = syntax switch
                    {
                        VariableDeclaratorSyntax { Initializer: { } initializer } => model.GetOperation(initializer),
                        VariableDeclaratorSyntax => null,
                        PropertyDeclarationSyntax { Initializer: { } initializer } => model.GetOperation(initializer),
                        PropertyDeclarationSyntax => null,
                        _ => model.GetOperation(syntax),
                    };

                    if (operation is not null)
                    {
                        blocks.Add(new MemberBlocks(member, ImmutableArray.Create(operation), configured));
                    }
                }
            }

            return TypeFacts.Build(type, blocks, KnownSymbols.For(compilation));
        }

        /// <summary>The program around a method body: class C with the usual usings.</summary>
        public static string InMethod(string body, string members = "") => $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                {{members}}

                async Task M(int[] items, List<int> list)
                {
                    {{body}}
                    await Task.CompletedTask;
                }
            }
            """;

        public static IEnumerable<ConcurrentRegion> Regions(this TypeFacts facts) => facts.Members.SelectMany(m => m.Regions);

        /// <summary>The access whose report operation reads exactly <paramref name="text"/> (the n-th when several).</summary>
        public static SharedAccess Access(this TypeFacts facts, string text, int occurrence = 0)
        {
            var matches = facts.Members.SelectMany(m => m.Accesses).Where(a => a.ReportOperation.Syntax.ToString() == text).ToList();
            Assert.True(matches.Count > occurrence, "no access '" + text + "'; have: " + string.Join(", ", facts.Members.SelectMany(m => m.Accesses).Select(a => a.ReportOperation.Syntax.ToString()).Distinct()));
            return matches[occurrence];
        }
    }
}
