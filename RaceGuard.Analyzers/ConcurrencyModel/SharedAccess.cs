using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>What an access does to the shared variable.</summary>
    public enum AccessKind
    {
        /// <summary>A plain read of the variable, or a call that only reads the object it holds.</summary>
        Read,

        /// <summary>A plain assignment to the variable.</summary>
        Write,

        /// <summary><c>x++</c>, <c>x += 1</c>, <c>x = x + 1</c>.</summary>
        ReadModifyWrite,

        /// <summary>A call or indexer assignment that changes the contents of the collection the variable holds.</summary>
        MutatingCall,

        /// <summary>A send or write on the socket, stream, pipe or writer the variable holds (<c>SendAsync</c>, <c>WriteAsync</c>, <c>Flush</c>).</summary>
        Send,

        /// <summary>Acquiring the lock, semaphore or monitor the variable holds (<c>Wait</c>, <c>WaitAsync</c>, <c>EnterWriteLock</c>).</summary>
        Acquire,

        /// <summary>Releasing the lock, semaphore or monitor the variable holds (<c>Release</c>, <c>Exit</c>, <c>ExitWriteLock</c>).</summary>
        Release,
    }

    /// <summary>How an access reaches the variable's value.</summary>
    public enum AccessVia
    {
        /// <summary>The variable itself: read, assigned, passed, returned.</summary>
        Variable,

        /// <summary>A method called on the value (<see cref="SharedAccess.MemberName"/> names it).</summary>
        Call,

        /// <summary>A property of the value (<see cref="SharedAccess.MemberName"/> names it).</summary>
        Property,

        /// <summary>An indexer of the value (<c>dict[key]</c>).</summary>
        Indexer,

        /// <summary>An element of the array the variable holds (<c>array[i]</c>).</summary>
        ArrayElement,

        /// <summary>A <c>foreach</c> over the value.</summary>
        Enumeration,

        /// <summary>
        /// Handed by <c>ref</c> or <c>out</c> to a method (<c>Interlocked.Increment(ref x)</c>, <c>SetTimestamp(ref x)</c>):
        /// the callee may read and write it, but the access is no <c>x++</c>-style update of its own.
        /// </summary>
        ReferenceArgument,
    }

    /// <summary>
    /// The variable an access reaches: a local, parameter or field (through <c>this</c> or static), or a member of one
    /// (<c>_conn.Socket</c>, <c>worker.Items</c>). Compared by symbols.
    /// </summary>
    public readonly struct AccessPath : IEquatable<AccessPath>
    {
        private readonly ImmutableArray<ISymbol> symbols;

        public AccessPath(ImmutableArray<ISymbol> symbols)
        {
            this.symbols = symbols;
        }

        /// <summary>The symbols from the root; empty for <c>default(AccessPath)</c>.</summary>
        public ImmutableArray<ISymbol> Symbols => symbols.IsDefault ? ImmutableArray<ISymbol>.Empty : symbols;

        /// <summary>The first symbol: a local, parameter, field or property; null for <c>default(AccessPath)</c>.</summary>
        public ISymbol? Root => Symbols.IsEmpty ? null : Symbols[0];

        /// <summary>The last symbol, whose value the path holds; null for <c>default(AccessPath)</c>.</summary>
        public ISymbol? Last => Symbols.IsEmpty ? null : Symbols[Symbols.Length - 1];

        /// <summary>True for the empty path (<c>default</c>): no variable.</summary>
        public bool IsDefault => symbols.IsDefaultOrEmpty;

        /// <summary>True when the path is a field or property of the instance or type (not rooted at a local).</summary>
        public bool IsMemberOfType => Root is IFieldSymbol or IPropertySymbol;

        /// <summary>The type of the value the path holds.</summary>
        public ITypeSymbol? Type => Last switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        /// <summary>How messages name it: <c>list</c>, <c>_items</c>, <c>worker.Items</c>, <c>groups[…]</c> (a value of a dictionary).</summary>
        public string DisplayName => string.Concat(Symbols.Select((s, i) =>
            s is IPropertySymbol { IsIndexer: true } ? "[…]" : (i == 0 ? string.Empty : ".") + s.Name));

        public AccessPath Append(ISymbol symbol) => new AccessPath(Symbols.Add(symbol));

        public bool Equals(AccessPath other)
        {
            var symbols = Symbols;
            if (symbols.Length != other.Symbols.Length)
            {
                return false;
            }

            for (var i = 0; i < symbols.Length; i++)
            {
                if (!SymbolEqualityComparer.Default.Equals(symbols[i], other.Symbols[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is AccessPath other && Equals(other);

        public override int GetHashCode()
        {
            var hash = 17;
            foreach (var symbol in Symbols)
            {
                hash = (hash * 31) + SymbolEqualityComparer.Default.GetHashCode(symbol);
            }

            return hash;
        }

        public override string ToString() => DisplayName;
    }

    /// <summary>One read, write or mutating call of shared state, with where it runs and what protects it.</summary>
    public sealed class SharedAccess
    {
        private readonly GuardSet guardSet;

        internal SharedAccess(
            AccessPath path,
            AccessKind kind,
            IOperation operation,
            IOperation reportOperation,
            IOperation anchor,
            ConcurrentRegion? region,
            GuardSet guards,
            bool isAtomic,
            bool isPartitionedByParallelIndex,
            AccessVia via,
            string? memberName,
            ITypeSymbol? assignedType,
            MemberFacts member)
        {
            Path = path;
            Kind = kind;
            Operation = operation;
            ReportOperation = reportOperation;
            Anchor = anchor;
            Region = region;
            guardSet = guards;
            IsAtomic = isAtomic;
            IsPartitionedByParallelIndex = isPartitionedByParallelIndex;
            Via = via;
            MemberName = memberName;
            AssignedType = assignedType;
            Member = member;
        }

        public AccessPath Path { get; }

        public AccessKind Kind { get; }

        /// <summary>The reference to the variable.</summary>
        public IOperation Operation { get; }

        /// <summary>Where a rule reports: the mutating call, the indexer assignment, the increment; else the reference.</summary>
        public IOperation ReportOperation { get; }

        /// <summary>The position of the access in the body of its region (or member): the access itself, or the call site it was reached through.</summary>
        public IOperation Anchor { get; }

        /// <summary>The innermost region the access runs in; null for the member's own code.</summary>
        public ConcurrentRegion? Region { get; }

        /// <summary>
        /// The declaration of the method, accessor or local function whose code holds the access (a lambda's is its
        /// member's): for an access reached through a call, the callee's, where <see cref="Member"/> is the caller.
        /// </summary>
        public SyntaxNode? DeclaringCode =>
            Operation.Syntax.FirstAncestorOrSelf<SyntaxNode>(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax or
                Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax);

        /// <summary>The guards held at the access (computed on first use).</summary>
        public ImmutableArray<Guard> Guards => guardSet.Value;

        /// <summary>
        /// The guards the code around the access takes itself, without the locks its member's callers hold on entry (a
        /// subset of <see cref="Guards"/>, cheaper: protection they give needs no look at the callers).
        /// </summary>
        public ImmutableArray<Guard> OwnGuards => guardSet.Own;

        /// <summary>Through Interlocked or Volatile, or a plain read or write of a volatile field.</summary>
        public bool IsAtomic { get; }

        /// <summary>An element access indexed by the <c>Parallel.For</c> loop variable: each iteration owns its element.</summary>
        public bool IsPartitionedByParallelIndex { get; }

        /// <summary>The invoked member, for calls on the variable (<c>Add</c>, <c>ContainsKey</c>, <c>this[]</c>).</summary>
        public string? MemberName { get; }

        /// <summary>How the access reaches the value: the variable itself, a call, property, indexer, element or enumeration.</summary>
        public AccessVia Via { get; }

        /// <summary>For writes and initialisers: the type of the value stored.</summary>
        public ITypeSymbol? AssignedType { get; }

        /// <summary>The facts of the member the access was collected for.</summary>
        public MemberFacts Member { get; }

        /// <summary>True for accesses that change the variable or what it holds: writes, mutations and sends (two sends conflict).</summary>
        public bool IsWrite => Kind is AccessKind.Write or AccessKind.ReadModifyWrite or AccessKind.MutatingCall or AccessKind.Send;

        public Location Location => ReportOperation.Syntax.GetLocation();

        /// <summary>
        /// Where the access runs, for messages: "by a Task.Run lambda", "in Main()", or for an access reached through a
        /// call "in Cleanup() (called from Break())". <paramref name="brief"/> keeps the concurrent construct and drops the
        /// rest: "by the Timer callback 'Tick'", "in Cleanup()".
        /// </summary>
        public string DescribePlace(bool brief = false)
        {
            var callee = CalledMethod();
            if (Region is { } region)
            {
                return callee is null || brief ? "by " + region.Describe(brief) : "in " + callee.DescribeMember() + " (called by " + region.Describe(brief: true) + ")";
            }

            if (callee is null)
            {
                return "in " + Member.Describe();
            }

            return brief ? "in " + callee.DescribeMember() : "in " + callee.DescribeMember() + " (called from " + Member.Describe() + ")";
        }

        /// <summary>
        /// Who runs the access, as the subject of a message's other side: "Register()", "the Timer callback 'Tick'",
        /// "a Task.Run lambda"; for an access reached through a call, the method that holds it.
        /// </summary>
        public string DescribeActor() =>
            Region is { } region ? region.Describe(brief: true) : (CalledMethod()?.DescribeMember() ?? Member.Describe());

        /// <summary>
        /// True when the access runs only on one thread: in the own code of a member confined to it, under a test of the
        /// thread affinity (<c>if (dispatcher.CheckAccess()) ..</c>), or in a callee that asserts it.
        /// </summary>
        public bool IsConfinedToOneThread => confined ??=
            Region is null && Member.MayBeConfinedToOneThread &&
            (Member.IsConfinedToOneThread || Member.CallsAMethodConfinedToOneThread(Anchor) ||
             Member.Bodies.Any(body => Anchor.IsWithin(body.Syntax) && ThreadAffinity.RunsOnOneThread(Anchor, body)));

        /// <summary>Memo of <see cref="IsConfinedToOneThread"/> (asked for every pair the access is in; the same answer each time).</summary>
        private bool? confined;

        /// <summary>
        /// <see cref="DescribePlace"/> for the access a diagnostic is reported at, with the caller that reaches it without
        /// the lock its other callers hold (kept in the brief form too): "in ClearAll() (called without '_gate' from Reset())".
        /// </summary>
        public string DescribeReportedPlace(bool brief = false)
        {
            var place = DescribePlace(brief);
            return Region is null && Guards.IsEmpty && Member.UnlockedCaller() is { } path
                ? place + " (called without '" + path.Lock + "' from " + path.Caller + ")"
                : place;
        }

        /// <summary>The method of the type whose code holds the access when the walk reached it through a call, else null.</summary>
        private IMethodSymbol? CalledMethod()
        {
            if (ReferenceEquals(Anchor, ReportOperation) || Operation.SemanticModel is not { } model)
            {
                return null;
            }

            var symbol = model.GetEnclosingSymbol(Operation.Syntax.SpanStart);
            while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                symbol = symbol.ContainingSymbol;
            }

            return symbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method &&
                   !SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, Member.Symbol.OriginalDefinition) &&
                   !SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, Region?.Method?.OriginalDefinition)
                ? method
                : null;
        }
    }
}
