using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// The types the concurrency model knows, resolved once per compilation. A member is null when the
    /// compilation does not reference that type.
    /// </summary>
    public sealed class KnownSymbols
    {
        private readonly ImmutableHashSet<INamedTypeSymbol> nonThreadSafeCollections;
        private readonly ImmutableDictionary<INamedTypeSymbol, INamedTypeSymbol> concurrentEquivalents;

        private KnownSymbols(Compilation compilation)
        {
            Compilation = compilation;
            Summaries = new MethodSummaries(compilation, this);
            Task = Get("System.Threading.Tasks.Task");
            TaskOfT = Get("System.Threading.Tasks.Task`1");
            TaskFactory = Get("System.Threading.Tasks.TaskFactory");
            TaskFactoryOfT = Get("System.Threading.Tasks.TaskFactory`1");
            ValueTask = Get("System.Threading.Tasks.ValueTask");
            ValueTaskOfT = Get("System.Threading.Tasks.ValueTask`1");
            Parallel = Get("System.Threading.Tasks.Parallel");
            ParallelEnumerable = Get("System.Linq.ParallelEnumerable");
            Enumerable = Get("System.Linq.Enumerable");
            ThreadPool = Get("System.Threading.ThreadPool");
            Thread = Get("System.Threading.Thread");
            Guid = Get("System.Guid");
            DateTimeOffset = Get("System.DateTimeOffset");
            ThreadingTimer = Get("System.Threading.Timer");
            TimersTimer = Get("System.Timers.Timer");
            Hashtable = Get("System.Collections.Hashtable");
            Monitor = Get("System.Threading.Monitor");
            Interlocked = Get("System.Threading.Interlocked");
            Volatile = Get("System.Threading.Volatile");
            SemaphoreSlim = Get("System.Threading.SemaphoreSlim");
            WaitHandle = Get("System.Threading.WaitHandle");
            Mutex = Get("System.Threading.Mutex");
            ReaderWriterLockSlim = Get("System.Threading.ReaderWriterLockSlim");
            ReaderWriterLock = Get("System.Threading.ReaderWriterLock");
            SpinLock = Get("System.Threading.SpinLock");
            Lock = Get("System.Threading.Lock");
            ThreadStaticAttribute = Get("System.ThreadStaticAttribute");
            ThreadLocal = Get("System.Threading.ThreadLocal`1");
            AsyncLocal = Get("System.Threading.AsyncLocal`1");
            Channel = Get("System.Threading.Channels.Channel`1");
            List = Get("System.Collections.Generic.List`1");
            TaskScheduler = Get("System.Threading.Tasks.TaskScheduler");

            SendTargets = GetAll(SendTargetNames);

            RequestDelegate = Get("Microsoft.AspNetCore.Http.RequestDelegate");
            HttpContext = Get("Microsoft.AspNetCore.Http.HttpContext");
            MiddlewareInterface = Get("Microsoft.AspNetCore.Http.IMiddleware");
            HttpMessageHandler = Get("System.Net.Http.HttpMessageHandler");
            BackgroundService = Get("Microsoft.Extensions.Hosting.BackgroundService");
            DiagnosticAnalyzer = Get("Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer");

            AnalysisContexts = GetAll(AnalysisContextNames);
            PerRequestBaseTypes = GetAll(PerRequestBaseTypeNames);

            nonThreadSafeCollections = GetAll(NonThreadSafeCollectionNames).ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);

            var equivalents = ImmutableDictionary.CreateBuilder<INamedTypeSymbol, INamedTypeSymbol>(SymbolEqualityComparer.Default);
            AddEquivalent(equivalents, "System.Collections.Generic.Dictionary`2", "System.Collections.Concurrent.ConcurrentDictionary`2");
            AddEquivalent(equivalents, "System.Collections.Generic.Queue`1", "System.Collections.Concurrent.ConcurrentQueue`1");
            AddEquivalent(equivalents, "System.Collections.Generic.Stack`1", "System.Collections.Concurrent.ConcurrentStack`1");
            AddEquivalent(equivalents, "System.Collections.Generic.List`1", "System.Collections.Concurrent.ConcurrentBag`1");
            concurrentEquivalents = equivalents.ToImmutable();
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
            "System.Collections.SortedList");

        /// <summary>Members that change a collection's contents.</summary>
        public static ImmutableHashSet<string> MutatingMethodNames { get; } = ImmutableHashSet.Create(
            "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere",
            "Clear", "TryAdd", "Enqueue", "EnqueueRange", "Dequeue", "TryDequeue", "Push", "Pop", "TryPop", "Sort", "Reverse",
            "AddFirst", "AddLast", "AddBefore", "AddAfter", "RemoveFirst", "RemoveLast", "UnionWith", "IntersectWith",
            "ExceptWith", "SymmetricExceptWith", "EnsureCapacity", "TrimExcess", "Move", "SetItem", "DequeueEnqueue", "EnqueueDequeue");

        public Compilation Compilation { get; }

        /// <summary>What callers across the compilation tell about a method (locks held on entry, lock helpers): computed on first use.</summary>
        public MethodSummaries Summaries { get; }

        public INamedTypeSymbol? Task { get; }

        public INamedTypeSymbol? TaskOfT { get; }

        public INamedTypeSymbol? TaskFactory { get; }

        public INamedTypeSymbol? TaskFactoryOfT { get; }

        public INamedTypeSymbol? ValueTask { get; }

        public INamedTypeSymbol? ValueTaskOfT { get; }

        public INamedTypeSymbol? Parallel { get; }

        public INamedTypeSymbol? ParallelEnumerable { get; }

        public INamedTypeSymbol? Enumerable { get; }

        public INamedTypeSymbol? ThreadPool { get; }

        public INamedTypeSymbol? Thread { get; }

        public INamedTypeSymbol? Guid { get; }

        public INamedTypeSymbol? DateTimeOffset { get; }

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

        public INamedTypeSymbol? ThreadingTimer { get; }

        public INamedTypeSymbol? TimersTimer { get; }

        /// <summary>System.Collections.Hashtable: documented safe for many readers alongside one writer at a time.</summary>
        public INamedTypeSymbol? Hashtable { get; }

        public INamedTypeSymbol? Monitor { get; }

        public INamedTypeSymbol? Interlocked { get; }

        public INamedTypeSymbol? Volatile { get; }

        public INamedTypeSymbol? SemaphoreSlim { get; }

        public INamedTypeSymbol? WaitHandle { get; }

        public INamedTypeSymbol? Mutex { get; }

        public INamedTypeSymbol? ReaderWriterLockSlim { get; }

        public INamedTypeSymbol? ReaderWriterLock { get; }

        public INamedTypeSymbol? SpinLock { get; }

        /// <summary><c>System.Threading.Lock</c> (.NET 9 and later).</summary>
        public INamedTypeSymbol? Lock { get; }

        public INamedTypeSymbol? ThreadStaticAttribute { get; }

        public INamedTypeSymbol? ThreadLocal { get; }

        public INamedTypeSymbol? AsyncLocal { get; }

        public INamedTypeSymbol? Channel { get; }

        /// <summary>ASP.NET Core's <c>RequestDelegate</c>: a conventional middleware takes the next one in its constructor.</summary>
        public INamedTypeSymbol? RequestDelegate { get; }

        public INamedTypeSymbol? HttpContext { get; }

        /// <summary><c>IMiddleware</c>: factory-activated middleware, resolved per request unless registered as a singleton.</summary>
        public INamedTypeSymbol? MiddlewareInterface { get; }

        public INamedTypeSymbol? HttpMessageHandler { get; }

        public INamedTypeSymbol? BackgroundService { get; }

        public INamedTypeSymbol? DiagnosticAnalyzer { get; }

        /// <summary>The Roslyn analysis contexts whose <c>Register*Action</c> callbacks run concurrently once enabled.</summary>
        public ImmutableArray<INamedTypeSymbol> AnalysisContexts { get; }

        /// <summary>Base types of per-request objects (controllers, Razor pages, hubs, components): their instance fields are not shared.</summary>
        public ImmutableArray<INamedTypeSymbol> PerRequestBaseTypes { get; }

        private static readonly ImmutableArray<string> AnalysisContextNames = ImmutableArray.Create(
            "Microsoft.CodeAnalysis.Diagnostics.AnalysisContext",
            "Microsoft.CodeAnalysis.Diagnostics.CompilationStartAnalysisContext",
            "Microsoft.CodeAnalysis.Diagnostics.SymbolStartAnalysisContext",
            "Microsoft.CodeAnalysis.Diagnostics.OperationBlockStartAnalysisContext",
            "Microsoft.CodeAnalysis.Diagnostics.CodeBlockStartAnalysisContext`1");

        private static readonly ImmutableArray<string> PerRequestBaseTypeNames = ImmutableArray.Create(
            "Microsoft.AspNetCore.Mvc.ControllerBase",
            "Microsoft.AspNetCore.Mvc.RazorPages.PageModel",
            "Microsoft.AspNetCore.Mvc.RazorPages.Page",
            "Microsoft.AspNetCore.Mvc.ViewComponent",
            "Microsoft.AspNetCore.SignalR.Hub",
            "Microsoft.AspNetCore.Components.ComponentBase");

        public INamedTypeSymbol? List { get; }

        public INamedTypeSymbol? TaskScheduler { get; }

        /// <summary>Types whose sends and writes must not overlap (RULES.md, RG0004): sockets, streams, pipes, writers.</summary>
        public ImmutableArray<INamedTypeSymbol> SendTargets { get; }

        private static readonly ImmutableArray<string> SendTargetNames = ImmutableArray.Create(
            "System.Net.WebSockets.WebSocket",
            "System.Net.Sockets.Socket",
            "System.IO.Stream",
            "System.IO.Pipelines.PipeWriter",
            "System.IO.TextWriter",
            "System.IO.BinaryWriter");

        /// <summary>A send, write or flush on a socket, stream, pipe or writer (<c>SendAsync</c>, <c>Write</c>, <c>FlushAsync</c>, <c>PipeWriter.Advance</c>).</summary>
        public bool IsSendCall(Microsoft.CodeAnalysis.Operations.IInvocationOperation call)
        {
            var name = call.TargetMethod.Name;
            if (!(name.StartsWith("Send", System.StringComparison.Ordinal) || name.StartsWith("Write", System.StringComparison.Ordinal) || name.StartsWith("Flush", System.StringComparison.Ordinal) ||
                  (name == "Advance" && IsPipeWriter(call.TargetMethod.ContainingType))))
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

        /// <summary>A <c>WebSocket</c> (incl. <c>ClientWebSocket</c>).</summary>
        public bool IsWebSocket(ITypeSymbol? type) => DerivesFrom(type, SendTargets.FirstOrDefault(t => t.Name == "WebSocket"));

        /// <summary>A <c>System.Net.Sockets.Socket</c>.</summary>
        public bool IsSocket(ITypeSymbol? type) => DerivesFrom(type, SendTargets.FirstOrDefault(t => t.Name == "Socket"));

        /// <summary>A <c>System.IO.Pipelines.PipeWriter</c>.</summary>
        public bool IsPipeWriter(ITypeSymbol? type) => DerivesFrom(type, SendTargets.FirstOrDefault(t => t.Name == "PipeWriter"));

        /// <summary>A <c>TextWriter</c> (<c>StreamWriter</c>, ...) or <c>BinaryWriter</c>.</summary>
        public bool IsTextOrBinaryWriter(ITypeSymbol? type) =>
            DerivesFrom(type, SendTargets.FirstOrDefault(t => t.Name == "TextWriter")) || DerivesFrom(type, SendTargets.FirstOrDefault(t => t.Name == "BinaryWriter"));

        public static KnownSymbols Create(Compilation compilation) => new KnownSymbols(compilation);

        /// <summary>The LINQ calls that hand a sequence on as a whole (materialise it, or pass it through unchanged), in one list.</summary>
        public static ImmutableHashSet<string> LinqMaterializerNames { get; } = ImmutableHashSet.Create(
            "ToList", "ToArray", "ToHashSet", "AsEnumerable");

        /// <summary>True for <c>Enumerable.ToList/ToArray/ToHashSet/AsEnumerable</c>.</summary>
        public bool IsLinqMaterializer(IMethodSymbol method) =>
            LinqMaterializerNames.Contains(method.Name) && IsType(method.ContainingType, Enumerable);

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

        /// <summary>True when the compilation references any collection of <see cref="NonThreadSafeCollectionNames"/>.</summary>
        public bool HasNonThreadSafeCollections => !nonThreadSafeCollections.IsEmpty;

        /// <summary>True for the types whose single operations are atomic (concurrent and immutable collections, channels, thread-local holders).</summary>
        public bool IsThreadSafeType(ITypeSymbol? type)
        {
            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                if (IsInNamespace(current, "System", "Collections", "Concurrent") ||
                    IsInNamespace(current, "System", "Collections", "Immutable") ||
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

        /// <summary>The non-thread-safe collection type <paramref name="type"/> is or derives from, or null.</summary>
        public INamedTypeSymbol? GetNonThreadSafeCollection(ITypeSymbol? type)
        {
            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                if (nonThreadSafeCollections.Contains(current.OriginalDefinition))
                {
                    return current;
                }
            }

            return null;
        }

        /// <summary>The System.Collections.Concurrent type that replaces <paramref name="collection"/>, constructed with the same type arguments, or null.</summary>
        public INamedTypeSymbol? GetConcurrentEquivalent(INamedTypeSymbol collection)
        {
            if (!SymbolEqualityComparer.Default.Equals(collection, collection.OriginalDefinition) &&
                concurrentEquivalents.TryGetValue(collection.OriginalDefinition, out var concurrent))
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

        private void AddEquivalent(ImmutableDictionary<INamedTypeSymbol, INamedTypeSymbol>.Builder builder, string from, string to)
        {
            if (Get(from) is { } source && Get(to) is { } target)
            {
                builder[source] = target;
            }
        }

        private INamedTypeSymbol? Get(string metadataName) => Compilation.GetTypeByMetadataName(metadataName);

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
