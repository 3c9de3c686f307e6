using System.Linq;
using System.Threading.Tasks;
using RaceGuard.ConcurrencyModel;
using static RaceGuard.Tests.ConcurrencyModel.ModelHarness;

namespace RaceGuard.Tests.ConcurrencyModel
{
    /// <summary>
    /// <see cref="TypeFacts.RacesWith"/> answers the same as comparing every pair, whether it compares pair by pair (few
    /// accesses of a variable) or skips the groups of accesses protected as a whole (<see cref="ProtectionGroups"/>).
    /// </summary>
    public class RaceQueryTests
    {
        [Theory]
        [InlineData(10)]
        [InlineData(80)]
        public async Task RacesWith_EqualsEveryPairCompared(int members)
        {
            var facts = await FactsOfAsync(Program(members));
            var accesses = facts.AccessesByPath.Values.Single(a => a[0].Path.DisplayName == "_count");
            Assert.True(accesses.Length > 2 * members, "the probe should have many accesses of one variable");

            foreach (var access in accesses)
            {
                var everyPair = accesses.Where(other => facts.RacesAsSharedInstance(access, other) || ParallelismQuery.Races(access, other)).ToList();
                Assert.Equal(everyPair, facts.RacesWith(access));
            }
        }

        [Theory]
        [InlineData(10)]
        [InlineData(80)]
        public async Task UnlockedWriteInTheLoop_RacesWithEveryLockedWriteAndRead_LockedWriteOnlyWithTheUnlockedOnes(int members)
        {
            var facts = await FactsOfAsync(Program(members));
            var unlocked = facts.Access("_count++", 0);
            var locked = facts.Access("_count--");

            var racingUnlocked = facts.RacesWith(unlocked);
            Assert.Equal(2 * members, racingUnlocked.Count(a => a.Member.Symbol.Name.StartsWith("Add") || a.Member.Symbol.Name.StartsWith("Read")));
            Assert.DoesNotContain(locked, racingUnlocked);

            // The locked write in the loop races with the unlocked reads of the public members, not with their locked writes.
            var racingLocked = facts.RacesWith(locked);
            Assert.Equal(members, racingLocked.Length);
            Assert.All(racingLocked, a => Assert.StartsWith("Read", a.Member.Symbol.Name));
        }

        private static string Program(int members) => $$"""
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly object _gate = new object();
                private int _count;

                public C() => _ = Task.Run(Loop);

                private async Task Loop()
                {
                    while (true)
                    {
                        _count++;
                        lock (_gate)
                        {
                            _count--;
                        }

                        await Task.Delay(1);
                    }
                }

                {{string.Concat(Enumerable.Range(0, members).Select(i => $$"""
                    public void Add{{i}}() { lock (_gate) { _count++; } }
                    public int Read{{i}}() => _count;

                """))}}
            }
            """;
    }
}
