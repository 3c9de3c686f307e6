using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using RaceGuard.ConcurrencyModel;
using RaceGuard.Diagnostics;

namespace RaceGuard.Rules
{
    /// <summary>RG0003: <c>x++</c>, <c>x += n</c>, <c>x = x + n</c> on a shared number that another thread may update at the same time.</summary>
    public sealed class NonAtomicUpdateRule : RaceRule
    {
        public override DiagnosticDescriptor Descriptor => Descriptors.NonAtomicUpdate;

        public override void Analyze(RuleContext context)
        {
            // Every fix and message names Interlocked; without it (a framework too old to have it) there is nothing to say.
            if (context.Known.Interlocked is null)
            {
                return;
            }

            var facts = context.Facts;
            var reported = new HashSet<Location>();
            foreach (var entry in facts.AccessesByPath)
            {
                if (!(IsNumber(entry.Key.Type) || entry.Key.Type is { TypeKind: TypeKind.Delegate }) || !IsVariable(entry.Key.Last))
                {
                    continue;
                }

                foreach (var access in entry.Value)
                {
                    if (!IsUpdate(access) || reported.Contains(access.Location) || ContinuesValueAssignedBefore(access, entry.Value))
                    {
                        continue;
                    }

                    // Lost updates need another writer (or another run of this one): an update racing only with reads loses nothing.
                    var conflicts = facts.RacesWith(access).Where(c => c.IsWrite).ToList();
                    if (conflicts.Count == 0 || ParallelismQuery.IsLockedSideOfHalfLockedRace(access, conflicts))
                    {
                        continue;
                    }

                    reported.Add(access.Location);
                    context.ReportDiagnostic(CreateDiagnostic(access, conflicts, entry.Key.Type!, facts, context.Known));
                }
            }
        }

        /// <summary>
        /// A field, local or parameter, or an auto-property (its getter and setter read and write a hidden field: <c>Count++</c>
        /// is a read and a write like <c>_count++</c>).
        /// </summary>
        private static bool IsVariable(ISymbol? symbol) => symbol switch
        {
            IFieldSymbol or ILocalSymbol or IParameterSymbol => true,
            IPropertySymbol property => property.IsAutoProperty(),
            _ => false,
        };

        /// <summary>
        /// A plain <c>x++</c>, <c>x op= n</c> or <c>x = x op n</c> of the variable itself: not through Interlocked, not a
        /// <c>ref</c> hand-over to a method (the callee decides), not <c>??=</c>.
        /// </summary>
        private static bool IsUpdate(SharedAccess access) =>
            access.Kind == AccessKind.ReadModifyWrite && !access.IsAtomic && access.Via == AccessVia.Variable &&
            access.ReportOperation is IIncrementOrDecrementOperation or ICompoundAssignmentOperation or ISimpleAssignmentOperation;

        /// <summary>
        /// True when the same code assigned the variable a fresh value just before (<c>_count = 2; if (a) _count++;</c>):
        /// the update continues a value this run computes, and two runs conflict at the assignment, not at the update;
        /// Interlocked would not make it right. The assignment's statement must stand in a block around the update.
        /// </summary>
        private static bool ContinuesValueAssignedBefore(SharedAccess update, IEnumerable<SharedAccess> accesses)
        {
            var updateSyntax = update.ReportOperation.Syntax;
            foreach (var write in accesses)
            {
                if (write.Kind != AccessKind.Write || !ReferenceEquals(write.Member, update.Member) || !ReferenceEquals(write.Region, update.Region) ||
                    write.ReportOperation.Syntax.SyntaxTree != updateSyntax.SyntaxTree || write.ReportOperation.Syntax.Span.End > updateSyntax.SpanStart)
                {
                    continue;
                }

                var statement = write.ReportOperation.Syntax.FirstAncestorOrSelf<StatementSyntax>();
                if (statement?.Parent is BlockSyntax block && block.Span.Contains(updateSyntax.Span) &&
                    !updateSyntax.Ancestors().TakeWhile(n => n != block).Any(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The numbers whose updates can be lost: integral and floating-point types and enums.</summary>
        private static bool IsNumber(ITypeSymbol? type) => type is { TypeKind: TypeKind.Enum } || type.IsNumber();

        private Diagnostic CreateDiagnostic(SharedAccess access, List<SharedAccess> conflicts, ITypeSymbol type, TypeFacts facts, KnownSymbols known)
        {
            var race = RaceDiagnostic.For(access, conflicts, facts);
            var properties = race.CreateProperties(known);
            var method = InterlockedMethodFor(access.ReportOperation, access.Operation);
            string advice;
            if (type.TypeKind == TypeKind.Delegate)
            {
                // _handlers += h: Delegate.Combine and a store, two steps; an event's add accessor does it with a CompareExchange loop.
                advice = "a CompareExchange loop or " + race.LockAdvice;
            }
            // A property (an auto-property, or a wrapper of a field: Hits += 1) cannot be passed by ref.
            else if (method is not null && access.Path.Last is not IPropertySymbol && access.Operation.WalkDownConversion() is not IPropertyReferenceOperation &&
                     known.HasInterlockedMethod(method, type))
            {
                properties[DiagnosticPropertyKeys.InterlockedMethod] = method;
                advice = "Interlocked." + method + " or " + race.LockAdvice;
            }
            else
            {
                advice = race.LockAdvice;
            }

            return race.Create(Descriptor, properties.ToImmutable(), access.Path.DisplayName, type.ToMessageString(), RaceDiagnostic.ReportedPlaceOf(access), race.OtherSide, advice);
        }

        /// <summary>
        /// The Interlocked method that performs <paramref name="update"/> of <paramref name="target"/> in one step:
        /// Increment, Decrement, Add (also for <c>-=</c> and <c>x = x + n</c>, <c>x = n + x</c>, <c>x = x - n</c>), Or, And; null when none does.
        /// </summary>
        internal static string? InterlockedMethodFor(IOperation update, IOperation target) => update switch
        {
            IIncrementOrDecrementOperation { Kind: OperationKind.Increment } => "Increment",
            IIncrementOrDecrementOperation => "Decrement",
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract, IsChecked: false } => "Add",
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Or } => "Or",
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.And } => "And",
            ISimpleAssignmentOperation { Value: var value } when value.WalkDownConversion() is IBinaryOperation { IsChecked: false } binary &&
                (IsTarget(binary.LeftOperand, target) ? binary.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract && !ReadsTarget(binary.RightOperand, target)
                 : binary.OperatorKind == BinaryOperatorKind.Add && IsTarget(binary.RightOperand, target) && !ReadsTarget(binary.LeftOperand, target)) => "Add",
            _ => null,
        };

        /// <summary>True when <paramref name="operand"/> reads the same variable as <paramref name="target"/> (a field of the same instance).</summary>
        private static bool IsTarget(IOperation operand, IOperation target) =>
            !ReferenceEquals(operand, target) && SameVariable(operand.WalkDownConversion(), target);

        private static bool ReadsTarget(IOperation operand, IOperation target) =>
            operand.DescendantsAndSelf().Any(o => SameVariable(o, target));

        private static bool SameVariable(IOperation a, IOperation b) => (a, b) switch
        {
            (ILocalReferenceOperation x, ILocalReferenceOperation y) => SymbolEqualityComparer.Default.Equals(x.Local, y.Local),
            (IParameterReferenceOperation x, IParameterReferenceOperation y) => SymbolEqualityComparer.Default.Equals(x.Parameter, y.Parameter),
            (IFieldReferenceOperation x, IFieldReferenceOperation y) => SymbolEqualityComparer.Default.Equals(x.Field, y.Field) &&
                (x.Instance is null or IInstanceReferenceOperation) && (y.Instance is null or IInstanceReferenceOperation),
            _ => false,
        };
    }
}
