using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Actors (Orleans grains and system targets, Akka.NET actors): the runtime gives an instance one turn at a time, and
    /// un-awaited async calls continue on the actor's own scheduler. Its members never run in parallel with each other;
    /// work it sends to the thread pool does.
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        /// <summary>The actor base types, as the frameworks declare them (only their names matter to the model).</summary>
        private const string ActorFrameworks = """

            namespace Orleans
            {
                public abstract class Grain { }

                public interface IGrainBase { }
            }

            namespace Orleans.Runtime
            {
                public abstract class SystemTarget { }
            }

            namespace Akka.Actor
            {
                public abstract class ActorBase { }

                public abstract class ReceiveActor : ActorBase { }
            }
            """;

        [Fact]
        public async Task Silent_UnawaitedAsyncCallsOfAGrain()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class LoaderGrain : Orleans.Grain
                {
                    private readonly Dictionary<string, string> _cache = new Dictionary<string, string>();

                    public async Task LoadBothAsync()
                    {
                        var first = LoadAsync("a");
                        var second = LoadAsync("b");
                        await Task.WhenAll(first, second);
                    }

                    private async Task LoadAsync(string key)
                    {
                        await Task.Delay(10);
                        _cache[key] = key.ToUpperInvariant();
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source + ActorFrameworks);
        }

        [Fact]
        public async Task Silent_AsyncSelectFanOutOfAPocoGrain()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class IndexGrain : Orleans.IGrainBase
                {
                    private readonly List<string> _seen = new List<string>();

                    public async Task IndexAsync(string[] keys)
                    {
                        await Task.WhenAll(keys.Select(async key =>
                        {
                            await Task.Yield();
                            _seen.Add(key);
                        }));
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source + ActorFrameworks);
        }

        [Fact]
        public async Task Silent_MembersOfASystemTargetThatLocks()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                sealed class DirectoryPartition : Orleans.Runtime.SystemTarget
                {
                    private readonly ConcurrentDictionary<string, int> _versions = new ConcurrentDictionary<string, int>();
                    private readonly object _gate = new object();
                    private readonly List<string> _snapshots = new List<string>();
                    private int _registered;

                    public void Register(string key)
                    {
                        _versions[key] = 1;
                        lock (_gate)
                        {
                            _registered++;
                        }

                        _snapshots.Add(key);
                    }

                    public void Release(string key) => _snapshots.Remove(key);
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source + ActorFrameworks);
        }

        [Fact]
        public async Task Reports_TheSameMembersOutsideAnActor()
        {
            const string source = """
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                sealed class DirectoryPartition
                {
                    private readonly ConcurrentDictionary<string, int> _versions = new ConcurrentDictionary<string, int>();
                    private readonly object _gate = new object();
                    private readonly List<string> _snapshots = new List<string>();
                    private int _registered;

                    public void Register(string key)
                    {
                        _versions[key] = 1;
                        lock (_gate)
                        {
                            _registered++;
                        }

                        {|#0:_snapshots.Add(key)|};
                    }

                    public void Release(string key) => {|#1:_snapshots.Remove(key)|};
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source + ActorFrameworks,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithLocation(1).WithArguments("_snapshots", "List<string>", "in Register()", "Release() and another call of Register() may change it on another thread", "guard it with a lock"),
                VerifyCS.Diagnostic("RG0001").WithLocation(1).WithLocation(0).WithArguments("_snapshots", "List<string>", "in Release()", "Register() may change it on another thread", "guard it with a lock"));
        }

        [Fact]
        public async Task Reports_TaskRunInsideAGrain()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class LoaderGrain : Orleans.Grain
                {
                    private readonly List<string> _loaded = new List<string>();

                    public Task LoadAsync(string key)
                    {
                        _ = Task.Run(() => {|#0:_loaded.Add(key)|});
                        {|#1:_loaded.Add("started")|};
                        return Task.CompletedTask;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source + ActorFrameworks,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithLocation(1).WithArguments("_loaded", "List<string>", "by a Task.Run lambda", "LoadAsync() and others may change it", "guard it with a lock"),
                VerifyCS.Diagnostic("RG0001").WithLocation(1).WithLocation(0).WithArguments("_loaded", "List<string>", "in LoadAsync()", "a Task.Run lambda may change it on another thread", "guard it with a lock"));
        }

        [Fact]
        public async Task Reports_ContinueWithOfAnAkkaActor()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                sealed class LoggerSupervisor : Akka.Actor.ReceiveActor
                {
                    private readonly List<string> _loggers = new List<string>();

                    public void StartLogger(Task<string> started)
                    {
                        started.ContinueWith(t => {|#0:_loggers.Add(t.Result)|});
                        {|#1:_loggers.Clear()|};
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source + ActorFrameworks,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithLocation(1).WithArguments("_loggers", "List<string>", "by a ContinueWith lambda", "StartLogger() may change it on another thread", "guard it with a lock"),
                VerifyCS.Diagnostic("RG0001").WithLocation(1).WithLocation(0).WithArguments("_loggers", "List<string>", "in StartLogger()", "a ContinueWith lambda may change it on another thread", "guard it with a lock"));
        }
    }
}
