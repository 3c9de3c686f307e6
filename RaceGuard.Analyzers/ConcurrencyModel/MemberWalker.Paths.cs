using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace RaceGuard.ConcurrencyModel
{
    /// <summary>
    /// The walk, part 2: path resolution and aliases. Which variable an operation reaches (<c>_items</c>, <c>worker.Items</c>,
    /// <c>groups[…]</c>, a callee parameter re-rooted at the caller's argument, a getter that returns a field, a local that
    /// names a shared collection).
    /// </summary>
    internal sealed partial class MemberWalker
    {
        private ImmutableDictionary<IParameterSymbol, AccessPath> BindParameters(IInvocationOperation invocation, Frame frame)
        {
            var bound = ImmutableDictionary.CreateBuilder<IParameterSymbol, AccessPath>(SymbolEqualityComparer.Default);
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { } parameter && PathOf(argument.Value.WalkDownConversion(), frame) is { IsDefault: false } path)
                {
                    bound[parameter.OriginalDefinition] = path;
                }
            }

            return bound.ToImmutable();
        }

        /// <summary>True when a lambda or local function of the method that declares <paramref name="local"/> names it (read from syntax, once per method and compilation).</summary>
        private bool IsCapturedInItsMethod(ILocalSymbol local)
        {
            var declaration = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
            var body = declaration?.FirstAncestorOrSelf<SyntaxNode>(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax);
            return body is null || known.NamesCapturedIn(body).Contains(local.Name);
        }

        private AccessPath PathOf(IOperation operation, Frame frame)
        {
            switch (operation)
            {
                case ILocalReferenceOperation local:
                    if (aliases.TryGetValue(local.Local, out var aliased))
                    {
                        return aliased;
                    }

                    // A local of an inlined callee that no lambda or local function in it captures: every call has its own.
                    return local.Local.ContainingSymbol is IMethodSymbol { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.LocalFunction) } declaringMethod &&
                           frame.CallStack.Contains(declaringMethod.OriginalDefinition) && !IsCapturedInItsMethod(local.Local)
                        ? default
                        : new AccessPath(ImmutableArray.Create<ISymbol>(local.Local));

                case IParameterReferenceOperation parameter:
                    if (frame.Substitution.TryGetValue(parameter.Parameter.OriginalDefinition, out var bound))
                    {
                        return bound;
                    }

                    // A parameter of an inlined callee whose argument was no variable: nothing shared to follow.
                    return parameter.Parameter.ContainingSymbol is IMethodSymbol owner && frame.CallStack.Contains(owner.OriginalDefinition)
                        ? default
                        : new AccessPath(ImmutableArray.Create<ISymbol>(parameter.Parameter));

                case IFieldReferenceOperation field when !field.Field.IsConst:
                    return MemberPath(field.Instance, field.Field, frame);

                case IPropertyReferenceOperation property when property.Arguments.IsEmpty && IsAutoProperty(property.Property):
                    return MemberPath(property.Instance, property.Property, frame);

                case IPropertyReferenceOperation { Arguments.IsEmpty: true, Property.GetMethod: { } getter } property when (ReturnedField(getter) ?? InheritedReturnedField(property.Property)) is { } backing:
                    // public List<T> Items => _items;  Items.Add(x) is _items.Add(x).
                    return MemberPath(property.Instance, backing, frame);

                case IInvocationOperation { Instance: { } client } getStream when KnownSymbols.IsClientStream(getStream):
                    // _tcp.GetStream(): the one stream of the client's connection.
                    return PathOf(client.WalkDownConversion(), frame);

                case IPropertyReferenceOperation { Property.Name: "Value", Instance: ILocalReferenceOperation { Local: var pair } } when
                    pair.Type.OriginalDefinition.Name == "KeyValuePair" && sendAliases.Contains(pair) && aliases.TryGetValue(pair, out var element):
                    // foreach (var pair in _sockets) pair.Value.SendAsync(..): the socket of the entry.
                    return element;

                case IPropertyReferenceOperation or IInvocationOperation:
                    return ConcurrentValuePath(operation, frame);

                default:
                    return default;
            }
        }

        /// <summary>
        /// <c>groups.GetOrAdd(key, ..).Add(x)</c>, <c>groups[key].Add(x)</c>: the value a concurrent dictionary hands out
        /// is shared by everyone using the same key; when it is a plain collection, record the use of it.
        /// </summary>
        private void RecordIfConcurrentValue(IOperation element, Frame frame)
        {
            if (ConcurrentValuePath(element, frame).IsDefault || element.WalkUpConversion(out var child) is not { } parent)
            {
                return;
            }

            var used = parent switch
            {
                IInvocationOperation call => ReferenceEquals(call.Instance, child),
                IPropertyReferenceOperation property => ReferenceEquals(property.Instance, child),
                IForEachLoopOperation loop => ReferenceEquals(loop.Collection, child),
                _ => false,
            };

            if (used)
            {
                TryRecordAccess(element, frame);
            }
        }

        /// <summary>
        /// <c>groups.TryGetValue(key, out var list)</c>: <c>list</c> names the shared value (of a plain dictionary too: the
        /// lookup may hold the lock, the use after it does not).
        /// </summary>
        private void AliasOutValue(IInvocationOperation invocation, Frame frame)
        {
            if (invocation is not { TargetMethod.Name: "TryGetValue" or "TryRemove", Instance: { } instance })
            {
                return;
            }

            foreach (var argument in invocation.Arguments)
            {
                var target = argument.Value is IDeclarationExpressionOperation declaration ? declaration.Expression : argument.Value;
                if (argument.Parameter?.RefKind == RefKind.Out &&
                    target.WalkDownConversion() is ILocalReferenceOperation local &&
                    IsPerKeyState(local.Local.Type) &&
                    ValueOfDictionary(instance, frame, plainToo: true) is { IsDefault: false } value)
                {
                    aliases[local.Local] = value;
                }
            }
        }

        /// <summary>
        /// The path <c>dict[…]</c> of the values of a thread-safe dictionary held in a variable (with
        /// <paramref name="plainToo"/>, of any dictionary), or default.
        /// </summary>
        private AccessPath ValueOfDictionary(IOperation dictionary, Frame frame, bool plainToo)
        {
            if (!(known.IsThreadSafeType(dictionary.Type) || (plainToo && known.IsDictionary(dictionary.Type))) ||
                dictionary.Type?.GetMembers(WellKnownMemberNames.Indexer).OfType<IPropertySymbol>().FirstOrDefault() is not { } indexer)
            {
                return default;
            }

            var inner = PathOf(dictionary.WalkDownConversion(), frame);
            return inner.IsDefault || inner.Symbols.Length >= 3 ? default : inner.Append(indexer);
        }

        /// <summary>
        /// Get or create: <c>if (!_rooms.TryGetValue(name, out room)) { room = new ChatRoom(name); _rooms.Add(name, room); }</c>
        /// (or <c>_rooms[name] = room</c>): once stored, the local names the value everyone with that key shares, as it
        /// does when the lookup finds it. A local that only ever holds a new object is the run's own until someone looks
        /// it up.
        /// </summary>
        private void AliasPublishedValue(IOperation dictionary, IOperation value, Frame frame)
        {
            if (value.WalkDownConversion() is ILocalReferenceOperation { Local: var local } && IsPerKeyState(local.Type) &&
                ValueOfDictionary(dictionary, frame, plainToo: true) is { IsDefault: false } shared &&
                frame.GuardRoot.DescendantsOutsideFunctions().OfType<IInvocationOperation>().Any(lookup =>
                    lookup is { TargetMethod.Name: "TryGetValue", Instance: { } looked } &&
                    SymbolEqualityComparer.Default.Equals(looked.ReferencedSymbol(), dictionary.ReferencedSymbol()) &&
                    lookup.Arguments.Any(a => a.Parameter?.RefKind == RefKind.Out &&
                                              (a.Value is IDeclarationExpressionOperation declaration ? declaration.Expression : a.Value).WalkDownConversion() is ILocalReferenceOperation found &&
                                              SymbolEqualityComparer.Default.Equals(found.Local, local))))
            {
                aliases[local] = shared;
            }
        }

        /// <summary>
        /// The value <c>groups[key]</c> or <c>groups.GetOrAdd(key, ..)</c> hands out, as <c>groups[…]</c>: of a concurrent
        /// dictionary wherever it is used; of a plain one (<paramref name="plainToo"/>) when a local keeps it.
        /// </summary>
        private AccessPath ConcurrentValuePath(IOperation element, Frame frame, bool plainToo = false)
        {
            var (instance, isElement) = element switch
            {
                IInvocationOperation { TargetMethod.Name: "GetOrAdd" or "AddOrUpdate", Instance: { } target } => (target, true),
                IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } target } => (target, true),
                _ => (null, false),
            };

            return isElement && instance is not null && IsPerKeyState(element.Type)
                ? ValueOfDictionary(instance, frame, plainToo)
                : default;
        }

        /// <summary>
        /// The element path (<c>_sockets[…]</c>) of a <c>foreach</c> over a collection field of the type that holds sockets
        /// or streams (<c>_sockets</c>, <c>_sockets.Values</c> of a dictionary): the loop variable names a send target
        /// every run of the loop shares. Default for anything else (a local snapshot, elements of another type).
        /// </summary>
        private AccessPath SharedElementPath(IForEachLoopOperation loop, Frame frame)
        {
            if (!IsSendTargetOrEntry(loop.Locals[0].Type))
            {
                return default;
            }

            var collection = loop.Collection.WalkDownConversion();
            if (collection is ILocalReferenceOperation { Local: var snapshot } && SnapshotSource(snapshot, frame.GuardRoot) is { } source)
            {
                // WebSocket[] targets; lock (_gate) targets = _clients.ToArray();  foreach (var target in targets): the copy
                // protects the list, not the sockets in it.
                collection = source;
            }

            if (collection is IPropertyReferenceOperation { Property.Name: "Values", Instance: { } dictionary } && known.IsDictionary(dictionary.Type))
            {
                collection = dictionary.WalkDownConversion();
            }

            if (collection is not IFieldReferenceOperation and not IPropertyReferenceOperation { Arguments.IsEmpty: true } ||
                collection.Type?.GetMembers(WellKnownMemberNames.Indexer).OfType<IPropertySymbol>().FirstOrDefault() is not { } indexer)
            {
                return default;
            }

            var path = PathOf(collection, frame);
            return path.IsDefault || path.Symbols.Length != 1 || path.Root is not IFieldSymbol and not IPropertySymbol ? default : path.Append(indexer);
        }

        /// <summary>
        /// A socket, stream or writer, a <c>TcpClient</c> (written through <c>GetStream()</c>), or a dictionary entry whose
        /// value is one of those (<c>foreach (var pair in _sockets)</c>).
        /// </summary>
        private bool IsSendTargetOrEntry(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { Name: "KeyValuePair", TypeArguments.Length: 2 } entry)
            {
                type = entry.TypeArguments[1];
            }

            return KnownSymbols.IsTcpClient(type) || known.SendTargets.Any(target => known.DerivesFrom(type, target));
        }

        /// <summary>
        /// The collection a local snapshot copies (<c>_clients</c> of <c>targets = _clients.ToArray()</c>,
        /// <c>.ToList()</c>, <c>new List&lt;T&gt;(_clients)</c>) when every assignment of the local in <paramref name="root"/>
        /// copies the same collection; null otherwise.
        /// </summary>
        private static IOperation? SnapshotSource(ILocalSymbol local, IOperation root)
        {
            IOperation? source = null;
            foreach (var operation in root.DescendantsOutsideFunctions())
            {
                var value = operation switch
                {
                    IVariableDeclaratorOperation { Initializer.Value: { } initializer } declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) => initializer,
                    ISimpleAssignmentOperation { Target: ILocalReferenceOperation target, Value: var assigned } when SymbolEqualityComparer.Default.Equals(target.Local, local) => assigned,
                    _ => null,
                };
                if (value is null)
                {
                    continue;
                }

                var copied = value.WalkDownConversion() switch
                {
                    IInvocationOperation { TargetMethod.Name: "ToArray" or "ToList", Arguments: var arguments, Instance: var instance } call =>
                        instance ?? (call.TargetMethod.IsExtensionMethod && arguments.Length == 1 ? arguments[0].Value : null),
                    IObjectCreationOperation { Arguments.Length: 1 } creation => creation.Arguments[0].Value,
                    _ => null,
                };
                copied = copied?.WalkDownConversion();
                if (copied is not (IFieldReferenceOperation or IPropertyReferenceOperation { Arguments.IsEmpty: true }) ||
                    (source is not null && !SymbolEqualityComparer.Default.Equals(source.ReferencedSymbol(), copied.ReferencedSymbol())))
                {
                    return null;
                }

                source = copied;
            }

            return source;
        }

        /// <summary>
        /// A value a concurrent dictionary hands out that callers change in place: a plain collection, or an object of a
        /// class of the program (a per-user session whose <c>History</c> list or counters every message of that user
        /// changes). Everyone using the same key shares it.
        /// </summary>
        private bool IsPerKeyState(ITypeSymbol? type) =>
            known.GetNonThreadSafeCollection(type) is not null ||
            (type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsRecord: false } named && named.Locations.Any(l => l.IsInSource) && !known.IsThreadSafeType(named));

        private AccessPath MemberPath(IOperation? instance, ISymbol member, Frame frame)
        {
            if (instance is null || IsThis(instance))
            {
                return new AccessPath(ImmutableArray.Create(member));
            }

            var inner = PathOf(instance.WalkDownConversion(), frame);
            return inner.IsDefault || inner.Symbols.Length >= 3 ? default : inner.Append(member);
        }

        /// <summary>
        /// The shared variable a local of a collection or send-target type is initialised from: the variable itself
        /// (<c>var list = _items;</c>), or the field a method of this type returns (<c>var client = await GetClientAsync();</c>
        /// with <c>return _client;</c>). Default when the local holds something of its own.
        /// </summary>
        private AccessPath AliasedPath(ILocalSymbol local, IOperation initializer, Frame frame)
        {
            if (known.GetNonThreadSafeCollection(local.Type) is null && !known.SendTargets.Any(target => known.DerivesFrom(local.Type, target)) &&
                !known.IsConcurrentCollection(local.Type))
            {
                // var session = _sessions.GetOrAdd(user, ..);  p = _players[id];  the object everyone with that key shares.
                return IsPerKeyState(local.Type) ? ConcurrentValuePath(initializer.WalkDownConversion(), frame, plainToo: true) : default;
            }

            var value = initializer.WalkDownConversion();
            if (value is IAwaitOperation awaited)
            {
                value = awaited.Operation.WalkDownConversion();
                if (value is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
                {
                    value = configured.WalkDownConversion();
                }
            }

            var path = PathOf(value, frame);
            if (!path.IsDefault)
            {
                return path;
            }

            return value is IInvocationOperation { Instance: null or IInstanceReferenceOperation, TargetMethod: { } method } call &&
                   SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, facts.Symbol.ContainingType?.OriginalDefinition) &&
                   ReturnedFieldOf(method) is { } field && (call.Instance is not null || field.IsStatic)
                ? new AccessPath(ImmutableArray.Create<ISymbol>(field))
                : default;
        }

        /// <summary>The one field every return of a method of this type returns (<c>return _client;</c>, also after an await), or null.</summary>
        private IFieldSymbol? ReturnedFieldOf(IMethodSymbol method)
        {
            if (findMethodBody(method.OriginalDefinition) is not { } body)
            {
                return null;
            }

            IFieldSymbol? returned = null;
            foreach (var @return in body.DescendantsOutsideFunctions().OfType<IReturnOperation>())
            {
                if (@return.ReturnedValue?.WalkDownConversion() is not IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field ||
                    (returned is not null && !SymbolEqualityComparer.Default.Equals(returned, field.Field)))
                {
                    return null;
                }

                returned = field.Field;
            }

            return returned;
        }

        /// <summary>
        /// The field a getter of a base class declared in source only returns (<c>protected int Total { get => _total; set
        /// => _total = value; }</c>): the derived type's <c>Total += n</c> updates <c>_total</c>. Read from syntax: the base
        /// class's bodies are not the type's own.
        /// </summary>
        private IFieldSymbol? InheritedReturnedField(IPropertySymbol property) =>
            facts.Symbol.ContainingType is { } type && property.ContainingType is { } declaring &&
            !SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, declaring.OriginalDefinition) && type.IsSelfOrSourceBase(declaring)
                ? Guards.ReturnedField(property)
                : null;

        /// <summary>The field a getter of this type only returns (<c>=> _items</c>, <c>get { return _items; }</c>), or null.</summary>
        private IFieldSymbol? ReturnedField(IMethodSymbol getter)
        {
            var body = findMethodBody(getter.OriginalDefinition);
            var block = body switch
            {
                IMethodBodyOperation methodBody => methodBody.BlockBody ?? methodBody.ExpressionBody,
                IBlockOperation plain => plain,
                _ => null,
            };

            return block is { Operations.Length: 1 } && block.Operations[0] is IReturnOperation { ReturnedValue: { } returned } &&
                   returned.WalkDownConversion() is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field
                ? field.Field
                : null;
        }

        private static bool IsAutoProperty(IPropertySymbol property)
        {
            if (property.IsIndexer || property.DeclaringSyntaxReferences.IsEmpty)
            {
                return false;
            }

            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is not PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors } ||
                    accessors.Accessors.Any(a => a.Body is not null || a.ExpressionBody is not null))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
