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
    }
}
