using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>How a message introduces a region of some kind.</summary>
    public enum RegionArticle
    {
        /// <summary>"a Task.Run lambda", "an async Select lambda".</summary>
        A,

        /// <summary>"the BackgroundService.ExecuteAsync loop", "the SendAsync override".</summary>
        The,

        /// <summary>"the Timer callback started in Start()".</summary>
        TheStartedIn,
    }

    /// <summary>What the model knows about one kind of region: how messages name it and whether each call starts another.</summary>
    public sealed class RegionKindInfo
    {
        public RegionKindInfo(string lambdaNoun, string methodNoun, RegionArticle article, bool restartedByEveryCall)
        {
            LambdaNoun = lambdaNoun;
            MethodNoun = methodNoun;
            Article = article;
            RestartedByEveryCall = restartedByEveryCall;
        }

        /// <summary>The construct for a lambda body; <c>{0}</c> is the entry point's name ("Task.Run lambda").</summary>
        public string LambdaNoun { get; }

        /// <summary>The construct for a method group; <c>{0}</c> is the entry point's name ("Task.Run delegate").</summary>
        public string MethodNoun { get; }

        public RegionArticle Article { get; }

        /// <summary>
        /// The repeated-start policy: a fire-and-forget start of this kind in a non-constructor member is started again by
        /// every call of the member (unless it is a background loop or started once under a test-and-set).
        /// </summary>
        public bool RestartedByEveryCall { get; }
    }

    /// <summary>
    /// The table of region kinds: one entry per <see cref="RegionKind"/>. A new entry-point kind is a new enum member,
    /// one row here, and the recognition of its start in <see cref="EntryPoints"/>.
    /// </summary>
    public static class RegionKinds
    {
        private static readonly ImmutableDictionary<RegionKind, RegionKindInfo> Table = ImmutableDictionary.CreateRange(new[]
        {
            Row(RegionKind.TaskRun, "{0} lambda", "{0} delegate", RegionArticle.A, restartedByEveryCall: true),
            Row(RegionKind.TaskFactoryStartNew, "{0} lambda", "{0} delegate", RegionArticle.A, restartedByEveryCall: true),
            Row(RegionKind.NewTask, "{0} lambda", "{0} delegate", RegionArticle.A, restartedByEveryCall: false),
            Row(RegionKind.ContinueWith, "{0} lambda", "{0} delegate", RegionArticle.A, restartedByEveryCall: false),
            Row(RegionKind.Parallel, "{0} body", "{0} body", RegionArticle.A, restartedByEveryCall: false),
            Row(RegionKind.ParallelInvokeAction, "{0} action", "{0} action", RegionArticle.A, restartedByEveryCall: false),
            Row(RegionKind.ThreadPool, "ThreadPool work item", "ThreadPool work item", RegionArticle.A, restartedByEveryCall: true),
            Row(RegionKind.Thread, "Thread lambda", "thread procedure", RegionArticle.TheStartedIn, restartedByEveryCall: false),
            Row(RegionKind.Timer, "Timer callback", "Timer callback", RegionArticle.TheStartedIn, restartedByEveryCall: false),
            Row(RegionKind.TimerElapsed, "Timer.Elapsed handler", "Timer.Elapsed handler", RegionArticle.TheStartedIn, restartedByEveryCall: false),
            Row(RegionKind.Plinq, "{0} lambda", "{0} lambda", RegionArticle.A, restartedByEveryCall: false),
            Row(RegionKind.AsyncFanOut, "{0} lambda", "{0} delegate", RegionArticle.A, restartedByEveryCall: true),
            Row(RegionKind.Configured, "{0} lambda", "{0} delegate", RegionArticle.A, restartedByEveryCall: true),
            Row(RegionKind.HostedService, "BackgroundService.ExecuteAsync loop", "BackgroundService.ExecuteAsync loop", RegionArticle.The, restartedByEveryCall: false),
            Row(RegionKind.Middleware, "middleware {0}", "middleware {0}", RegionArticle.The, restartedByEveryCall: false),
            Row(RegionKind.MessageHandler, "{0} override", "{0} override", RegionArticle.The, restartedByEveryCall: false),
            Row(RegionKind.LogSink, "log sink's {0}", "log sink's {0}", RegionArticle.The, restartedByEveryCall: false),
            Row(RegionKind.AnalyzerAction, "{0} callback", "{0} callback", RegionArticle.A, restartedByEveryCall: false),
        });

        private static readonly RegionKindInfo Fallback = new RegionKindInfo("{0} lambda", "{0} delegate", RegionArticle.A, restartedByEveryCall: false);

        /// <summary>The row of <paramref name="kind"/> (a kind without a row, which a meta test forbids, reads as a plain lambda).</summary>
        public static RegionKindInfo Of(RegionKind kind) => Table.TryGetValue(kind, out var info) ? info : Fallback;

        /// <summary>True when <paramref name="kind"/> has its own row in the table.</summary>
        public static bool HasRow(RegionKind kind) => Table.ContainsKey(kind);

        /// <summary>How messages name a region: "Task.Run lambda", "thread procedure 'Loop'", "Parallel.ForEach body".</summary>
        public static string ConstructName(RegionKind kind, string entry, IMethodSymbol? method)
        {
            var info = Of(kind);
            var noun = string.Format(System.Globalization.CultureInfo.InvariantCulture, method is null ? info.LambdaNoun : info.MethodNoun, entry);
            return method is null ? noun : noun + " '" + method.Name + "'";
        }

        private static System.Collections.Generic.KeyValuePair<RegionKind, RegionKindInfo> Row(RegionKind kind, string lambdaNoun, string methodNoun, RegionArticle article, bool restartedByEveryCall) =>
            new System.Collections.Generic.KeyValuePair<RegionKind, RegionKindInfo>(kind, new RegionKindInfo(lambdaNoun, methodNoun, article, restartedByEveryCall));
    }
}
