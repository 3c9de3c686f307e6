using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>
    /// "Use Volatile.Read/Volatile.Write": every plain read of the flag in the document becomes
    /// <c>Volatile.Read(ref flag)</c>, every plain assignment <c>Volatile.Write(ref flag, value)</c>.
    /// </summary>
    internal static class VolatileAccessRewrite
    {
        public static Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics)
        {
            var root = context.Root;
            var model = context.Model;
            var cancellationToken = context.CancellationToken;

            var flags = diagnostics
                .Where(FlagAccesses.IsVisibilityFinding)
                .Select(d => SharedVariable.Find(root, model, d, cancellationToken))
                .Where(s => s is not null && CanFix(s, model))
                .Distinct(SymbolEqualityComparer.Default)
                .ToList();
            if (flags.Count == 0)
            {
                return null;
            }

            var generator = context.Generator;
            var volatileType = AtomicCalls.TypeName(generator, model.Compilation.GetTypeByMetadataName("System.Threading.Volatile")!);
            var editor = context.Editor;
            var changed = false;
            // Reads first, then the assignments around them (an assignment's value may read the flag too).
            var assignments = new List<(AssignmentExpressionSyntax Assignment, ExpressionSyntax Target)>();
            foreach (var flag in flags)
            {
                foreach (var reference in FlagAccesses.References(root, model, flag!, cancellationToken))
                {
                    var parent = FlagAccesses.ParentOf(reference, out var outermost);
                    switch (parent)
                    {
                        case AssignmentExpressionSyntax assignment when assignment.Left == outermost:
                            if (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && ValueUse.IsUnused(assignment, model, cancellationToken))
                            {
                                assignments.Add((assignment, reference));
                            }

                            break;
                        case ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None }:
                        case PostfixUnaryExpressionSyntax:
                        case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }:
                        case RefExpressionSyntax:
                            break;
                        default:
                            editor.ReplaceNode(reference, AtomicCalls.Call(volatileType, "Read", reference).WithTriviaFrom(reference));
                            changed = true;
                            break;
                    }
                }
            }

            foreach (var (assignment, target) in assignments)
            {
                editor.ReplaceNode(assignment, (current, _) => AtomicCalls.Call(volatileType, "Write", target, ((AssignmentExpressionSyntax)current).Right.WithoutTrivia()).WithTriviaFrom(current));
                changed = true;
            }

            return changed ? context.ChangedDocument() : null;
        }

        /// <summary>True when Volatile has Read/Write for the flag's type (not for enums) and the flag can be passed by ref.</summary>
        public static bool CanFix(ISymbol? flag, SemanticModel model)
        {
            var type = flag switch
            {
                IFieldSymbol { IsReadOnly: false, IsConst: false, IsVolatile: false } field => field.Type,
                ILocalSymbol { IsRef: false, IsConst: false } local => local.Type,
                IParameterSymbol { RefKind: RefKind.None } parameter => parameter.Type,
                _ => null,
            };
            var volatileType = model.Compilation.GetTypeByMetadataName("System.Threading.Volatile");
            return type is not null && volatileType is not null &&
                   volatileType.GetMembers("Read").OfType<IMethodSymbol>().Any(m => m.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, type));
        }
    }
}
