using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// The accesses of one variable grouped by what protects them: write or read, atomic or not, and the guards held
    /// (each with its exclusivity). Two accesses race only when at least one writes and no common guard or atomicity
    /// protects the pair, and that depends on the groups alone: a race query skips every group that protects the pair as
    /// a whole and looks at single accesses only in the rest. In code that locks consistently the rest is small, so the
    /// queries of one variable cost about its number of accesses times the number of groups, not its accesses squared.
    /// </summary>
    public sealed class ProtectionGroups
    {
        private ProtectionGroups(ImmutableArray<Group> groups)
        {
            Groups = groups;
        }

        public ImmutableArray<Group> Groups { get; }

        /// <summary>Groups <paramref name="accesses"/>; each group keeps the indices of its accesses in their order.</summary>
        public static ProtectionGroups Of(ImmutableArray<SharedAccess> accesses)
        {
            var bySignature = new Dictionary<Signature, List<int>>();
            var order = new List<Signature>();
            for (var i = 0; i < accesses.Length; i++)
            {
                var signature = Signature.Of(accesses[i]);
                if (!bySignature.TryGetValue(signature, out var indices))
                {
                    indices = new List<int>();
                    bySignature.Add(signature, indices);
                    order.Add(signature);
                }

                indices.Add(i);
            }

            return new ProtectionGroups(order.Select(s => new Group(accesses[bySignature[s][0]], bySignature[s].ToImmutableArray())).ToImmutableArray());
        }

        /// <summary>The accesses of one signature: what holds for its representative holds for each of them.</summary>
        public sealed class Group
        {
            internal Group(SharedAccess representative, ImmutableArray<int> indices)
            {
                Representative = representative;
                Indices = indices;
            }

            public SharedAccess Representative { get; }

            /// <summary>The positions of the group's accesses in the variable's list of accesses, ascending.</summary>
            public ImmutableArray<int> Indices { get; }

            /// <summary>
            /// True when no access of the group can race with <paramref name="access"/>: neither writes, both are atomic,
            /// or a guard held at both excludes every writer (<see cref="ParallelismQuery.CommonGuard(SharedAccess, SharedAccess)"/>).
            /// </summary>
            public bool Protects(SharedAccess access) =>
                (!access.IsWrite && !Representative.IsWrite) ||
                (access.IsAtomic && Representative.IsAtomic) ||
                ParallelismQuery.CommonGuard(access, Representative) is not null;
        }

        /// <summary>Write or read, atomic or not, and the set of (guard, exclusive) held.</summary>
        private readonly struct Signature : IEquatable<Signature>
        {
            private readonly bool isWrite;
            private readonly bool isAtomic;
            private readonly ImmutableArray<(GuardKey Key, bool Exclusive)> guards;

            private Signature(bool isWrite, bool isAtomic, ImmutableArray<(GuardKey, bool)> guards)
            {
                this.isWrite = isWrite;
                this.isAtomic = isAtomic;
                this.guards = guards;
            }

            public static Signature Of(SharedAccess access) => new Signature(
                access.IsWrite,
                access.IsAtomic,
                access.Guards.Select(g => (g.Key, g.Exclusive)).Distinct().OrderBy(g => g.Key.Text, StringComparer.Ordinal).ThenBy(g => g.Exclusive).ToImmutableArray());

            public bool Equals(Signature other) =>
                isWrite == other.isWrite && isAtomic == other.isAtomic && guards.SequenceEqual(other.guards);

            public override bool Equals(object? obj) => obj is Signature other && Equals(other);

            public override int GetHashCode()
            {
                var hash = (isWrite ? 1 : 0) | (isAtomic ? 2 : 0);
                foreach (var guard in guards)
                {
                    hash = (hash * 31) ^ guard.Key.GetHashCode() ^ (guard.Exclusive ? 7 : 0);
                }

                return hash;
            }
        }
    }
}
