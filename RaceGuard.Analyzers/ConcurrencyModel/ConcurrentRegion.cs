using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>What kind of entry point started a region.</summary>
    public enum RegionKind
    {
        TaskRun,
        TaskFactoryStartNew,
        NewTask,
        ContinueWith,
        Parallel,

        /// <summary>One action of <c>Parallel.Invoke</c>: a sibling of the other actions.</summary>
        ParallelInvokeAction,
        ThreadPool,
        Thread,
        Timer,

        /// <summary>A <c>System.Timers.Timer.Elapsed</c> handler.</summary>
        TimerElapsed,
        Plinq,
        AsyncFanOut,
        Configured,
        HostedService,

        /// <summary>ASP.NET Core conventional middleware <c>Invoke</c>/<c>InvokeAsync</c>, run for every request at once.</summary>
        Middleware,

        /// <summary>An <c>HttpMessageHandler</c> <c>SendAsync</c>/<c>Send</c> override, run for every request of its client at once.</summary>
        MessageHandler,

        /// <summary>A log sink's <c>Emit</c> or a logger's <c>Log</c>, run by every thread that logs at once.</summary>
        LogSink,

        /// <summary>A callback registered on a Roslyn analysis context by an analyzer that enables concurrent execution.</summary>
        AnalyzerAction,
    }

    /// <summary>Whether instances of a region may run in parallel with each other.</summary>
    public enum Multiplicity
    {
        Once,
        Many,
    }

    /// <summary>
    /// A body of code handed to a concurrency entry point: it may run on another thread, in parallel
    /// with the code that started it (until the join) and with its sibling regions.
    /// </summary>
    public sealed class ConcurrentRegion
    {
        private ImmutableArray<SyntaxNode> calleeBodies = ImmutableArray<SyntaxNode>.Empty;

        internal ConcurrentRegion(
            RegionKind kind,
            string construct,
            IOperation start,
            IOperation? body,
            IMethodSymbol? method,
            IOperation? code,
            ConcurrentRegion? parent,
            ISymbol startingMember,
            RegionPlacement placement,
            SyntaxNode? bodySyntax,
            IParameterSymbol? partitionIndex,
            ConcurrentRegion? antecedent,
            ExternalStart? external = null)
        {
            External = external;
            Kind = kind;
            Construct = construct;
            Start = start;
            Body = body;
            Method = method;
            Code = code;
            Parent = parent;
            StartingMember = startingMember;
            Multiplicity = placement.Multiplicity;
            Handle = placement.Handle;
            Joins = placement.Joins.IsDefault ? ImmutableArray<IOperation>.Empty : placement.Joins;
            StartAnchor = placement.StartAnchor;
            ContextRoot = placement.ContextRoot;
            EnclosingLoop = placement.EnclosingLoop;
            ManyAcrossCalls = placement.ManyAcrossCalls;
            StartedOnce = placement.StartedOnce;
            BodySyntax = bodySyntax;
            PartitionIndex = partitionIndex;
            Antecedent = antecedent;
        }

        public RegionKind Kind { get; }

        /// <summary>Memo of <see cref="ThreadAffinity.RunsTheAffineThread"/> (asked for every pair with a confined side).</summary>
        internal bool? RunsTheAffineThread { get; set; }

        /// <summary>How a message names the construct, e.g. "Task.Run lambda", "Parallel.ForEach body", "Timer callback".</summary>
        public string Construct { get; }

        /// <summary>The operation that starts the region (the <c>Task.Run</c> call, the timer construction, <c>thread.Start()</c>).</summary>
        public IOperation Start { get; }

        /// <summary>The delegate body (lambda, anonymous method or local function), or null when the region runs a method of the type.</summary>
        public IOperation? Body { get; }

        /// <summary>The operations the region runs: the lambda's or local function's body, or the method's body; null when unknown.</summary>
        public IOperation? Code { get; }

        /// <summary>The method the region runs: a method group or an un-awaited async call. Null for lambdas.</summary>
        public IMethodSymbol? Method { get; }

        public Multiplicity Multiplicity { get; }

        /// <summary>The region whose body contains <see cref="Start"/>, or null when it is the member body.</summary>
        public ConcurrentRegion? Parent { get; }

        /// <summary>The member whose body starts the region.</summary>
        public ISymbol StartingMember { get; }

        /// <summary>The local, parameter or field that holds the Task or Thread of the region, when there is one.</summary>
        public ISymbol? Handle { get; }

        /// <summary>The operations (in the starting body) after which the region is known to have finished.</summary>
        public ImmutableArray<IOperation> Joins { get; }

        /// <summary>True when nothing in the starting body waits for the region: it outlives the call that started it.</summary>
        public bool Escapes => Joins.IsEmpty;

        /// <summary>The syntax of the code the region runs (lambda or method body), for scoping: locals declared inside it are not shared.</summary>
        public SyntaxNode? BodySyntax { get; }

        /// <summary>
        /// The position of the start in the parent's body: <see cref="Start"/> itself, or the call site through which
        /// the parent reached a callee that starts the region.
        /// </summary>
        public IOperation StartAnchor { get; }

        /// <summary>The body (of the parent region or member, or of an inlined callee) whose statements hold the start and the joins.</summary>
        public IOperation ContextRoot { get; }

        /// <summary>The innermost loop around the start within <see cref="ContextRoot"/>, if any.</summary>
        public ILoopOperation? EnclosingLoop { get; }

        /// <summary>The <c>Parallel.For</c> index parameter, when the region is such a body.</summary>
        public IParameterSymbol? PartitionIndex { get; }

        /// <summary>
        /// True for a fire-and-forget region started by a member other than a constructor: every call of the member starts
        /// another instance, so fields it touches may be touched by two instances at once.
        /// </summary>
        public bool ManyAcrossCalls { get; }

        /// <summary>
        /// True when the start stands under a test-and-set of a field (<c>if (Interlocked.CompareExchange(ref _state, 1, 0) == 0)</c>):
        /// however many members reach it, the region runs once.
        /// </summary>
        public bool StartedOnce { get; }

        /// <summary>For a <c>ContinueWith</c> continuation: the region it continues, which has finished before it starts.</summary>
        public ConcurrentRegion? Antecedent { get; }

        /// <summary>
        /// For a member that code of another type runs as a region (<see cref="RegionIndex"/>): the first of those starts.
        /// The region is then the member's whole body, and <see cref="Start"/> is that body.
        /// </summary>
        public ExternalStart? External { get; }

        /// <summary>Where the region is started: the entry point's call or creation (in another type's code for an external start).</summary>
        public Location StartLocation => External?.Start.GetLocation() ?? Start.Syntax.GetLocation();

        /// <summary>True when this region only starts after <paramref name="other"/> finished (a continuation of it).</summary>
        public bool RunsAfter(ConcurrentRegion other)
        {
            for (var antecedent = Antecedent; antecedent is not null; antecedent = antecedent.Antecedent)
            {
                if (ReferenceEquals(antecedent, other))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when the region runs the code that declares <paramref name="symbol"/>: its own body, or the body of a
        /// method it calls (a helper's locals belong to each call). Every instance has its own copy. So do the
        /// parameters of a member that code of another type runs as a region (<c>adapter.Call(new Command(..))</c> from
        /// a reader thread): each run passes its own arguments, which the start several calls up does not show.
        /// </summary>
        public bool Declares(ISymbol symbol)
        {
            if (symbol is not (ILocalSymbol or IParameterSymbol))
            {
                return false;
            }

            if (External is not null && symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol owner } && Method is { } entered &&
                SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, entered.OriginalDefinition))
            {
                return true;
            }

            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (Contains(BodySyntax, reference))
                {
                    return true;
                }

                foreach (var callee in calleeBodies)
                {
                    if (Contains(callee, reference))
                    {
                        return true;
                    }
                }
            }

            return false;

            static bool Contains(SyntaxNode? body, SyntaxReference reference) =>
                body is not null && reference.SyntaxTree == body.SyntaxTree && body.Span.Contains(reference.Span);
        }

        /// <summary>
        /// Records the body of a method the region calls (walked inline): locals declared there are per call. The one
        /// thing added to a region after it is made, while the walk goes through its body.
        /// </summary>
        internal void AddCalleeBody(SyntaxNode body)
        {
            if (!calleeBodies.Contains(body))
            {
                calleeBodies = calleeBodies.Add(body);
            }
        }

        /// <summary>
        /// A short description for messages, e.g. "a Task.Run lambda" or "the Timer callback started in Start()";
        /// <paramref name="brief"/> leaves out where it is started ("the Timer callback").
        /// </summary>
        public string Describe(bool brief = false)
        {
            if (External is { } external)
            {
                // "a Task.Run lambda in Client.Connect()": the start is in another type, so it is always named.
                var construct = external.Describe();
                return RegionKinds.Of(Kind).Article == RegionArticle.A ? (StartsWithVowel(construct) ? "an " : "a ") + construct : "the " + construct;
            }

            return RegionKinds.Of(Kind).Article switch
            {
                RegionArticle.TheStartedIn when brief => "the " + Construct,
                RegionArticle.TheStartedIn => "the " + Construct + " started in " + StartingMember.DescribeMember(),
                RegionArticle.The => "the " + Construct,
                _ => (StartsWithVowel(Construct) ? "an " : "a ") + Construct,
            };
        }


        private static bool StartsWithVowel(string text) => text.Length > 0 && "AEIOUaeiou".IndexOf(text[0]) >= 0;
    }

    /// <summary>Where a region stands in the code that starts it, worked out by the walker before the region is made.</summary>
    internal readonly struct RegionPlacement
    {
        public RegionPlacement(Multiplicity multiplicity, ISymbol? handle, ImmutableArray<IOperation> joins, IOperation startAnchor, IOperation contextRoot, ILoopOperation? enclosingLoop, bool manyAcrossCalls, bool startedOnce)
        {
            Multiplicity = multiplicity;
            Handle = handle;
            Joins = joins;
            StartAnchor = startAnchor;
            ContextRoot = contextRoot;
            EnclosingLoop = enclosingLoop;
            ManyAcrossCalls = manyAcrossCalls;
            StartedOnce = startedOnce;
        }

        public Multiplicity Multiplicity { get; }

        public ISymbol? Handle { get; }

        public ImmutableArray<IOperation> Joins { get; }

        public IOperation StartAnchor { get; }

        public IOperation ContextRoot { get; }

        public ILoopOperation? EnclosingLoop { get; }

        public bool ManyAcrossCalls { get; }

        public bool StartedOnce { get; }
    }
}
