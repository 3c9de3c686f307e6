using System.Threading.Tasks;
using VerifyFix = RaceGuard.Tests.Verifiers.CSharpCodeFixVerifier<RaceGuard.Analyzers.RaceGuardAnalyzer, RaceGuard.CodeFixes.UseAtomicDictionaryCallCodeFixProvider>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>RG0006 fixes: TryAdd keeping the branch, GetOrAdd, TryRemove; exact output and Fix All.</summary>
    public partial class RG0006CheckThenActTests
    {
        [Fact]
        public async Task Fix_TryAddKeepsTheBranchOnItsResult()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class GenerationGate
                {
                    private readonly ConcurrentDictionary<string, int> _inProgress = new ConcurrentDictionary<string, int>();
                    private readonly ConcurrentDictionary<string, object> _items = new ConcurrentDictionary<string, object>();

                    public bool TryStart(string userId)
                    {
                        if (_inProgress.ContainsKey(userId))
                        {
                            return false;
                        }

                        {|RG0006:_inProgress[userId] = 0|};
                        return true;
                    }

                    public void Register(string name, object item)
                    {
                        if (!_items.ContainsKey(name))
                        {
                            {|RG0006:_items.TryAdd(name, item)|};
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Concurrent;

                public sealed class GenerationGate
                {
                    private readonly ConcurrentDictionary<string, int> _inProgress = new ConcurrentDictionary<string, int>();
                    private readonly ConcurrentDictionary<string, object> _items = new ConcurrentDictionary<string, object>();

                    public bool TryStart(string userId)
                    {
                        if (!_inProgress.TryAdd(userId, 0))
                        {
                            return false;
                        }

                        return true;
                    }

                    public void Register(string name, object item)
                    {
                        _items.TryAdd(name, item);
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_GetOrAddAndTryRemove()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Cache
                {
                    private readonly ConcurrentDictionary<string, string> _values = new ConcurrentDictionary<string, string>();

                    public string Get(string key, string suffix)
                    {
                        if (!_values.TryGetValue(key, out var value))
                        {
                            value = key + suffix;
                            {|RG0006:_values[key] = value|};
                        }

                        return value;
                    }

                    public bool Evict(string key)
                    {
                        if (_values.ContainsKey(key))
                        {
                            {|RG0006:_values.TryRemove(key, out _)|};
                            return true;
                        }

                        return false;
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Concurrent;

                public sealed class Cache
                {
                    private readonly ConcurrentDictionary<string, string> _values = new ConcurrentDictionary<string, string>();

                    public string Get(string key, string suffix)
                    {
                        var value = _values.GetOrAdd(key, _ => key + suffix);

                        return value;
                    }

                    public bool Evict(string key)
                    {
                        if (_values.TryRemove(key, out _))
                        {
                            return true;
                        }

                        return false;
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_TwoLocksBecomeOne()
        {
            const string source = """
                using System.Collections.Generic;

                public sealed class Registry
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<string, int> _ids = new Dictionary<string, int>();

                    public void Add(string name, int id)
                    {
                        lock (_gate)
                        {
                            if (_ids.ContainsKey(name))
                            {
                                return;
                            }
                        }

                        var normalized = name.Trim();
                        lock (_gate)
                        {
                            {|RG0006:_ids.Add(name, id)|};
                        }
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Generic;

                public sealed class Registry
                {
                    private readonly object _gate = new object();
                    private readonly Dictionary<string, int> _ids = new Dictionary<string, int>();

                    public void Add(string name, int id)
                    {
                        lock (_gate)
                        {
                            if (_ids.ContainsKey(name))
                            {
                                return;
                            }

                            var normalized = name.Trim();
                            _ids.Add(name, id);
                        }
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }

        [Fact]
        public async Task Fix_AddOrUpdateForACountKeptWithTryGetValue()
        {
            const string source = """
                using System.Collections.Concurrent;

                public sealed class Stats
                {
                    private readonly ConcurrentDictionary<string, int> _hits = new ConcurrentDictionary<string, int>();

                    public void Count(string page)
                    {
                        {|RG0006:_hits[page] = _hits.TryGetValue(page, out var c) ? c + 1 : 1|};
                    }
                }
                """;
            const string fixedSource = """
                using System.Collections.Concurrent;

                public sealed class Stats
                {
                    private readonly ConcurrentDictionary<string, int> _hits = new ConcurrentDictionary<string, int>();

                    public void Count(string page)
                    {
                        _hits.AddOrUpdate(page, 1, (_, c) => c + 1);
                    }
                }
                """;

            await VerifyFix.VerifyCodeFixAsync(source, fixedSource);
        }
    }
}
