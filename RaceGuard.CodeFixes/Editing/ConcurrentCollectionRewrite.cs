using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Diagnostics;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>
    /// Switches a private field or a local from Dictionary/Queue/Stack/List to the matching concurrent collection,
    /// when every use translates: the declaration and creations change type, <c>Add</c> becomes <c>TryAdd</c>,
    /// <c>Remove(k)</c> becomes <c>TryRemove(k, out _)</c>, and every other use must exist on the new type.
    /// </summary>
    internal static class ConcurrentCollectionRewrite
    {
        public static Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics)
        {
            var root = context.Root;
            var model = context.Model;
            var cancellationToken = context.CancellationToken;

            var plans = diagnostics
                .Select(d => CreatePlan(root, model, context.Generator, d, cancellationToken))
                .Where(p => p is not null)
                .GroupBy(p => p!.Symbol, SymbolEqualityComparer.Default)
                .Select(g => g.First()!)
                .ToList();
            if (plans.Count == 0)
            {
                return null;
            }

            var editor = context.Editor;
            foreach (var plan in plans)
            {
                foreach (var edit in plan.Edits)
                {
                    editor.ReplaceNode(edit.Node, edit.Replace);
                }
            }

            return editor.GetChangedDocument();
        }

        /// <summary>The rewrite for the variable of <paramref name="diagnostic"/>, or null when some use does not translate.</summary>
        public static Plan? CreatePlan(SyntaxNode root, SemanticModel model, SyntaxGenerator generator, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var known = KnownSymbols.For(model.Compilation);
            if (!diagnostic.Properties.ContainsKey(DiagnosticPropertyKeys.ConcurrentType) || SharedVariable.Find(root, model, diagnostic, cancellationToken) is not { } symbol)
            {
                return null;
            }

            var (declaredType, scope) = symbol switch
            {
                IFieldSymbol { DeclaredAccessibility: Accessibility.Private } field when field.ContainingType.DeclaringSyntaxReferences.Length == 1 =>
                    (field.Type, field.ContainingType.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken)),
                ILocalSymbol local when local.DeclaringSyntaxReferences.Length == 1 =>
                    (local.Type, local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken).FirstAncestorOrSelf<SyntaxNode>(n => n is MemberDeclarationSyntax or CompilationUnitSyntax)),
                _ => (null, null),
            };

            if (declaredType is not INamedTypeSymbol collection || scope is null || scope.SyntaxTree != root.SyntaxTree ||
                !SymbolEqualityComparer.Default.Equals(known.GetNonThreadSafeCollection(collection), collection) ||
                known.GetConcurrentEquivalent(collection) is not { } concurrent)
            {
                return null;
            }

            var isDictionary = known.IsType(collection, known.Dictionary);
            var edits = new List<Edit>();
            var typeSyntax = (TypeSyntax)generator.TypeExpression(concurrent)
                .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

            // The declaration.
            var declarator = symbol.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) as VariableDeclaratorSyntax;
            if (declarator?.Parent is not VariableDeclarationSyntax declaration || declaration.Variables.Count != 1)
            {
                return null;
            }

            if (!declaration.Type.IsVar)
            {
                edits.Add(new Edit(declaration.Type, (node, _) => typeSyntax.WithTriviaFrom(node)));
            }

            if (declarator.Initializer is { } initializer && !TryTranslateCreation(initializer.Value, model, collection, concurrent, typeSyntax, edits, cancellationToken))
            {
                return null;
            }

            foreach (var identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText != symbol.Name ||
                    !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol?.OriginalDefinition, symbol))
                {
                    continue;
                }

                if (identifier.Parent is MemberAccessExpressionSyntax { Name: var name } access && name == identifier && access.Expression is not (ThisExpressionSyntax or IdentifierNameSyntax))
                {
                    return null;
                }

                var reference = model.GetOperation(identifier, cancellationToken);
                if (reference?.Parent is null || reference.FindAncestor<INameOfOperation>() is not null)
                {
                    if (reference is null)
                    {
                        return null;
                    }

                    continue;
                }

                if (!TryTranslateUse(reference, model, collection, concurrent, isDictionary, typeSyntax, edits, cancellationToken))
                {
                    return null;
                }
            }

            return new Plan(symbol, concurrent, edits);
        }

        private static bool TryTranslateUse(IOperation reference, SemanticModel model, INamedTypeSymbol collection, INamedTypeSymbol concurrent, bool isDictionary, TypeSyntax typeSyntax, List<Edit> edits, CancellationToken cancellationToken)
        {
            var parent = reference.Parent;
            while (parent is IConversionOperation conversion)
            {
                if (conversion.Type is { } target && !SymbolEqualityComparer.Default.Equals(target, collection))
                {
                    // Converted to an interface or base type: the concurrent type must convert there too.
                    return model.Compilation.ClassifyConversion(concurrent, target) is { IsImplicit: true, IsUserDefined: false };
                }

                reference = conversion;
                parent = conversion.Parent;
            }

            switch (parent)
            {
                case IInvocationOperation call when ReferenceEquals(call.Instance, reference):
                    var method = call.TargetMethod;
                    if (isDictionary && method.Name == "Add" && call.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax addAccess })
                    {
                        edits.Add(new Edit(addAccess.Name, (node, _) => IdentifierName("TryAdd").WithTriviaFrom(node)));
                        return true;
                    }

                    if (isDictionary && method.Name == "Remove" && call.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax removeAccess } removeCall)
                    {
                        edits.Add(new Edit(removeAccess.Name, (node, _) => IdentifierName("TryRemove").WithTriviaFrom(node)));
                        if (call.Arguments.Length == 1)
                        {
                            edits.Add(new Edit(removeCall.ArgumentList, (node, _) => ((ArgumentListSyntax)node).AddArguments(
                                Argument(IdentifierName(Identifier(TriviaList(), SyntaxKind.UnderscoreToken, "_", "_", TriviaList())))
                                    .WithRefKindKeyword(Token(SyntaxKind.OutKeyword)))));
                        }

                        return true;
                    }

                    return HasSameMethod(concurrent, method);

                case IPropertyReferenceOperation property when ReferenceEquals(property.Instance, reference):
                    return concurrent.GetMembers(property.Property.Name).OfType<IPropertySymbol>().Any(p =>
                        p.DeclaredAccessibility == Accessibility.Public && p.Parameters.Length == property.Property.Parameters.Length &&
                        (p.SetMethod is not null || !IsWrite(property)));

                case IForEachLoopOperation loop when ReferenceEquals(loop.Collection, reference):
                case ILockOperation:
                    return true;

                case IArgumentOperation argument:
                    return argument.Parameter?.Type is { } parameterType && argument.Parameter.RefKind == RefKind.None &&
                           model.Compilation.ClassifyConversion(concurrent, parameterType) is { IsImplicit: true, IsUserDefined: false };

                case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, reference):
                    return assignment.Value.WalkDownConversion().Syntax is ExpressionSyntax assigned &&
                           TryTranslateCreation(assigned, model, collection, concurrent, typeSyntax, edits, cancellationToken);

                default:
                    return false;
            }
        }

        private static bool TryTranslateCreation(ExpressionSyntax value, SemanticModel model, INamedTypeSymbol collection, INamedTypeSymbol concurrent, TypeSyntax typeSyntax, List<Edit> edits, CancellationToken cancellationToken)
        {
            var operation = model.GetOperation(value, cancellationToken);
            if (operation is not IObjectCreationOperation creation || !SymbolEqualityComparer.Default.Equals(creation.Type, collection))
            {
                return false;
            }

            // Every constructor argument must fit a constructor of the concurrent type (comparer, source sequence).
            var argumentTypes = creation.Arguments.Select(a => a.Value.WalkDownConversion().Type).ToList();
            var constructorFits = concurrent.InstanceConstructors.Any(c =>
                c.DeclaredAccessibility == Accessibility.Public &&
                c.Parameters.Length == argumentTypes.Count &&
                c.Parameters.Zip(argumentTypes, (p, t) => t is not null && model.Compilation.ClassifyConversion(t, p.Type).IsImplicit).All(ok => ok));
            if (!constructorFits)
            {
                return false;
            }

            if (creation.Initializer is { } initializer)
            {
                foreach (var element in initializer.Initializers)
                {
                    var fits = element switch
                    {
                        IInvocationOperation add => HasSameMethod(concurrent, add.TargetMethod),
                        ISimpleAssignmentOperation { Target: IPropertyReferenceOperation indexer } => concurrent.GetMembers(indexer.Property.Name).OfType<IPropertySymbol>().Any(p => p.IsIndexer && p.SetMethod is not null),
                        _ => false,
                    };

                    if (!fits)
                    {
                        return false;
                    }
                }
            }

            if (value is ObjectCreationExpressionSyntax objectCreation)
            {
                edits.Add(new Edit(objectCreation.Type, (node, _) => typeSyntax.WithTriviaFrom(node)));
            }

            return value is ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax;
        }

        private static bool HasSameMethod(INamedTypeSymbol concurrent, IMethodSymbol method) =>
            !method.IsExtensionMethod &&
            concurrent.GetMembers(method.Name).OfType<IMethodSymbol>().Any(m =>
                m.DeclaredAccessibility == Accessibility.Public &&
                m.Parameters.Length == method.Parameters.Length &&
                m.Parameters.Zip(method.Parameters, (a, b) => SymbolEqualityComparer.Default.Equals(a.Type, b.Type) && a.RefKind == b.RefKind).All(same => same) &&
                SymbolEqualityComparer.Default.Equals(m.ReturnType, method.ReturnType));

        private static bool IsWrite(IPropertyReferenceOperation property) =>
            property.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, property);

        /// <summary>One replacement of the rewrite.</summary>
        internal sealed class Edit
        {
            public Edit(SyntaxNode node, System.Func<SyntaxNode, SyntaxGenerator, SyntaxNode> replace)
            {
                Node = node;
                Replace = replace;
            }

            public SyntaxNode Node { get; }

            public System.Func<SyntaxNode, SyntaxGenerator, SyntaxNode> Replace { get; }
        }

        /// <summary>The edits that switch one variable to its concurrent collection.</summary>
        internal sealed class Plan
        {
            public Plan(ISymbol symbol, INamedTypeSymbol concurrentType, List<Edit> edits)
            {
                Symbol = symbol;
                ConcurrentType = concurrentType;
                Edits = edits;
            }

            public ISymbol Symbol { get; }

            public INamedTypeSymbol ConcurrentType { get; }

            public List<Edit> Edits { get; }
        }
    }
}
