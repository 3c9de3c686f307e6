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
    /// Wires the model into the host analyzer: gathers the operation blocks of each named type and, at the type's end,
    /// builds its <see cref="TypeFacts"/> once when the type's gate is open (it starts a region, is built for concurrent
    /// use, or is a framework entry point), then hands them to the rules.
    /// </summary>
    public static class ConcurrencyAnalysis
    {
        [System.Diagnostics.CodeAnalysis.SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1012", Justification = "Registers a symbol start action on the context it is given.")]
        public static void RegisterTypeFactsAction(CompilationStartAnalysisContext context, KnownSymbols known, ConcurrencySources needed, Action<SymbolAnalysisContext, TypeFacts> action)
        {
            context.RegisterSymbolStartAction(
                symbolStart =>
                {
                    var type = (INamedTypeSymbol)symbolStart.Symbol;
                    if (type.Locations.FirstOrDefault(l => l.IsInSource)?.SourceTree is not { } tree)
                    {
                        return;
                    }

                    // A source no active rule needs does not open the gate (the facts are built for the others anyway).
                    var sharedInstances = (needed & ConcurrencySources.SharedInstances) != 0;
                    var frameworks = (needed & ConcurrencySources.FrameworkEntryPoints) != 0;
                    var regions = (needed & ConcurrencySources.Regions) != 0;
                    var infer = sharedInstances && symbolStart.Options.GetInferThreadSafeTypes(tree);
                    var declared = sharedInstances ? ConcurrentUse.FromDeclaration(type, known, symbolStart.Options.GetThreadSafeTypes(tree), infer) : SharedInstanceEvidence.None;
                    var analyzerActions = frameworks && ConcurrentUse.EnablesConcurrentAnalyzerActions(type, known);
                    var context = new TypeContext(analyzerActions, turnBased: known.IsTurnBasedType(type));
                    var blocks = new ConcurrentQueue<MemberBlocks>();
                    var gateOpen = declared != SharedInstanceEvidence.None || analyzerActions ? 1 : 0;
                    var bodyEvidence = (int)SharedInstanceEvidence.None;
                    var ownedLocks = new OwnedLocks();
                    symbolStart.RegisterOperationBlockAction(blockContext =>
                    {
                        if (blockContext.OperationBlocks.IsEmpty)
                        {
                            return;
                        }

                        var owner = blockContext.OwningSymbol;
                        var configured = blockContext.Options.GetConcurrentEntryPoints(blockContext.OperationBlocks[0].Syntax.SyntaxTree);
                        var synchronises = false;
                        var candidate = (frameworks && (EntryPoints.IsBackgroundServiceLoop(owner, known) || ConcurrentUse.FrameworkEntryOf(owner, known) != FrameworkEntryKind.None)) ||
                                        ((regions || frameworks) && !known.Regions.StartsOf(owner).IsEmpty);

                        // One pass over the member: does it start a region, does it synchronise state of its type?
                        foreach (var operation in blockContext.OperationBlocks.SelectMany(b => b.DescendantsAndSelf()))
                        {
                            if (!candidate && regions && EntryPoints.StartsRegion(operation, known, configured))
                            {
                                candidate = true;
                            }

                            if (!synchronises && operation is ILockOperation or IInvocationOperation &&
                                ConcurrentUse.FromOperation(operation, type, known, ownedLocks) is var evidence && evidence != SharedInstanceEvidence.None)
                            {
                                // Interlocked/Volatile on a field is evidence for the type, but a member "synchronises" only
                                // when it takes a lock: one atomic counter does not show it was written for concurrency.
                                synchronises = evidence == SharedInstanceEvidence.LocksItsState;
                                if (infer)
                                {
                                    // The strongest evidence names the reason in messages: a lock before an atomic update.
                                    if (synchronises)
                                    {
                                        Interlocked.Exchange(ref bodyEvidence, (int)evidence);
                                    }
                                    else
                                    {
                                        Interlocked.CompareExchange(ref bodyEvidence, (int)evidence, (int)SharedInstanceEvidence.None);
                                    }
                                }
                            }
                        }

                        blocks.Enqueue(new MemberBlocks(owner, blockContext.OperationBlocks, configured, synchronises));
                        if (candidate)
                        {
                            Interlocked.Exchange(ref gateOpen, 1);
                        }
                    });

                    symbolStart.RegisterSymbolEndAction(symbolEnd =>
                    {
                        var fromBodies = (SharedInstanceEvidence)Volatile.Read(ref bodyEvidence);
                        var evidence = declared is SharedInstanceEvidence.ThreadSafeAttribute or SharedInstanceEvidence.Configured || fromBodies == SharedInstanceEvidence.None
                            ? declared
                            : fromBodies == SharedInstanceEvidence.LocksItsState || declared == SharedInstanceEvidence.None ? fromBodies : declared;
                        if (Volatile.Read(ref gateOpen) == 0 && evidence == SharedInstanceEvidence.None)
                        {
                            return;
                        }

                        TypeFacts facts;
                        try
                        {
                            facts = TypeFacts.Build(type, blocks, known, context.With(evidence), symbolEnd.CancellationToken);
                        }
                        catch (InsufficientExecutionStackException)
                        {
                            // Code nested too deeply to walk on this thread's stack: report nothing for the type.
                            return;
                        }

                        if (facts.HasRegions || facts.SharedInstance != SharedInstanceEvidence.None)
                        {
                            action(symbolEnd, facts);
                        }
                    });
                },
                SymbolKind.NamedType);
        }
    }

    /// <summary>The sources of concurrency a type can have; a rule says which it needs.</summary>
    [Flags]
    public enum ConcurrencySources
    {
        None = 0,

        /// <summary>Regions the type's own code starts (Task.Run, Parallel, timers, threads, un-awaited async calls, ...).</summary>
        Regions = 1,

        /// <summary>The type is built for concurrent use: its public members of one instance run in parallel.</summary>
        SharedInstances = 2,

        /// <summary>Members a framework runs concurrently: middleware, message handlers, concurrent analyzer actions, hosted services.</summary>
        FrameworkEntryPoints = 4,

        All = Regions | SharedInstances | FrameworkEntryPoints,
    }

    /// <summary>What the host knows about a type before walking it: why its members may run in parallel.</summary>
    public readonly struct TypeContext
    {
        public TypeContext(bool analyzerActionsRunConcurrently, SharedInstanceEvidence sharedInstance = SharedInstanceEvidence.None, bool turnBased = false)
        {
            AnalyzerActionsRunConcurrently = analyzerActionsRunConcurrently;
            SharedInstance = sharedInstance;
            TurnBased = turnBased;
        }

        /// <summary>A Roslyn analyzer that enables concurrent execution: its <c>Register*Action</c> callbacks are regions.</summary>
        public bool AnalyzerActionsRunConcurrently { get; }

        /// <summary>Why one instance's externally callable members may run in parallel (None: they are not assumed to).</summary>
        public SharedInstanceEvidence SharedInstance { get; }

        /// <summary>
        /// An actor (<see cref="KnownSymbols.IsTurnBasedType"/>): its un-awaited async calls continue on the actor's own
        /// turn-based scheduler, interleaved with its code but never in parallel with it.
        /// </summary>
        public bool TurnBased { get; }

        public TypeContext With(SharedInstanceEvidence evidence) => new TypeContext(AnalyzerActionsRunConcurrently, evidence, TurnBased);
    }
}
