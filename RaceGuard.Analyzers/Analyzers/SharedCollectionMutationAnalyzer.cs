using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Diagnostics;

namespace RaceGuard.Analyzers
{
    /// <summary>RG0001: a non-thread-safe collection modified by code that may run in parallel with other code using it.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SharedCollectionMutationAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SharedCollectionMutation);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var known = KnownSymbols.Create(start.Compilation);
                if (known.Task is null || !known.HasNonThreadSafeCollections)
                {
                    return;
                }

                ConcurrencyAnalysis.RegisterTypeFactsAction(start, known, (context, facts) => Report(context, facts, known));
            });
        }

        private static void Report(SymbolAnalysisContext context, TypeFacts facts, KnownSymbols known)
        {
            var reported = new HashSet<Location>();
            foreach (var entry in facts.AccessesByPath)
            {
                var path = entry.Key;
                if (CollectionTypeOf(path, facts, known) is not { } collection)
                {
                    continue;
                }

                foreach (var access in entry.Value)
                {
                    if (access.Kind != AccessKind.MutatingCall || access.MemberName == "[]" || reported.Contains(access.Location))
                    {
                        continue;
                    }

                    var conflicts = facts.RacesWith(access).Where(IsContentAccess).ToList();
                    if (conflicts.Count == 0)
                    {
                        continue;
                    }

                    reported.Add(access.Location);
                    context.ReportDiagnostic(CreateDiagnostic(access, conflicts, collection, facts, known));
                }
            }
        }

        /// <summary>
        /// An access that touches the collection's contents: a mutating or reading member, enumeration, or handing the
        /// collection to a method (which may enumerate it). Returning or storing the reference touches nothing.
        /// </summary>
        private static bool IsContentAccess(SharedAccess access) =>
            access.Kind == AccessKind.MutatingCall ||
            (access.Kind == AccessKind.Read && (access.MemberName is not null || access.Operation.WalkUpConversion(out _) is IArgumentOperation));

        /// <summary>The non-thread-safe collection a variable holds: its declared type, or for an interface-typed variable every type stored into it.</summary>
        private static INamedTypeSymbol? CollectionTypeOf(AccessPath path, TypeFacts facts, KnownSymbols known)
        {
            var declared = path.Type;
            if (declared is null || known.IsThreadSafeType(declared))
            {
                return null;
            }

            if (known.GetNonThreadSafeCollection(declared) is { } collection)
            {
                return (INamedTypeSymbol)collection.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            }

            if (declared.TypeKind != TypeKind.Interface)
            {
                return null;
            }

            INamedTypeSymbol? found = null;
            foreach (var stored in facts.StoredTypes(path))
            {
                var storedCollection = known.GetNonThreadSafeCollection(stored);
                if (storedCollection is null)
                {
                    return null;
                }

                found ??= (INamedTypeSymbol)storedCollection.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            }

            return found;
        }

        private static Diagnostic CreateDiagnostic(SharedAccess access, List<SharedAccess> conflicts, INamedTypeSymbol collection, TypeFacts facts, KnownSymbols known)
        {
            var others = conflicts
                .Where(c => !ReferenceEquals(c.ReportOperation, access.ReportOperation))
                .GroupBy(c => c.ReportOperation)
                .Select(g => g.First())
                .ToList();
            var racesWithItself = others.Count < conflicts.Count;

            var additional = new List<Location>();
            foreach (var other in others)
            {
                if (!additional.Contains(other.Location))
                {
                    additional.Add(other.Location);
                }
            }

            var conflictCount = additional.Count;
            foreach (var region in others.Append(access).SelectMany(a => ParallelismQuery.Chain(a.Region)))
            {
                var startLocation = region.Start.Syntax.GetLocation();
                if (!additional.Contains(startLocation))
                {
                    additional.Add(startLocation);
                }
            }

            var equivalent = known.GetConcurrentEquivalent(collection);
            var suggestion = equivalent is not null && collection.OriginalDefinition.Name != "List"
                ? " or use " + equivalent.ToMessageString()
                : string.Empty;

            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            properties[DiagnosticPropertyKeys.SymbolName] = access.Path.DisplayName;
            properties[DiagnosticPropertyKeys.SymbolKind] = access.Path.Root.VariableKind();
            properties[DiagnosticPropertyKeys.ConflictCount] = conflictCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (facts.ReusableLockFor(access) is { } existing)
            {
                properties[DiagnosticPropertyKeys.ExistingLock] = existing;
            }

            if (known.Lock is not null && access.Operation.Syntax.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: var version } && (int)version >= 1300)
            {
                properties[DiagnosticPropertyKeys.UseLockType] = "true";
            }

            if (equivalent is not null)
            {
                properties[DiagnosticPropertyKeys.ConcurrentType] = equivalent.ContainingNamespace.ToDisplayString() + "." + equivalent.MetadataName;
            }

            return Diagnostic.Create(
                Descriptors.SharedCollectionMutation,
                access.Location,
                additional,
                properties.ToImmutable(),
                access.Path.DisplayName,
                collection.ToMessageString(),
                access.DescribePlace(),
                DescribeOtherSide(access, others, racesWithItself),
                suggestion);
        }

        private static string DescribeStarter(ConcurrentRegion region) =>
            region.StartingMember is IMethodSymbol { AssociatedSymbol: IPropertySymbol property } ? "'" + property.Name + "'" : region.StartingMember.Name + "()";

        private static string DescribeOtherSide(SharedAccess access, List<SharedAccess> others, bool racesWithItself)
        {
            if (others.Count == 0)
            {
                return access.Region switch
                {
                    { Kind: RegionKind.AsyncFanOut, Method: { } method, Multiplicity: Multiplicity.Once, ManyAcrossCalls: false } => "another concurrent call to '" + method.Name + "'",
                    { Multiplicity: Multiplicity.Once, ManyAcrossCalls: true } region => "the same " + region.Construct + " started by another call of " + DescribeStarter(region),
                    { } region => "other instances of the same " + region.Construct,
                    null => "another call of " + access.Member.Describe(),
                };
            }

            if (others.Count == 1)
            {
                var other = others[0];
                return "the " + (other.IsWrite ? "write" : "read") + " " + other.DescribePlace();
            }

            var writers = others.Count(o => o.IsWrite);
            var readers = others.Count - writers;
            var parts = new List<string>();
            if (writers > 0)
            {
                parts.Add(writers + " other " + (writers == 1 ? "writer" : "writers"));
            }

            if (readers > 0)
            {
                parts.Add(readers + " " + (readers == 1 ? "reader" : "readers"));
            }

            var text = string.Join(" and ", parts);
            return racesWithItself ? text + " and other instances of itself" : text;
        }
    }
}
