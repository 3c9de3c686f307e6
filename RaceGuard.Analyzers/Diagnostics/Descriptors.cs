using Microsoft.CodeAnalysis;

namespace RaceGuard.Diagnostics
{
    /// <summary>Every diagnostic descriptor of RaceGuard, each made by <see cref="Create"/>.</summary>
    public static class Descriptors
    {
        public const string Category = "Concurrency";

        public const string RepositoryUrl = "https://github.com/raceguard/raceguard";

        /// <summary>Why RaceGuard thinks two members run in parallel, said once in the description instead of in every message.</summary>
        private const string WhyConcurrent =
            " The members of a type built for concurrent use (one that locks its state elsewhere, updates fields with Interlocked or Volatile, declares volatile " +
            "fields, holds concurrent collections, is marked [ThreadSafe] or is listed in raceguard.thread_safe_types) may be called from several threads at once, " +
            "as may framework entry points (middleware, message handlers, log sinks, analyzer callbacks). The additional locations show the other accesses and where the " +
            "concurrent code starts.";

        public static readonly DiagnosticDescriptor SharedCollectionMutation = Create(
            RuleIds.SharedCollectionMutation,
            title: "Shared collection modified without synchronisation",
            messageFormat: "'{0}' ({1}) is modified {2} while {3}; {4}",
            description: "A collection that is not thread-safe is modified by code that may run in parallel with other code using the same collection. " +
                         "List<T>, Dictionary<TKey, TValue>, HashSet<T> and the other System.Collections types keep internal arrays and counters that concurrent writers corrupt: " +
                         "entries are lost, Count goes wrong, an enumeration throws InvalidOperationException, and a corrupted Dictionary can loop forever inside FindEntry. " +
                         "Guard every access with one lock, or use the matching System.Collections.Concurrent type." + WhyConcurrent,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor UnsynchronizedFlag = Create(
            RuleIds.UnsynchronizedFlag,
            title: "Shared flag read or written without atomic/volatile access",
            messageFormat: "'{0}' ({1}) is {2}; {3}",
            description: "A flag that one thread writes and another reads with plain field access may never be seen to change: in Release builds the JIT may read a " +
                         "non-volatile field once before a loop and spin forever (while (_running) never stops). A check followed by a set (if (!_started) { _started = true; }) " +
                         "lets two threads both pass the check. Read and write the flag with Volatile.Read/Volatile.Write or make it volatile, use " +
                         "Interlocked.CompareExchange for test-and-set, take the lock that guards its other writes, or stop loops with a CancellationToken." + WhyConcurrent,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor NonAtomicUpdate = Create(
            RuleIds.NonAtomicUpdate,
            title: "Non-atomic read-modify-write of shared state",
            messageFormat: "'{0}' ({1}) is updated {2} while {3}; the update is not atomic, use {4}",
            description: "x++, x += n and x = x + n read the variable, compute, and write the result back in separate steps. " +
                         "When two threads do it at once, both read the same old value and one update overwrites the other: counters drift, " +
                         "statistics undercount, sequence numbers repeat. volatile does not help, it makes each read and write visible but not the pair atomic. " +
                         "Use Interlocked.Increment, Decrement, Add, Or or And, or update the variable under one lock." + WhyConcurrent,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor UnguardedConcurrentSend = Create(
            RuleIds.UnguardedConcurrentSend,
            title: "Concurrent writes to one socket or stream without a send guard",
            messageFormat: "'{0}' ({1}) is {2} while {3}; {4}, guard every send with {5}",
            description: "Two sends or writes to the same WebSocket, Socket, network or TLS stream, PipeWriter or writer may run at the same time. " +
                         "A WebSocket allows one outstanding send (\"There is already one outstanding 'SendAsync' call for this WebSocket instance\"), " +
                         "SslStream and NetworkStream throw or interleave bytes, PipeWriter and the writers are not thread-safe. Guard every send to the target with one " +
                         "SemaphoreSlim(1, 1) (await WaitAsync, try, finally Release), or hand messages to a single writer through a Channel." + WhyConcurrent,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor SideChannelHandOver = Create(
            RuleIds.SideChannelHandOver,
            title: "Captured result or error read after a completion signal instead of after the task",
            messageFormat: "'{0}' ({1}) is {2}; {3}",
            description: "A background task hands a result or an error to the code that started it through a captured variable, and the reader is ordered after the write " +
                         "only by a side signal (an event, a TaskCompletionSource, the end of a channel loop, a polled flag, a delay) or by nothing. Move the assignment, add an early " +
                         "return, let the consumer leave on a timeout or cancellation, and the error is lost or read while it is written. Hand it over with the completion itself: " +
                         "await the task that writes it, or writer.Complete(ex) in the producer and await reader.Completion in the consumer.",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor CheckThenAct = Create(
            RuleIds.CheckThenAct,
            title: "Non-atomic check-then-act on a shared or concurrent dictionary/set",
            messageFormat: "'{0}' ({1}) is {2}; use {3}",
            description: "Each call on a ConcurrentDictionary is atomic, a check followed by an act is not: two threads both see the key missing and both add, " +
                         "or one removes what the other just checked. The same holds for a collection whose check and act each take the lock but not together. " +
                         "Use the one call that checks and acts atomically (TryAdd, GetOrAdd, AddOrUpdate, TryRemove, TryUpdate), or one lock around both.",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor InconsistentSynchronization = Create(
            RuleIds.InconsistentSynchronization,
            title: "Member synchronised inconsistently",
            messageFormat: "'{0}' ({1}) is {2} without {3}, which guards {4}; {5}",
            description: "A field is accessed under one lock in most places and without it in a few, and at least one access writes it. The unguarded access may see a " +
                         "half-done update or a stale value, or (when it writes) lose another thread's change. Take the same lock at every access." + WhyConcurrent,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor ReleaseNotGuaranteed = Create(
            RuleIds.ReleaseNotGuaranteed,
            title: "Lock or semaphore acquired without guaranteed release",
            messageFormat: "'{0}' ({1}) is acquired by {2} in {3} and released outside a finally, so an exception leaves it held; release it in a finally",
            description: "A lock, monitor or semaphore is acquired and then released by a later statement that is not in a finally block. Any exception, early return or faulted await " +
                         "between the two skips the release: the lock stays held, and every later Wait, WaitAsync or Enter blocks forever. Put the statements after the acquire in try " +
                         "and the release in finally, keeping the acquire before the try.",
            DiagnosticSeverity.Warning);

        /// <summary>The help link of a rule: its page under docs/.</summary>
        public static string HelpLink(string id) => RepositoryUrl + "/blob/main/docs/" + id + ".md";

        private static DiagnosticDescriptor Create(string id, string title, string messageFormat, string description, DiagnosticSeverity severity, bool isEnabledByDefault = true)
        {
#pragma warning disable RS0030 // The one place allowed to call the constructor.
            return new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                Category,
                severity,
                isEnabledByDefault,
                description,
                HelpLink(id));
#pragma warning restore RS0030
        }
    }
}
