using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// A method that code of another type runs as a region (this folder's README.md, "Concurrency beyond the type"): a
    /// callback of a concurrent analyzer registered on another object, a method of another object that a thread, timer,
    /// task or parallel body calls, an override that a base class hands to a thread.
    /// </summary>
    public sealed class ExternalStart
    {
        public ExternalStart(RegionKind kind, string construct, Multiplicity multiplicity, bool escapes, bool sameObject, bool joinedWhereStarted, ISymbol startingMember, SyntaxNode start)
        {
            SameObject = sameObject;
            JoinedWhereStarted = joinedWhereStarted;
            Kind = kind;
            Construct = construct;
            Multiplicity = multiplicity;
            Escapes = escapes;
            StartingMember = startingMember;
            Start = start;
        }

        /// <summary>The kind of the entry point the other type hands its work to.</summary>
        public RegionKind Kind { get; }

        /// <summary>How messages name the region: "Task.Run lambda", "RegisterSymbolAction callback 'AnalyzeMethod'".</summary>
        public string Construct { get; }

        /// <summary>Many when instances of the region run in parallel on the same object (a parallel body, analyzer callbacks).</summary>
        public Multiplicity Multiplicity { get; }

        /// <summary>
        /// True when the region outlives the code that starts it (a thread, a timer, a background loop): it runs in parallel
        /// with whatever else uses the object. A short task, or a parallel body, runs in parallel only with other runs.
        /// </summary>
        public bool Escapes { get; }

        /// <summary>True when every run calls the same object (a field, a static, a captured variable), not one element each.</summary>
        public bool SameObject { get; }

        /// <summary>True when the starter waits for the region where it starts it (<c>await Task.Run(..)</c>, <c>Parallel.ForEach</c>).</summary>
        public bool JoinedWhereStarted { get; }

        /// <summary>The member of the other type whose code starts the region.</summary>
        public ISymbol StartingMember { get; }

        /// <summary>The start: the entry point's call or creation.</summary>
        public SyntaxNode Start { get; }

        /// <summary>"Task.Run lambda in Client.Connect()".</summary>
        public string Describe() => Construct + " in " + StartingMember.ContainingType?.Name + "." + StartingMember.DescribeMember();
    }

    /// <summary>
    /// Per compilation, built on first use: which methods code of another type runs as regions. One pass over the syntax
    /// finds the calls and creations that may be entry points (by name, per tree, kept while the tree lives); only those are
    /// bound. A region's body is searched for calls into other source types (through the region's own type's methods,
    /// <see cref="MaxDepth"/> deep); a call through an object the region creates itself shares nothing and is left out.
    /// </summary>
    public sealed class RegionIndex
    {
        /// <summary>How deep a region's calls into its own type's methods are followed to find calls into other types.</summary>
        private const int MaxDepth = 3;

        /// <summary>A virtual or interface method with more implementations than this is too general to follow.</summary>
        private const int MaxImplementations = 8;

        private static readonly ImmutableDictionary<IMethodSymbol, ImmutableArray<ExternalStart>> None =
            ImmutableDictionary<IMethodSymbol, ImmutableArray<ExternalStart>>.Empty.WithComparers(SymbolEqualityComparer.Default);

        private readonly Compilation compilation;
        private readonly KnownSymbols known;
        private readonly Lazy<ImmutableDictionary<IMethodSymbol, ImmutableArray<ExternalStart>>> index;

        /// <summary>
        /// What each tree with a start contributed to the index of the compilation that indexed it last, kept while the tree
        /// lives (in the IDE, across edits of other documents) and taken over by the next compilation when nothing it depends
        /// on changed (<see cref="TreeRegions.IsValidIn"/>). It names symbols by documentation ID, so no compilation is kept.
        /// </summary>
        private static readonly ConditionalWeakTable<SyntaxTree, StrongBox<TreeRegions?>> ByTree = new ConditionalWeakTable<SyntaxTree, StrongBox<TreeRegions?>>();

        // Used only while the index is built, on one thread (the Lazy runs the build once).
        private readonly Dictionary<IMethodSymbol, IOperation?> bodies = new Dictionary<IMethodSymbol, IOperation?>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, List<IMethodSymbol>> implementations = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IOperation, bool> acquiresIn = new Dictionary<IOperation, bool>();

        /// <summary>The trees whose code the search of the tree being indexed reads (its own, and those of the bodies it follows).</summary>
        private HashSet<SyntaxTree>? reads;

        /// <summary>Methods a compilation-end action runs (<c>RegisterCompilationEndAction(state.Report)</c>), filled by the build.</summary>
        private readonly HashSet<IMethodSymbol> endActions = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

        internal RegionIndex(Compilation compilation, KnownSymbols known)
        {
            this.compilation = compilation;
            this.known = known;
            index = new Lazy<ImmutableDictionary<IMethodSymbol, ImmutableArray<ExternalStart>>>(Build, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>
        /// True when <paramref name="member"/> is what a compilation-end action of the program runs
        /// (<c>RegisterCompilationEndAction(state.Report)</c>, <c>end => state.Report(end)</c>): it runs after every other
        /// action of the compilation, never beside them.
        /// </summary>
        public bool RunsAtCompilationEnd(ISymbol member)
        {
            _ = index.Value;
            return member is IMethodSymbol method && endActions.Contains(method.OriginalDefinition);
        }

        /// <summary>The method a compilation-end action runs: a method group, or a lambda that only calls one method.</summary>
        private static IMethodSymbol? EndActionOf(IOperation delegateValue) => delegateValue.GetDelegateTarget() switch
        {
            IMethodReferenceOperation reference => reference.Method,
            IAnonymousFunctionOperation { Body: var body } => body.DescendantsOutsideFunctions().OfType<IInvocationOperation>().ToList() is { Count: 1 } calls ? calls[0].TargetMethod : null,
            _ => null,
        };

        /// <summary>The regions code of other types runs <paramref name="member"/> in, in source order; empty for most members.</summary>
        public ImmutableArray<ExternalStart> StartsOf(ISymbol member) =>
            member is IMethodSymbol method && index.Value.TryGetValue(method.OriginalDefinition, out var starts) ? starts : ImmutableArray<ExternalStart>.Empty;

        /// <summary>Trees whose results this index took over from the compilation that indexed them before (for tests).</summary>
        internal int TreesTakenOver { get; private set; }

        private ImmutableDictionary<IMethodSymbol, ImmutableArray<ExternalStart>> Build()
        {
            var shape = new CompilationShape(compilation);
            var found = new Dictionary<IMethodSymbol, List<ExternalStart>>(SymbolEqualityComparer.Default);
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (TreeIndex.Of(tree).StartCandidates.IsEmpty)
                {
                    continue;
                }

                var starts = ByTree.TryGetValue(tree, out var kept) && kept.Value is { } before && before.IsValidIn(compilation, shape) ? before.StartsIn(compilation, endActions) : null;
                if (starts is null)
                {
                    ByTree.GetOrCreateValue(tree).Value = IndexTree(tree, shape, out starts);
                }
                else
                {
                    TreesTakenOver++;
                }

                foreach (var (target, start) in starts)
                {
                    if (!found.TryGetValue(target, out var list))
                    {
                        list = new List<ExternalStart>();
                        found[target] = list;
                    }

                    list.Add(start);
                }
            }

            bodies.Clear();
            implementations.Clear();
            acquiresIn.Clear();
            if (found.Count == 0)
            {
                return None;
            }

            return found.ToImmutableDictionary(
                e => e.Key,
                e => e.Value.OrderBy(s => s.Start.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(s => s.Start.SpanStart).ToImmutableArray(),
                (IEqualityComparer<IMethodSymbol>)SymbolEqualityComparer.Default);
        }

        /// <summary>Binds the starts of one tree and searches the regions they begin; what it finds, also in a form to keep.</summary>
        private TreeRegions IndexTree(SyntaxTree tree, CompilationShape shape, out List<(IMethodSymbol Target, ExternalStart Start)> starts)
        {
            reads = new HashSet<SyntaxTree> { tree };
            var found = new Dictionary<IMethodSymbol, List<ExternalStart>>(SymbolEqualityComparer.Default);
            var ends = new List<IMethodSymbol>();
            var model = compilation.GetSemanticModelForAnalysis(tree);
            foreach (var node in TreeIndex.Of(tree).StartCandidates)
            {
                if (model.GetOperation(node) is not { } operation || !EntryPoints.IsCandidate(operation, known, ImmutableHashSet<string>.Empty) ||
                    StartingMemberOf(model, node) is not { ContainingType: { } starterType } member)
                {
                    continue;
                }

                foreach (var start in EntryPoints.GetStarts(operation, known, ImmutableHashSet<string>.Empty))
                {
                    if (start.Entry == "RegisterCompilationEndAction" && EndActionOf(start.DelegateValue) is { } endAction)
                    {
                        ends.Add(endAction.OriginalDefinition);
                    }

                    if (start.Kind == RegionKind.AnalyzerAction &&
                        (start.Entry.Contains("End") || !ConcurrentUse.EnablesConcurrentAnalyzerActions(starterType, known)))
                    {
                        // End actions run after the others; an analyzer that does not enable concurrency runs one at a time.
                        continue;
                    }

                    new Search(this, start, operation, member, starterType, found).Run();
                }
            }

            endActions.UnionWith(ends);
            starts = found.SelectMany(e => e.Value.Select(start => (e.Key, start))).ToList();
            var regions = new TreeRegions(starts, ends, reads, shape);
            reads = null;
            return regions;
        }

        /// <summary>Notes that the search of the tree being indexed reads the code of <paramref name="symbol"/>'s declarations.</summary>
        private void Reads(ISymbol symbol)
        {
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                reads?.Add(reference.SyntaxTree);
            }
        }

        /// <summary>
        /// What every tree's index depends on beyond the code its search reads: the declarations of the whole compilation
        /// (an edit inside a method body leaves them; a new member, type or signature does not), its options and references.
        /// </summary>
        private readonly struct CompilationShape
        {
            public CompilationShape(Compilation compilation)
            {
                var declarations = 14695981039346656037UL;
                foreach (var tree in compilation.SyntaxTrees)
                {
                    declarations = (declarations ^ TreeIndex.Of(tree).DeclarationsFingerprint) * 1099511628211UL;
                    declarations = (declarations ^ (ulong)StringComparer.Ordinal.GetHashCode(tree.FilePath)) * 1099511628211UL;
                }

                Declarations = declarations;
                Options = compilation.Options;
                References = compilation.References.ToImmutableArray();
            }

            public ulong Declarations { get; }

            public CompilationOptions Options { get; }

            public ImmutableArray<MetadataReference> References { get; }
        }

        /// <summary>
        /// What one tree's starts contributed to the index of a compilation, without its symbols: the methods of other types
        /// they run and those compilation-end actions run, by documentation ID; the trees whose code the search read, and
        /// the shape of that compilation. Only weak references leave the tree, so keeping this keeps no compilation alive.
        /// </summary>
        private sealed class TreeRegions
        {
            /// <summary>Default when a symbol has no documentation ID (a member of top-level statements): never taken over.</summary>
            private readonly ImmutableArray<KeptStart> starts;
            private readonly ImmutableArray<string> endActions;
            private readonly ImmutableArray<WeakReference<SyntaxTree>> reads;
            private readonly ulong declarations;
            private readonly CompilationOptions options;
            private readonly ImmutableArray<WeakReference<MetadataReference>> references;

            public TreeRegions(List<(IMethodSymbol Target, ExternalStart Start)> starts, List<IMethodSymbol> endActions, HashSet<SyntaxTree> reads, CompilationShape shape)
            {
                var kept = starts.Select(s => KeptStart.Of(s.Target, s.Start)).ToList();
                var ends = endActions.Select(DocumentationCommentId.CreateDeclarationId).ToList();
                var complete = kept.All(k => k is not null) && ends.All(id => id is not null);
                this.starts = complete ? kept.Select(k => k!).ToImmutableArray() : default;
                this.endActions = complete ? ends.Select(id => id!).ToImmutableArray() : ImmutableArray<string>.Empty;
                this.reads = reads.Select(tree => new WeakReference<SyntaxTree>(tree)).ToImmutableArray();
                declarations = shape.Declarations;
                options = shape.Options;
                references = shape.References.Select(reference => new WeakReference<MetadataReference>(reference)).ToImmutableArray();
            }

            /// <summary>
            /// True when <paramref name="compilation"/> has the same declarations, options and references as the compilation
            /// that indexed the tree, and still holds every tree whose code the search read, unchanged.
            /// </summary>
            public bool IsValidIn(Compilation compilation, CompilationShape shape)
            {
                if (starts.IsDefault || declarations != shape.Declarations || !options.Equals(shape.Options) || references.Length != shape.References.Length)
                {
                    return false;
                }

                for (var i = 0; i < references.Length; i++)
                {
                    if (!references[i].TryGetTarget(out var reference) || !ReferenceEquals(reference, shape.References[i]))
                    {
                        return false;
                    }
                }

                return reads.All(read => read.TryGetTarget(out var tree) && compilation.ContainsSyntaxTree(tree));
            }

            /// <summary>
            /// The starts with the symbols of <paramref name="compilation"/>, adding the methods end actions run to
            /// <paramref name="endActionsFound"/>; null when a symbol cannot be found again.
            /// </summary>
            public List<(IMethodSymbol Target, ExternalStart Start)>? StartsIn(Compilation compilation, HashSet<IMethodSymbol> endActionsFound)
            {
                var result = new List<(IMethodSymbol, ExternalStart)>(starts.Length);
                foreach (var kept in starts)
                {
                    if (Resolve(kept.Target, compilation) is not IMethodSymbol target || Resolve(kept.StartingMember, compilation) is not { } startingMember)
                    {
                        return null;
                    }

                    result.Add((target, kept.In(startingMember)));
                }

                var ends = new List<IMethodSymbol>(endActions.Length);
                foreach (var id in endActions)
                {
                    if (Resolve(id, compilation) is not IMethodSymbol end)
                    {
                        return null;
                    }

                    ends.Add(end);
                }

                endActionsFound.UnionWith(ends);
                return result;
            }

            private static ISymbol? Resolve(string id, Compilation compilation) =>
                DocumentationCommentId.GetFirstSymbolForDeclarationId(id, compilation)?.OriginalDefinition;
        }

        /// <summary>An <see cref="ExternalStart"/> and the method it runs, with both symbols named by documentation ID.</summary>
        private sealed class KeptStart
        {
            private readonly RegionKind kind;
            private readonly string construct;
            private readonly Multiplicity multiplicity;
            private readonly bool escapes;
            private readonly bool sameObject;
            private readonly bool joinedWhereStarted;
            private readonly SyntaxNode start;

            private KeptStart(string target, string startingMember, ExternalStart start)
            {
                Target = target;
                StartingMember = startingMember;
                kind = start.Kind;
                construct = start.Construct;
                multiplicity = start.Multiplicity;
                escapes = start.Escapes;
                sameObject = start.SameObject;
                joinedWhereStarted = start.JoinedWhereStarted;
                this.start = start.Start;
            }

            public string Target { get; }

            public string StartingMember { get; }

            public static KeptStart? Of(IMethodSymbol target, ExternalStart start) =>
                DocumentationCommentId.CreateDeclarationId(target) is { } targetId && DocumentationCommentId.CreateDeclarationId(start.StartingMember) is { } memberId
                    ? new KeptStart(targetId, memberId, start)
                    : null;

            /// <summary>The start in a compilation where its starting member is <paramref name="startingMember"/>.</summary>
            public ExternalStart In(ISymbol startingMember) =>
                new ExternalStart(kind, construct, multiplicity, escapes, sameObject, joinedWhereStarted, startingMember, start);
        }

        /// <summary>The method, accessor or constructor whose code holds <paramref name="node"/> (not a lambda or local function in it).</summary>
        private static ISymbol? StartingMemberOf(SemanticModel model, SyntaxNode node)
        {
            var symbol = model.GetEnclosingSymbol(node.SpanStart);
            while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                symbol = symbol.ContainingSymbol;
            }

            return symbol;
        }

        /// <summary>True when <paramref name="invocation"/> stands under an exclusive lock taken in <paramref name="body"/>.</summary>
        private bool IsLockedIn(IInvocationOperation invocation, IOperation body)
        {
            if (!acquiresIn.TryGetValue(body, out var acquires))
            {
                acquires = Guards.MayAcquire(body, known);
                acquiresIn[body] = acquires;
            }

            return Guards.GetGuardsAt(invocation, body, known, acquires).Any(g => g.Exclusive);
        }

        private IOperation? BodyOf(IMethodSymbol method)
        {
            method = method.OriginalDefinition;
            Reads(method);
            if (!bodies.TryGetValue(method, out var body))
            {
                body = compilation.DeclarationOperationOf(method) is var operation && operation is ILocalFunctionOperation local ? local.Body ?? local.IgnoredBody : operation;
                bodies[method] = body;
            }

            return body;
        }

        /// <summary>
        /// The source methods a call of <paramref name="method"/> may run: itself when it has a body, and for a virtual,
        /// abstract or interface method the overrides and implementations the compilation declares (none beyond
        /// <see cref="MaxImplementations"/>).
        /// </summary>
        private IEnumerable<IMethodSymbol> ImplementationsOf(IMethodSymbol method)
        {
            method = method.OriginalDefinition;
            if (!implementations.TryGetValue(method, out var results))
            {
                results = FindImplementations(method);
                implementations[method] = results;
            }

            return results;
        }

        private List<IMethodSymbol> FindImplementations(IMethodSymbol method)
        {
            var results = new List<IMethodSymbol>();
            if (!method.IsAbstract && method.MethodKind == MethodKind.Ordinary && !method.DeclaringSyntaxReferences.IsEmpty)
            {
                results.Add(method);
            }

            var isInterface = method.ContainingType?.TypeKind == TypeKind.Interface;
            if (!(method.IsVirtual || method.IsAbstract || method.IsOverride || isInterface) || method.IsSealed)
            {
                return results;
            }

            foreach (var candidate in compilation.GetSymbolsWithName(method.Name, SymbolFilter.Member).OfType<IMethodSymbol>())
            {
                if (candidate.IsAbstract || candidate.DeclaringSyntaxReferences.IsEmpty || SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, method))
                {
                    continue;
                }

                if (isInterface
                        ? candidate.ContainingType is { } implementing && SymbolEqualityComparer.Default.Equals(implementing.FindImplementationForInterfaceMember(method)?.OriginalDefinition, candidate.OriginalDefinition)
                        : Overrides(candidate, method))
                {
                    results.Add(candidate.OriginalDefinition);
                    if (results.Count > MaxImplementations)
                    {
                        return new List<IMethodSymbol>();
                    }
                }
            }

            return results;
        }

        private static bool Overrides(IMethodSymbol candidate, IMethodSymbol method)
        {
            for (var overridden = candidate.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, method))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The search of one region's body for the methods of other types it runs.</summary>
        private sealed class Search
        {
            private readonly RegionIndex owner;
            private readonly EntryPointStart start;
            private readonly ISymbol member;
            private readonly INamedTypeSymbol starterType;
            private readonly Dictionary<IMethodSymbol, List<ExternalStart>> found;
            private readonly Multiplicity multiplicity;

            /// <summary>The loop the start stands in: a variable declared in it is another one in each iteration.</summary>
            private readonly SyntaxNode? loop;
            private readonly HashSet<IMethodSymbol> visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            private readonly List<(IMethodSymbol Method, string Construct, bool SameObject, bool Direct)> targets = new List<(IMethodSymbol, string, bool, bool)>();

            /// <summary>The <c>this</c> parameters of extension methods followed, and whether the object they got is shared.</summary>
            private readonly Dictionary<IParameterSymbol, bool> receivers = new Dictionary<IParameterSymbol, bool>(SymbolEqualityComparer.Default);

            /// <summary>Fields of the starter whose objects the region calls (<c>_statsd.Send()</c>).</summary>
            private readonly HashSet<IFieldSymbol> calledFields = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);

            /// <summary>While the starter's own members are searched: only calls on these fields count.</summary>
            private HashSet<IFieldSymbol>? onlyFields;

            private bool regionLoops;

            public Search(RegionIndex owner, EntryPointStart start, IOperation operation, ISymbol member, INamedTypeSymbol starterType, Dictionary<IMethodSymbol, List<ExternalStart>> found)
            {
                this.owner = owner;
                this.start = start;
                this.member = member;
                this.starterType = starterType;
                this.found = found;

                // Started in a loop: many instances, like a parallel body.
                loop = operation.FindAncestor<ILoopOperation>()?.Syntax;
                multiplicity = start.Multiplicity == Multiplicity.Many || loop is not null ? Multiplicity.Many : Multiplicity.Once;
            }

            public void Run()
            {
                switch (start.DelegateValue.GetDelegateTarget())
                {
                    case IAnonymousFunctionOperation function:
                        Scan(function.Body, function.Syntax, depth: 0);
                        break;
                    case IMethodReferenceOperation { Method: var method } reference:
                        var construct = RegionKinds.ConstructName(start.Kind, start.Entry, method);
                        var instance = reference.Instance?.WalkDownConversion();
                        if (instance is null && method.MethodKind != MethodKind.LocalFunction && !starterType.IsOrDerivesFrom(method.ContainingType))
                        {
                            // new Thread(Worker.Run): a static method of another type; the runs share its static state.
                            targets.Add((method.OriginalDefinition, construct, true, true));
                        }
                        else if (method.MethodKind == MethodKind.LocalFunction || instance is null or IInstanceReferenceOperation)
                        {
                            // new Thread(Run): a virtual Run runs every override; its own body may call into other objects.
                            if (instance is IInstanceReferenceOperation && (method.IsVirtual || method.IsAbstract || method.IsOverride))
                            {
                                AddImplementationsOnThis(method, construct, direct: true);
                            }

                            Follow(method, depth: 0);
                        }
                        else if (instance is not IObjectCreationOperation || start.Multiplicity == Multiplicity.Many)
                        {
                            // RegisterSymbolAction(state.AnalyzeMethod): every run calls the one object the delegate holds.
                            AddImplementations(method, construct, sameObject: true, direct: true);
                        }

                        break;
                }

                Record(targets, member, start.Start.Syntax);

                // A background loop (or thread) that calls _statsd.Send() while the starter's own members call _statsd.Send()
                // for their callers: the callee runs in parallel with itself on the one object the field holds.
                if (!start.JoinedAtStart && calledFields.Count > 0 && (regionLoops || start.Kind is RegionKind.Thread or RegionKind.Timer or RegionKind.TimerElapsed))
                {
                    PairWithTheStartersOwnCalls();
                }
            }

            private void PairWithTheStartersOwnCalls()
            {
                onlyFields = new HashSet<IFieldSymbol>(calledFields, SymbolEqualityComparer.Default);
                var names = new HashSet<string>(calledFields.Select(f => f.Name), StringComparer.Ordinal);
                var regionMethods = new HashSet<IMethodSymbol>(visited, SymbolEqualityComparer.Default);
                owner.Reads(starterType);
                foreach (var other in starterType.GetMembers().OfType<IMethodSymbol>())
                {
                    if (regionMethods.Contains(other.OriginalDefinition) || other.IsStatic || other.IsAbstract || Lifecycle.IsShutdown(other) ||
                        other.MethodKind is not (MethodKind.Ordinary or MethodKind.PropertyGet or MethodKind.PropertySet) ||
                        other.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal) ||
                        !other.DeclaringSyntaxReferences.Any(r => r.GetSyntax().DescendantNodes().OfType<IdentifierNameSyntax>().Any(n => names.Contains(n.Identifier.ValueText))) ||
                        owner.BodyOf(other) is not { } body)
                    {
                        continue;
                    }

                    targets.Clear();
                    visited.Clear();
                    visited.Add(other.OriginalDefinition);
                    foreach (var invocation in body.DescendantsOutsideFunctions().OfType<IInvocationOperation>())
                    {
                        if (CallsOnlyField(invocation))
                        {
                            ScanCall(invocation, body, regionSyntax: null, depth: MaxDepth - 1);
                        }
                    }

                    Record(targets.Where(t => t.SameObject).Select(t => (t.Method, "concurrent call", t.SameObject, false)).ToList(), other, body.Syntax, fromMember: true);
                }
            }

            /// <summary>True for a call on one of <see cref="onlyFields"/>: <c>_statsd.Send()</c>, or an extension method given it.</summary>
            private bool CallsOnlyField(IInvocationOperation invocation)
            {
                var receiver = invocation.Instance ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
                return receiver?.WalkDownConversion() is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation, Field: var field } && onlyFields!.Contains(field.OriginalDefinition);
            }

            private void Record(IEnumerable<(IMethodSymbol Method, string Construct, bool SameObject, bool Direct)> found, ISymbol startingMember, SyntaxNode startSyntax, bool fromMember = false)
            {
                foreach (var (method, construct, sameObject, direct) in found)
                {
                    if (SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, starterType.OriginalDefinition))
                    {
                        continue;
                    }

                    // The object's own thread or timer callback (new Thread(_pump.Loop)), or a loop of its own: it outlives
                    // its start and runs in parallel with whatever else uses the object. A call the region makes into
                    // another object on the way runs in parallel only with other runs: whoever else uses that object is
                    // usually the starter, which coordinates its calls (a semaphore, a state check) in ways not seen here.
                    var escapes = !fromMember && !start.JoinedAtStart && direct &&
                                  (start.Kind is RegionKind.Thread or RegionKind.Timer or RegionKind.TimerElapsed || (owner.BodyOf(method) is { } body && HasLoop(body)));
                    var joined = !fromMember && (start.JoinedAtStart || start.Start.WalkUpTaskPassThrough(out _) is IAwaitOperation);
                    if (!this.found.TryGetValue(method, out var list))
                    {
                        list = new List<ExternalStart>();
                        this.found[method] = list;
                    }

                    var kind = fromMember ? RegionKind.AsyncFanOut : start.Kind;
                    list.Add(new ExternalStart(kind, construct, sameObject && !fromMember ? multiplicity : Multiplicity.Once, escapes, sameObject, joined, startingMember, startSyntax));
                }
            }

            private static bool HasLoop(IOperation body) =>
                body.DescendantsOutsideFunctions().Any(o => o is IWhileLoopOperation or IForLoopOperation { Condition: null });

            /// <summary>Searches the body of a method of the region's own type (or a local function) that the region runs.</summary>
            private void Follow(IMethodSymbol method, int depth)
            {
                if (depth >= MaxDepth || !visited.Add(method.OriginalDefinition) || method.IsAbstract || owner.BodyOf(method.OriginalDefinition) is not { } body)
                {
                    return;
                }

                // Locals and parameters of a method are its own: each run has its own.
                Scan(body, regionSyntax: null, depth + 1);
            }

            private void Scan(IOperation body, SyntaxNode? regionSyntax, int depth)
            {
                foreach (var operation in body.DescendantsOutsideFunctions())
                {
                    if (depth <= 1 && onlyFields is null && operation is IWhileLoopOperation or IForLoopOperation { Condition: null })
                    {
                        regionLoops = true;
                    }

                    if (operation is IInvocationOperation invocation)
                    {
                        ScanCall(invocation, body, regionSyntax, depth);
                    }
                }
            }

            private void ScanCall(IInvocationOperation invocation, IOperation body, SyntaxNode? regionSyntax, int depth)
            {
                var method = invocation.TargetMethod;
                var instance = invocation.Instance?.WalkDownConversion();
                var ownWork = method.MethodKind == MethodKind.LocalFunction || instance is IInstanceReferenceOperation ||
                              (instance is null && !method.IsExtensionMethod && method.ContainingType is { } declaring && starterType.IsOrDerivesFrom(declaring));
                if (!ownWork && (method.MethodKind != MethodKind.Ordinary || method.ContainingType is not { } type || !IsSourceType(type)))
                {
                    return;
                }

                if (!ownWork && owner.known.GetNonThreadSafeCollection(method.ContainingType) is not null)
                {
                    // _recent.Add(url) on a collection class of the program that guards nothing: the race is the caller's
                    // change of the shared collection, which RG0001 reports where it stands, not inside the collection.
                    return;
                }

                if (owner.IsLockedIn(invocation, body))
                {
                    // The region calls under a lock of its own: the starter coordinates the calls, not the callee.
                    return;
                }

                var construct = RegionKinds.ConstructName(start.Kind, start.Entry, method: null);
                if (ownWork)
                {
                    // Work of the region's own type: a virtual method runs the overrides of derived types too.
                    if (instance is IInstanceReferenceOperation && (method.IsVirtual || method.IsAbstract) && !method.DeclaringSyntaxReferences.IsEmpty)
                    {
                        AddImplementationsOnThis(method, construct, direct: true);
                    }

                    Follow(method, depth);
                }
                else if (method.IsExtensionMethod && instance is null && invocation.Arguments.Length > 0 && method.Parameters.Length > 0)
                {
                    // _statsd.Increment(..) through an extension method of the program: the object goes on as its this parameter.
                    if (Sharing(invocation.Arguments[0].Value.WalkDownConversion(), regionSyntax) is { } shared)
                    {
                        NoteCalledField(invocation.Arguments[0].Value);
                        receivers[method.Parameters[0].OriginalDefinition] = shared;
                        Follow(method, depth);
                    }
                }
                else if (instance is null)
                {
                    // A static method of another type: its static state is what the runs share.
                    targets.Add((method.OriginalDefinition, construct, true, false));
                }
                else if (Sharing(instance, regionSyntax) is { } sameObject)
                {
                    NoteCalledField(instance);
                    AddImplementations(method, construct, sameObject, direct: depth == 0 && IsTheWholeBody(invocation, body));
                }
            }

            /// <summary>
            /// True when the call is all the region's lambda does (<c>() => _pump.Loop()</c>, <c>async () => await
            /// _pump.RunAsync()</c>): the callee is the region's body, as with a method group.
            /// </summary>
            private static bool IsTheWholeBody(IInvocationOperation invocation, IOperation body)
            {
                if (body is not IBlockOperation { Operations: var statements } || statements.Count(s => !s.IsImplicit || s is not IReturnOperation { ReturnedValue: null }) != 1)
                {
                    return false;
                }

                IOperation? value = statements[0] switch
                {
                    IExpressionStatementOperation statement => statement.Operation,
                    IReturnOperation { ReturnedValue: { } returned } => returned,
                    _ => null,
                };

                value = value?.WalkDownConversion();
                if (value is IAwaitOperation awaited)
                {
                    value = awaited.Operation.WalkDownConversion();
                }

                while (value is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } inner })
                {
                    value = inner.WalkDownConversion();
                }

                return ReferenceEquals(value, invocation);
            }

            private void NoteCalledField(IOperation receiver)
            {
                if (receiver.WalkDownConversion() is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation, Field: { IsStatic: false } field })
                {
                    calledFields.Add(field.OriginalDefinition);
                }
            }

            /// <summary>
            /// The overrides a virtual call on the starter's own object may run: those of its own type, its bases and the
            /// types deriving from it. A timer of <c>HttpClientEx</c> that calls the virtual <c>OnDisconnected()</c> never
            /// runs the override of <c>WsClient</c>, a sibling that derives from the same base.
            /// </summary>
            private void AddImplementationsOnThis(IMethodSymbol method, string construct, bool direct)
            {
                foreach (var implementation in owner.ImplementationsOf(method))
                {
                    if (implementation.ContainingType is { } type && (type.IsOrDerivesFrom(starterType) || starterType.IsOrDerivesFrom(type)))
                    {
                        targets.Add((implementation, construct, true, direct));
                    }
                }
            }

            /// <summary>
            /// Adds what a call of <paramref name="method"/> runs; <paramref name="direct"/> when it is the region's own body
            /// (a method group handed to the entry point, an override the base class's thread body runs).
            /// </summary>
            private void AddImplementations(IMethodSymbol method, string construct, bool sameObject, bool direct)
            {
                foreach (var implementation in owner.ImplementationsOf(method))
                {
                    targets.Add((implementation, construct, sameObject, direct));
                }
            }

            /// <summary>
            /// Whether the object a call of the region goes to is the same for every run (a field, a static, a variable the
            /// region captures: true), another object reachable from elsewhere (a local read from a field, an element:
            /// false), or a new object only this run knows (null: the call shares nothing).
            /// </summary>
            private bool? Sharing(IOperation instance, SyntaxNode? regionSyntax)
            {
                switch (instance)
                {
                    case IObjectCreationOperation:
                        return null;
                    case IFieldReferenceOperation { Instance: var inner }:
                        return inner is null || inner.WalkDownConversion() is IInstanceReferenceOperation || Sharing(inner.WalkDownConversion(), regionSyntax) == true;
                    case IPropertyReferenceOperation { Instance: var inner, Arguments.IsEmpty: true }:
                        return inner is null || inner.WalkDownConversion() is IInstanceReferenceOperation || Sharing(inner.WalkDownConversion(), regionSyntax) == true;
                    case ILocalReferenceOperation { Local: var local }:
                        if (IsDeclaredOutside(local, regionSyntax))
                        {
                            return true;
                        }

                        // var parser = new Parser(..); parser.Run(): an object this run made, nobody else has it.
                        return IsOnlyCreated(local, instance) ? null : false;
                    case IParameterReferenceOperation { Parameter: var parameter }:
                        return receivers.TryGetValue(parameter.OriginalDefinition, out var received) ? received : IsDeclaredOutside(parameter, regionSyntax);
                    default:
                        return false;
                }
            }

            /// <summary>
            /// True when <paramref name="symbol"/> is declared outside the region's lambda, and outside the loop that starts it:
            /// every run captures the same one.
            /// </summary>
            private bool IsDeclaredOutside(ISymbol symbol, SyntaxNode? regionSyntax) =>
                regionSyntax is not null && symbol.DeclaringSyntaxReferences.All(r =>
                    r.SyntaxTree != regionSyntax.SyntaxTree || (!regionSyntax.Span.Contains(r.Span) && (loop is null || !loop.Span.Contains(r.Span))));

            /// <summary>True when every value <paramref name="local"/> is given in the code around <paramref name="use"/> is a new object.</summary>
            private static bool IsOnlyCreated(ILocalSymbol local, IOperation use)
            {
                var root = use;
                while (root.Parent is not null)
                {
                    root = root.Parent;
                }

                var assigned = false;
                foreach (var operation in root.Descendants())
                {
                    IOperation? value = operation switch
                    {
                        IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) => declarator.Initializer?.Value,
                        ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local) => assignment.Value,
                        _ => null,
                    };

                    if (value is not null)
                    {
                        assigned = true;
                        if (value.WalkDownConversion() is not IObjectCreationOperation)
                        {
                            return false;
                        }
                    }
                }

                return assigned;
            }

            private static bool IsSourceType(INamedTypeSymbol type) =>
                type.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface && type.Locations.Any(l => l.IsInSource);
        }
    }
}
