using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using RaceGuard.Configuration;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// Wires the model into an analyzer: gathers the operation blocks of each named type and, at the type's end,
    /// builds its <see cref="TypeFacts"/> when any member starts a region, then hands them to the rule.
    /// </summary>
    public static class ConcurrencyAnalysis
    {
        [System.Diagnostics.CodeAnalysis.SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1012", Justification = "Registers a symbol start action on the context it is given.")]
        public static void RegisterTypeFactsAction(CompilationStartAnalysisContext context, KnownSymbols known, Action<SymbolAnalysisContext, TypeFacts> action)
        {
            context.RegisterSymbolStartAction(
                symbolStart =>
                {
                    var type = (INamedTypeSymbol)symbolStart.Symbol;
                    var blocks = new ConcurrentQueue<MemberBlocks>();
                    var hasCandidate = 0;
                    symbolStart.RegisterOperationBlockAction(blockContext =>
                    {
                        if (blockContext.OperationBlocks.IsEmpty)
                        {
                            return;
                        }

                        var configured = blockContext.Options.GetConcurrentEntryPoints(blockContext.OperationBlocks[0].Syntax.SyntaxTree);
                        blocks.Enqueue(new MemberBlocks(blockContext.OwningSymbol, blockContext.OperationBlocks, configured));
                        if (Volatile.Read(ref hasCandidate) == 0 &&
                            (EntryPoints.IsBackgroundServiceLoop(blockContext.OwningSymbol) ||
                             blockContext.OperationBlocks.Any(block => block.DescendantsAndSelf().Any(o => EntryPoints.IsCandidate(o, known, configured)))))
                        {
                            Interlocked.Exchange(ref hasCandidate, 1);
                        }
                    });

                    symbolStart.RegisterSymbolEndAction(symbolEnd =>
                    {
                        if (Volatile.Read(ref hasCandidate) == 0)
                        {
                            return;
                        }

                        TypeFacts facts;
                        try
                        {
                            facts = TypeFacts.Build(type, blocks, known);
                        }
                        catch (InsufficientExecutionStackException)
                        {
                            // Code nested too deeply to walk on this thread's stack: report nothing for the type.
                            return;
                        }

                        if (facts.HasRegions)
                        {
                            action(symbolEnd, facts);
                        }
                    });
                },
                SymbolKind.NamedType);
        }
    }
}
