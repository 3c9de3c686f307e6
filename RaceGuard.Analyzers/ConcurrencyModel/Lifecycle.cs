using System.Linq;
using Microsoft.CodeAnalysis;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// Members that run before a type is shared or after its users are done with it, by their role: the one place the
    /// model and the rules ask "is this start-up, shutdown or teardown code". The role comes from the interface a member
    /// implements first (<c>IDisposable</c>, <c>IAsyncDisposable</c>, <c>IHostedService</c>); a member that implements
    /// none is judged by its name only when it has the shape of the role: an instance method, and for teardown and
    /// shutdown one whose parameters are options (values: a token, a timeout, a mode), which includes the
    /// <c>Dispose(bool)</c> of the dispose pattern (<c>Stop(string id)</c> or <c>Dispose(Lease lease)</c> ends one of many
    /// things, not the object).
    /// </summary>
    public static class Lifecycle
    {
        /// <summary>Dispose, DisposeAsync, a finalizer: callers run it once, after use (explicit interface forms included).</summary>
        public static bool IsTeardown(ISymbol member)
        {
            if (member is not IMethodSymbol method || method.IsStatic)
            {
                return false;
            }

            if (method.MethodKind == MethodKind.Destructor || Implements(method, "IDisposable", "Dispose") || Implements(method, "IAsyncDisposable", "DisposeAsync"))
            {
                return true;
            }

            return method.PlainName() switch
            {
                "Dispose" or "DisposeAsync" => TakesOnlyOptions(method) || IsDisposePattern(method),
                "Finalize" => method.Parameters.Length == 0,
                _ => false,
            };
        }

        /// <summary>Teardown, or a member that stops the background work: Stop, StopAsync, Close, <c>IHostedService.StopAsync</c>.</summary>
        public static bool IsShutdown(ISymbol member) =>
            IsTeardown(member) ||
            (member is IMethodSymbol { IsStatic: false } method &&
             (Implements(method, "IHostedService", "StopAsync") || (method.PlainName() is "Stop" or "StopAsync" or "Close" or "CloseAsync" && TakesOnlyOptions(method))));

        /// <summary>
        /// A constructor, or a member that sets the object up before it is shared: Start, Initialize, Open, Connect (and their
        /// Async forms), <c>IHostedService.StartAsync</c>, log4net's <c>IOptionHandler.ActivateOptions</c> (RULES.md, "What
        /// orders accesses"). A client's <c>Connect()</c> creates the buffers and the socket its sends then use under
        /// their lock, before it marks itself connected.
        /// </summary>
        public static bool IsStartUp(ISymbol member) =>
            member is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } ||
            (member is IMethodSymbol { IsStatic: false } method &&
             (Implements(method, "IHostedService", "StartAsync") || Implements(method, "IOptionHandler", "ActivateOptions") ||
              IsStartUpName(method.PlainName())));

        /// <summary>The names of start-up members: Start, Initialize, Open, Connect and their Async forms.</summary>
        public static bool IsStartUpName(string name) =>
            name is "Start" or "StartAsync" or "Initialize" or "InitializeAsync" or "Open" or "OpenAsync" or "Connect" or "ConnectAsync";

        /// <summary>
        /// Parameters that say how, not what: values such as a cancellation token, a timeout, a flag or a mode
        /// (<c>StopAsync(CancellationToken)</c>, <c>DisposeAsync(IOBehavior, CancellationToken)</c>). A reference
        /// parameter names one thing to end among many (<c>Stop(string id)</c>, <c>Dispose(Lease lease)</c>).
        /// </summary>
        private static bool TakesOnlyOptions(IMethodSymbol method) => method.Parameters.All(p => p.Type.IsValueType);

        /// <summary><c>protected virtual void Dispose(bool disposing)</c> of a disposable type.</summary>
        private static bool IsDisposePattern(IMethodSymbol method) =>
            method.Parameters.Length == 1 && method.Parameters[0].Type.SpecialType == SpecialType.System_Boolean &&
            method.ContainingType is { } type && type.IsDisposable();

        /// <summary>True when <paramref name="method"/> implements <paramref name="interfaceName"/>.<paramref name="memberName"/> for its type.</summary>
        private static bool Implements(IMethodSymbol method, string interfaceName, string memberName)
        {
            if (method.PlainName() != memberName || method.ContainingType is not { } type)
            {
                return false;
            }

            foreach (var candidate in type.AllInterfaces)
            {
                if (!IsSystemInterface(candidate, interfaceName))
                {
                    continue;
                }

                foreach (var interfaceMember in candidate.GetMembers(memberName))
                {
                    var implementation = type.FindImplementationForInterfaceMember(interfaceMember);
                    if (SymbolEqualityComparer.Default.Equals(implementation?.OriginalDefinition, method.OriginalDefinition) ||
                        method.IsOverride && implementation is IMethodSymbol implemented && Overrides(method, implemented))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool Overrides(IMethodSymbol method, IMethodSymbol ancestor)
        {
            for (var current = method.OverriddenMethod; current is not null; current = current.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, ancestor.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// IDisposable and IAsyncDisposable live in System; IHostedService in Microsoft.Extensions.Hosting; log4net's
        /// IOptionHandler (whose ActivateOptions the configurators call on a new appender, after setting its properties and
        /// before attaching it to a logger) in log4net.Core.
        /// </summary>
        private static bool IsSystemInterface(INamedTypeSymbol candidate, string name) =>
            candidate.Name == name && candidate.ContainingNamespace is { } ns &&
            name switch
            {
                "IHostedService" => ns.ToDisplayString() == "Microsoft.Extensions.Hosting",
                "IOptionHandler" => ns.ToDisplayString() == "log4net.Core",
                _ => ns.Name == "System" && ns.ContainingNamespace is { IsGlobalNamespace: true },
            };
    }
}
