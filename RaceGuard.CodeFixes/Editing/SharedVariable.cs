using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RaceGuard.Diagnostics;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>Finds the variable a diagnostic is about, from its <see cref="DiagnosticPropertyKeys.SymbolName"/>.</summary>
    internal static class SharedVariable
    {
        /// <summary>The local, parameter, field or property named by the diagnostic, bound at its location; null for member paths (<c>a.b</c>).</summary>
        public static ISymbol? Find(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticPropertyKeys.SymbolName, out var name) || name is null || name.Contains("."))
            {
                return null;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            foreach (var identifier in node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == name &&
                    model.GetSymbolInfo(identifier, cancellationToken).Symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol)
                {
                    return model.GetSymbolInfo(identifier, cancellationToken).Symbol!.OriginalDefinition;
                }
            }

            // Reached through a getter (Items.Add(x) where Items => _items): the field of the enclosing type.
            if (diagnostic.Get<SymbolKind>(DiagnosticPropertyKeys.SymbolKind) is not (SymbolKind.Field or SymbolKind.Property))
            {
                return null;
            }

            return model.GetEnclosingSymbol(diagnostic.Location.SourceSpan.Start, cancellationToken)?.ContainingType?
                .GetMembers(name)
                .FirstOrDefault(member => member is IFieldSymbol or IPropertySymbol);
        }

        /// <summary>How many additional locations of the diagnostic are racing accesses (the rest are region starts).</summary>
        public static int ConflictCount(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(DiagnosticPropertyKeys.ConflictCount, out var text) && int.TryParse(text, out var count)
                ? System.Math.Min(count, diagnostic.AdditionalLocations.Count)
                : 0;
    }
}
