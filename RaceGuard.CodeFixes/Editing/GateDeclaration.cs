using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>Declares the guard object a fix introduces (a lock object, a send semaphore) next to the variable it guards.</summary>
    internal static class GateDeclaration
    {
        /// <summary>
        /// The declaration of a new guard object for <paramref name="symbol"/> (a field, property, local or parameter):
        /// <c>private readonly T _itemsLock = new T(..);</c> after the field or property (static for a static one),
        /// <c>var listLock = new T(..);</c> after a local's declaration or first in a parameter's method. Its name is the
        /// variable's without prefixes plus <paramref name="suffix"/>, made unique; a null declaration when it cannot be placed.
        /// <paramref name="fieldCreation"/> and <paramref name="localCreation"/> are the initialisers of each form.
        /// </summary>
        public static (string Name, SyntaxNode? Declaration, SyntaxNode? Anchor, bool InsertBefore) Create(
            SyntaxNode root, SemanticModel model, ISymbol symbol, TypeSyntax gateType, ExpressionSyntax fieldCreation, ExpressionSyntax localCreation, string suffix, HashSet<string> introduced, CancellationToken cancellationToken)
        {

            switch (symbol)
            {
                case IFieldSymbol or IPropertySymbol:
                {
                    var declaration = symbol.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).FirstOrDefault(s => s.SyntaxTree == root.SyntaxTree);
                    var member = declaration?.FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is FieldDeclarationSyntax or PropertyDeclarationSyntax);
                    if (member is null || symbol.ContainingType is null)
                    {
                        return default;
                    }

                    var baseName = symbol.Name;
                    foreach (var prefix in new[] { "s_", "m_", "t_" })
                    {
                        if (baseName.StartsWith(prefix, System.StringComparison.Ordinal))
                        {
                            baseName = baseName.Substring(prefix.Length);
                        }
                    }

                    baseName = baseName.TrimStart('_');
                    baseName = baseName.Length == 0 ? "gate" : char.ToLowerInvariant(baseName[0]) + baseName.Substring(1);
                    var prefixOfField = symbol.IsStatic && symbol.Name.StartsWith("s_", System.StringComparison.Ordinal) ? "s_" : "_";
                    var name = UniqueName(prefixOfField + baseName + suffix, n => introduced.Contains(n) || !symbol.ContainingType.GetMembers(n).IsEmpty);
                    var modifiers = TokenList(Token(SyntaxKind.PrivateKeyword));
                    if (symbol.IsStatic)
                    {
                        modifiers = modifiers.Add(Token(SyntaxKind.StaticKeyword));
                    }

                    modifiers = modifiers.Add(Token(SyntaxKind.ReadOnlyKeyword));
                    var field = FieldDeclaration(VariableDeclaration(gateType, SingletonSeparatedList(VariableDeclarator(RenameableIdentifier(name)).WithInitializer(EqualsValueClause(fieldCreation)))))
                        .WithModifiers(modifiers)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    return (name, field, member, false);
                }

                case ILocalSymbol or IParameterSymbol:
                {
                    var declaration = symbol.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).FirstOrDefault(s => s.SyntaxTree == root.SyntaxTree);
                    if (declaration is null)
                    {
                        return default;
                    }

                    var scope = declaration.FirstAncestorOrSelf<SyntaxNode>(n => n is MemberDeclarationSyntax or CompilationUnitSyntax) ?? root;
                    var taken = new HashSet<string>(scope.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
                    var name = UniqueName(symbol.Name.TrimStart('@') + suffix, n => introduced.Contains(n) || taken.Contains(n) || !model.LookupSymbols(declaration.SpanStart, name: n).IsEmpty);
                    var statement = LocalDeclarationStatement(VariableDeclaration(
                            IdentifierName(Identifier(TriviaList(), SyntaxKind.VarKeyword, "var", "var", TriviaList())),
                            SingletonSeparatedList(VariableDeclarator(RenameableIdentifier(name)).WithInitializer(EqualsValueClause(localCreation)))))
                        .WithTrailingTrivia(EndOfLine(root))
                        .WithAdditionalAnnotations(Formatter.Annotation);

                    if (symbol is IParameterSymbol)
                    {
                        var body = declaration.Parent?.Parent switch
                        {
                            BaseMethodDeclarationSyntax method => method.Body,
                            LocalFunctionStatementSyntax local => local.Body,
                            _ => null,
                        };

                        return body?.Statements.FirstOrDefault() is { } first ? (name, statement, first, true) : default;
                    }

                    var declaringStatement = declaration.FirstAncestorOrSelf<StatementSyntax>();
                    if (declaringStatement?.Parent is GlobalStatementSyntax global)
                    {
                        return (name, GlobalStatement(statement), global, declaringStatement is not LocalDeclarationStatementSyntax);
                    }

                    return declaringStatement?.Parent is BlockSyntax or SwitchSectionSyntax
                        ? (name, statement, declaringStatement, declaringStatement is not LocalDeclarationStatementSyntax)
                        : default;
                }

                default:
                    return default;
            }
        }

        /// <summary>The introduced lock's name, marked so the IDE offers to rename it right away.</summary>
        public static SyntaxToken RenameableIdentifier(string name) => Identifier(name).WithAdditionalAnnotations(RenameAnnotation.Create());

        /// <summary>The end-of-line the document already uses.</summary>
        public static SyntaxTrivia EndOfLine(SyntaxNode root) =>
            root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { } endOfLine && endOfLine.IsKind(SyntaxKind.EndOfLineTrivia)
                ? endOfLine
                : ElasticCarriageReturnLineFeed;

        public static string UniqueName(string candidate, System.Func<string, bool> isTaken)
        {
            var name = candidate;
            for (var i = 2; isTaken(name); i++)
            {
                name = candidate + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return name;
        }
    }
}
