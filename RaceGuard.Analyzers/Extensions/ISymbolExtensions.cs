using Microsoft.CodeAnalysis;

namespace RaceGuard
{
    /// <summary>Small helpers over <see cref="ISymbol"/>.</summary>
    internal static class ISymbolExtensions
    {
        /// <summary>"Local", "Parameter", "Field" or "Property": how the code fix finds the declaration.</summary>
        public static string VariableKind(this ISymbol symbol) => symbol switch
        {
            ILocalSymbol => "Local",
            IParameterSymbol => "Parameter",
            IFieldSymbol => "Field",
            IPropertySymbol => "Property",
            _ => symbol.Kind.ToString(),
        };

        /// <summary>The type as a message shows it: <c>Dictionary&lt;string, int&gt;</c>.</summary>
        public static string ToMessageString(this ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
    }
}
