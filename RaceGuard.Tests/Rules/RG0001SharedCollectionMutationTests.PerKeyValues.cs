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

        private const string CartService = """
            using System.Collections.Concurrent;
            using System.Collections.Generic;

            public sealed class Cart
            {
                public Dictionary<string, int> Lines { get; } = new Dictionary<string, int>();
            }

            public sealed class CartService
            {
                private readonly ConcurrentDictionary<string, Cart> _carts = new ConcurrentDictionary<string, Cart>();

                public void AddItem(string user, string sku, int quantity)
                {
                    var cart = _carts.GetOrAdd(user, _ => new Cart());
                    {|#0:cart.Lines[sku] = quantity|};
                }

                public bool RemoveItem(string user, string sku) => _carts.TryGetValue(user, out var cart) && {|#1:cart.Lines.Remove(sku)|};
            }
            """;

        [Fact]
        public async Task Reports_PlainCollectionInAValueOfAConcurrentDictionaryChangedByTheMembersThatLookItUp()
        {
            // The dictionary is the type's only synchronisation: the members that look a cart up there were written for
            // concurrent use, and two requests of one user change the same cart's lines.
            await VerifyCS.VerifyAnalyzerAsync(
                CartService,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments("_carts[…].Lines", "Dictionary<string, int>", "in AddItem()", "RemoveItem() and others may change it", "guard it with a lock or use a ConcurrentDictionary"),
                VerifyCS.Diagnostic("RG0001").WithLocation(1).WithArguments("_carts[…].Lines", "Dictionary<string, int>", "in RemoveItem()", "AddItem() and others may change it", "guard it with a lock or use a ConcurrentDictionary"));
        }

        [Fact]
        public async Task Silent_ValueOfAConcurrentDictionaryWhoseCollectionIsConcurrentToo()
        {
            var source = CartService
                .Edit("public Dictionary<string, int> Lines { get; } = new Dictionary<string, int>();", "public ConcurrentDictionary<string, int> Lines { get; } = new ConcurrentDictionary<string, int>();")
                .Edit("{|#0:cart.Lines[sku] = quantity|}", "cart.Lines[sku] = quantity")
                .Edit("{|#1:cart.Lines.Remove(sku)|}", "cart.Lines.TryRemove(sku, out _)");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        private const string RoomRegistry = """
            using System.Collections.Generic;

            public sealed class ChatRoom
            {
                public HashSet<string> Members { get; } = new HashSet<string>();
            }

            public sealed class RoomRegistry
            {
                private readonly object _sync = new object();
                private readonly Dictionary<string, ChatRoom> _rooms = new Dictionary<string, ChatRoom>();

                public void Join(string name, string user)
                {
                    ChatRoom? room;
                    lock (_sync)
                    {
                        if (!_rooms.TryGetValue(name, out room))
                        {
                            room = new ChatRoom();
                            _rooms.Add(name, room);
                        }
                    }

                    {|#0:room.Members.Add(user)|};
                }
            }
            """;

        [Fact]
        public async Task Reports_RoomFoundOrCreatedUnderTheLockThenChangedOutsideIt()
        {
            // The room created on a miss is stored for the next caller: both branches hand out the room everyone joining it shares.
            await VerifyCS.VerifyAnalyzerAsync(
                RoomRegistry,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments("_rooms[…].Members", "HashSet<string>", "in Join()", "another call of Join() may change it on another thread", "guard it with a lock"));
        }

        [Fact]
        public async Task Silent_RoomFoundOrCreatedAndChangedUnderTheLock()
        {
            var source = RoomRegistry.Edit("{|#0:room.Members.Add(user)|};", "lock (_sync) { room.Members.Add(user); }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_ListSortedAfterWaitAllOfTheTasksCopiedFromAList()
        {
            // Task.WaitAll(pending.ToArray()) joins every task the list holds, List<T>.ToArray() as much as Enumerable's.
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public sealed class MirrorCheck
                {
                    public List<string> Unreachable(string[] mirrors)
                    {
                        var unreachable = new List<string>();
                        var pending = new List<Task>();
                        foreach (var mirror in mirrors)
                        {
                            pending.Add(Task.Run(() =>
                            {
                                lock (unreachable)
                                {
                                    unreachable.Add(mirror);
                                }
                            }));
                        }

                        Task.WaitAll(pending.ToArray());
                        unreachable.Sort();
                        return unreachable;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
