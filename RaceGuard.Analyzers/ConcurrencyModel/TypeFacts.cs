using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// The facts of one named type: the members that run as roots (everything but private methods reached only by
    /// calls or method groups inside the type, which are followed from their callers), their regions and accesses.
    /// </summary>
    public sealed class TypeFacts
    {
        private TypeFacts(INamedTypeSymbol type, ImmutableArray<MemberFacts> members)
        {
            Type = type;
            Members = members;
            AccessesByPath = members
                .SelectMany(m => m.Accesses)
                .GroupBy(a => a.Path)
                .ToImmutableDictionary(g => g.Key, g => g.ToImmutableArray());
        }

        public INamedTypeSymbol Type { get; }

        public ImmutableArray<MemberFacts> Members { get; }

        public ImmutableDictionary<AccessPath, ImmutableArray<SharedAccess>> AccessesByPath { get; }

        public bool HasRegions => Members.Any(m => !m.Regions.IsEmpty);

        /// <summary>Builds the facts of <paramref name="type"/> from the operation blocks of its members.</summary>
        public static TypeFacts Build(INamedTypeSymbol type, IEnumerable<MemberBlocks> blocks, KnownSymbols known)
        {
            var all = blocks.ToList();
            var bodies = new Dictionary<IMethodSymbol, IOperation>(SymbolEqualityComparer.Default);
            foreach (var block in all)
            {
                if (block.Symbol is IMethodSymbol method && block.Operations.FirstOrDefault(o => o is IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation) is { } body)
                {
                    bodies[method.OriginalDefinition] = body;
                }
            }

            var reachedInside = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var block in all)
            {
                foreach (var operation in block.Operations.SelectMany(o => o.Descendants()))
                {
                    var target = operation switch
                    {
                        IInvocationOperation invocation => invocation.TargetMethod,
                        IMethodReferenceOperation reference => reference.Method,
                        _ => null,
                    };

                    if (target is { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary } &&
                        SymbolEqualityComparer.Default.Equals(target.ContainingType, type) &&
                        !SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, block.Symbol.OriginalDefinition))
                    {
                        reachedInside.Add(target.OriginalDefinition);
                    }
                }
            }

            IOperation? FindBody(IMethodSymbol method) =>
                SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, type.OriginalDefinition) && bodies.TryGetValue(method, out var body) ? body : null;

            var members = ImmutableArray.CreateBuilder<MemberFacts>();
            foreach (var block in all)
            {
                if (block.Symbol is IMethodSymbol method && reachedInside.Contains(method.OriginalDefinition))
                {
                    continue;
                }

                var facts = new MemberFacts(block.Symbol, block.Operations, FindBody);
                MemberWalker.Build(facts, known, block.ConfiguredEntryPoints, FindBody);
                members.Add(facts);
            }

            return new TypeFacts(type, members.ToImmutable());
        }

        /// <summary>The accesses that race with <paramref name="access"/> (itself included when it races with another instance of itself).</summary>
        public IEnumerable<SharedAccess> RacesWith(SharedAccess access)
        {
            if (!AccessesByPath.TryGetValue(access.Path, out var candidates))
            {
                yield break;
            }

            foreach (var other in candidates)
            {
                if (ParallelismQuery.Races(access, other))
                {
                    yield return other;
                }
            }
        }

        /// <summary>The types stored into a variable by its initialisers and assignments, seen anywhere in the type.</summary>
        public IEnumerable<ITypeSymbol> StoredTypes(AccessPath path)
        {
            foreach (var member in Members)
            {
                foreach (var (initialized, type) in member.Initializers)
                {
                    if (initialized.Equals(path))
                    {
                        yield return type;
                    }
                }
            }

            if (AccessesByPath.TryGetValue(path, out var accesses))
            {
                foreach (var access in accesses)
                {
                    if (access.Kind == AccessKind.Write && access.AssignedType is { } assigned)
                    {
                        yield return assigned;
                    }
                }
            }
        }
    }

    /// <summary>The operation blocks of one member, as an operation block action received them.</summary>
    public readonly struct MemberBlocks
    {
        public MemberBlocks(ISymbol symbol, ImmutableArray<IOperation> operations, ImmutableHashSet<string> configuredEntryPoints)
        {
            Symbol = symbol;
            Operations = operations;
            ConfiguredEntryPoints = configuredEntryPoints;
        }

        public ISymbol Symbol { get; }

        public ImmutableArray<IOperation> Operations { get; }

        public ImmutableHashSet<string> ConfiguredEntryPoints { get; }
    }
}
