using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Editing;
using RaceGuard.ConcurrencyModel;

namespace RaceGuard.CodeFixes.Editing
{
    /// <summary>
    /// What every fix works with, made once by <see cref="DocumentRewriteCodeFixProvider"/> for each rewrite: the
    /// document, its root and semantic model, one editor, the syntax generator, and the compilation's well-known symbols
    /// (the same table the analyzers resolve types and members through).
    /// </summary>
    public sealed class EditContext
    {
        private EditContext(DocumentEditor editor, KnownSymbols known, CancellationToken cancellationToken)
        {
            Editor = editor;
            Known = known;
            CancellationToken = cancellationToken;
        }

        /// <summary>The editor of this rewrite (a new one for every rewrite: a code action may be previewed and then applied).</summary>
        public DocumentEditor Editor { get; }

        public KnownSymbols Known { get; }

        public CancellationToken CancellationToken { get; }

        public Document Document => Editor.OriginalDocument;

        public SyntaxNode Root => Editor.OriginalRoot;

        public SemanticModel Model => Editor.SemanticModel;

        public SyntaxGenerator Generator => Editor.Generator;

        /// <summary>The document with the editor's changes.</summary>
        public Document ChangedDocument() => Editor.GetChangedDocument();

        public static async Task<EditContext> CreateAsync(Document document, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            return new EditContext(editor, KnownSymbols.For(editor.SemanticModel.Compilation), cancellationToken);
        }
    }
}
