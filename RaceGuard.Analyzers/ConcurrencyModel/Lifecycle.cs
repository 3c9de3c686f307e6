using Microsoft.CodeAnalysis;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// Members that run before a type is shared or after its users are done with it, by their role: the one place the
    /// model and the rules ask "is this start-up, shutdown or teardown code".
    /// </summary>
    public static class Lifecycle
    {
        /// <summary>Dispose, DisposeAsync, a finalizer: callers run it once, after use (explicit interface forms included).</summary>
        public static bool IsTeardown(ISymbol member) =>
            member is IMethodSymbol { MethodKind: MethodKind.Destructor } || member.PlainName() is "Dispose" or "DisposeAsync" or "Finalize";

        /// <summary>Teardown, or a member that stops the background work: Stop, StopAsync, Close.</summary>
        public static bool IsShutdown(ISymbol member) =>
            IsTeardown(member) || member.PlainName() is "Stop" or "StopAsync" or "Close";

        /// <summary>A constructor, or a member that sets the object up before it is shared: Start, Initialize, Open (and their Async forms).</summary>
        public static bool IsStartUp(ISymbol member) =>
            member is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } ||
            member.PlainName() is "Start" or "StartAsync" or "Initialize" or "InitializeAsync" or "Open" or "OpenAsync";
    }
}
