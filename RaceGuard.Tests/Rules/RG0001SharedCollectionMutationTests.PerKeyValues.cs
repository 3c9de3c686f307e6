using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Per-key objects looked up, then changed (RULES.md, RG0001 shapes): the object a dictionary hands out for a key is
    /// shared by everyone using that key, so its collections race when two runs with the same key change them; and the
    /// look-alikes (a thread-safe member collection, the use inside the lock of the lookup).
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        private const string TagIndex = """
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            public sealed class UserTags
            {
                public HashSet<string> Tags { get; } = new HashSet<string>();
            }

            public sealed class TagIndex
            {
                private readonly ConcurrentDictionary<string, UserTags> _byUser = new ConcurrentDictionary<string, UserTags>();

                public void Ingest(IEnumerable<(string User, string Tag)> events)
                {
                    Parallel.ForEach(events, e =>
                    {
                        var entry = _byUser.GetOrAdd(e.User, _ => new UserTags());
                        {|#0:entry.Tags.Add(e.Tag)|};
                    });
                }
            }
            """;

        [Fact]
        public async Task Reports_CollectionOfAPerKeyObjectFromGetOrAddChangedByParallelBodies()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                TagIndex,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                    "_byUser[…].Tags",
                    "HashSet<string>",
                    "by a Parallel.ForEach body",
                    "another run may change it",
                    "guard it with a lock"));
        }

        [Fact]
        public async Task Silent_PerKeyObjectWhoseCollectionIsThreadSafe()
        {
            var source = TagIndex
                .Edit("public HashSet<string> Tags { get; } = new HashSet<string>();", "public ConcurrentDictionary<string, byte> Tags { get; } = new ConcurrentDictionary<string, byte>();")
                .Edit("{|#0:entry.Tags.Add(e.Tag)|}", "entry.Tags.TryAdd(e.Tag, 0)");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_PerKeyObjectCreatedForEachRun()
        {
            // A new object per run is nobody else's: only what the dictionary hands out is shared.
            var source = TagIndex
                .Edit("var entry = _byUser.GetOrAdd(e.User, _ => new UserTags());", "var entry = new UserTags();\n            _byUser[e.User] = entry;")
                .Edit("{|#0:entry.Tags.Add(e.Tag)|}", "entry.Tags.Add(e.Tag)");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string GameServer = """
            using System.Collections.Generic;

            public sealed class PlayerState
            {
                public Dictionary<string, int> Inventory { get; } = new Dictionary<string, int>();
            }

            public sealed class GameServer
            {
                private readonly object _sync = new object();
                private readonly Dictionary<string, PlayerState> _players = new Dictionary<string, PlayerState>();

                public void Join(string id)
                {
                    lock (_sync)
                    {
                        _players[id] = new PlayerState();
                    }
                }

                public void Pickup(string id, string item)
                {
                    PlayerState player;
                    lock (_sync)
                    {
                        player = _players[id];
                    }

                    {|#0:player.Inventory[item] = 1|};
                }
            }
            """;

        [Fact]
        public async Task Reports_PerKeyObjectLookedUpUnderTheLockAndChangedAfterIt()
        {
            await VerifyCS.VerifyAnalyzerAsync(
                GameServer,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments(
                    "_players[…].Inventory",
                    "Dictionary<string, int>",
                    "in Pickup()",
                    "another call may change it",
                    "guard it with a lock or use a ConcurrentDictionary"));
        }

        [Fact]
        public async Task Silent_PerKeyObjectChangedInsideTheLockOfItsLookup()
        {
            var source = GameServer
                .Edit("player = _players[id];", "player = _players[id];\n            player.Inventory[item] = 1;")
                .Edit("\n\n        {|#0:player.Inventory[item] = 1|};", string.Empty);
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
