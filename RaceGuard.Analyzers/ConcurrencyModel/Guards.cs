using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>Which locks, monitors and semaphores are held at an operation, and what acquires or releases one.</summary>
    public static class Guards
    {
        /// <summary>An acquire or a release found in a statement.</summary>
        public readonly struct GuardEvent
        {
            public GuardEvent(GuardKey key, GuardKind kind, bool exclusive, bool isAcquire, IOperation operation)
            {
                Key = key;
                Kind = kind;
                Exclusive = exclusive;
                IsAcquire = isAcquire;
                Operation = operation;
            }

            public GuardKey Key { get; }

            public GuardKind Kind { get; }

            public bool Exclusive { get; }

            public bool IsAcquire { get; }

            public IOperation Operation { get; }
        }

        /// <summary>
        /// The guards held at <paramref name="operation"/>, looking up its ancestors until <paramref name="root"/>
        /// (the body of its region or member): <c>lock</c> statements, and acquires earlier in an enclosing block
        /// that no later statement released.
        /// </summary>
        public static ImmutableArray<Guard> GetGuardsAt(IOperation operation, IOperation? root, KnownSymbols known) =>
            GetGuardsAt(operation, root, known, rootHasAcquires: true);

        /// <summary>
        /// As <see cref="GetGuardsAt(IOperation, IOperation?, KnownSymbols)"/>; with <paramref name="rootHasAcquires"/>
        /// false (the caller knows the body calls no acquire) only <c>lock</c> statements are looked for.
        /// </summary>
        public static ImmutableArray<Guard> GetGuardsAt(IOperation operation, IOperation? root, KnownSymbols known, bool rootHasAcquires)
        {
            ImmutableArray<Guard>.Builder? guards = null;
            var child = operation;
            for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case ILockOperation lockOperation when ReferenceEquals(lockOperation.Body, child):
                        (guards ??= ImmutableArray.CreateBuilder<Guard>()).Add(new Guard(KeyOf(lockOperation.LockedValue), GuardKind.Lock, exclusive: true, lockOperation));
                        break;

                    case IBlockOperation block when rootHasAcquires:
                        AddHeldInBlock(block.Operations, child, known, ref guards);
                        break;

                    case ISwitchCaseOperation section when rootHasAcquires:
                        // case 1: Monitor.Enter(_gate); _items.Add(x); Monitor.Exit(_gate); break;  a section is a block.
                        AddHeldInBlock(section.Body, child, known, ref guards);
                        break;

                    case IConditionalOperation conditional when rootHasAcquires && !ReferenceEquals(conditional.Condition, child) && ClaimOf(conditional.Condition, known) is ({ } claim, var wonWhenTrue):
                        // if (Interlocked.CompareExchange(ref _busy, 1, 0) == 0) { .. }: the winning branch holds the claim
                        // until a statement of it resets the flag.
                        if (ReferenceEquals(conditional.WhenTrue, child) == wonWhenTrue &&
                            !(child is IBlockOperation branch && branch.Operations.TakeWhile(s => !operation.IsWithin(s.Syntax)).Any(s => ResetsClaim(s, claim.Key, known))))
                        {
                            (guards ??= ImmutableArray.CreateBuilder<Guard>()).Add(new Guard(claim.Key, claim.Kind, claim.Exclusive, claim.Operation));
                        }

                        break;

                    case IConditionalOperation conditional when rootHasAcquires && ReferenceEquals(conditional.WhenTrue, child) && conditional.Condition is not IUnaryOperation { OperatorKind: UnaryOperatorKind.Not }:
                        foreach (var guardEvent in FindEvents(conditional.Condition, known, acquiresOnly: true))
                        {
                            (guards ??= ImmutableArray.CreateBuilder<Guard>()).Add(new Guard(guardEvent.Key, guardEvent.Kind, guardEvent.Exclusive, guardEvent.Operation));
                        }

                        break;

                    case IUsingOperation usingOperation when rootHasAcquires && ReferenceEquals(usingOperation.Body, child):
                        foreach (var guardEvent in ScopedAcquires(usingOperation.Resources, known))
                        {
                            (guards ??= ImmutableArray.CreateBuilder<Guard>()).Add(new Guard(guardEvent.Key, guardEvent.Kind, guardEvent.Exclusive, guardEvent.Operation));
                        }

                        break;
                }

                if (ReferenceEquals(parent, root) || parent is ILocalFunctionOperation or IMethodBodyOperation or IConstructorBodyOperation)
                {
                    break;
                }
            }

            return guards?.ToImmutable() ?? ImmutableArray<Guard>.Empty;
        }

        /// <summary>
        /// The locks held at <paramref name="operation"/> of <paramref name="method"/>'s own body because of who calls it:
        /// the locks every call site holds (<see cref="MethodSummaries.EntryOf"/>), and under a test of a "lock held"
        /// parameter (<c>if (lockHeld) Do(); else lock (_gate) Do();</c>, <c>if (!held) throw ..;</c>) the locks of the
        /// call sites that may pass that value, and for a member callers outside the compilation may call, the lock the
        /// other branch takes itself.
        /// </summary>
        public static ImmutableArray<Guard> HeldOnEntry(IOperation operation, IOperation root, IMethodSymbol method, KnownSymbols known, System.Threading.CancellationToken cancellationToken = default) =>
            HeldOnEntry(operation, root, method, known, (m, p, v) => known.Summaries.EntryOf(m, p, v, cancellationToken));

        /// <summary>As above, asking <paramref name="entryOf"/> for the entry facts (the summaries' own walk passes its state).</summary>
        internal static ImmutableArray<Guard> HeldOnEntry(IOperation operation, IOperation root, IMethodSymbol method, KnownSymbols known, System.Func<IMethodSymbol, IParameterSymbol?, bool, EntryFacts> entryOf)
        {
            var held = entryOf(method, null, true).Locks;
            var child = operation;
            for (var parent = operation.Parent; parent is not null && !ReferenceEquals(child, root); child = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case IConditionalOperation conditional when !ReferenceEquals(conditional.Condition, child) && TestedParameter(conditional.Condition, method) is ({ } parameter, var whenTrue):
                        var inTrue = ReferenceEquals(conditional.WhenTrue, child);
                        var forValue = entryOf(method, parameter, inTrue ? whenTrue : !whenTrue);
                        held = held.AddRange(forValue.Locks);

                        // A public member's callers are not all in view: trust the code's own word, the lock the other
                        // branch takes (if (semaphoreHeld) Do(); else { await _sem.WaitAsync(); .. }); so too where no
                        // caller passes the value (the branch never runs).
                        if ((inTrue ? conditional.WhenFalse : conditional.WhenTrue) is { } otherBranch &&
                            (forValue.NoCaller || !MethodSummaries.HasOnlyVisibleCallers(method.OriginalDefinition)))
                        {
                            held = held.AddRange(TakenIn(otherBranch, known));
                        }

                        break;

                    case IBlockOperation block:
                        foreach (var statement in block.Operations)
                        {
                            if (ReferenceEquals(statement, child))
                            {
                                break;
                            }

                            // if (!lockHeld) throw ..;  the rest of the block runs with the parameter true.
                            if (statement is IConditionalOperation { WhenFalse: null } precondition && precondition.WhenTrue.AlwaysLeaves() &&
                                TestedParameter(precondition.Condition, method) is ({ } checkedParameter, var leavesWhen))
                            {
                                held = held.AddRange(entryOf(method, checkedParameter, !leavesWhen).Locks);
                            }
                        }

                        break;
                }
            }

            if (!held.IsEmpty && method.IsAsync && MayRunAfterAnAwait(operation, root))
            {
                // The caller's lock, monitor or thread-bound lock is released when the async method first yields (its
                // caller cannot await under a lock): only a semaphore the caller holds across the whole call stays held.
                held = held.RemoveAll(g => g.Kind != GuardKind.Semaphore);
            }

            return held.Select(g => g.AsHeldByCaller()).ToImmutableArray();
        }

        /// <summary>True when an <c>await</c> of <paramref name="root"/>'s own code may run before <paramref name="operation"/>: one earlier in the text, or one in a loop around it.</summary>
        private static bool MayRunAfterAnAwait(IOperation operation, IOperation root)
        {
            // The walk visits operations in source order: the first await it meets is the earliest (it stops there).
            var position = operation.Syntax.SpanStart;
            if (root.DescendantsOutsideFunctions().OfType<IAwaitOperation>().FirstOrDefault() is { } first && first.Syntax.SpanStart < position)
            {
                return true;
            }

            for (var parent = operation.Parent; parent is not null && !ReferenceEquals(parent, root); parent = parent.Parent)
            {
                if (parent is ILoopOperation loop && loop.DescendantsOutsideFunctions().OfType<IAwaitOperation>().Any())
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>p</c> or <c>!p</c> for a <c>bool</c> parameter of <paramref name="method"/>: the parameter and the value that makes the test true.</summary>
        private static (IParameterSymbol? Parameter, bool WhenTrue) TestedParameter(IOperation condition, IMethodSymbol method) =>
            BoolParameterTest(condition) is ({ } parameter, var whenTrue) &&
            SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol?.OriginalDefinition, method.OriginalDefinition)
                ? (parameter, whenTrue)
                : (null, false);

        /// <summary>
        /// A condition that only tests a <c>bool</c> parameter: <c>p</c>, <c>!p</c>, <c>p == true</c>, <c>false == p</c>,
        /// <c>p != false</c>; the parameter and the value that makes the condition true.
        /// </summary>
        internal static (IParameterSymbol? Parameter, bool WhenTrue) BoolParameterTest(IOperation condition)
        {
            var negated = false;
            condition = condition.WalkDownConversion();
            if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            {
                negated = true;
                condition = not.Operand.WalkDownConversion();
            }
            else if (condition is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison &&
                     (comparison.LeftOperand.ConstantValue is { HasValue: true, Value: bool } || comparison.RightOperand.ConstantValue is { HasValue: true, Value: bool }))
            {
                // false == held, held == true, held != false.
                var constant = comparison.LeftOperand.ConstantValue is { HasValue: true, Value: bool left } ? left : (bool)comparison.RightOperand.ConstantValue.Value!;
                negated = constant == (comparison.OperatorKind == BinaryOperatorKind.NotEquals);
                condition = (comparison.LeftOperand.ConstantValue.HasValue ? comparison.RightOperand : comparison.LeftOperand).WalkDownConversion();
            }

            return condition is IParameterReferenceOperation { Parameter: { Type.SpecialType: SpecialType.System_Boolean } parameter }
                ? (parameter, !negated)
                : (null, false);
        }

        /// <summary>The exclusive locks a branch takes itself: <c>lock</c> statements and acquire calls.</summary>
        private static IEnumerable<Guard> TakenIn(IOperation branch, KnownSymbols known)
        {
            foreach (var lockOperation in branch.DescendantsAndSelf().OfType<ILockOperation>())
            {
                yield return new Guard(KeyOf(lockOperation.LockedValue), GuardKind.Lock, exclusive: true, lockOperation);
            }

            foreach (var acquire in FindEvents(branch, known, acquiresOnly: true))
            {
                yield return new Guard(acquire.Key, acquire.Kind, acquire.Exclusive, acquire.Operation);
            }
        }

        /// <summary>Classifies one invocation as an acquire or release of a guard.</summary>
        public static bool TryClassify(IInvocationOperation invocation, KnownSymbols known, out GuardEvent guardEvent)
        {
            guardEvent = default;
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            var name = method.Name;
            if (known.IsType(type, known.Monitor))
            {
                if (invocation.Arguments.Length == 0)
                {
                    return false;
                }

                var key = KeyOf(invocation.Arguments[0].Value);
                switch (name)
                {
                    case "Enter":
                    case "TryEnter":
                        guardEvent = new GuardEvent(key, GuardKind.Monitor, exclusive: true, isAcquire: true, invocation);
                        return true;
                    case "Exit":
                        guardEvent = new GuardEvent(key, GuardKind.Monitor, exclusive: true, isAcquire: false, invocation);
                        return true;
                }

                return false;
            }

            if (invocation.Instance is not { } instance)
            {
                return false;
            }

            var instanceKey = KeyOf(instance);
            if (known.IsType(type, known.SemaphoreSlim))
            {
                return Classify(name is "Wait" or "WaitAsync", name == "Release", GuardKind.Semaphore, !IsThrottle(instance), out guardEvent);
            }

            if (known.DerivesFrom(instance.Type, known.WaitHandle))
            {
                return Classify(name == "WaitOne", name is "ReleaseMutex" or "Release", GuardKind.Mutex, true, out guardEvent);
            }

            if (known.IsType(type, known.ReaderWriterLockSlim))
            {
                var write = name is "EnterWriteLock" or "TryEnterWriteLock" or "ExitWriteLock";
                return Classify(name.StartsWith("Enter", System.StringComparison.Ordinal) || name.StartsWith("TryEnter", System.StringComparison.Ordinal), name.StartsWith("Exit", System.StringComparison.Ordinal), GuardKind.ReaderWriterLock, write, out guardEvent);
            }

            if (known.IsType(type, known.ReaderWriterLock))
            {
                var write = name is "AcquireWriterLock" or "ReleaseWriterLock";
                return Classify(name.StartsWith("Acquire", System.StringComparison.Ordinal), name.StartsWith("Release", System.StringComparison.Ordinal), GuardKind.ReaderWriterLock, write, out guardEvent);
            }

            if (known.IsType(type, known.SpinLock))
            {
                return Classify(name is "Enter" or "TryEnter", name == "Exit", GuardKind.SpinLock, true, out guardEvent);
            }

            if (known.IsType(type, known.Lock))
            {
                return Classify(name is "Enter" or "TryEnter" or "EnterScope", name == "Exit", GuardKind.LockType, true, out guardEvent);
            }

            return false;

            bool Classify(bool isAcquire, bool isRelease, GuardKind kind, bool exclusive, out GuardEvent result)
            {
                result = default;
                if (!isAcquire && !isRelease)
                {
                    return false;
                }

                result = new GuardEvent(instanceKey, kind, exclusive, isAcquire, invocation);
                return true;
            }
        }

        /// <summary>The guard events inside <paramref name="operation"/>, not looking into lambdas or local functions.</summary>
        public static IEnumerable<GuardEvent> FindEvents(IOperation? operation, KnownSymbols known, bool acquiresOnly)
        {
            if (operation is null)
            {
                yield break;
            }

            foreach (var invocation in operation.DescendantsOutsideFunctions().OfType<IInvocationOperation>())
            {
                if (TryClassifyHeld(invocation, known, out var guardEvent) && (guardEvent.IsAcquire || !acquiresOnly))
                {
                    yield return guardEvent;
                }
            }
        }

        /// <summary>
        /// As <see cref="TryClassify"/>, and also what tells the code after it that a lock is held or released without a
        /// primitive call of its own: an assertion that the lock is held (<c>Debug.Assert(Monitor.IsEntered(_gate))</c>,
        /// <c>Monitor.IsEntered(_gate)</c> tested in a condition, <c>_rw.IsWriteLockHeld</c>), and a helper of the
        /// compilation that returns with a lock held or releases one (<c>await AcquireLockAsync()</c>, <c>ReleaseLock(lease)</c>).
        /// </summary>
        public static bool TryClassifyHeld(IInvocationOperation invocation, KnownSymbols known, out GuardEvent guardEvent)
        {
            if (TryClassify(invocation, known, out guardEvent))
            {
                return true;
            }

            if (AssertedHeld(invocation, known) is { } asserted)
            {
                guardEvent = asserted;
                return true;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (AssertedHeld(argument.Value, known) is { } inArgument)
                {
                    guardEvent = inArgument;
                    return true;
                }
            }

            if (invocation.Instance is null or IInstanceReferenceOperation && known.Summaries.HelperEventOf(invocation.TargetMethod) is { } helper)
            {
                guardEvent = new GuardEvent(helper.Key, helper.Kind, helper.Exclusive, helper.IsAcquire, invocation);
                return true;
            }

            return false;
        }

        /// <summary>True when <paramref name="root"/> calls something that may leave a lock held for later statements.</summary>
        public static bool MayAcquire(IOperation root, KnownSymbols known) =>
            root.DescendantsAndSelf().Any(o =>
                o is IUsingOperation or IUsingDeclarationOperation ||
                (o is IInvocationOperation call && ((TryClassifyHeld(call, known, out var guardEvent) && guardEvent.IsAcquire) || IsClaimCall(call, known))));

        /// <summary><c>Monitor.IsEntered(x)</c>, <c>rw.IsWriteLockHeld</c>/<c>IsReadLockHeld</c>, <c>gate.IsHeldByCurrentThread</c>: the lock is held where this is true.</summary>
        private static GuardEvent? AssertedHeld(IOperation operation, KnownSymbols known)
        {
            operation = operation.WalkDownConversion();
            switch (operation)
            {
                case IInvocationOperation { TargetMethod.Name: "IsEntered", Arguments.Length: 1 } isEntered when known.IsType(isEntered.TargetMethod.ContainingType, known.Monitor):
                    return new GuardEvent(KeyOf(isEntered.Arguments[0].Value), GuardKind.Monitor, exclusive: true, isAcquire: true, isEntered);
                case IPropertyReferenceOperation { Instance: { } instance, Property.Name: var name } property:
                    if (known.IsType(property.Property.ContainingType, known.ReaderWriterLockSlim) && name is "IsWriteLockHeld" or "IsReadLockHeld" or "IsUpgradeableReadLockHeld")
                    {
                        return new GuardEvent(KeyOf(instance), GuardKind.ReaderWriterLock, exclusive: name == "IsWriteLockHeld", isAcquire: true, property);
                    }

                    if (name == "IsHeldByCurrentThread" && (known.IsType(property.Property.ContainingType, known.Lock) || known.IsType(property.Property.ContainingType, known.SpinLock)))
                    {
                        return new GuardEvent(KeyOf(instance), known.IsType(property.Property.ContainingType, known.Lock) ? GuardKind.LockType : GuardKind.SpinLock, exclusive: true, isAcquire: true, property);
                    }

                    return null;
                default:
                    return null;
            }
        }

        /// <summary>
        /// True for a semaphore declared with more than one slot (<c>new SemaphoreSlim(4)</c>,
        /// <c>new SemaphoreSlim(maxParallel)</c>): it throttles, it does not exclude. <c>new SemaphoreSlim(1, 1)</c>, and a
        /// semaphore whose creation is not in its declaration, count as a mutex.
        /// </summary>
        private static bool IsThrottle(IOperation instance) =>
            instance.WalkDownConversion().ReferencedSymbol() is { } symbol && FirstCreationArgument(symbol) is { } first &&
            !(first is LiteralExpressionSyntax { Token.ValueText: "1" });

        /// <summary>
        /// The first argument of the creation in a field's, property's or local's declaration (<c>new SemaphoreSlim(0)</c>
        /// → <c>0</c>); null when the declaration creates nothing or passes no argument.
        /// </summary>
        public static ExpressionSyntax? FirstCreationArgument(ISymbol symbol)
        {
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                var initializer = reference.GetSyntax() switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                    PropertyDeclarationSyntax property => property.Initializer?.Value,
                    _ => null,
                };

                if (initializer is BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: > 0 } arguments })
                {
                    return arguments[0].Expression;
                }
            }

            return null;
        }

        /// <summary>The key of the object a lock statement or acquire call synchronises on.</summary>
        public static GuardKey KeyOf(IOperation operation)
        {
            operation = operation.WalkDownConversion();
            return operation switch
            {
                IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation => KeyOfMember(field.Field),
                IPropertyReferenceOperation property when property.Instance is null or IInstanceReferenceOperation => KeyOfMember(property.Property),
                ILocalReferenceOperation local => new GuardKey(local.Local, local.Local.Name),
                IParameterReferenceOperation parameter => new GuardKey(parameter.Parameter, parameter.Parameter.Name),
                IInstanceReferenceOperation instance => new GuardKey(instance.Type, "this"),
                ITypeOfOperation typeOf => new GuardKey(typeOf.TypeOperand, "typeof"),
                _ => new GuardKey(null, ChainFromThis(operation) ?? operation.Syntax.ToString()),
            };
        }

        /// <summary>
        /// The key of a lock held in a field or property of this instance (or a static one): a trivial getter's field stands
        /// for it. Named by its definition: a derived generic type names the base's <c>_lock</c> through its own type
        /// arguments (<c>Controller&lt;TResult&gt;._lock</c> of the derived <c>TResult</c>), and it is the same lock.
        /// </summary>
        internal static GuardKey KeyOfMember(ISymbol member) => member.OriginalDefinition switch
        {
            IPropertySymbol property when ReturnedField(property) is { } backing => new GuardKey(backing.OriginalDefinition, backing.Name),
            var definition => new GuardKey(definition, definition.Name),
        };

        /// <summary>
        /// A chain of fields and properties from this instance as one text, with or without <c>this.</c> in the code
        /// (<c>Context.SyncLock</c>): the same lock reads the same wherever the type names it. Null for any other value.
        /// </summary>
        internal static string? ChainFromThis(IOperation operation)
        {
            var names = new List<string>();
            var current = operation.WalkDownConversion();
            while (current is IFieldReferenceOperation or IPropertyReferenceOperation { Arguments.IsEmpty: true })
            {
                var member = (IMemberReferenceOperation)current;
                if (member.Member.IsStatic || member.Instance is null)
                {
                    return null;
                }

                names.Add(member.Member.Name);
                current = member.Instance.WalkDownConversion();
            }

            if (current is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } || names.Count == 0)
            {
                return null;
            }

            names.Reverse();
            return string.Join(".", names);
        }

        /// <summary>
        /// The field of the same type that a property's getter only returns (<c>SyncRoot => this.syncRoot</c>,
        /// <c>get { return _gate; }</c>): locking on the property locks on that field. Read from syntax, without binding.
        /// </summary>
        internal static IFieldSymbol? ReturnedField(IPropertySymbol property)
        {
            if (property.GetMethod is not { } getter || property.IsIndexer)
            {
                return null;
            }

            foreach (var reference in getter.DeclaringSyntaxReferences)
            {
                var returned = reference.GetSyntax() switch
                {
                    ArrowExpressionClauseSyntax arrow => arrow.Expression,
                    PropertyDeclarationSyntax { ExpressionBody: { } arrow } => arrow.Expression,
                    AccessorDeclarationSyntax { ExpressionBody: { } arrow } => arrow.Expression,
                    AccessorDeclarationSyntax { Body.Statements: { Count: 1 } statements } when statements[0] is ReturnStatementSyntax { Expression: { } value } => value,
                    _ => null,
                };

                var name = returned switch
                {
                    IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                    MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax member } => member.Identifier.ValueText,
                    _ => null,
                };

                if (name is not null && property.ContainingType?.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault() is { } field && field.IsStatic == property.IsStatic)
                {
                    return field;
                }
            }

            return null;
        }

        private static void AddHeldInBlock(ImmutableArray<IOperation> statements, IOperation child, KnownSymbols known, ref ImmutableArray<Guard>.Builder? guards)
        {
            if (HeldAfter(statements, child, known) is not { } held)
            {
                return;
            }

            foreach (var acquire in held)
            {
                (guards ??= ImmutableArray.CreateBuilder<Guard>()).Add(new Guard(acquire.Key, acquire.Kind, acquire.Exclusive, acquire.Operation));
            }
        }

        /// <summary>
        /// The acquires of <paramref name="statements"/> before <paramref name="stopAt"/> (all of them when null) that no
        /// later one of those statements releases; null when there are none.
        /// </summary>
        private static List<GuardEvent>? HeldAfter(ImmutableArray<IOperation> statements, IOperation? stopAt, KnownSymbols known)
        {
            List<GuardEvent>? held = null;
            foreach (var statement in statements)
            {
                if (ReferenceEquals(statement, stopAt))
                {
                    break;
                }

                foreach (var acquire in TopLevelAcquires(statement, known))
                {
                    (held ??= new List<GuardEvent>()).Add(acquire);
                }

                // if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return;  the rest of the block holds the claim
                // (the losing branch may back out: Interlocked.Decrement(ref _busy); return;).
                if (statement is IConditionalOperation { WhenFalse: null } claiming && ExitsAlways(claiming.WhenTrue) &&
                    ClaimOf(claiming.Condition, known) is ({ } claim, false))
                {
                    (held ??= new List<GuardEvent>()).Add(claim);
                    continue;
                }

                if (held is null)
                {
                    continue;
                }

                held.RemoveAll(h => h.Kind == GuardKind.Claim && ResetsClaim(statement, h.Key, known));

                foreach (var release in FindEvents(statement, known, acquiresOnly: false))
                {
                    if (!release.IsAcquire)
                    {
                        held.RemoveAll(h => h.Key.Equals(release.Key));
                    }
                }
            }

            return held;
        }

        /// <summary>
        /// Acquires that hold for the statements after <paramref name="statement"/>: <c>Monitor.Enter(x);</c>,
        /// <c>await sem.WaitAsync();</c>, <c>using var scope = gate.EnterScope();</c>, and
        /// <c>if (!sem.Wait(timeout)) return;</c>.
        /// </summary>
        private static IEnumerable<GuardEvent> TopLevelAcquires(IOperation statement, KnownSymbols known)
        {
            switch (statement)
            {
                case IExpressionStatementOperation expressionStatement:
                    return AcquireOf(expressionStatement.Operation, known);
                case IUsingDeclarationOperation usingDeclaration:
                    return ScopedAcquires(usingDeclaration.DeclarationGroup, known);
                case IVariableDeclarationGroupOperation declarations:
                    return declarations.Declarations.SelectMany(d => d.Declarators).Where(d => d.Initializer is not null).SelectMany(d => AcquireOf(d.Initializer!.Value, known)).ToList();
                case IConditionalOperation { Condition: IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not, WhenTrue: { } whenTrue } when ExitsAlways(whenTrue):
                    return AcquireOf(not.Operand, known);
                case IConditionalOperation { WhenFalse: null, WhenTrue: { } acquiring } conditional when
                    conditional.Condition.DescendantsAndSelf().OfType<IParameterReferenceOperation>().FirstOrDefault() is { Parameter.ContainingSymbol: IMethodSymbol flagOwner } &&
                    TestedParameter(conditional.Condition, flagOwner) is ({ } _, false):
                    // if (!lockHeld) await _sem.WaitAsync();  from here on the lock is held, by the caller or by us.
                    return StatementsOf(acquiring).SelectMany(s => TopLevelAcquires(s, known)).ToList();
                case IConditionalOperation { WhenTrue: { } whenTrue, WhenFalse: { } whenFalse }:
                    // if (immediate) { Monitor.TryEnter(_queue, 0, ref taken); if (!taken) return; } else { Monitor.TryEnter(_queue, timeout, ref taken); .. }:
                    // a lock both branches take and keep is held after the if.
                    return HeldAfter(StatementsOf(whenTrue), stopAt: null, known) is { } keptWhenTrue && HeldAfter(StatementsOf(whenFalse), stopAt: null, known) is { } keptWhenFalse
                        ? keptWhenFalse.Where(kept => keptWhenTrue.Any(k => k.Key.Equals(kept.Key))).ToList()
                        : System.Array.Empty<GuardEvent>();
                default:
                    return System.Array.Empty<GuardEvent>();
            }
        }


        /// <summary>A branch's statements: a block's, or the branch itself.</summary>
        private static ImmutableArray<IOperation> StatementsOf(IOperation branch) => branch is IBlockOperation block ? block.Operations : ImmutableArray.Create(branch);

        private static IEnumerable<GuardEvent> AcquireOf(IOperation expression, KnownSymbols known)
        {
            expression = expression.WalkDownConversion();
            if (expression is IAwaitOperation awaitOperation)
            {
                expression = awaitOperation.Operation.WalkDownConversion();
            }

            if (expression is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } awaited })
            {
                expression = awaited.WalkDownConversion();
            }

            if (expression is IInvocationOperation invocation && TryClassifyHeld(invocation, known, out var guardEvent) && guardEvent.IsAcquire)
            {
                return new[] { guardEvent };
            }

            if (AssertedHeld(expression, known) is { } asserted)
            {
                return new[] { asserted };
            }

            // Assumes.True(Monitor.IsEntered(_gate)) with the assertion helper's package missing: the call does not bind,
            // the assertion inside it still states the lock is held.
            if (expression is IInvalidOperation invalid)
            {
                foreach (var argument in invalid.ChildOperations)
                {
                    if (AssertedHeld(argument, known) is { } assertedInside)
                    {
                        return new[] { assertedInside };
                    }
                }
            }

            return System.Array.Empty<GuardEvent>();
        }

        /// <summary>
        /// A call whose name speaks of locking, made as the resource of a <c>using</c>: the token it returns releases the
        /// lock when disposed. Keyed by the object it is called on (<c>using (await _mutex.LockAsync())</c>), or for a
        /// static or extension helper by the object it is given (<c>using (TimedLock.Lock(_sync))</c>). Null otherwise.
        /// </summary>
        internal static GuardEvent? ScopedLockHelper(IInvocationOperation invocation)
        {
            var name = invocation.TargetMethod.Name;
            if (!(name.IndexOf("Lock", System.StringComparison.Ordinal) >= 0 || name.StartsWith("Acquire", System.StringComparison.Ordinal) || name is "EnterAsync" or "WaitAsyncScope"))
            {
                return null;
            }

            var exclusive = name.IndexOf("Read", System.StringComparison.Ordinal) < 0;
            if (invocation.Instance is { } instance)
            {
                return new GuardEvent(KeyOf(instance), GuardKind.Lock, exclusive, isAcquire: true, invocation);
            }

            return invocation.TargetMethod.IsStatic && invocation.Arguments.Length > 0 &&
                   invocation.Arguments[0].Value.WalkDownConversion() is IFieldReferenceOperation or IPropertyReferenceOperation or IInstanceReferenceOperation &&
                   invocation.Arguments[0].Value.WalkDownConversion().Type is { IsReferenceType: true } &&
                   KeyOf(invocation.Arguments[0].Value) is { Symbol: not null } argumentKey
                ? new GuardEvent(argumentKey, GuardKind.Lock, exclusive, isAcquire: true, invocation)
                : null;
        }

        /// <summary>
        /// The guards a <c>using</c> holds for its scope: <c>gate.EnterScope()</c>, and the disposable lock handles of
        /// async-lock libraries (<c>using (await _mutex.LockAsync())</c>, <c>AcquireAsync()</c>, <c>WriterLockAsync()</c>;
        /// reader locks are shared).
        /// </summary>
        private static IEnumerable<GuardEvent> ScopedAcquires(IOperation resources, KnownSymbols known)
        {
            var found = false;
            foreach (var guardEvent in FindEvents(resources, known, acquiresOnly: true))
            {
                found = true;
                yield return guardEvent;
            }

            if (found)
            {
                yield break;
            }

            foreach (var invocation in resources.DescendantsAndSelf().OfType<IInvocationOperation>())
            {
                if (ScopedLockHelper(invocation) is { } scoped)
                {
                    yield return scoped;
                    yield break;
                }
            }
        }

        /// <summary>
        /// A claim on an integer field made with <c>Interlocked</c>, tested in <paramref name="condition"/>:
        /// <c>Interlocked.CompareExchange(ref f, 1, 0) == 0</c>, <c>Interlocked.Exchange(ref f, 1) == 1</c>,
        /// <c>Interlocked.Increment(ref f) != 1</c>. The thread whose call wins holds the field until it resets it (a
        /// re-entrancy guard, a try-lock); the second value tells whether the win is the condition being true.
        /// </summary>
        internal static (GuardEvent? Claim, bool WonWhenTrue) ClaimOf(IOperation condition, KnownSymbols known)
        {
            if (condition.WalkDownConversion() is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } test ||
                test.OperatorMethod is not null)
            {
                return (null, false);
            }

            var (call, compared) = test.LeftOperand.WalkDownConversion() is IInvocationOperation left
                ? (left, test.RightOperand)
                : (test.RightOperand.WalkDownConversion() as IInvocationOperation, test.LeftOperand);
            // Only an int or long constant: broken code may compare with anything (a string would not convert).
            if (call is null || !IsClaimCall(call, known) || compared.WalkDownConversion().ConstantValue is not { HasValue: true, Value: int or long } comparedValue ||
                call.Arguments[0].Value is not IFieldReferenceOperation { Field: var field } flag)
            {
                return (null, false);
            }

            var k = System.Convert.ToInt64(comparedValue.Value, System.Globalization.CultureInfo.InvariantCulture);
            bool equalsWins;
            switch (call.TargetMethod.Name)
            {
                case "CompareExchange":
                    // The old value is returned: the call won when it was the comparand.
                    if (k == ConstantOf(call.Arguments[2]))
                    {
                        equalsWins = true;
                    }
                    else if (k == ConstantOf(call.Arguments[1]))
                    {
                        equalsWins = false;
                    }
                    else
                    {
                        return (null, false);
                    }

                    break;
                case "Exchange":
                    // Exchange(ref f, 1) == 1: someone held it already.
                    equalsWins = k != ConstantOf(call.Arguments[1]);
                    break;
                default:
                    // Increment(ref f) == 1: the first one in.
                    if (k != 1)
                    {
                        return (null, false);
                    }

                    equalsWins = true;
                    break;
            }

            var claim = new GuardEvent(KeyOfMember(field), GuardKind.Claim, exclusive: true, isAcquire: true, flag);
            return (claim, equalsWins == (test.OperatorKind == BinaryOperatorKind.Equals));

            static long? ConstantOf(IArgumentOperation argument) =>
                argument.Value.WalkDownConversion().ConstantValue is { HasValue: true, Value: { } value } && value is int or long
                    ? System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
                    : null;
        }

        /// <summary><c>Interlocked.CompareExchange/Exchange(ref f, constant..)</c> or <c>Interlocked.Increment(ref f)</c> on an <c>int</c> or <c>long</c> field.</summary>
        private static bool IsClaimCall(IInvocationOperation call, KnownSymbols known) =>
            call.TargetMethod.Name is "CompareExchange" or "Exchange" or "Increment" &&
            call.Arguments.Length == (call.TargetMethod.Name == "CompareExchange" ? 3 : call.TargetMethod.Name == "Exchange" ? 2 : 1) &&
            call.Arguments[0].Value is IFieldReferenceOperation { Type.SpecialType: SpecialType.System_Int32 or SpecialType.System_Int64, Instance: null or IInstanceReferenceOperation } &&
            call.Arguments.Skip(1).All(a => a.Value.WalkDownConversion().ConstantValue.HasValue) &&
            known.IsType(call.TargetMethod.ContainingType, known.Interlocked);

        /// <summary>
        /// A statement that gives up the claim on <paramref name="flag"/>: <c>_busy = 0;</c>, <c>Volatile.Write(ref _busy, 0)</c>,
        /// <c>Interlocked.Exchange(ref _busy, 0)</c>, <c>Interlocked.Decrement(ref _busy)</c>, also in a <c>finally</c> of it.
        /// </summary>
        private static bool ResetsClaim(IOperation statement, GuardKey flag, KnownSymbols known) =>
            statement.DescendantsOutsideFunctions().Any(o =>
                o switch
                {
                    ISimpleAssignmentOperation { Target: IFieldReferenceOperation target } => flag.Equals(KeyOfMember(target.Field)),
                    IInvocationOperation { Arguments.Length: > 0 } call when call.Arguments[0].Value is IFieldReferenceOperation target &&
                                                                             call.TargetMethod.Name is "Exchange" or "Decrement" or "Write" or "CompareExchange" &&
                                                                             (known.IsType(call.TargetMethod.ContainingType, known.Interlocked) || known.IsType(call.TargetMethod.ContainingType, known.Volatile)) =>
                        flag.Equals(KeyOfMember(target.Field)),
                    _ => false,
                });

        internal static bool ExitsAlways(IOperation operation)
        {
            if (operation is IBlockOperation block)
            {
                return block.Operations.Length > 0 && ExitsAlways(block.Operations[block.Operations.Length - 1]);
            }

            return operation is IReturnOperation or IThrowOperation or IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue } ||
                   operation is IExpressionStatementOperation { Operation: IThrowOperation };
        }
    }
}
