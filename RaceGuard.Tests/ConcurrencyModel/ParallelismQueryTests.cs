using System.Linq;
using System.Threading.Tasks;
using RaceGuard.ConcurrencyModel;
using static RaceGuard.Tests.ConcurrencyModel.ModelHarness;

namespace RaceGuard.Tests.ConcurrencyModel
{
    /// <summary>May-happen-in-parallel: instances, siblings, the starter until the join, and what is sequential.</summary>
    public class ParallelismQueryTests
    {
        [Theory]
        [InlineData("await Task.Run(() => list.Add(1)); list.Add(2);", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); list.Add(2); await t;", true)]
        [InlineData("var t = Task.Run(() => list.Add(1)); await t; list.Add(2);", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); t.Wait(); list.Add(2);", false)]
        [InlineData("var t = Task.Run(() => { list.Add(1); return 1; }); var r = t.Result; list.Add(2);", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); t.GetAwaiter().GetResult(); list.Add(2);", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); Task.WaitAll(t); list.Add(2);", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); await Task.WhenAll(t); list.Add(2);", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); await t.ConfigureAwait(false); list.Add(2);", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); await t.WaitAsync(TimeSpan.FromSeconds(5)); list.Add(2);", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); try { await t; } finally { list.Add(2); }", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); if (items.Length > 0) { await t; } list.Add(2);", true)]
        [InlineData("list.Add(2); var t = Task.Run(() => list.Add(1)); await t;", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); await Task.WhenAny(t); list.Add(2);", true)]
        [InlineData("var tasks = new List<Task>(); foreach (var i in items) tasks.Add(Task.Run(() => list.Add(1))); await Task.WhenAll(tasks); list.Add(2);", false)]
        [InlineData("var tasks = new List<Task>(); foreach (var i in items) tasks.Add(Task.Run(() => list.Add(1))); list.Add(2); await Task.WhenAll(tasks);", true)]
        [InlineData("foreach (var i in items) { list.Add(2); var t = Task.Run(() => list.Add(1)); }", true)]
        [InlineData("foreach (var i in items) { list.Add(2); await Task.Run(() => list.Add(1)); }", false)]
        [InlineData("Parallel.ForEach(items, i => list.Add(1)); list.Add(2);", false)]
        [InlineData("var done = new ManualResetEventSlim(); ThreadPool.QueueUserWorkItem(_ => { list.Add(1); done.Set(); }); done.Wait(); list.Add(2);", false)]
        [InlineData("var done = new ManualResetEventSlim(); ThreadPool.QueueUserWorkItem(_ => { list.Add(1); done.Set(); }); list.Add(2); done.Wait();", true)]
        [InlineData("var done = new ManualResetEventSlim(); ThreadPool.QueueUserWorkItem(_ => { done.Set(); list.Add(1); }); done.Wait(); list.Add(2);", true)]
        [InlineData("var tcs = new TaskCompletionSource(); ThreadPool.QueueUserWorkItem(_ => { try { list.Add(1); } finally { tcs.SetResult(); } }); await tcs.Task; list.Add(2);", false)]
        [InlineData("using var countdown = new CountdownEvent(2); foreach (var i in items) ThreadPool.QueueUserWorkItem(_ => { list.Add(1); countdown.Signal(); }); countdown.Wait(); list.Add(2);", false)]
        [InlineData("if (items.Length > 0) { _ = Task.Run(() => list.Add(1)); } else { list.Add(2); }", false)]
        [InlineData("switch (items.Length) { case 0: _ = Task.Run(() => list.Add(1)); break; default: list.Add(2); break; }", false)]
        [InlineData("if (items.Length > 0) { _ = Task.Run(() => list.Add(1)); } list.Add(2);", true)]
        [InlineData("foreach (var i in items) { if (i > 0) { _ = Task.Run(() => list.Add(1)); } else { list.Add(2); } }", true)]
        [InlineData("var tasks = new Task[2]; tasks[0] = Task.Run(() => list.Add(1)); tasks[1] = Task.Delay(1); Task.WaitAll(tasks); list.Add(2);", false)]
        [InlineData("var tasks = new List<Task>(); tasks.AddRange(items.Select(i => Task.Run(() => list.Add(1)))); await Task.WhenAll(tasks); list.Add(2);", false)]
        [InlineData("var threads = new List<Thread>(); foreach (var i in items) { var th = new Thread(() => list.Add(1)); threads.Add(th); th.Start(); } foreach (var th in threads) th.Join(); list.Add(2);", false)]
        [InlineData("Parallel.ForEach(items, async i => { await Task.Delay(1); list.Add(1); }); list.Add(2);", true)]
        [InlineData("Task? t = Task.Run(() => list.Add(1)); if (t != null) { await t; } list.Add(2);", false)]
        [InlineData("Task? t = Task.Run(() => list.Add(1)); if (t is not null) await t; list.Add(2);", false)]
        [InlineData("Task? t = Task.Run(() => list.Add(1)); await (t ?? Task.CompletedTask); list.Add(2);", false)]
        [InlineData("Thread? th = new Thread(() => list.Add(1)); th.Start(); th?.Join(); list.Add(2);", false)]
        public async Task StarterAndRegion(string body, bool expected)
        {
            var facts = await FactsOfAsync(InMethod(body));
            Assert.Equal(expected, ParallelismQuery.MayRunInParallel(facts.Access("list.Add(1)"), facts.Access("list.Add(2)")));
        }

        [Theory]
        [InlineData("var a = Task.Run(() => list.Add(1)); var b = Task.Run(() => list.Add(2)); await Task.WhenAll(a, b);", true)]
        [InlineData("await Task.WhenAll(Task.Run(() => list.Add(1)), Task.Run(() => list.Add(2)));", true)]
        [InlineData("var a = Task.Run(() => list.Add(1)); await a; var b = Task.Run(() => list.Add(2)); await b;", false)]
        [InlineData("Task[] all = { Task.Run(() => list.Add(1)), Task.Run(() => list.Add(2)) }; Task.WaitAll(all);", true)]
        [InlineData("Parallel.Invoke(() => list.Add(1)); Parallel.Invoke(() => list.Add(2));", false)]

        [InlineData("await Task.Run(() => list.Add(1)).ContinueWith(_ => list.Add(2));", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); var c = t.ContinueWith(_ => list.Add(2)); await c;", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); var c = Task.Delay(1).ContinueWith(_ => list.Add(2)); await Task.WhenAll(t, c);", true)]
        public async Task SiblingRegions(string body, bool expected)
        {
            var facts = await FactsOfAsync(InMethod(body));
            Assert.Equal(expected, ParallelismQuery.MayRunInParallel(facts.Access("list.Add(1)"), facts.Access("list.Add(2)")));
        }

        [Theory]
        [InlineData("Func<int, Task> work = async id => { await Task.Yield(); list.Add(id); }; await Task.WhenAll(work(1), work(2));", true)]
        [InlineData("Func<int, Task> work = async id => { await Task.Yield(); list.Add(id); }; await work(1); await work(2);", false)]
        public async Task CallsOfAnAsyncLambdaLocal(string body, bool expected)
        {
            var facts = await FactsOfAsync(InMethod(body));
            var calls = facts.Members.SelectMany(m => m.Accesses).Where(a => a.ReportOperation.Syntax.ToString() == "list.Add(id)").ToList();
            Assert.Equal(expected, calls.Count == 2 && ParallelismQuery.MayRunInParallel(calls[0], calls[1]));
        }

        [Theory]
        [InlineData("Parallel.ForEach(items, i => list.Add(1));", true)]
        [InlineData("Parallel.ForEach(items, i => { var local = new List<int>(); local.Add(1); });", false)]
        [InlineData("var t = Task.Run(() => list.Add(1)); await t;", false)]
        [InlineData("await Task.WhenAll(items.Select(i => Task.Run(() => list.Add(1))));", true)]
        public async Task InstancesOfOneRegion(string body, bool expected)
        {
            var facts = await FactsOfAsync(InMethod(body));
            var access = facts.Access(body.Contains("local.Add", System.StringComparison.Ordinal) ? "local.Add(1)" : "list.Add(1)");
            Assert.Equal(expected, ParallelismQuery.MayRunInParallel(access, access));
        }

        [Fact]
        public async Task ContinuationJoinedByAwait_JoinsItsAntecedent()
        {
            var facts = await FactsOfAsync(InMethod("await Task.Run(() => list.Add(1)).ContinueWith(_ => { }); list.Add(2);"));
            Assert.False(ParallelismQuery.MayRunInParallel(facts.Access("list.Add(1)"), facts.Access("list.Add(2)")));
        }

        [Fact]
        public async Task BackgroundLoopStartedByPublicMethod_IsNotItsOwnSibling()
        {
            const string members = "private readonly List<int> _seen = new List<int>(); public void Start() { _ = Task.Run(async () => { while (true) { _seen.Add(1); await Task.Delay(10); } }); }";
            var facts = await FactsOfAsync(InMethod("list.Add(1); list.Add(2);", members));
            var access = facts.Access("_seen.Add(1)");
            Assert.False(access.Region!.ManyAcrossCalls);
            Assert.False(ParallelismQuery.MayRunInParallel(access, access));
        }

        [Theory]
        [InlineData("var t = StartAsync(); _shared.Add(2); await t;", "private Task StartAsync() => Task.Run(() => _shared.Add(1));", true)]
        [InlineData("await StartAsync(); _shared.Add(2);", "private Task StartAsync() => Task.Run(() => _shared.Add(1));", false)]
        [InlineData("await RunInsideAsync(); _shared.Add(2);", "private async Task RunInsideAsync() => await Task.Run(() => _shared.Add(1));", false)]
        [InlineData("StartForgotten(); _shared.Add(2);", "private void StartForgotten() => _ = Task.Run(() => _shared.Add(1));", true)]
        public async Task RegionsStartedInCallees(string body, string callee, bool expected)
        {
            var facts = await FactsOfAsync(InMethod(body, "private readonly List<int> _shared = new List<int>(); " + callee));
            Assert.Equal(expected, ParallelismQuery.MayRunInParallel(facts.Access("_shared.Add(1)"), facts.Access("_shared.Add(2)")));
        }

        [Fact]
        public async Task BackgroundLoopInACalledMethod_IsNotItsOwnSibling()
        {
            const string members = "private readonly List<int> _seen = new List<int>(); public void Start() { _ = Task.Run(() => Listen()); } private void Listen() { while (true) { _seen.Add(1); } }";
            var facts = await FactsOfAsync(InMethod("list.Add(1); list.Add(2);", members));
            var access = facts.Access("_seen.Add(1)");
            Assert.False(access.Region!.ManyAcrossCalls);
            Assert.False(ParallelismQuery.MayRunInParallel(access, access));
        }

        [Fact]
        public async Task FireAndForgetInPublicMethod_RacesWithItsNextCall()
        {
            const string members = "private readonly List<int> _log = new List<int>(); public void Log(int x) { _ = Task.Run(() => _log.Add(x)); }";
            var facts = await FactsOfAsync(InMethod("list.Add(1); list.Add(2);", members));
            var access = facts.Access("_log.Add(x)");
            Assert.True(access.Region!.ManyAcrossCalls);
            Assert.True(ParallelismQuery.MayRunInParallel(access, access));
        }
    }
}
