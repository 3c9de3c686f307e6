using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// What the compilation-wide indexes need from one syntax tree, gathered in one walk of its syntax, without binding:
    /// the calls and creations that may start a region on another object (<see cref="RegionIndex"/>), and the invoked,
    /// handed-on and assigned names (<see cref="MethodSummaries"/>' call sites).
    /// </summary>
    /// <remarks>
    /// A tree is immutable and outlives the compilations that hold it (in the IDE, every edit makes a new compilation that
    /// shares all trees but the edited one), so its index is built once per tree and kept as long as the tree lives: an
    /// edit re-indexes one document, not the compilation.
    /// </remarks>
    internal sealed class TreeIndex
    {
        private static readonly ConditionalWeakTable<SyntaxTree, TreeIndex> PerTree = new ConditionalWeakTable<SyntaxTree, TreeIndex>();
        private static readonly ConditionalWeakTable<SyntaxTree, TreeIndex>.CreateValueCallback Build = Index;

        private const ulong FingerprintPrime = 1099511628211UL;

        private TreeIndex(ImmutableArray<SyntaxNode> startCandidates, Dictionary<string, ImmutableArray<SyntaxNode>> uses, bool hasAffinityChecks, ulong declarationsFingerprint)
        {
            StartCandidates = startCandidates;
            this.uses = uses;
            HasAffinityChecks = hasAffinityChecks;
            DeclarationsFingerprint = declarationsFingerprint;
        }

        private readonly Dictionary<string, ImmutableArray<SyntaxNode>> uses;

        /// <summary>
        /// Calls and creations that may hand a method of some object to a region (<c>Task.Run(worker.Loop)</c>,
        /// <c>new Thread(Run)</c>, <c>context.RegisterSymbolAction(state.Analyze, ..)</c> in a file that enables concurrent
        /// execution), in source order; bound only by <see cref="RegionIndex"/>.
        /// </summary>
        public ImmutableArray<SyntaxNode> StartCandidates { get; }

        /// <summary>True when some name of the tree may test or assert a thread affinity (<c>VerifyAccess</c>, <c>Thread.CurrentThread</c>).</summary>
        public bool HasAffinityChecks { get; }

        /// <summary>
        /// A hash of the tree's declarations, leaving out method bodies and initializers: an edit inside a body keeps it
        /// (what <see cref="SyntaxTree.IsEquivalentTo"/> with <c>topLevel</c> compares, without the tree before the edit).
        /// </summary>
        public ulong DeclarationsFingerprint { get; }

        public static TreeIndex Of(SyntaxTree tree) => PerTree.GetValue(tree, Build);

        /// <summary>The simple names of that text the tree invokes, hands on or assigns to, in source order.</summary>
        public bool TryGetUses(string name, out ImmutableArray<SyntaxNode> nodes) => uses.TryGetValue(name, out nodes);

        private static TreeIndex Index(SyntaxTree tree)
        {
            var root = tree.GetRoot();
            var starts = ImmutableArray.CreateBuilder<SyntaxNode>();
            List<SyntaxNode>? registrations = null;
            var enablesConcurrency = false;
            var names = new Dictionary<string, ImmutableArray<SyntaxNode>.Builder>(StringComparer.Ordinal);
            var affinityChecks = false;
            foreach (var node in root.DescendantNodes())
            {
                switch (node)
                {
                    case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "EnableConcurrentExecution" }:
                        enablesConcurrency = true;
                        break;
                    case InvocationExpressionSyntax { ArgumentList.Arguments: { Count: > 0 } arguments } invocation when StartKindOf(invocation) is var kind && kind != StartKind.None && MayCall(arguments):
                        if (kind == StartKind.Start)
                        {
                            starts.Add(invocation);
                        }
                        else
                        {
                            // Analyzer callbacks are regions only in an analyzer that enables concurrent execution (in the same file).
                            (registrations ??= new List<SyntaxNode>()).Add(invocation);
                        }

                        break;
                    case ObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: > 0 } creationArguments, Type: var type } when RightmostName(type) is "Thread" or "Timer" && MayCall(creationArguments):
                        starts.Add(node);
                        break;
                }

                // An identity test of the current thread (InEventLoop => IsInEventLoop(Thread.CurrentThread)).
                affinityChecks |= node is IdentifierNameSyntax { Identifier.ValueText: var identifier } && ThreadAffinity.NamesTheCurrentThread(identifier);
                if (UsedNameOf(node) is not { } name)
                {
                    continue;
                }

                var text = name.Identifier.ValueText;
                affinityChecks |= ThreadAffinity.MayTestAffinity(text);
                if (!names.TryGetValue(text, out var builder))
                {
                    builder = ImmutableArray.CreateBuilder<SyntaxNode>();
                    names[text] = builder;
                }

                builder.Add(name);
            }

            if (enablesConcurrency && registrations is not null)
            {
                starts.AddRange(registrations);
                starts.Sort((a, b) => a.SpanStart.CompareTo(b.SpanStart));
            }

            var uses = new Dictionary<string, ImmutableArray<SyntaxNode>>(names.Count, StringComparer.Ordinal);
            foreach (var entry in names)
            {
                uses[entry.Key] = entry.Value.ToImmutable();
            }

            return new TreeIndex(starts.ToImmutable(), uses, affinityChecks, FingerprintOfDeclarations(root));
        }

        private static ulong FingerprintOfDeclarations(SyntaxNode root)
        {
            var hash = 14695981039346656037UL;
            foreach (var token in root.DescendantTokens(IsDeclarationLevel))
            {
                hash = (hash ^ (ulong)token.RawKind) * FingerprintPrime;
                foreach (var character in token.Text)
                {
                    hash = (hash ^ character) * FingerprintPrime;
                }
            }

            return hash;
        }

        /// <summary>False for the code inside members: bodies, expression bodies, top-level statements, initializers (but a constant's value).</summary>
        private static bool IsDeclarationLevel(SyntaxNode node) => node switch
        {
            BlockSyntax or ArrowExpressionClauseSyntax or GlobalStatementSyntax => false,
            EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax field } } => field.Modifiers.Any(SyntaxKind.ConstKeyword),
            EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax } => false,
            _ => true,
        };

        /// <summary>The name a node invokes, hands on as an argument, assigns, returns or assigns to; null for every other node.</summary>
        private static SimpleNameSyntax? UsedNameOf(SyntaxNode node) => node switch
        {
            InvocationExpressionSyntax { Expression: SimpleNameSyntax simple } => simple,
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: var member } } => member,
            ArgumentSyntax { Expression: SimpleNameSyntax or MemberAccessExpressionSyntax } argument => NameOf(argument.Expression),
            AssignmentExpressionSyntax { Right: SimpleNameSyntax or MemberAccessExpressionSyntax } assignment => NameOf(assignment.Right),
            // The target of an assignment: the call sites of a property's setter.
            SimpleNameSyntax { Parent: AssignmentExpressionSyntax target } assigned when target.Left == assigned => assigned,
            SimpleNameSyntax { Parent: MemberAccessExpressionSyntax { Parent: AssignmentExpressionSyntax target } member } assigned when member.Name == assigned && target.Left == member => assigned,
            EqualsValueClauseSyntax { Value: SimpleNameSyntax or MemberAccessExpressionSyntax } equals => NameOf(equals.Value),
            ReturnStatementSyntax { Expression: SimpleNameSyntax or MemberAccessExpressionSyntax } returned => NameOf(returned.Expression!),
            ArrowExpressionClauseSyntax { Expression: SimpleNameSyntax or MemberAccessExpressionSyntax } arrow => NameOf(arrow.Expression),
            _ => null,
        };

        private static SimpleNameSyntax? NameOf(ExpressionSyntax expression) => expression switch
        {
            SimpleNameSyntax simple => simple,
            MemberAccessExpressionSyntax { Name: var member } => member,
            _ => null,
        };

        /// <summary>
        /// True when a delegate among the arguments may call something: a method group, or a lambda whose body calls
        /// (<c>t => _ = t.Exception</c> hands nothing to another object, and is not bound).
        /// </summary>
        private static bool MayCall(SeparatedSyntaxList<ArgumentSyntax> arguments)
        {
            foreach (var argument in arguments)
            {
                switch (argument.Expression)
                {
                    case AnonymousFunctionExpressionSyntax function when function.Body.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any():
                    case IdentifierNameSyntax or MemberAccessExpressionSyntax or GenericNameSyntax or ObjectCreationExpressionSyntax or CastExpressionSyntax or ParenthesizedExpressionSyntax:
                        return true;
                }
            }

            return false;
        }

        private enum StartKind
        {
            None,
            Start,
            AnalyzerRegistration,
        }

        private static StartKind StartKindOf(InvocationExpressionSyntax invocation)
        {
            if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name, Expression: var receiver })
            {
                return StartKind.None;
            }

            var starts = name switch
            {
                "Run" => RightmostName(receiver) == "Task",
                "For" or "ForEach" or "ForEachAsync" or "Invoke" => RightmostName(receiver) == "Parallel",
                "StartNew" or "ContinueWith" or "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" or "ForAll" => true,
                _ => false,
            };

            return starts ? StartKind.Start :
                name.StartsWith("Register", StringComparison.Ordinal) && name.EndsWith("Action", StringComparison.Ordinal) ? StartKind.AnalyzerRegistration :
                StartKind.None;
        }

        private static string? RightmostName(SyntaxNode node) => node switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            GenericNameSyntax generic => generic.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            _ => null,
        };
    }
}
