using System.Linq;
using Microsoft.CodeAnalysis;

namespace RaceGuard
{
    /// <summary>Small helpers over <see cref="ISymbol"/>.</summary>
    internal static class ISymbolExtensions
    {
        /// <summary>True for an auto-property: its accessors read and write a hidden backing field, like a field.</summary>
        public static bool IsAutoProperty(this IPropertySymbol property) =>
            !property.IsIndexer && property.ContainingType.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));

        /// <summary>The variable's <see cref="SymbolKind"/> by name (Local, Parameter, Field, Property): how the code fix finds the declaration.</summary>
        public static string VariableKind(this ISymbol symbol) => symbol.Kind.ToString();

        /// <summary>
        /// How every message names a member: <c>Put()</c>, <c>Cache()</c> for a constructor, <c>'Items'</c> for a property
        /// accessor, "the top-level statements".
        /// </summary>
        public static string DescribeMember(this ISymbol member) => member switch
        {
            IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } constructor => constructor.ContainingType.Name + "()",
            IMethodSymbol { Name: "<Main>$" } => "the top-level statements",
            IMethodSymbol { AssociatedSymbol: IPropertySymbol property } => "'" + property.Name + "'",
            IMethodSymbol method => method.PlainName() + "()",
            _ => "'" + member.Name + "'",
        };

        /// <summary>The member's name without the interface of an explicit implementation: <c>Dispose</c> for <c>System.IDisposable.Dispose</c>.</summary>
        public static string PlainName(this ISymbol member)
        {
            var name = member.Name;
            var dot = name.LastIndexOf('.');
            return dot < 0 || member is not IMethodSymbol { ExplicitInterfaceImplementations.IsEmpty: false } ? name : name.Substring(dot + 1);
        }

        /// <summary>True when <paramref name="type"/> is <paramref name="ancestor"/> or derives from it (compared by original definition).</summary>
        public static bool IsOrDerivesFrom(this ITypeSymbol? type, INamedTypeSymbol? ancestor)
        {
            for (var current = type; current is not null && ancestor is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, ancestor.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when <paramref name="declaring"/> is <paramref name="type"/> or one of its base types declared in source:
        /// the state and locks the type inherits from them are its own.
        /// </summary>
        public static bool IsSelfOrSourceBase(this INamedTypeSymbol type, INamedTypeSymbol declaring)
        {
            for (var current = type; current is not null && !current.DeclaringSyntaxReferences.IsEmpty; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, declaring.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True for <c>IDisposable</c>/<c>IAsyncDisposable</c> themselves and for every type that implements one.</summary>
        public static bool IsDisposable(this ITypeSymbol type) =>
            type.Name is "IDisposable" or "IAsyncDisposable" || type.AllInterfaces.Any(i => i.Name is "IDisposable" or "IAsyncDisposable");

        /// <summary>True for the integral and floating-point types (<c>int</c>, <c>long</c>, <c>double</c>, <c>decimal</c>, ...).</summary>
        public static bool IsNumber(this ITypeSymbol? type) => type?.SpecialType is
            SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64 or
            SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Byte or SpecialType.System_SByte or
            SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Decimal;

        /// <summary>The type as a message shows it: <c>Dictionary&lt;string, int&gt;</c>.</summary>
        public static string ToMessageString(this ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
    }
}
