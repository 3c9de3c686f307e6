using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>What kind of synchronisation a guard is.</summary>
    public enum GuardKind
    {
        Lock,
        Monitor,
        Semaphore,
        Mutex,
        ReaderWriterLock,
        SpinLock,
        LockType,

        /// <summary>An integer field claimed with <c>Interlocked</c> (<c>if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return;</c>) until it is reset.</summary>
        Claim,
    }

    /// <summary>
    /// The object a guard synchronises on: a symbol (field, local, <c>this</c> as the containing type) or, for
    /// anything else, the text of the expression.
    /// </summary>
    public readonly struct GuardKey : IEquatable<GuardKey>
    {
        private readonly string? text;

        public GuardKey(ISymbol? symbol, string text)
        {
            Symbol = symbol;
            this.text = text;
        }

        public ISymbol? Symbol { get; }

        /// <summary>How the code names the guard; empty for <c>default(GuardKey)</c>.</summary>
        public string Text => text ?? string.Empty;

        public bool Equals(GuardKey other) =>
            SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol) && string.Equals(Text, other.Text, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is GuardKey other && Equals(other);

        public override int GetHashCode() => (SymbolEqualityComparer.Default.GetHashCode(Symbol) * 397) ^ StringComparer.Ordinal.GetHashCode(Text);

        public override string ToString() => Text;
    }

    /// <summary>A lock, monitor, semaphore or similar held at an access.</summary>
    public sealed class Guard
    {
        public Guard(GuardKey key, GuardKind kind, bool exclusive, IOperation acquire, bool heldByCaller = false)
        {
            Key = key;
            Kind = kind;
            Exclusive = exclusive;
            Acquire = acquire;
            HeldByCaller = heldByCaller;
        }

        /// <summary>
        /// True for a lock the member's callers hold on entry (<see cref="Guards.HeldOnEntry(IOperation, IOperation, IMethodSymbol, KnownSymbols, System.Threading.CancellationToken)"/>): it protects the access,
        /// but a lock of another type (a subclass's or a caller's) says nothing about how this type guards its state.
        /// </summary>
        public bool HeldByCaller { get; }

        /// <summary>
        /// True when this guard shows how <paramref name="type"/> guards its own state: taken by the type's own code, or held
        /// by callers on a lock the type or a source base type declares. A claim made with <c>Interlocked</c> keeps its
        /// code to one thread but shows no policy (a run-once initialisation never gives it back): it protects, and is
        /// never the lock the rest of the state is measured against.
        /// </summary>
        public bool IsOwnedBy(INamedTypeSymbol type)
        {
            if (Kind == GuardKind.Claim)
            {
                return false;
            }

            if (!HeldByCaller)
            {
                return true;
            }

            var declaring = Key.Symbol switch
            {
                IFieldSymbol or IPropertySymbol => Key.Symbol.ContainingType,
                INamedTypeSymbol self => self,
                _ => null,
            };

            return type.IsOrDerivesFrom(declaring);
        }

        /// <summary>The same guard, held by the callers of the member where it is used.</summary>
        public Guard AsHeldByCaller() => HeldByCaller ? this : new Guard(Key, Kind, Exclusive, Acquire, heldByCaller: true);

        /// <summary>The same lock, named as the code of another instance names it (<c>_owner.Context.Lock</c> is <c>Context.Lock</c> inside <c>_owner</c>).</summary>
        public Guard WithKey(GuardKey key) => new Guard(key, Kind, Exclusive, Acquire, HeldByCaller);

        public GuardKey Key { get; }

        public GuardKind Kind { get; }

        /// <summary>False for a reader lock: it protects reads from writers but not writers from each other.</summary>
        public bool Exclusive { get; }

        /// <summary>The <c>lock</c> statement or the acquiring call.</summary>
        public IOperation Acquire { get; }
    }

    /// <summary>
    /// The guards held at one access, computed on first use: most accesses are never asked about (a rule queries only the
    /// variables it cares for), and finding acquires in earlier statements is the costliest part of a walk. In two stages:
    /// <see cref="Own"/>, the locks the code around the access takes itself (its member, or the walk's callers down to it),
    /// and <see cref="Value"/>, those and the locks the member's callers hold on entry, which asks the method summaries
    /// (binding call sites across the compilation). A pair that its own locks protect never needs the second stage.
    /// </summary>
    public sealed class GuardSet
    {
        public static readonly GuardSet Empty = new GuardSet(ImmutableArray<Guard>.Empty);

        private readonly Lazy<ImmutableArray<Guard>> own;
        private readonly Lazy<ImmutableArray<Guard>>? all;

        /// <param name="own">The locks the code takes itself.</param>
        /// <param name="all">All locks held, own ones included; null when they are the own ones.</param>
        public GuardSet(Func<ImmutableArray<Guard>> own, Func<ImmutableArray<Guard>>? all = null)
        {
            this.own = new Lazy<ImmutableArray<Guard>>(own, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            this.all = all is null ? null : new Lazy<ImmutableArray<Guard>>(all, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public GuardSet(ImmutableArray<Guard> guards)
        {
            own = new Lazy<ImmutableArray<Guard>>(() => guards, System.Threading.LazyThreadSafetyMode.PublicationOnly);
        }

        /// <summary>The locks the code around the access takes itself: a subset of <see cref="Value"/>.</summary>
        public ImmutableArray<Guard> Own => own.Value;

        /// <summary>Every guard held, the callers' locks on entry included.</summary>
        public ImmutableArray<Guard> Value => (all ?? own).Value;

        /// <summary>True when no caller's lock can add to <see cref="Own"/>.</summary>
        public bool IsOwnOnly => all is null;

        /// <summary>Both sets of <paramref name="outer"/> (held first) and <paramref name="inner"/>, stage by stage.</summary>
        public static GuardSet Concat(GuardSet outer, GuardSet inner) => new GuardSet(
            () => Concat(outer.Own, inner.Own),
            outer.IsOwnOnly && inner.IsOwnOnly ? null : () => Concat(outer.Value, inner.Value));

        internal static ImmutableArray<Guard> Concat(ImmutableArray<Guard> first, ImmutableArray<Guard> second) =>
            first.IsEmpty ? second : second.IsEmpty ? first : first.AddRange(second);
    }
}
