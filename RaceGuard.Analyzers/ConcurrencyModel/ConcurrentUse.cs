using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// What shows that one instance of a type is used by several threads at once, so that its externally callable
    /// members may run in parallel with each other and with themselves (this folder's README.md, "Types built
    /// for concurrent use").
    /// </summary>
    public enum SharedInstanceEvidence
    {
        /// <summary>Nothing: the type's members are not assumed to run in parallel.</summary>
        None,

        /// <summary>A member takes a lock, Monitor, exclusive semaphore, reader/writer lock, SpinLock or Lock on a field of the type.</summary>
        LocksItsState,

        /// <summary>A member updates a field of the type through Interlocked or Volatile.</summary>
        AtomicFieldUpdates,

        /// <summary>The type declares a volatile field.</summary>
        VolatileField,

        /// <summary>The type holds a concurrent collection or channel in a field.</summary>
        ConcurrentCollectionField,

        /// <summary>The type carries an attribute named <c>ThreadSafe</c>.</summary>
        ThreadSafeAttribute,

        /// <summary>The type is listed in <c>raceguard.thread_safe_types</c>.</summary>
        Configured,
    }

    /// <summary>A member that a framework runs concurrently by contract, without evidence in the type.</summary>
    public enum FrameworkEntryKind
    {
        None,

        /// <summary>ASP.NET Core conventional middleware <c>Invoke</c>/<c>InvokeAsync</c>: one instance serves every request.</summary>
        Middleware,

        /// <summary>An <c>HttpMessageHandler</c> <c>SendAsync</c>/<c>Send</c> override: one handler serves every request of its client.</summary>
        MessageHandler,

        /// <summary>
        /// A Serilog sink's <c>Emit</c> (<c>ILogEventSink</c>) or a <c>Microsoft.Extensions.Logging</c> logger's <c>Log</c>:
        /// every thread that logs calls it, and neither framework serialises the calls.
        /// </summary>
        LogSink,
    }

    /// <summary>Recognises types built for concurrent use and framework entry points, by symbol.</summary>
    public static class ConcurrentUse
    {
        /// <summary>Evidence visible in the type's declaration: attribute, configuration, volatile or concurrent-collection fields.</summary>
        public static SharedInstanceEvidence FromDeclaration(INamedTypeSymbol type, KnownSymbols known, ImmutableHashSet<string> configuredTypes, bool infer)
        {
            if (type.GetAttributes().Any(a => a.AttributeClass?.Name is "ThreadSafeAttribute" or "ThreadSafe"))
            {
                return SharedInstanceEvidence.ThreadSafeAttribute;
            }

            if (configuredTypes.Count > 0 && configuredTypes.Contains(MetadataNameOf(type)))
            {
                return SharedInstanceEvidence.Configured;
            }

            if (!infer || known.IsPerRequestType(type))
            {
                return SharedInstanceEvidence.None;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol { IsImplicitlyDeclared: false } field)
                {
                    if (field.IsVolatile)
                    {
                        return SharedInstanceEvidence.VolatileField;
                    }

                    if (known.IsConcurrentCollection(field.Type))
                    {
                        return SharedInstanceEvidence.ConcurrentCollectionField;
                    }
                }
            }

            return SharedInstanceEvidence.None;
        }

        /// <summary>
        /// Evidence in one operation of a member of <paramref name="type"/>: a lock or exclusive acquire on a field of the
        /// type (or on the instance or the type itself), or an Interlocked/Volatile call on a field of the type.
        /// </summary>
        public static SharedInstanceEvidence FromOperation(IOperation operation, INamedTypeSymbol type, KnownSymbols known, OwnedLocks? owned = null)
        {
            switch (operation)
            {
                case ILockOperation lockOperation when IsOwnLock(lockOperation.LockedValue, type, owned):
                    return SharedInstanceEvidence.LocksItsState;

                case IInvocationOperation invocation:
                    var containing = invocation.TargetMethod.ContainingType;
                    if (known.IsType(containing, known.Interlocked) || known.IsType(containing, known.Volatile))
                    {
                        return invocation.Arguments.Any(a => IsOwnState(a.Value, type)) ? SharedInstanceEvidence.AtomicFieldUpdates : SharedInstanceEvidence.None;
                    }

                    // An exclusive acquire, or a reader lock (it shows the type expects concurrent readers and writers).
                    if (Guards.TryClassify(invocation, known, out var guardEvent) && guardEvent.IsAcquire &&
                        (guardEvent.Exclusive || guardEvent.Kind == GuardKind.ReaderWriterLock) &&
                        (guardEvent.Kind != GuardKind.Mutex || known.DerivesFrom(invocation.Instance?.Type, known.Mutex)) &&
                        (guardEvent.Kind == GuardKind.Monitor ? IsOwnLock(invocation.Arguments[0].Value, type, owned) : invocation.Instance is { } instance && IsOwnLock(instance, type, owned)))
                    {
                        return SharedInstanceEvidence.LocksItsState;
                    }

                    // using (TimedLock.Lock(_sync)): a static helper of the program locks the type's own object.
                    if (invocation.Instance is null && IsUsingResource(invocation) && Guards.ScopedLockHelper(invocation) is { Exclusive: true } &&
                        IsOwnLock(invocation.Arguments[0].Value, type, owned))
                    {
                        return SharedInstanceEvidence.LocksItsState;
                    }

                    return SharedInstanceEvidence.None;

                default:
                    return SharedInstanceEvidence.None;
            }
        }


        /// <summary>True for the resource of a <c>using</c> statement or declaration.</summary>
        private static bool IsUsingResource(IOperation operation)
        {
            for (var parent = operation.Parent; parent is not null; operation = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case IUsingOperation @using:
                        return ReferenceEquals(@using.Resources, operation);
                    case IUsingDeclarationOperation:
                        return true;
                    case IBlockOperation or IExpressionStatementOperation or IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return false;
                }
            }

            return false;
        }

        /// <summary>Which framework contract, if any, makes <paramref name="member"/> run in parallel with itself.</summary>
        public static FrameworkEntryKind FrameworkEntryOf(ISymbol member, KnownSymbols known)
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } method || method.ContainingType is not { } type)
            {
                return FrameworkEntryKind.None;
            }

            if (method.IsOverride && method.Name is "SendAsync" or "Send" && known.HttpMessageHandler is not null)
            {
                for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                {
                    if (known.IsType(overridden.ContainingType, known.HttpMessageHandler))
                    {
                        return FrameworkEntryKind.MessageHandler;
                    }
                }
            }

            if (method.Name is "Emit" or "Log" && (ImplementsMember(method, known.LogEventSink, "Emit") || ImplementsMember(method, known.Logger, "Log")))
            {
                return FrameworkEntryKind.LogSink;
            }

            if (method.Name is "Invoke" or "InvokeAsync" && method.DeclaredAccessibility == Accessibility.Public && known.RequestDelegate is not null &&
                method.Parameters.Length >= 1 && known.DerivesFrom(method.Parameters[0].Type, known.HttpContext) &&
                !type.AllInterfaces.Any(i => known.IsType(i, known.MiddlewareInterface)) &&
                type.InstanceConstructors.Any(c => c.Parameters.Any(p => known.IsType(p.Type, known.RequestDelegate))))
            {
                return FrameworkEntryKind.Middleware;
            }

            return FrameworkEntryKind.None;
        }

        /// <summary>True when <paramref name="method"/> implements the member <paramref name="name"/> of <paramref name="contract"/> in its type.</summary>
        private static bool ImplementsMember(IMethodSymbol method, INamedTypeSymbol? contract, string name)
        {
            if (contract is null || method.ContainingType is not { } type || !type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, contract)))
            {
                return false;
            }

            foreach (var member in contract.GetMembers(name))
            {
                if (type.FindImplementationForInterfaceMember(member) is IMethodSymbol implementation &&
                    SymbolEqualityComparer.Default.Equals(implementation.OriginalDefinition, method.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True for a Roslyn analyzer type whose code calls <c>EnableConcurrentExecution()</c> (read from syntax).</summary>
        public static bool EnablesConcurrentAnalyzerActions(INamedTypeSymbol type, KnownSymbols known)
        {
            if (known.DiagnosticAnalyzer is null || !known.DerivesFrom(type, known.DiagnosticAnalyzer))
            {
                return false;
            }

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax().DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i =>
                        i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "EnableConcurrentExecution" }))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The name <c>raceguard.thread_safe_types</c> lists a type by: namespace and type names, nested types with '.'.</summary>
        public static string MetadataNameOf(INamedTypeSymbol type)
        {
            var name = type.Name;
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name = outer.Name + "." + name;
            }

            return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
        }

        /// <summary>
        /// True for a lock object the type owns: the instance, typeof(the type), or a field or auto-property of the type
        /// that the type itself creates (initialiser or assignment of a <c>new</c> object). A lock on an object handed in
        /// from outside (<c>lock (_header)</c> with <c>_header</c> a constructor argument) guards that object's state,
        /// not this type's: it is no evidence that this type is shared.
        /// </summary>
        private static bool IsOwnLock(IOperation value, INamedTypeSymbol type, OwnedLocks? owned)
        {
            value = value.WalkDownConversion();
            if (value is ICoalesceAssignmentOperation { Target: var lazyTarget, Value: var created } && created.WalkDownConversion() is IObjectCreationOperation)
            {
                // lock (_sync ??= new object()): created by the type on first use.
                value = lazyTarget;
            }

            var member = value switch
            {
                IFieldReferenceOperation fieldReference when fieldReference.Instance is null or IInstanceReferenceOperation => (ISymbol)fieldReference.Field,
                IPropertyReferenceOperation propertyReference when propertyReference.Instance is null or IInstanceReferenceOperation => propertyReference.Property,
                _ => null,
            };

            if (member is null)
            {
                return value is IInstanceReferenceOperation || (value is ITypeOfOperation && IsOwnState(value, type));
            }

            // A lock the type or a source base type declares (SyncRoot of a base class): inherited state is the type's state.
            if (member.ContainingType is not { } declaring || !type.IsSelfOrSourceBase(declaring))
            {
                return false;
            }

            if (member is IPropertySymbol property && Guards.ReturnedField(property) is { } backing)
            {
                member = backing;
            }

            return owned is null ? CreatesItself(member, declaring) : owned.IsCreatedByType(member, declaring);
        }

        /// <summary>True when the type creates the object the field or property holds (initialiser or assignment of <c>new</c>).</summary>
        internal static bool CreatesItself(ISymbol member, INamedTypeSymbol type)
        {
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var initializer = reference.GetSyntax() switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                    PropertyDeclarationSyntax declaration => declaration.Initializer?.Value,
                    _ => null,
                };

                if (IsCreation(initializer))
                {
                    return true;
                }
            }

            // Assigned a new object somewhere in the type: _gate = new object(); _sync ??= new object();
            // Interlocked.CompareExchange(ref _sync, new object(), null).
            foreach (var declaration in type.DeclaringSyntaxReferences)
            {
                foreach (var node in declaration.GetSyntax().DescendantNodes())
                {
                    switch (node)
                    {
                        case AssignmentExpressionSyntax assignment when NamesMember(assignment.Left, member.Name) && IsCreation(assignment.Right):
                            return true;
                        case InvocationExpressionSyntax { ArgumentList.Arguments: { Count: >= 2 } arguments } when
                            NamesMember(arguments[0].Expression, member.Name) && IsCreation(arguments[1].Expression):
                            return true;
                    }
                }
            }

            return false;

            static bool IsCreation(ExpressionSyntax? expression) =>
                expression is BaseObjectCreationExpressionSyntax or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax;

            static bool NamesMember(ExpressionSyntax expression, string name) => expression switch
            {
                IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
                MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax identifier } => identifier.Identifier.ValueText == name,
                _ => false,
            };
        }

        /// <summary>True for a reference to a field of the type (through this or statically), the instance itself, or typeof(the type).</summary>
        private static bool IsOwnState(IOperation value, INamedTypeSymbol type)
        {
            value = value.WalkDownConversion();
            return value switch
            {
                IFieldReferenceOperation field => field.Instance is null or IInstanceReferenceOperation && SymbolEqualityComparer.Default.Equals(field.Field.ContainingType?.OriginalDefinition, type.OriginalDefinition),
                IPropertyReferenceOperation property => property.Instance is null or IInstanceReferenceOperation && SymbolEqualityComparer.Default.Equals(property.Property.ContainingType?.OriginalDefinition, type.OriginalDefinition),
                IInstanceReferenceOperation => true,
                ITypeOfOperation typeOf => SymbolEqualityComparer.Default.Equals(typeOf.TypeOperand.OriginalDefinition, type.OriginalDefinition),
                _ => false,
            };
        }
    }

    /// <summary>
    /// Memo, per type, of which lock fields the type creates itself: the answer reads the type's syntax, and members take
    /// the same lock many times. Made at the type's symbol start; thread-safe.
    /// </summary>
    public sealed class OwnedLocks
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<ISymbol, bool> created =
            new System.Collections.Concurrent.ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default);

        internal bool IsCreatedByType(ISymbol member, INamedTypeSymbol type) =>
            created.GetOrAdd(member, m => ConcurrentUse.CreatesItself(m, type));
    }
}
