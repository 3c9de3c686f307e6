namespace RaceGuard.Diagnostics
{
    /// <summary>Keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/>: what a code fix reads instead of re-deriving it.</summary>
    public static class DiagnosticPropertyKeys
    {
        /// <summary>The name of the shared variable (local, parameter, field or property).</summary>
        public const string SymbolName = "SymbolName";

        /// <summary>What the shared variable is, as a <see cref="Microsoft.CodeAnalysis.SymbolKind"/> name: Local, Parameter, Field or Property.</summary>
        public const string SymbolKind = "SymbolKind";

        /// <summary>The name of an existing lock object in scope that the fix should reuse; absent when a new one is needed.</summary>
        public const string ExistingLock = "ExistingLock";

        /// <summary><see cref="True"/> when a new lock object should be a <c>System.Threading.Lock</c> (the type exists and C# is 13 or later); absent otherwise.</summary>
        public const string UseLockType = "UseLockType";

        /// <summary>
        /// <see cref="True"/> when no lock may go around the reported statement (<see cref="ConcurrencyModel.LockHazard"/>): it
        /// waits for another thread (a lock around it may deadlock) or does I/O; the lock fix is not offered.
        /// </summary>
        public const string LockWouldBlock = "LockWouldBlock";

        /// <summary>The value of a yes/no property that holds (<see cref="UseLockType"/>, <see cref="LockWouldBlock"/>).</summary>
        public const string True = "true";

        /// <summary>How many of the additional locations, from the first, are racing accesses to guard; the rest are region starts.</summary>
        public const string ConflictCount = "ConflictCount";

        /// <summary>The thread-safe collection type the declaration could switch to, as a metadata name, e.g. <c>System.Collections.Concurrent.ConcurrentDictionary`2</c>.</summary>
        public const string ConcurrentType = "ConcurrentType";

        /// <summary>The Interlocked method that performs a read-modify-write in one step (Increment, Decrement, Add, Or, And); absent when none exists for the type.</summary>
        public const string InterlockedMethod = "InterlockedMethod";

        /// <summary>Which RG0002 finding the diagnostic is (<see cref="Diagnostics.FlagFinding"/>).</summary>
        public const string FlagFinding = "FlagFinding";

        /// <summary>The name of a <c>SemaphoreSlim(1, 1)</c> that already guards some sends to the same target; absent when a new one is needed.</summary>
        public const string ExistingSemaphore = "ExistingSemaphore";

        /// <summary>Which RG0005 finding the diagnostic is (<see cref="Diagnostics.HandOverFinding"/>).</summary>
        public const string HandOverFinding = "HandOverFinding";

        /// <summary>For RG0006: what the fix does (<see cref="Diagnostics.CheckThenActFix"/>): the atomic call that replaces the check and the act, one lock for a collection locked twice, or advice only.</summary>
        public const string CheckThenActFix = "CheckThenActFix";

        /// <summary>For an RG0005 read: what orders it (<see cref="ConcurrencyModel.SignalKind"/>: None, EventWait, TaskCompletionSource, ChannelDrained, PolledFlag, Delay).</summary>
        public const string Signal = "Signal";
    }
}
