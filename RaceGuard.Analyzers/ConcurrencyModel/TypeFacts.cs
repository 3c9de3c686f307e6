using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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

        /// <summary>
        /// The lock object to guard <paramref name="access"/>'s variable with, by name: one already held at some access to
        /// the same variable; else one the member (for locals) or the type (for fields) already locks on. Null when there is
        /// none in scope (the fix then introduces one).
        /// </summary>
        public string? ReusableLockFor(SharedAccess access)
        {
            if (access.Path.Symbols.Length != 1)
            {
                return null;
            }

            var root = access.Path.Root;
            var isStaticContext = root is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true } || access.Member.Symbol.IsStatic;

            bool Usable(ISymbol? symbol) => symbol switch
            {
                IFieldSymbol field => SymbolEqualityComparer.Default.Equals(field.ContainingType, Type) && (field.IsStatic || !isStaticContext),
                ILocalSymbol local => root is ILocalSymbol collection && LocalInScopeFor(local, collection),
                _ => false,
            };

            var fromAccesses = AccessesByPath[access.Path]
                .SelectMany(a => a.Guards)
                .Where(g => g.Kind is GuardKind.Lock or GuardKind.Monitor or GuardKind.LockType && Usable(g.Key.Symbol))
                .GroupBy(g => g.Key.Text)
                .OrderByDescending(g => g.Count())
                .FirstOrDefault();
            if (fromAccesses is not null)
            {
                return fromAccesses.Key;
            }

            var scope = root is ILocalSymbol or IParameterSymbol ? new[] { access.Member } : Members.ToArray();
            var fromLocks = scope
                .SelectMany(m => m.Bodies)
                .SelectMany(b => b.Descendants().OfType<ILockOperation>())
                .Select(l => Guards.KeyOf(l.LockedValue))
                .Where(k => Usable(k.Symbol))
                .GroupBy(k => k.Text)
                .OrderByDescending(g => g.Count())
                .FirstOrDefault();
            return fromLocks?.Key;
        }

        /// <summary>True when <paramref name="gate"/> is declared before <paramref name="collection"/> in a block that encloses it.</summary>
        private static bool LocalInScopeFor(ILocalSymbol gate, ILocalSymbol collection)
        {
            var gateSyntax = gate.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
            var collectionSyntax = collection.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
            if (gateSyntax is null || collectionSyntax is null || gateSyntax.SyntaxTree != collectionSyntax.SyntaxTree || gateSyntax.SpanStart > collectionSyntax.SpanStart)
            {
                return false;
            }

            var gateBlock = gateSyntax.FirstAncestorOrSelf<BlockSyntax>();
            var gateScope = gateBlock ?? (SyntaxNode?)gateSyntax.FirstAncestorOrSelf<CompilationUnitSyntax>();
            return gateScope is not null && gateScope.Span.Contains(collectionSyntax.Span);
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
