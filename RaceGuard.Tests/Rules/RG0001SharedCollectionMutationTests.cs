using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using RaceGuard.Analyzers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    public partial class RG0001SharedCollectionMutationTests
    {
        [Fact]
        public async Task Reports_ThreeTaskRunWorkersWritingOneDictionary()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task BuildAsync()
                    {
                        var partCacheKeys = new Dictionary<string, string>();
                        var t1 = Task.Run(() => {|#0:partCacheKeys["a"] = "1"|});
                        var t2 = Task.Run(() => {|#1:partCacheKeys["b"] = "2"|});
                        var t3 = Task.Run(() => {|#2:partCacheKeys["c"] = "3"|});
                        await Task.WhenAll(t1, t2, t3);
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments("partCacheKeys", "Dictionary<string, string>", "by a Task.Run lambda", "another run may change it", "guard it with a lock or use a ConcurrentDictionary"),
                VerifyCS.Diagnostic("RG0001").WithLocation(1).WithArguments("partCacheKeys", "Dictionary<string, string>", "by a Task.Run lambda", "another run may change it", "guard it with a lock or use a ConcurrentDictionary"),
                VerifyCS.Diagnostic("RG0001").WithLocation(2).WithArguments("partCacheKeys", "Dictionary<string, string>", "by a Task.Run lambda", "another run may change it", "guard it with a lock or use a ConcurrentDictionary"));
        }

        [Fact]
        public async Task Reports_ParallelForEachAddingToCapturedList()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    List<int> Squares(int[] items)
                    {
                        var results = new List<int>();
                        Parallel.ForEach(items, item => {|#0:results.Add(item * item)|});
                        return results;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments("results", "List<int>", "by a Parallel.ForEach body", "another run may change it", "guard it with a lock"));
        }

        [Fact]
        public async Task Reports_TimerCallbackAndPublicMethodWritingOneField()
        {
            const string source = """
                using System;
                using System.Collections.Generic;
                using System.Threading;

                class Cache : IDisposable
                {
                    private readonly Dictionary<string, DateTime> _entries = new();
                    private readonly Timer _timer;

                    public Cache()
                    {
                        _timer = new Timer(_ => Evict(), null, 1000, 1000);
                    }

                    public void Put(string key) => {|#0:_entries[key] = DateTime.UtcNow|};

                    private void Evict() => {|#1:_entries.Clear()|};

                    public void Dispose() => _timer.Dispose();
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0001").WithLocation(0).WithArguments("_entries", "Dictionary<string, DateTime>", "in Put()", "the Timer callback may change it", "guard it with a lock or use a ConcurrentDictionary"),
                VerifyCS.Diagnostic("RG0001").WithLocation(1).WithArguments("_entries", "Dictionary<string, DateTime>", "by the Timer callback", "Put() may change it", "guard it with a lock or use a ConcurrentDictionary"));
        }

        [Fact]
        public async Task Reports_AsyncSelectFedToWhenAll()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading.Tasks;

                class C
                {
                    async Task<List<string>> FetchAllAsync(IEnumerable<string> urls)
                    {
                        var pages = new List<string>();
                        await Task.WhenAll(urls.Select(async url =>
                        {
                            await Task.Delay(10);
                            [|pages.Add(url)|];
                        }));
                        return pages;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_TaskRunWritingWhileStarterReadsBeforeJoin()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> RunAsync()
                    {
                        var seen = new HashSet<int>();
                        var worker = {|#2:Task.Run(() => { for (var i = 0; i < 100; i++) {|#0:seen.Add(i)|}; })|};
                        var count = {|#1:seen.Count|};
                        await worker;
                        return count + seen.Count;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.DiagnosticWithAdditionalLocations("RG0001").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("seen", "HashSet<int>", "by a Task.Run lambda", "RunAsync() may read it on another thread", "guard it with a lock"));
        }

        [Fact]
        public async Task NoDiagnostic_AwaitedTaskRunAlone()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    async Task<int> RunAsync(int x)
                    {
                        var list = new List<int>();
                        await Task.Run(() => list.Add(x));
                        list.Add(x + 1);
                        return list.Count;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task NoDiagnostic_WritesUnderLock()
        {
            const string source = """
                using System.Collections.Generic;
                using System.Threading.Tasks;

                class C
                {
                    private readonly object _gate = new object();

                    List<int> Squares(int[] items)
                    {
                        var results = new List<int>();
                        Parallel.ForEach(items, item =>
                        {
                            lock (_gate)
                            {
                                results.Add(item * item);
                            }
                        });
                        return results;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
