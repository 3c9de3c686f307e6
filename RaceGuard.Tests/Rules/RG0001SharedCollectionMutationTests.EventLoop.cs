using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SharedCollectionMutationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// Event-loop confinement (RULES.md, "What orders accesses": code confined to one thread): a type that runs its own
    /// loop thread and changes loop state directly only when on that thread (<c>if (InEventLoop)</c>, a test of the
    /// current thread), posting the change to the loop otherwise; and the near misses (no test, a post to the thread pool).
    /// </summary>
    public partial class RG0001SharedCollectionMutationTests
    {
        private const string EventLoop = """
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Threading;

            public abstract class ExecutorBase
            {
                public bool InEventLoop => IsInEventLoop(Thread.CurrentThread);
                public abstract bool IsInEventLoop(Thread thread);
            }

            public sealed class EventLoop : ExecutorBase
            {
                private readonly ConcurrentQueue<Action> _tasks = new ConcurrentQueue<Action>();
                private readonly HashSet<Action> _hooks = new HashSet<Action>();
                private readonly Thread _thread;
                private volatile bool _stopping;

                public EventLoop()
                {
                    _thread = new Thread(Loop);
                    _thread.IsBackground = true;
                    _thread.Start();
                }

                public override bool IsInEventLoop(Thread thread) => _thread == thread;

                public void Execute(Action task) => _tasks.Enqueue(task);

                public void AddHook(Action hook)
                {
                    if (InEventLoop)
                    {
                        _hooks.Add(hook);
                    }
                    else
                    {
                        Execute(() => _hooks.Add(hook));
                    }
                }

                public void Stop() => _stopping = true;

                private void Loop()
                {
                    while (!_stopping)
                    {
                        while (_tasks.TryDequeue(out var task))
                        {
                            task();
                        }

                        Thread.Sleep(1);
                    }

                    foreach (var hook in _hooks)
                    {
                        hook();
                    }

                    _hooks.Clear();
                }
            }
            """;

        [Fact]
        public async Task Silent_LoopStateChangedOnTheLoopThreadOrPostedToIt()
        {
            await VerifyCS.VerifyAnalyzerAsync(EventLoop);
        }

        [Fact]
        public async Task Silent_LoopStateChangedInAHelperThatAssertsTheLoopThread()
        {
            // Drain() asserts it runs on the loop; what Shutdown() reaches through it runs there too.
            var source = EventLoop
                .Edit("    public void Stop() => _stopping = true;", "    public void Stop() => _stopping = true;\n\n    public void Shutdown()\n    {\n        Drain();\n    }\n\n    protected void Drain()\n    {\n        System.Diagnostics.Debug.Assert(InEventLoop);\n        _hooks.Clear();\n    }");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_LoopStateChangedInAHelperThatDoesNotAssertTheLoopThread()
        {
            var source = EventLoop
                .Edit("    public void Stop() => _stopping = true;", "    public void Stop() => _stopping = true;\n\n    public void Shutdown()\n    {\n        Drain();\n    }\n\n    protected void Drain()\n    {\n        [|_hooks.Clear()|];\n    }")
                .Edit("        _hooks.Clear();\n    }\n}", "        [|_hooks.Clear()|];\n    }\n}");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_LoopStateChangedWithoutTheThreadTest()
        {
            var source = EventLoop.Edit(
                "        if (InEventLoop)\n        {\n            _hooks.Add(hook);\n        }\n        else\n        {\n            Execute(() => _hooks.Add(hook));\n        }",
                "        [|_hooks.Add(hook)|];")
                .Edit("        _hooks.Clear();", "        [|_hooks.Clear()|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ChangePostedToTheThreadPoolInsteadOfTheLoop()
        {
            var source = EventLoop
                .Edit("            _hooks.Add(hook);\n        }\n        else", "            [|_hooks.Add(hook)|];\n        }\n        else")
                .Edit("Execute(() => _hooks.Add(hook));", "ThreadPool.QueueUserWorkItem(_ => [|_hooks.Add(hook)|]);")
                .Edit("        _hooks.Clear();", "        [|_hooks.Clear()|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_ThreadTestOfAnotherThreadThanTheLoop()
        {
            // The type never compares its loop thread with another: the test is of some other thread.
            var source = EventLoop
                .Edit("public override bool IsInEventLoop(Thread thread) => _thread == thread;", "public override bool IsInEventLoop(Thread thread) => thread.IsBackground;")
                .Edit("            _hooks.Add(hook);\n        }\n        else", "            [|_hooks.Add(hook)|];\n        }\n        else")
                .Edit("Execute(() => _hooks.Add(hook));", "Execute(() => [|_hooks.Add(hook)|]);")
                .Edit("        _hooks.Clear();", "        [|_hooks.Clear()|];");
            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
