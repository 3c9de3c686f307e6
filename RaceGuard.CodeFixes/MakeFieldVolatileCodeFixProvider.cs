using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RaceGuard.CodeFixes.Editing;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Diagnostics;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace RaceGuard.CodeFixes
{
    /// <summary>
    /// "Make '_running' volatile": adds the <c>volatile</c> modifier to the flag's field declaration. Offered for types
    /// C# allows to be volatile (not <c>long</c>), when the field is declared alone in this document and is not passed by
    /// <c>ref</c> to anything but Interlocked (which would warn CS0420).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeFieldVolatileCodeFixProvider))]
    [Shared]
    public sealed class MakeFieldVolatileCodeFixProvider : DocumentRewriteCodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnsynchronizedFlag);

        protected override string EquivalenceKey => "RaceGuard.MakeFieldVolatile";

        protected override string? TitleFor(EditContext context, Diagnostic diagnostic)
            => DeclarationToChange(context.Root, context.Model, diagnostic, context.CancellationToken) is null
                ? null
                : "Make '" + diagnostic.Properties[DiagnosticPropertyKeys.SymbolName] + "' volatile";

        protected override Document? Apply(EditContext context, IEnumerable<Diagnostic> diagnostics)
        {
            var declarations = diagnostics.Select(d => DeclarationToChange(context.Root, context.Model, d, context.CancellationToken)).OfType<FieldDeclarationSyntax>().Distinct().ToList();
            if (declarations.Count == 0)
            {
                return null;
            }

            return context.Document.WithSyntaxRoot(context.Root.ReplaceNodes(declarations, (original, current) => AddVolatile(current)));
        }

        private static FieldDeclarationSyntax AddVolatile(FieldDeclarationSyntax declaration)
        {
            var modifiers = declaration.Modifiers;
            var keyword = Token(SyntaxKind.VolatileKeyword).WithTrailingTrivia(Space);
            if (modifiers.Count == 0)
            {
                return declaration
                    .WithModifiers(TokenList(keyword.WithLeadingTrivia(declaration.Declaration.Type.GetLeadingTrivia())))
                    .WithDeclaration(declaration.Declaration.WithType(declaration.Declaration.Type.WithLeadingTrivia()));
            }

            // After the accessibility and static modifiers, before anything else: private static volatile bool s_stop;
            var index = 0;
            while (index < modifiers.Count && modifiers[index].Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword or SyntaxKind.ProtectedKeyword or SyntaxKind.InternalKeyword or SyntaxKind.StaticKeyword)
            {
                index++;
            }

            return declaration.WithModifiers(modifiers.Insert(index, keyword));
        }

        /// <summary>The field declaration to make volatile, or null when the fix does not apply.</summary>
        private static FieldDeclarationSyntax? DeclarationToChange(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (!FlagAccesses.IsVisibilityFinding(diagnostic) ||
                SharedVariable.Find(root, model, diagnostic, cancellationToken) is not IFieldSymbol { IsVolatile: false, IsReadOnly: false, IsConst: false } field ||
                !CanBeVolatile(field.Type) ||
                field.DeclaringSyntaxReferences.Length != 1 ||
                field.DeclaringSyntaxReferences[0].SyntaxTree != root.SyntaxTree ||
                field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken).FirstAncestorOrSelf<FieldDeclarationSyntax>() is not { Declaration.Variables.Count: 1 } declaration)
            {
                return null;
            }

            // A volatile field passed by ref (other than to Interlocked) draws warning CS0420.
            foreach (var reference in FlagAccesses.References(root, model, field, cancellationToken))
            {
                if (FlagAccesses.ParentOf(reference, out _) is ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None } argument &&
                    !(argument.Parent?.Parent is InvocationExpressionSyntax call && KnownSymbols.For(model.Compilation) is var known && known.IsType(model.GetSymbolInfo(call, cancellationToken).Symbol?.ContainingType, known.Interlocked)))
                {
                    return null;
                }
            }

            return declaration;
        }

        /// <summary>The types C# allows for a volatile field.</summary>
        private static bool CanBeVolatile(ITypeSymbol type) => type switch
        {
            { IsReferenceType: true } => true,
            INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying } => CanBeVolatile(underlying),
            _ => type.SpecialType is SpecialType.System_Boolean or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16 or
                SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Char or SpecialType.System_Single or SpecialType.System_IntPtr or SpecialType.System_UIntPtr,
        };
    }
}
