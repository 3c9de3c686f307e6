using Microsoft.CodeAnalysis;

namespace RaceGuard
{
    /// <summary>Small helpers over <see cref="Compilation"/>.</summary>
    internal static class CompilationExtensions
    {
        /// <summary>
        /// The semantic model of another tree, for facts that cross types (callers' locks). Inside the analyzer driver the
        /// compilation hands out the models the driver caches for its own actions, so bodies are not bound twice.
        /// </summary>
        [System.Diagnostics.CodeAnalysis.SuppressMessage("MicrosoftCodeAnalysisPerformance", "RS1030", Justification = "Cross-type method summaries need the callers' trees; the driver's compilation caches semantic models.")]
        [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0030", Justification = "The one sanctioned use: callers in other types have no analysis context of their own here.")]
        public static SemanticModel GetSemanticModelForAnalysis(this Compilation compilation, SyntaxTree tree) => compilation.GetSemanticModel(tree);

        /// <summary>
        /// The operation of a source method's declaration (a method, constructor or operator body; an
        /// <see cref="Microsoft.CodeAnalysis.Operations.ILocalFunctionOperation"/> for a local function), or null.
        /// </summary>
        public static IOperation? DeclarationOperationOf(this Compilation compilation, IMethodSymbol method, System.Threading.CancellationToken cancellationToken = default)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                if (syntax is Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax &&
                    compilation.GetSemanticModelForAnalysis(reference.SyntaxTree).GetOperation(syntax, cancellationToken) is { } operation)
                {
                    return operation;
                }
            }

            return null;
        }
    }
}
