using System.Linq;
using System.Threading.Tasks;
using RaceGuard.ConcurrencyModel;
using static RaceGuard.Tests.ConcurrencyModel.ModelHarness;

namespace RaceGuard.Tests.ConcurrencyModel
{
    /// <summary>The model finds a region for every entry point of RULES.md, with its kind, multiplicity and join.</summary>
    public class ConcurrentRegionTests
    {
        [Theory]
        [InlineData("var t = Task.Run(() => list.Add(1)); await t;", RegionKind.TaskRun, Multiplicity.Once, false)]
        [InlineData("await Task.Factory.StartNew(() => list.Add(1));", RegionKind.TaskFactoryStartNew, Multiplicity.Once, false)]
        [InlineData("var t = new Task(() => list.Add(1)); t.Start(); t.Wait();", RegionKind.NewTask, Multiplicity.Once, false)]
        [InlineData("await Task.Delay(1).ContinueWith(_ => list.Add(1));", RegionKind.ContinueWith, Multiplicity.Once, false)]
        [InlineData("Parallel.For(0, 10, i => list.Add(i));", RegionKind.Parallel, Multiplicity.Many, false)]
        [InlineData("Parallel.ForEach(items, i => list.Add(i));", RegionKind.Parallel, Multiplicity.Many, false)]
        [InlineData("await Parallel.ForEachAsync(items, async (i, ct) => { await Task.Yield(); list.Add(i); });", RegionKind.Parallel, Multiplicity.Many, false)]
        [InlineData("ThreadPool.QueueUserWorkItem(_ => list.Add(1));", RegionKind.ThreadPool, Multiplicity.Once, true)]
        [InlineData("ThreadPool.UnsafeQueueUserWorkItem(_ => list.Add(1), null);", RegionKind.ThreadPool, Multiplicity.Once, true)]
        [InlineData("var th = new Thread(() => list.Add(1)); th.Start(); th.Join();", RegionKind.Thread, Multiplicity.Once, false)]
        [InlineData("var timer = new Timer(_ => list.Add(1), null, 0, 100);", RegionKind.Timer, Multiplicity.Once, true)]
        [InlineData("var timer = new System.Timers.Timer(100); timer.Elapsed += (s, e) => list.Add(1);", RegionKind.TimerElapsed, Multiplicity.Once, true)]
        [InlineData("items.AsParallel().ForAll(i => list.Add(i));", RegionKind.Plinq, Multiplicity.Many, false)]
        [InlineData("await Task.WhenAll(items.Select(async i => { await Task.Yield(); list.Add(i); }));", RegionKind.AsyncFanOut, Multiplicity.Many, false)]
        [InlineData("for (var i = 0; i < 3; i++) { _ = Task.Run(() => list.Add(i)); }", RegionKind.TaskRun, Multiplicity.Many, true)]
        public async Task FindsRegion(string body, RegionKind kind, Multiplicity multiplicity, bool escapes)
        {
            var facts = await FactsOfAsync(InMethod(body));
            var region = Assert.Single(facts.Regions());
            Assert.Equal(kind, region.Kind);
            Assert.Equal(multiplicity, region.Multiplicity);
            Assert.Equal(escapes, region.Escapes);
            Assert.Contains(facts.Members.SelectMany(m => m.Accesses), a => a.Path.Root?.Name == "list" && a.Kind == AccessKind.MutatingCall && ReferenceEquals(a.Region, region));
        }

        [Fact]
        public async Task ParallelInvoke_GivesOneSiblingRegionPerAction()
        {
            var facts = await FactsOfAsync(InMethod("Parallel.Invoke(() => list.Add(1), () => list.Add(2), () => list.Clear());"));
            var regions = facts.Regions().ToList();
            Assert.Equal(3, regions.Count);
            Assert.All(regions, r => Assert.Equal(RegionKind.ParallelInvokeAction, r.Kind));
            Assert.True(ParallelismQuery.MayRunInParallel(facts.Access("list.Add(1)"), facts.Access("list.Add(2)")));
            Assert.True(ParallelismQuery.MayRunInParallel(facts.Access("list.Add(2)"), facts.Access("list.Clear()")));
        }

        [Fact]
        public async Task ThreadRegion_StartsAtStartCall()
        {
            var facts = await FactsOfAsync(InMethod("var th = new Thread(() => list.Add(1)); list.Add(0); th.Start(); list.Add(2); th.Join(); list.Add(3);"));
            var region = Assert.Single(facts.Regions());
            Assert.Equal("th.Start()", region.Start.Syntax.ToString());
            var inside = facts.Access("list.Add(1)");
            Assert.False(ParallelismQuery.MayRunInParallel(inside, facts.Access("list.Add(0)")));
            Assert.True(ParallelismQuery.MayRunInParallel(inside, facts.Access("list.Add(2)")));
            Assert.False(ParallelismQuery.MayRunInParallel(inside, facts.Access("list.Add(3)")));
        }

        [Fact]
        public async Task UnawaitedAsyncCalls_AreSiblingRegionsUntilWhenAll()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    private readonly List<int> _list = new List<int>();

                    public async Task M()
                    {
                        var first = AddAsync(1);
                        var second = AddAsync(2);
                        await Task.WhenAll(first, second);
                        await AddAsync(3);
                    }

                    private async Task AddAsync(int value)
                    {
                        await Task.Yield();
                        _list.Add(value);
                    }
                }
                """;

            var facts = await FactsOfAsync(source);
            var regions = facts.Regions().ToList();
            Assert.Equal(2, regions.Count);
            Assert.All(regions, r => Assert.Equal(RegionKind.AsyncFanOut, r.Kind));
            Assert.All(regions, r => Assert.Single(r.Joins));
            var a = facts.Access("_list.Add(value)", 0);
            var b = facts.Access("_list.Add(value)", 1);
            Assert.NotSame(a.Region, b.Region);
            Assert.True(ParallelismQuery.MayRunInParallel(a, b));
        }

        [Fact]
        public async Task PeriodicTimerLoopStartedWithoutAwait_OutlivesItsStarter()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;

                class C
                {
                    private readonly List<DateTime> _ticks = new List<DateTime>();

                    public void Start() => _ = RunAsync();

                    public int Count() => _ticks.Count;

                    private async Task RunAsync()
                    {
                        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                        while (await timer.WaitForNextTickAsync())
                        {
                            _ticks.Add(DateTime.UtcNow);
                        }
                    }
                }
                """;

            var facts = await FactsOfAsync(source);
            var region = Assert.Single(facts.Regions());
            Assert.Equal(RegionKind.AsyncFanOut, region.Kind);
            Assert.True(region.Escapes);
            Assert.True(ParallelismQuery.MayRunInParallel(facts.Access("_ticks.Add(DateTime.UtcNow)"), facts.Access("_ticks.Count")));
        }

        [Fact]
        public async Task ConfiguredEntryPoint_IsARegionOnlyWhenConfigured()
        {
            const string source = """
                using System;
                using System.Collections.Generic;

                namespace MyLib
                {
                    static class Jobs { public static void Schedule(Action job) => job(); }

                    class C
                    {
                        void M(List<int> list) => Jobs.Schedule(() => list.Add(1));
                    }
                }
                """;

            Assert.Empty((await FactsOfAsync(source, "MyLib.C")).Regions());
            var region = Assert.Single((await FactsOfAsync(source, "MyLib.C", "MyLib.Jobs.Schedule")).Regions());
            Assert.Equal(RegionKind.Configured, region.Kind);
        }

        [Fact]
        public async Task MethodGroupBodies_AreWalkedAsTheRegion()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading;

                class C
                {
                    private readonly List<int> _list = new List<int>();
                    private readonly Timer _timer;

                    public C() => _timer = new Timer(OnTick, null, 0, 100);

                    public void Add(int x) => _list.Add(x);

                    private void OnTick(object? state) => _list.Clear();
                }
                """;

            var facts = await FactsOfAsync(source);
            var region = Assert.Single(facts.Regions());
            Assert.Equal(RegionKind.Timer, region.Kind);
            Assert.Equal("OnTick", region.Method?.Name);
            var tick = facts.Access("_list.Clear()");
            Assert.Same(region, tick.Region);
            Assert.True(ParallelismQuery.MayRunInParallel(tick, facts.Access("_list.Add(x)")));
        }
    }
}
