using System;
using Microsoft.CodeAnalysis;

namespace RaceGuard.Diagnostics
{
    /// <summary>Which RG0002 finding a diagnostic is (<see cref="DiagnosticPropertyKeys.FlagFinding"/>).</summary>
    public enum FlagFinding
    {
        LoopRead,
        LoopWrite,
        TestAndSet,
        CheckThenStart,
        /// <summary>A <c>Parallel</c> body's early-exit flag: its read, and its plain sets.</summary>
        ParallelRead,
        TeardownRead,
        UnlockedRead,
        UnlockedWrite,

        /// <summary>A test before the lock that its then branch takes, not repeated under it (a fast path without the re-check).</summary>
        FastPathRead,
    }

    /// <summary>Which RG0005 finding a diagnostic is (<see cref="DiagnosticPropertyKeys.HandOverFinding"/>).</summary>
    public enum HandOverFinding
    {
        /// <summary>The starter reads the variable after a side signal.</summary>
        Read,

        /// <summary>The region assigns the variable after the signal its reader waits for.</summary>
        WriteAfterSignal,
    }

    /// <summary>What an RG0006 fix does (<see cref="DiagnosticPropertyKeys.CheckThenActFix"/>).</summary>
    public enum CheckThenActFix
    {
        TryAdd,
        TryRemove,
        GetOrAdd,
        AddOrUpdate,

        /// <summary>A plain collection checked and changed in two lock blocks: one lock around both.</summary>
        MergeLocks,

        /// <summary>A GetOrAdd factory that starts work or opens a resource: Lazy&lt;T&gt; values (advice only).</summary>
        LazyValues,

        /// <summary>A bound check then an Interlocked increment: a CompareExchange loop (advice only).</summary>
        CompareExchangeLoop,

        /// <summary>A state check (IsAddingCompleted) then an act another thread may end first: TryAdd or one locked call (advice only).</summary>
        StateCheck,
    }

    /// <summary>
    /// The typed reading and writing of diagnostic property values: enums by name, the variable's kind as Roslyn's
    /// <see cref="SymbolKind"/>. The analyzers write and the code fixes read through these, never through literals.
    /// </summary>
    public static class DiagnosticPropertyValues
    {
        /// <summary>The value of <paramref name="key"/> as <typeparamref name="TEnum"/>, or null when absent or unknown.</summary>
        public static TEnum? Get<TEnum>(this Diagnostic diagnostic, string key)
            where TEnum : struct, Enum =>
            diagnostic.Properties.TryGetValue(key, out var text) && Enum.TryParse<TEnum>(text, out var value) ? value : null;

        /// <summary>True when the yes/no property <paramref name="key"/> is set (<see cref="DiagnosticPropertyKeys.True"/>).</summary>
        public static bool IsSet(this Diagnostic diagnostic, string key) =>
            diagnostic.Properties.TryGetValue(key, out var text) && text == DiagnosticPropertyKeys.True;

        /// <summary>The text a property holds for <paramref name="value"/>.</summary>
        public static string Of<TEnum>(TEnum value)
            where TEnum : struct, Enum => value.ToString();
    }
}
