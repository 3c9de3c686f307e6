using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// The types the concurrency model knows, resolved once per compilation. A member is null when the
    /// compilation does not reference that type.
    /// </summary>
    public sealed class KnownSymbols
    {
        /// <summary>Stands for a type the compilation does not have, once looked up (a slot left null is not looked up yet).</summary>
        private static readonly object Missing = new object();

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, KnownSymbols> PerCompilation =
            new System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, KnownSymbols>();

        /// <summary>
        /// One slot per known type, resolved on first use: a compilation start pays for none of them, and a document whose
        /// code never asks about timers or sockets never looks them up (each lookup searches every referenced assembly).
        /// </summary>
        private object? taskSlot;
        private object? taskOfTSlot;
        private object? taskFactorySlot;
        private object? taskFactoryOfTSlot;
        private object? valueTaskSlot;
        private object? valueTaskOfTSlot;
        private object? parallelSlot;
        private object? parallelEnumerableSlot;
        private object? enumerableSlot;
        private object? genericDictionarySlot;
        private object? threadPoolSlot;
        private object? threadSlot;
        private object? guidSlot;
        private object? dateTimeOffsetSlot;
        private object? threadingTimerSlot;
        private object? timersTimerSlot;
        private object? hashtableSlot;
        private object? monitorSlot;
        private object? interlockedSlot;
        private object? volatileSlot;
        private object? semaphoreSlimSlot;
        private object? waitHandleSlot;
        private object? mutexSlot;
        private object? readerWriterLockSlimSlot;
        private object? readerWriterLockSlot;
        private object? spinLockSlot;
        private object? lockSlot;
        private object? threadStaticAttributeSlot;
        private object? threadLocalSlot;
        private object? asyncLocalSlot;
        private object? channelSlot;
        private object? channelWriterSlot;
        private object? dictionarySlot;
        private object? exceptionSlot;
        private object? taskCompletionSourceSlot;
        private object? taskCompletionSourceOfTSlot;
        private object? cancellationTokenSlot;
        private object? listSlot;
        private object? taskSchedulerSlot;
        private object? requestDelegateSlot;
        private object? logEventSinkSlot;
        private object? loggerSlot;
        private object? httpContextSlot;
        private object? middlewareInterfaceSlot;
        private object? httpMessageHandlerSlot;
        private object? backgroundServiceSlot;
        private object? diagnosticAnalyzerSlot;
        private object? sendTargetsSlot;
        private object? readSourcesSlot;
        private object? signalTypesSlot;
        private object? analysisContextsSlot;
        private object? perRequestBaseTypesSlot;
        private object? turnBasedTypesSlot;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<SyntaxNode, ImmutableHashSet<string>> capturedNames =
            new System.Collections.Concurrent.ConcurrentDictionary<SyntaxNode, ImmutableHashSet<string>>();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<INamedTypeSymbol, bool> synchronisesItself =
            new System.Collections.Concurrent.ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);
        private object? nonThreadSafeCollectionsSlot;
        private object? mutableCollectionInterfacesSlot;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<INamedTypeSymbol, bool> sourceCollections =
            new System.Collections.Concurrent.ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);
        private object? coreLibrarySlot;
        private object? concurrentEquivalentsSlot;

        private KnownSymbols(Compilation compilation)
        {
            Compilation = compilation;
            Summaries = new MethodSummaries(compilation, this);
            Regions = new RegionIndex(compilation, this);
        }

        /// <summary>Metadata names of the collections that are not safe for concurrent writers.</summary>
        public static ImmutableArray<string> NonThreadSafeCollectionNames { get; } = ImmutableArray.Create(
            "System.Collections.Generic.List`1",
            "System.Collections.Generic.Dictionary`2",
            "System.Collections.Generic.HashSet`1",
            "System.Collections.Generic.SortedDictionary`2",
            "System.Collections.Generic.SortedList`2",
            "System.Collections.Generic.SortedSet`1",
            "System.Collections.Generic.Queue`1",
            "System.Collections.Generic.Stack`1",
            "System.Collections.Generic.LinkedList`1",
            "System.Collections.Generic.PriorityQueue`2",
            "System.Collections.ObjectModel.Collection`1",
            "System.Collections.ObjectModel.ObservableCollection`1",
            "System.Collections.ArrayList",
            "System.Collections.Hashtable",
            "System.Collections.Queue",
            "System.Collections.Stack",
            "System.Collections.SortedList",
            "System.Collections.Immutable.ImmutableArray`1+Builder",
            "System.Collections.Immutable.ImmutableList`1+Builder",
            "System.Collections.Immutable.ImmutableDictionary`2+Builder",
            "System.Collections.Immutable.ImmutableHashSet`1+Builder",
            "Microsoft.CodeAnalysis.PooledObjects.ArrayBuilder`1",
            "Analyzer.Utilities.PooledObjects.ArrayBuilder`1",
            "System.Diagnostics.Stopwatch",
            "System.Random",
            "System.Text.StringBuilder",
            "System.Security.Cryptography.HashAlgorithm");

        /// <summary>
        /// The members that change the state of the non-thread-safe objects that are not collections (a <c>Stopwatch</c>
        /// restarted by senders and read by a keep-alive loop, a <c>Random</c> shared by parallel bodies): keyed by the
        /// type's name, beside <see cref="MutatingMethodNames"/>, which every collection shares.
        /// </summary>
        private static readonly ImmutableDictionary<string, ImmutableHashSet<string>> ObjectMutators = new System.Collections.Generic.Dictionary<string, ImmutableHashSet<string>>
        {
            ["Stopwatch"] = ImmutableHashSet.Create("Start", "Stop", "Restart", "Reset"),
            ["Random"] = ImmutableHashSet.Create("Next", "NextDouble", "NextBytes", "NextInt64", "NextSingle", "Shuffle", "GetItems"),
            ["StringBuilder"] = ImmutableHashSet.Create("Append", "AppendLine", "AppendFormat", "AppendJoin", "Insert", "Remove", "Replace", "Clear", "EnsureCapacity"),
            ["HashAlgorithm"] = ImmutableHashSet.Create("ComputeHash", "TryComputeHash", "TransformBlock", "TransformFinalBlock", "Initialize", "Clear"),
        }.ToImmutableDictionary();

        /// <summary>Members that change a collection's contents.</summary>
        public static ImmutableHashSet<string> MutatingMethodNames { get; } = ImmutableHashSet.Create(
            "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere",
            "Clear", "TryAdd", "Enqueue", "EnqueueRange", "Dequeue", "TryDequeue", "Push", "Pop", "TryPop", "Sort", "Reverse",
            "AddFirst", "AddLast", "AddBefore", "AddAfter", "RemoveFirst", "RemoveLast", "UnionWith", "IntersectWith",
            "ExceptWith", "SymmetricExceptWith", "EnsureCapacity", "TrimExcess", "Move", "SetItem", "DequeueEnqueue", "EnqueueDequeue");

        public Compilation Compilation { get; }

        /// <summary>What callers across the compilation tell about a method (locks held on entry, lock helpers): computed on first use.</summary>
        public MethodSummaries Summaries { get; }

        /// <summary>Which methods code of another type runs as regions: computed on first use.</summary>
        public RegionIndex Regions { get; }

        public INamedTypeSymbol? Task => Resolve(ref taskSlot, "System.Threading.Tasks.Task");

        public INamedTypeSymbol? TaskOfT => Resolve(ref taskOfTSlot, "System.Threading.Tasks.Task`1");

        public INamedTypeSymbol? TaskFactory => Resolve(ref taskFactorySlot, "System.Threading.Tasks.TaskFactory");

        public INamedTypeSymbol? TaskFactoryOfT => Resolve(ref taskFactoryOfTSlot, "System.Threading.Tasks.TaskFactory`1");

        public INamedTypeSymbol? ValueTask => Resolve(ref valueTaskSlot, "System.Threading.Tasks.ValueTask");

        public INamedTypeSymbol? ValueTaskOfT => Resolve(ref valueTaskOfTSlot, "System.Threading.Tasks.ValueTask`1");

        public INamedTypeSymbol? Parallel => Resolve(ref parallelSlot, "System.Threading.Tasks.Parallel");

        public INamedTypeSymbol? ParallelEnumerable => Resolve(ref parallelEnumerableSlot, "System.Linq.ParallelEnumerable");

        public INamedTypeSymbol? Enumerable => Resolve(ref enumerableSlot, "System.Linq.Enumerable");

        /// <summary><c>IDictionary&lt;TKey, TValue&gt;</c>: a lookup whose values callers share by key.</summary>
        public INamedTypeSymbol? GenericDictionary => Resolve(ref genericDictionarySlot, "System.Collections.Generic.IDictionary`2");

        /// <summary>True when <paramref name="type"/> is or implements <c>IDictionary&lt;TKey, TValue&gt;</c>.</summary>
        public bool IsDictionary(ITypeSymbol? type) =>
            GenericDictionary is { } dictionary && type is not null &&
            (IsType(type, dictionary) || type.AllInterfaces.Any(i => IsType(i, dictionary)));

        public INamedTypeSymbol? ThreadPool => Resolve(ref threadPoolSlot, "System.Threading.ThreadPool");

        public INamedTypeSymbol? Thread => Resolve(ref threadSlot, "System.Threading.Thread");

        public INamedTypeSymbol? Guid => Resolve(ref guidSlot, "System.Guid");

        public INamedTypeSymbol? DateTimeOffset => Resolve(ref dateTimeOffsetSlot, "System.DateTimeOffset");

        /// <summary>
        /// A value written in more than one step, so a reader without the writer's lock can see half of it: decimal,
        /// Guid, DateTimeOffset, or a struct of the program's own with several fields.
        /// </summary>
        public bool IsTearable(ITypeSymbol type) => type switch
        {
            { SpecialType: SpecialType.System_Decimal } => true,
            INamedTypeSymbol named when IsType(named, Guid) || IsType(named, DateTimeOffset) => true,
            INamedTypeSymbol { TypeKind: TypeKind.Struct, SpecialType: SpecialType.None, IsGenericType: false } named when named.Locations.Any(l => l.IsInSource) =>
                named.GetMembers().OfType<IFieldSymbol>().Count(f => !f.IsStatic) > 1,
            _ => false,
        };

        public INamedTypeSymbol? ThreadingTimer => Resolve(ref threadingTimerSlot, "System.Threading.Timer");

        public INamedTypeSymbol? TimersTimer => Resolve(ref timersTimerSlot, "System.Timers.Timer");

        /// <summary>System.Collections.Hashtable: documented safe for many readers alongside one writer at a time.</summary>
        public INamedTypeSymbol? Hashtable => Resolve(ref hashtableSlot, "System.Collections.Hashtable");

        public INamedTypeSymbol? Monitor => Resolve(ref monitorSlot, "System.Threading.Monitor");

        public INamedTypeSymbol? Interlocked => Resolve(ref interlockedSlot, "System.Threading.Interlocked");

        public INamedTypeSymbol? Volatile => Resolve(ref volatileSlot, "System.Threading.Volatile");

        public INamedTypeSymbol? SemaphoreSlim => Resolve(ref semaphoreSlimSlot, "System.Threading.SemaphoreSlim");

        public INamedTypeSymbol? WaitHandle => Resolve(ref waitHandleSlot, "System.Threading.WaitHandle");

        public INamedTypeSymbol? Mutex => Resolve(ref mutexSlot, "System.Threading.Mutex");

        public INamedTypeSymbol? ReaderWriterLockSlim => Resolve(ref readerWriterLockSlimSlot, "System.Threading.ReaderWriterLockSlim");

        public INamedTypeSymbol? ReaderWriterLock => Resolve(ref readerWriterLockSlot, "System.Threading.ReaderWriterLock");

        public INamedTypeSymbol? SpinLock => Resolve(ref spinLockSlot, "System.Threading.SpinLock");

        /// <summary><c>System.Threading.Lock</c> (.NET 9 and later).</summary>
        public INamedTypeSymbol? Lock => Resolve(ref lockSlot, "System.Threading.Lock");

        public INamedTypeSymbol? ThreadStaticAttribute => Resolve(ref threadStaticAttributeSlot, "System.ThreadStaticAttribute");

        public INamedTypeSymbol? ThreadLocal => Resolve(ref threadLocalSlot, "System.Threading.ThreadLocal`1");

        public INamedTypeSymbol? AsyncLocal => Resolve(ref asyncLocalSlot, "System.Threading.AsyncLocal`1");

        public INamedTypeSymbol? Channel => Resolve(ref channelSlot, "System.Threading.Channels.Channel`1");

        public INamedTypeSymbol? ChannelWriter => Resolve(ref channelWriterSlot, "System.Threading.Channels.ChannelWriter`1");

        public INamedTypeSymbol? Exception => Resolve(ref exceptionSlot, "System.Exception");

        public INamedTypeSymbol? TaskCompletionSource => Resolve(ref taskCompletionSourceSlot, "System.Threading.Tasks.TaskCompletionSource");

        public INamedTypeSymbol? TaskCompletionSourceOfT => Resolve(ref taskCompletionSourceOfTSlot, "System.Threading.Tasks.TaskCompletionSource`1");

        public INamedTypeSymbol? CancellationToken => Resolve(ref cancellationTokenSlot, "System.Threading.CancellationToken");

        /// <summary>ASP.NET Core's <c>RequestDelegate</c>: a conventional middleware takes the next one in its constructor.</summary>
        public INamedTypeSymbol? RequestDelegate => Resolve(ref requestDelegateSlot, "Microsoft.AspNetCore.Http.RequestDelegate");

        /// <summary>Serilog's sink interface: the pipeline calls <c>Emit</c> on whatever thread logs.</summary>
        public INamedTypeSymbol? LogEventSink => Resolve(ref logEventSinkSlot, "Serilog.Core.ILogEventSink");

        /// <summary><c>Microsoft.Extensions.Logging.ILogger</c>: one logger instance serves every thread of its category.</summary>
        public INamedTypeSymbol? Logger => Resolve(ref loggerSlot, "Microsoft.Extensions.Logging.ILogger");

        public INamedTypeSymbol? HttpContext => Resolve(ref httpContextSlot, "Microsoft.AspNetCore.Http.HttpContext");

        /// <summary><c>IMiddleware</c>: factory-activated middleware, resolved per request unless registered as a singleton.</summary>
        public INamedTypeSymbol? MiddlewareInterface => Resolve(ref middlewareInterfaceSlot, "Microsoft.AspNetCore.Http.IMiddleware");

        public INamedTypeSymbol? HttpMessageHandler => Resolve(ref httpMessageHandlerSlot, "System.Net.Http.HttpMessageHandler");

        public INamedTypeSymbol? BackgroundService => Resolve(ref backgroundServiceSlot, "Microsoft.Extensions.Hosting.BackgroundService");

        public INamedTypeSymbol? DiagnosticAnalyzer => Resolve(ref diagnosticAnalyzerSlot, "Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer");

        /// <summary>The Roslyn analysis contexts whose <c>Register*Action</c> callbacks run concurrently once enabled.</summary>
        public ImmutableArray<INamedTypeSymbol> AnalysisContexts => ResolveAll(ref analysisContextsSlot, AnalysisContextNames);

        /// <summary>Base types of per-request objects (controllers, Razor pages, hubs, components): their instance fields are not shared.</summary>
        public ImmutableArray<INamedTypeSymbol> PerRequestBaseTypes => ResolveAll(ref perRequestBaseTypesSlot, PerRequestBaseTypeNames);

        private static readonly ImmutableArray<string> AnalysisContextNames = ImmutableArray.Create(
            "Microsoft.CodeAnalysis.Diagnostics.AnalysisContext",
            "Microsoft.CodeAnalysis.Diagnostics.CompilationStartAnalysisContext",
            "Microsoft.CodeAnalysis.Diagnostics.SymbolStartAnalysisContext",
            "Microsoft.CodeAnalysis.Diagnostics.OperationBlockStartAnalysisContext",
            "Microsoft.CodeAnalysis.Diagnostics.CodeBlockStartAnalysisContext`1");

        /// <summary>
        /// Actor types whose runtime delivers one message or call at a time to an instance (a turn), on a scheduler that
        /// also runs the continuations of its un-awaited calls: Orleans grains and system targets, Akka.NET, Proto.Actor,
        /// Dapr and Service Fabric actors. Base classes and interfaces.
        /// </summary>
        public ImmutableArray<INamedTypeSymbol> TurnBasedTypes => ResolveAll(ref turnBasedTypesSlot, TurnBasedTypeNames);

        private static readonly ImmutableArray<string> TurnBasedTypeNames = ImmutableArray.Create(
            "Orleans.Grain",
            "Orleans.IGrainBase",
            "Orleans.Runtime.SystemTarget",
            "Akka.Actor.ActorBase",
            "Proto.IActor",
            "Dapr.Actors.Runtime.Actor",
            "Microsoft.ServiceFabric.Actors.Runtime.ActorBase");

        private static readonly ImmutableArray<string> PerRequestBaseTypeNames = ImmutableArray.Create(
            "Microsoft.AspNetCore.Mvc.ControllerBase",
            "Microsoft.AspNetCore.Mvc.RazorPages.PageModel",
            "Microsoft.AspNetCore.Mvc.RazorPages.Page",
            "Microsoft.AspNetCore.Mvc.ViewComponent",
            "Microsoft.AspNetCore.SignalR.Hub",
            "Microsoft.AspNetCore.Components.ComponentBase");

        public INamedTypeSymbol? List => Resolve(ref listSlot, "System.Collections.Generic.List`1");

        public INamedTypeSymbol? Dictionary => Resolve(ref dictionarySlot, "System.Collections.Generic.Dictionary`2");

        public INamedTypeSymbol? TaskScheduler => Resolve(ref taskSchedulerSlot, "System.Threading.Tasks.TaskScheduler");

        /// <summary>Types whose sends and writes must not overlap (docs/RG0004.md): sockets, streams, pipes, writers.</summary>
        public ImmutableArray<INamedTypeSymbol> SendTargets => ResolveAll(ref sendTargetsSlot, SendTargetNames);

        /// <summary>Readers that take one call at a time like the streams they read (a pipe reader, a text or binary reader).</summary>
        private ImmutableArray<INamedTypeSymbol> ReadSources => ResolveAll(ref readSourcesSlot, ReadSourceNames);

        private static readonly ImmutableArray<string> ReadSourceNames = ImmutableArray.Create(
            "System.IO.Pipelines.PipeReader",
            "System.IO.TextReader",
            "System.IO.BinaryReader");

        private static readonly ImmutableArray<string> SendTargetNames = ImmutableArray.Create(
            "System.Net.WebSockets.WebSocket",
            "System.Net.Sockets.Socket",
            "System.IO.Stream",
            "System.IO.Pipelines.PipeWriter",
            "System.IO.TextWriter",
            "System.IO.BinaryWriter");

        /// <summary>
        /// The completion signals of the framework (docs/RG0005.md): events, semaphores, countdowns, barriers, task
        /// completion sources, channel writers, blocking collections and cancellation sources.
        /// </summary>
        public ImmutableArray<INamedTypeSymbol> SignalTypes => ResolveAll(ref signalTypesSlot, SignalTypeNames);

        private static readonly ImmutableArray<string> SignalTypeNames = ImmutableArray.Create(
            "System.Threading.EventWaitHandle",
            "System.Threading.Semaphore",
            "System.Threading.ManualResetEventSlim",
            "System.Threading.SemaphoreSlim",
            "System.Threading.CountdownEvent",
            "System.Threading.Barrier",
            "System.Threading.Tasks.TaskCompletionSource",
            "System.Threading.Tasks.TaskCompletionSource`1",
            "System.Threading.Channels.ChannelWriter`1",
            "System.Collections.Concurrent.BlockingCollection`1",
            "System.Threading.CancellationTokenSource");

        private static readonly ImmutableHashSet<string> SignalSendNames = ImmutableHashSet.Create(
            "Set", "Signal", "Release", "SetResult", "TrySetResult", "SetException", "TrySetException", "SetCanceled", "TrySetCanceled", "Complete", "TryComplete", "SignalAndWait",
            "CompleteAdding", "Cancel", "CancelAsync");

        /// <summary>A barrier's SignalAndWait both signals and waits: each side's call orders the other side's work before it.</summary>
        private static readonly ImmutableHashSet<string> SignalWaitNames = ImmutableHashSet.Create("Wait", "WaitOne", "WaitAsync", "SignalAndWait");

        /// <summary>
        /// A call that tells another thread something is done: <c>done.Set()</c>, <c>countdown.Signal()</c>,
        /// <c>tcs.SetResult(..)</c>, <c>writer.Complete()</c>, <c>queue.CompleteAdding()</c>, <c>finished.Cancel()</c> (a token
        /// source used as "done"), on a framework signal or on a signal type of the program or
        /// a library (one that can also be waited for: <c>AsyncManualResetEvent.Set()</c>).
        /// </summary>
        public bool IsSignalSend(Microsoft.CodeAnalysis.Operations.IInvocationOperation call) =>
            SignalSendNames.Contains(call.TargetMethod.Name) && call.Instance is not null && IsSignalType(call.TargetMethod.ContainingType);

        /// <summary>
        /// The object a signal is sent on or waited for: the instance itself, or the token source behind
        /// <c>finished.Token.WaitHandle</c> and <c>finished.Token</c>.
        /// </summary>
        public static ISymbol? SignalObjectOf(IOperation instance)
        {
            var current = instance.WalkDownConversion();
            while (current is IPropertyReferenceOperation { Property.Name: "Token" or "WaitHandle", Instance: { } owner } &&
                   current.Type?.Name is "CancellationToken" or "WaitHandle")
            {
                current = owner.WalkDownConversion();
            }

            return current.ReferencedSymbol();
        }

        /// <summary>A wait for a signal: <c>done.Wait()</c>, <c>WaitOne()</c>, <c>await semaphore.WaitAsync()</c>.</summary>
        public bool IsSignalWait(Microsoft.CodeAnalysis.Operations.IInvocationOperation call) =>
            SignalWaitNames.Contains(call.TargetMethod.Name) && call.Instance is not null && IsSignalType(call.TargetMethod.ContainingType);

        private bool IsSignalType(INamedTypeSymbol? type) =>
            type is not null &&
            (SignalTypes.Any(signal => DerivesFrom(type, signal)) ||
             type.GetMembers().Any(m => m is IMethodSymbol { IsStatic: false } && SignalWaitNames.Contains(m.Name)) ||
             type.GetMembers("Task").Any(m => m is IPropertySymbol property && IsTaskLike(property.Type)));

        /// <summary>A send, write or flush on a socket, stream, pipe or writer (<c>SendAsync</c>, <c>Write</c>, <c>FlushAsync</c>, <c>PipeWriter.Advance</c>, a WebSocket's <c>CloseAsync</c>).</summary>
        public bool IsSendCall(Microsoft.CodeAnalysis.Operations.IInvocationOperation call)
        {
            var name = call.TargetMethod.Name;
            // A WebSocket's close handshake sends a close frame: it must not overlap a send either.
            if (!(name.StartsWith("Send", System.StringComparison.Ordinal) || name.StartsWith("Write", System.StringComparison.Ordinal) || name.StartsWith("Flush", System.StringComparison.Ordinal) ||
                  (name == "Advance" && IsPipeWriter(call.TargetMethod.ContainingType)) ||
                  (name is "CloseAsync" or "CloseOutputAsync" && IsWebSocket(call.TargetMethod.ContainingType))))
            {
                return false;
            }

            // A datagram send (SendTo, SendToAsync) hands the socket one whole datagram: concurrent ones never interleave.
            if (name.StartsWith("SendTo", System.StringComparison.Ordinal) && IsSocket(call.TargetMethod.ContainingType))
            {
                return false;
            }

            foreach (var target in SendTargets)
            {
                if (DerivesFrom(call.TargetMethod.ContainingType, target))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A stream, pipe reader or writer, text or binary reader or writer type itself (<c>class CountingStream : Stream</c>,
        /// <c>class StreamPipeReader : PipeReader</c>): like what it derives from, its instance takes one call at a time.
        /// </summary>
        public bool TakesOneCallAtATime(ITypeSymbol? type) =>
            SendTargets.Any(target => target.Name is not ("Socket" or "WebSocket") && DerivesFrom(type, target)) || ReadSources.Any(source => DerivesFrom(type, source));

        /// <summary>A <c>WebSocket</c> (incl. <c>ClientWebSocket</c>).</summary>
        public bool IsWebSocket(ITypeSymbol? type) => DerivesFrom(type, SendTargets.FirstOrDefault(t => t.Name == "WebSocket"));

        /// <summary>A <c>System.Net.Sockets.Socket</c>.</summary>
        public bool IsSocket(ITypeSymbol? type) => DerivesFrom(type, SendTargets.FirstOrDefault(t => t.Name == "Socket"));

        /// <summary>A <c>System.IO.Pipelines.PipeWriter</c>.</summary>
        public bool IsPipeWriter(ITypeSymbol? type) => DerivesFrom(type, SendTargets.FirstOrDefault(t => t.Name == "PipeWriter"));

        /// <summary>A <c>TextWriter</c> (<c>StreamWriter</c>, ...) or <c>BinaryWriter</c>.</summary>
        public bool IsTextOrBinaryWriter(ITypeSymbol? type) =>
            DerivesFrom(type, SendTargets.FirstOrDefault(t => t.Name == "TextWriter")) || DerivesFrom(type, SendTargets.FirstOrDefault(t => t.Name == "BinaryWriter"));

        /// <summary>
        /// The known symbols of <paramref name="compilation"/>, one instance per compilation shared by both analyzers of the
        /// package (and its summaries with them); the table holds it only as long as the compilation lives.
        /// </summary>
        public static KnownSymbols For(Compilation compilation) => PerCompilation.GetValue(compilation, c => new KnownSymbols(c));

        /// <summary>The LINQ calls that hand a sequence on as a whole (materialise it, or pass it through unchanged), in one list.</summary>
        public static ImmutableHashSet<string> LinqMaterializerNames { get; } = ImmutableHashSet.Create(
            "ToList", "ToArray", "ToHashSet", "AsEnumerable");

        /// <summary>True for <c>Enumerable.ToList/ToArray/ToHashSet/AsEnumerable</c> and <c>List&lt;T&gt;.ToArray()</c> (<c>Task.WaitAll(pending.ToArray())</c>).</summary>
        public bool IsLinqMaterializer(IMethodSymbol method) =>
            LinqMaterializerNames.Contains(method.Name) &&
            (IsType(method.ContainingType, Enumerable) ||
             (method.Name == "ToArray" && !method.IsStatic && method.ContainingType is { Name: "List" } list && IsInNamespace(list, "System", "Collections", "Generic")));

        /// <summary>True for <c>Task.WhenAll/WhenAny/WaitAll/WaitAny</c>.</summary>
        public bool IsTaskCombinator(IMethodSymbol method) =>
            method.Name is "WhenAll" or "WhenAny" or "WaitAll" or "WaitAny" && IsType(method.ContainingType, Task);

        /// <summary>True when <c>Interlocked.<paramref name="method"/>(ref T, ..)</c> exists for <paramref name="type"/> in this compilation (Or/And need .NET 5+).</summary>
        public bool HasInterlockedMethod(string method, ITypeSymbol type) =>
            Interlocked is not null &&
            Interlocked.GetMembers(method).OfType<IMethodSymbol>().Any(m =>
                m.Parameters.Length >= 1 && m.Parameters[0].RefKind == RefKind.Ref && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, type));

        /// <summary>True for a type that derives from a per-request base type (controller, page, hub, component).</summary>
        public bool IsPerRequestType(ITypeSymbol? type)
        {
            foreach (var baseType in PerRequestBaseTypes)
            {
                if (DerivesFrom(type, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True for an actor type (<see cref="TurnBasedTypes"/>): the members of one instance run one turn at a time, never in
        /// parallel with each other, and its un-awaited async calls continue on the same turn-based scheduler.
        /// </summary>
        public bool IsTurnBasedType(ITypeSymbol? type)
        {
            if (type is null)
            {
                return false;
            }

            foreach (var turnBased in TurnBasedTypes)
            {
                if (turnBased.TypeKind == TypeKind.Interface
                        ? type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, turnBased))
                        : DerivesFrom(type, turnBased))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True for a class of the program whose own code takes a lock or uses <c>Interlocked</c>/<c>Monitor</c> (a queue
        /// that locks in <c>Enqueue</c>): a type built for concurrent use guards its own state, which its own analysis
        /// checks, so a call on it does not change the field that holds it half-way. Read from syntax, once per type.
        /// </summary>
        public bool SynchronisesItself(ITypeSymbol? type) =>
            type is INamedTypeSymbol { TypeKind: TypeKind.Class } named && !named.DeclaringSyntaxReferences.IsEmpty &&
            synchronisesItself.GetOrAdd(named.OriginalDefinition, t => t.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax().DescendantNodes().Any(node =>
                node is LockStatementSyntax ||
                node is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Interlocked" or "Monitor" } })));

        /// <summary>
        /// The simple names used inside the lambdas of one method body and inside the local functions that may run apart
        /// from the call that reaches them: the locals of the method they may capture. A local function only ever called
        /// directly, and not async, runs inside its caller's flow (a helper that fills a list the method declared), so its
        /// names count only when a lambda or such a function calls it. Read from syntax, once per body and compilation.
        /// </summary>
        public ImmutableHashSet<string> NamesCapturedIn(SyntaxNode body) => capturedNames.GetOrAdd(body, ComputeNamesCapturedIn);

        private static ImmutableHashSet<string> ComputeNamesCapturedIn(SyntaxNode body)
        {
            var functions = body.DescendantNodes().Where(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax).ToList();
            // Sibling blocks may each declare a local function of the same name: all of them answer to it.
            var localFunctions = functions.OfType<LocalFunctionStatementSyntax>().ToLookup(f => f.Identifier.ValueText, System.StringComparer.Ordinal);
            var escaping = new HashSet<SyntaxNode>(functions.Where(f => f is AnonymousFunctionExpressionSyntax ||
                                                                        (f is LocalFunctionStatementSyntax local && (local.Modifiers.Any(SyntaxKind.AsyncKeyword) || IsUsedAsAValue(body, local.Identifier.ValueText)))));
            var pending = new Stack<SyntaxNode>(escaping);
            while (pending.Count > 0)
            {
                // A local function that an escaping function calls runs where that one runs.
                foreach (var name in pending.Pop().DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    foreach (var called in localFunctions[name.Identifier.ValueText])
                    {
                        if (escaping.Add(called))
                        {
                            pending.Push(called);
                        }
                    }
                }
            }

            return escaping
                .SelectMany(f => f.DescendantNodes().OfType<IdentifierNameSyntax>())
                .Select(name => name.Identifier.ValueText)
                .ToImmutableHashSet(System.StringComparer.Ordinal);

            static bool IsUsedAsAValue(SyntaxNode body, string name) =>
                body.DescendantNodes().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == name &&
                    !(n.Parent is InvocationExpressionSyntax invocation && invocation.Expression == n));
        }

        /// <summary>True for a System.Collections.Concurrent collection, a Channel or a BlockingCollection: each call is atomic.</summary>
        public bool IsConcurrentCollection(ITypeSymbol? type)
        {
            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                if (IsInNamespace(current, "System", "Collections", "Concurrent") || IsType(current, Channel))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True for an immutable collection (<c>ImmutableList&lt;T&gt;</c>, <c>IImmutableDictionary&lt;K, V&gt;</c>; not its
        /// <c>Builder</c>): its <c>Add</c> and <c>Remove</c> return a new collection and change nothing.
        /// </summary>
        public static bool IsImmutableCollection(ITypeSymbol? type) =>
            type is INamedTypeSymbol { ContainingType: null } named && IsInNamespace(named, "System", "Collections", "Immutable");

        /// <summary>
        /// <c>client.GetStream()</c> of a <c>TcpClient</c>: every call hands out the one stream of the client's connection,
        /// so writes to it are writes to the client.
        /// </summary>
        public static bool IsClientStream(IOperation operation) =>
            operation is IInvocationOperation { Instance: not null, TargetMethod: { Name: "GetStream", Parameters.IsEmpty: true, ContainingType: { } type } } && IsTcpClient(type);

        /// <summary><c>System.Net.Sockets.TcpClient</c> or a type derived from it.</summary>
        public static bool IsTcpClient(ITypeSymbol? type)
        {
            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                if (current.Name == "TcpClient" && IsInNamespace(current, "System", "Net", "Sockets"))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True for the types whose single operations are atomic (concurrent and immutable collections, channels, thread-local holders).</summary>
        public bool IsThreadSafeType(ITypeSymbol? type)
        {
            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                if (IsInNamespace(current, "System", "Collections", "Concurrent") ||
                    IsImmutableCollection(current) ||
                    IsInNamespace(current, "System", "Threading", "Channels"))
                {
                    return true;
                }

                var original = current.OriginalDefinition;
                if (SymbolEqualityComparer.Default.Equals(original, ThreadLocal) || SymbolEqualityComparer.Default.Equals(original, AsyncLocal))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The non-thread-safe collection type <paramref name="type"/> is or derives from; or the type itself when it is a
        /// class of the program that implements a collection interface with mutators and guards nothing (an LRU cache that
        /// implements <c>IDictionary&lt;K, V&gt;</c> over a plain dictionary and list); else null.
        /// </summary>
        public INamedTypeSymbol? GetNonThreadSafeCollection(ITypeSymbol? type)
        {
            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                if (NonThreadSafeCollections.Contains(current.OriginalDefinition))
                {
                    return current;
                }
            }

            return type is INamedTypeSymbol { TypeKind: TypeKind.Class } named && !named.DeclaringSyntaxReferences.IsEmpty && IsUnguardedSourceCollection(named)
                ? named
                : null;
        }

        /// <summary>
        /// True for a class of the program that implements <c>ICollection&lt;T&gt;</c>, <c>IList</c> or <c>IDictionary</c> and
        /// whose code (its source base classes' included) takes no lock, uses no <c>Interlocked</c>/<c>Monitor</c>/
        /// <c>Volatile</c>, and keeps no thread-safe collection, volatile field or lock object of its own: its mutators
        /// change plain state. Memoised per type.
        /// </summary>
        private bool IsUnguardedSourceCollection(INamedTypeSymbol type) => sourceCollections.GetOrAdd(type.OriginalDefinition, t =>
        {
            if (IsThreadSafeType(t) || !t.AllInterfaces.Any(i => MutableCollectionInterfaces.Contains(i.OriginalDefinition, SymbolEqualityComparer.Default)))
            {
                return false;
            }

            for (var current = t; current is not null && !current.DeclaringSyntaxReferences.IsEmpty; current = current.BaseType)
            {
                if (SynchronisesItself(current) ||
                    current.GetMembers().OfType<IFieldSymbol>().Any(f => f.IsVolatile || IsThreadSafeType(f.Type) || f.Type.Name is "SemaphoreSlim" or "ReaderWriterLockSlim" or "Lock" or "SpinLock" or "Mutex") ||
                    current.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax().DescendantNodes().Any(node =>
                        node is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Volatile" } })))
                {
                    return false;
                }
            }

            return true;
        });

        /// <summary>The collection interfaces whose members change the collection: <c>ICollection&lt;T&gt;</c>, <c>IList</c>, <c>IDictionary</c>.</summary>
        private ImmutableArray<INamedTypeSymbol> MutableCollectionInterfaces =>
            ResolveAll(ref mutableCollectionInterfacesSlot, ImmutableArray.Create("System.Collections.Generic.ICollection`1", "System.Collections.IList", "System.Collections.IDictionary"));

        /// <summary>
        /// True when <paramref name="call"/> changes the state of a non-thread-safe object that is not a collection
        /// (<c>_watch.Restart()</c>, <c>_random.Next()</c>, <c>_builder.Append(..)</c>, <c>_sha.ComputeHash(..)</c>).
        /// </summary>
        public bool IsObjectMutator(IInvocationOperation call) =>
            call.Instance?.Type is { } type && GetNonThreadSafeCollection(type) is { } owner &&
            ObjectMutators.TryGetValue(owner.Name, out var mutators) && mutators.Contains(call.TargetMethod.Name);

        /// <summary>The System.Collections.Concurrent type that replaces <paramref name="collection"/>, constructed with the same type arguments, or null.</summary>
        public INamedTypeSymbol? GetConcurrentEquivalent(INamedTypeSymbol collection)
        {
            if (!SymbolEqualityComparer.Default.Equals(collection, collection.OriginalDefinition) &&
                ConcurrentEquivalents.TryGetValue(collection.OriginalDefinition, out var concurrent))
            {
                return concurrent.Construct(collection.TypeArguments, collection.TypeArgumentNullableAnnotations);
            }

            return null;
        }

        /// <summary>True for <c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c> and <c>ValueTask&lt;T&gt;</c>.</summary>
        public bool IsTaskLike(ITypeSymbol? type)
        {
            if (type is not INamedTypeSymbol named)
            {
                return false;
            }

            var original = named.OriginalDefinition;
            return SymbolEqualityComparer.Default.Equals(original, Task) ||
                   SymbolEqualityComparer.Default.Equals(original, TaskOfT) ||
                   SymbolEqualityComparer.Default.Equals(original, ValueTask) ||
                   SymbolEqualityComparer.Default.Equals(original, ValueTaskOfT);
        }

        public bool IsTaskType(ITypeSymbol? type)
        {
            var original = type?.OriginalDefinition;
            return SymbolEqualityComparer.Default.Equals(original, Task) || SymbolEqualityComparer.Default.Equals(original, TaskOfT);
        }

        public bool IsType(ITypeSymbol? type, INamedTypeSymbol? known) =>
            known is not null && type is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

        public bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? known) => type.IsOrDerivesFrom(known);

        /// <summary>True when <paramref name="type"/> is declared directly in the namespace <c>outer.middle.inner</c> (walked by symbol, no string building).</summary>
        private static bool IsInNamespace(INamedTypeSymbol type, string outer, string middle, string inner) =>
            type.ContainingNamespace is { Name: var innerName, ContainingNamespace: { Name: var middleName, ContainingNamespace: { Name: var outerName, ContainingNamespace.IsGlobalNamespace: true } } } &&
            innerName == inner && middleName == middle && outerName == outer;

        /// <summary>The non-thread-safe collections of <see cref="NonThreadSafeCollectionNames"/> the compilation has.</summary>
        private ImmutableHashSet<INamedTypeSymbol> NonThreadSafeCollections =>
            ResolveOnce(ref nonThreadSafeCollectionsSlot, () => GetAll(NonThreadSafeCollectionNames).ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default));

        /// <summary>Each collection with a concurrent counterpart, mapped to it.</summary>
        private ImmutableDictionary<INamedTypeSymbol, INamedTypeSymbol> ConcurrentEquivalents => ResolveOnce(ref concurrentEquivalentsSlot, () =>
        {
            var equivalents = ImmutableDictionary.CreateBuilder<INamedTypeSymbol, INamedTypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var (from, to) in new[]
            {
                ("System.Collections.Generic.Dictionary`2", "System.Collections.Concurrent.ConcurrentDictionary`2"),
                ("System.Collections.Generic.Queue`1", "System.Collections.Concurrent.ConcurrentQueue`1"),
                ("System.Collections.Generic.Stack`1", "System.Collections.Concurrent.ConcurrentStack`1"),
                ("System.Collections.Generic.List`1", "System.Collections.Concurrent.ConcurrentBag`1"),
            })
            {
                if (Get(from) is { } source && Get(to) is { } target)
                {
                    equivalents[source] = target;
                }
            }

            return equivalents.ToImmutable();
        });

        /// <summary>
        /// The type of that metadata name: from the core library when it has it (one assembly to search, and a copy of a
        /// framework type that a library polyfills does not hide the real one), else from the whole compilation (null
        /// when absent or defined twice).
        /// </summary>
        private INamedTypeSymbol? Get(string metadataName) =>
            CoreLibrary?.GetTypeByMetadataName(metadataName) ?? Compilation.GetTypeByMetadataName(metadataName);

        /// <summary>The assembly that defines <c>object</c>.</summary>
        private IAssemblySymbol? CoreLibrary => ResolveOnce(ref coreLibrarySlot, () => (object?)Compilation.ObjectType.ContainingAssembly ?? Missing) as IAssemblySymbol;

        /// <summary>The type in <paramref name="slot"/>, looked up on first use (two threads may both look it up: same answer).</summary>
        private INamedTypeSymbol? Resolve(ref object? slot, string metadataName)
        {
            var value = System.Threading.Volatile.Read(ref slot);
            if (value is null)
            {
                value = (object?)Get(metadataName) ?? Missing;
                System.Threading.Volatile.Write(ref slot, value);
            }

            return value as INamedTypeSymbol;
        }

        private ImmutableArray<INamedTypeSymbol> ResolveAll(ref object? slot, ImmutableArray<string> metadataNames) =>
            ResolveOnce(ref slot, () => GetAll(metadataNames));

        private static T ResolveOnce<T>(ref object? slot, System.Func<T> compute)
        {
            var value = System.Threading.Volatile.Read(ref slot);
            if (value is null)
            {
                value = compute()!;
                System.Threading.Volatile.Write(ref slot, value);
            }

            return (T)value;
        }

        /// <summary>The types of a table that the compilation has (absent ones are left out).</summary>
        private ImmutableArray<INamedTypeSymbol> GetAll(ImmutableArray<string> metadataNames)
        {
            var types = ImmutableArray.CreateBuilder<INamedTypeSymbol>(metadataNames.Length);
            foreach (var name in metadataNames)
            {
                if (Get(name) is { } type)
                {
                    types.Add(type);
                }
            }

            return types.ToImmutable();
        }
    }
}
