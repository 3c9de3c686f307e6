using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// Safe publication through a flag (happens-before): writes made before a <c>volatile</c>, <c>Volatile.Write</c>,
    /// <c>Interlocked</c> or locked "initialised" flag is set are seen by a reader that tests that flag first
    /// (<c>_routes[..] = ..; _ready = true;</c> then <c>if (!_ready) return; _routes.TryGetValue(..)</c>).
    /// </summary>
    public static class Publication
    {
        /// <summary>True when <paramref name="write"/> is published by a flag that <paramref name="read"/> tests before it reads.</summary>
        public static bool Orders(SharedAccess write, SharedAccess read, KnownSymbols known)
        {
            if (!write.IsWrite || read.IsWrite || PublishedBy(write.Anchor, known) is not { } flag)
            {
                return false;
            }

            return TestsFirst(read.Anchor, flag);
        }

        /// <summary>The flag field set, atomically or under a lock, by a statement after <paramref name="position"/> in an enclosing block.</summary>
        private static IFieldSymbol? PublishedBy(IOperation position, KnownSymbols known)
        {
            var child = position;
            for (var parent = position.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return null;
                }

                if (parent is not IBlockOperation block)
                {
                    continue;
                }

                var after = false;
                foreach (var statement in block.Operations)
                {
                    if (ReferenceEquals(statement, child))
                    {
                        after = true;
                        continue;
                    }

                    if (after && SetsFlag(statement, known) is { } flag)
                    {
                        return flag;
                    }
                }
            }

            return null;
        }

        /// <summary><c>_ready = true;</c> on a volatile field, <c>Volatile.Write(ref _ready, true)</c>, <c>Interlocked.Exchange(ref _state, 1)</c>, or a set inside <c>lock</c>.</summary>
        private static IFieldSymbol? SetsFlag(IOperation statement, KnownSymbols known)
        {
            switch (statement)
            {
                case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: IFieldReferenceOperation { Field: { IsVolatile: true } field }, Value.ConstantValue.HasValue: true } }:
                    return field;
                case IExpressionStatementOperation { Operation: IInvocationOperation call } when
                    (known.IsType(call.TargetMethod.ContainingType, known.Volatile) && call.TargetMethod.Name == "Write" ||
                     known.IsType(call.TargetMethod.ContainingType, known.Interlocked) && call.TargetMethod.Name is "Exchange" or "CompareExchange") &&
                    call.Arguments.Length > 1 && call.Arguments[0].Value.WalkDownConversion() is IFieldReferenceOperation { Field: var atomicField }:
                    return atomicField;
                case ILockOperation { Body: IBlockOperation { Operations: var locked } }:
                    foreach (var inner in locked)
                    {
                        if (inner is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: IFieldReferenceOperation { Field: var lockedField }, Value.ConstantValue.HasValue: true } })
                        {
                            return lockedField;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        /// <summary>
        /// True when <paramref name="position"/> runs only after a test of <paramref name="flag"/>: inside <c>if (flag)</c>,
        /// or after <c>if (!flag) return;</c> (or <c>throw</c>) in an enclosing block.
        /// </summary>
        private static bool TestsFirst(IOperation position, IFieldSymbol flag)
        {
            var child = position;
            for (var parent = position.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return false;
                    case IConditionalOperation conditional when ReferenceEquals(conditional.WhenTrue, child) && Reads(conditional.Condition, flag, negated: false):
                        return true;
                    case IBlockOperation block:
                        foreach (var statement in block.Operations)
                        {
                            if (ReferenceEquals(statement, child))
                            {
                                break;
                            }

                            if (statement is IConditionalOperation { WhenFalse: null } guard && guard.WhenTrue.AlwaysLeaves() && Reads(guard.Condition, flag, negated: true))
                            {
                                return true;
                            }
                        }

                        break;
                }
            }

            return false;
        }

        /// <summary>The condition is the flag (<paramref name="negated"/>: <c>!flag</c>), read plainly, through a getter or through <c>Volatile.Read</c>.</summary>
        private static bool Reads(IOperation condition, IFieldSymbol flag, bool negated)
        {
            condition = condition.WalkDownConversion();
            if (negated)
            {
                if (condition is not IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
                {
                    return false;
                }

                condition = not.Operand.WalkDownConversion();
            }

            if (condition is IInvocationOperation { TargetMethod.Name: "Read", Arguments.Length: 1 } volatileRead)
            {
                condition = volatileRead.Arguments[0].Value.WalkDownConversion();
            }

            var read = condition switch
            {
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property => Guards.ReturnedField(property.Property),
                _ => null,
            };

            return SymbolEqualityComparer.Default.Equals(read, flag);
        }
    }
}
