using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Tina.Generators;

/// <summary>
/// Reads one [TinaHandlers] type into an <see cref="IsolateModel"/>: its handlers, checked (TINA100..TINA105). A bad
/// handler is reported and left out, so the rest still dispatches and the type still implements IIsolate; only a type
/// that is not partial or writes OnMessage itself gets no generated code.
/// </summary>
internal static class IsolateModelBuilder
{
    /// <summary>The kinds an isolate receives, by MessageKind value; the rest (16 and up) are the runtime's own.</summary>
    private static readonly string[] s_deliveredKinds =
        { "User", "Call", "Reply", "Timer", "Resume", "Start", "Cancel", "Shutdown", "Down", "IoCompleted" };

    private static readonly SymbolDisplayFormat s_qualified = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayFormat.FullyQualifiedFormat.MiscellaneousOptions | SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    public static IsolateModel Build(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        var symbols = TinaSymbols.From(compilation);
        var diagnostics = ImmutableArray.CreateBuilder<DiagnosticInfo>();
        bool canGenerate = true;

        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (!IsPartial(t, cancellationToken))
            {
                diagnostics.Add(Diagnostic(DiagnosticIds.NotPartial, t.Locations.FirstOrDefault(), t.Name));
                canGenerate = false;
            }
        }

        foreach (IMethodSymbol method in type.GetMembers().OfType<IMethodSymbol>())
        {
            if (IsOnMessage(method, symbols))
            {
                diagnostics.Add(Diagnostic(DiagnosticIds.OnMessageWrittenByHand, method.Locations.FirstOrDefault(), type.Name));
                canGenerate = false;
            }
        }

        var handlers = new List<(HandlerModel Model, IMethodSymbol Method, ITypeSymbol? Payload)>();
        IMethodSymbol? other = null;
        foreach (ISymbol member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IMethodSymbol method)
            {
                continue;
            }

            AttributeData? handles = Find(method, symbols.Handles);
            bool isOther = Find(method, symbols.HandlesOther) is not null;
            if (handles is null && !isOther)
            {
                continue;
            }

            Location? at = method.Locations.FirstOrDefault();
            if (handles is not null && isOther)
            {
                diagnostics.Add(Diagnostic(DiagnosticIds.BadHandlerSignature, at, method.Name, "is marked both [Handles] and [HandlesOther]"));
                continue;
            }

            string? problem = CommonProblem(method, symbols);
            if (problem is not null)
            {
                diagnostics.Add(Diagnostic(DiagnosticIds.BadHandlerSignature, at, method.Name, problem));
                continue;
            }

            if (isOther)
            {
                if (method.Parameters.Length != 2 || !IsMessageParameter(method.Parameters[1], symbols))
                {
                    diagnostics.Add(Diagnostic(DiagnosticIds.BadHandlerSignature, at, method.Name, "is the catch-all, which takes 'in Message message' as its second and last parameter"));
                }
                else if (other is not null)
                {
                    diagnostics.Add(Diagnostic(DiagnosticIds.DuplicateHandler, at, other.Name, method.Name, "every other message ([HandlesOther])"));
                }
                else
                {
                    other = method;
                }

                continue;
            }

            string? kind = null;
            if (handles!.ConstructorArguments.Length == 1 && handles.ConstructorArguments[0].Value is byte value)
            {
                if (value >= s_deliveredKinds.Length)
                {
                    diagnostics.Add(Diagnostic(DiagnosticIds.BadHandlerSignature, at, method.Name, $"names MessageKind value {value}, which the runtime keeps to itself and never delivers to an isolate"));
                    continue;
                }

                kind = s_deliveredKinds[value];
            }

            HandlerModel? model = TypedOrKindOnly(method, kind, symbols, at, diagnostics, out ITypeSymbol? payload);
            if (model is null)
            {
                continue;
            }

            (HandlerModel Model, IMethodSymbol Method, ITypeSymbol? Payload) duplicate = handlers.FirstOrDefault(h =>
                h.Model.Kind == model.Kind && SymbolEqualityComparer.Default.Equals(h.Payload, payload));
            if (duplicate.Model is not null)
            {
                string what = (payload is null ? "the kind-only handler slot" : "'" + payload.Name + "'") + (kind is null ? " in every kind" : " as " + kind);
                diagnostics.Add(Diagnostic(DiagnosticIds.DuplicateHandler, at, duplicate.Method.Name, method.Name, what));
                continue;
            }

            handlers.Add((model, method, payload));
        }

        CheckAccepts(type, symbols, handlers.Select(h => h.Payload), other, diagnostics);

        return new IsolateModel(
            HintName(type),
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty,
            new EquatableArray<StringValue>(Declarations(type)),
            new EquatableArray<HandlerModel>(WithoutTagCollisions(handlers.Select(h => h.Model)).ToImmutableArray()),
            other is null ? null : Escape(other.Name),
            canGenerate,
            new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
    }

    private static HandlerModel? TypedOrKindOnly(
        IMethodSymbol method, string? kind, TinaSymbols symbols, Location? at, ImmutableArray<DiagnosticInfo>.Builder diagnostics, out ITypeSymbol? payload)
    {
        payload = null;
        if (method.Parameters.Length is < 2 or > 3)
        {
            diagnostics.Add(Diagnostic(DiagnosticIds.BadHandlerSignature, at, method.Name, $"has {method.Parameters.Length} parameters"));
            return null;
        }

        IParameterSymbol second = method.Parameters[1];
        if (IsMessageParameter(second, symbols))
        {
            if (kind is null)
            {
                diagnostics.Add(Diagnostic(DiagnosticIds.BadHandlerSignature, at, method.Name, "takes every message without naming a kind: that is the catch-all, [HandlesOther]"));
                return null;
            }

            if (method.Parameters.Length == 3)
            {
                diagnostics.Add(Diagnostic(DiagnosticIds.BadHandlerSignature, at, method.Name, "is a kind-only handler, which takes 'in Message message' as its second and last parameter"));
                return null;
            }

            return new HandlerModel(Escape(method.Name), method.IsStatic, kind, null, null, false);
        }

        if (second.RefKind is not (RefKind.None or RefKind.In or RefKind.RefReadOnlyParameter))
        {
            diagnostics.Add(Diagnostic(DiagnosticIds.BadHandlerSignature, at, method.Name, $"takes its payload '{second.Name}' by {second.RefKind.ToString().ToLowerInvariant()}, but the dispatch passes it 'in' (or by value)"));
            return null;
        }

        if (second.Type is not INamedTypeSymbol { TypeKind: TypeKind.Struct, IsUnmanagedType: true } payloadType)
        {
            diagnostics.Add(Diagnostic(DiagnosticIds.PayloadNotUnmanaged, second.Locations.FirstOrDefault() ?? at, second.Type.ToDisplayString()));
            return null;
        }

        if (kind is "Timer" or "Resume")
        {
            diagnostics.Add(Diagnostic(DiagnosticIds.BadHandlerSignature, at, method.Name, $"takes a '{payloadType.Name}', but a {kind} message carries no typed payload: take 'in Message message' (Message.TimerTag)"));
            return null;
        }

        bool takesMessage = false;
        if (method.Parameters.Length == 3)
        {
            if (!IsMessageParameter(method.Parameters[2], symbols))
            {
                diagnostics.Add(Diagnostic(DiagnosticIds.BadHandlerSignature, at, method.Name, "has a third parameter that is not 'in Message message'"));
                return null;
            }

            takesMessage = true;
        }

        payload = payloadType;
        return new HandlerModel(Escape(method.Name), method.IsStatic, kind, payloadType.ToDisplayString(s_qualified), TypeTag.Of(payloadType), takesMessage);
    }

    /// <summary>What every handler shares: returns Effect, takes 'ref Context' first, is not generic.</summary>
    private static string? CommonProblem(IMethodSymbol method, TinaSymbols symbols)
    {
        if (method.MethodKind != MethodKind.Ordinary)
        {
            return "is not an ordinary method";
        }

        if (method.IsGenericMethod)
        {
            return "is generic";
        }

        if (!TinaSymbols.Is(method.ReturnType, symbols.Effect) || method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return $"returns '{method.ReturnType.ToDisplayString()}', not 'Effect'";
        }

        if (method.Parameters.Length == 0 || !TinaSymbols.Is(method.Parameters[0].Type, symbols.Context) || method.Parameters[0].RefKind != RefKind.Ref)
        {
            return "does not take 'ref Context ctx' first";
        }

        return null;
    }

    /// <summary>An implementation of IIsolate.OnMessage, implicit or explicit (an unrelated overload is not one).</summary>
    private static bool IsOnMessage(IMethodSymbol method, TinaSymbols symbols) =>
        method.ExplicitInterfaceImplementations.Any(m => m.Name == "OnMessage") ||
        (method.Name == "OnMessage" && method.Parameters.Length == 2 &&
         TinaSymbols.Is(method.Parameters[0].Type, symbols.Context) && TinaSymbols.Is(method.Parameters[1].Type, symbols.Message));

    private static bool IsMessageParameter(IParameterSymbol parameter, TinaSymbols symbols) =>
        TinaSymbols.Is(parameter.Type, symbols.Message) && parameter.RefKind is RefKind.In or RefKind.RefReadOnlyParameter or RefKind.None;

    private static void CheckAccepts(
        INamedTypeSymbol type, TinaSymbols symbols, IEnumerable<ITypeSymbol?> handled, IMethodSymbol? other, ImmutableArray<DiagnosticInfo>.Builder diagnostics)
    {
        AttributeData? accepts = Find(type, symbols.Accepts);
        if (accepts is null || accepts.ConstructorArguments.Length != 1)
        {
            return;
        }

        TypedConstant list = accepts.ConstructorArguments[0];
        ImmutableArray<TypedConstant> values = list.Kind == TypedConstantKind.Array ? list.Values : ImmutableArray.Create(list);
        var covered = new HashSet<ITypeSymbol>(handled.Where(t => t is not null)!, SymbolEqualityComparer.Default);
        SeparatedSyntaxList<AttributeArgumentSyntax>? arguments =
            (accepts.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.ArgumentList?.Arguments;
        for (int i = 0; i < values.Length; i++)
        {
            Location? at = arguments is { } args && args.Count == values.Length
                ? args[i].GetLocation()
                : accepts.ApplicationSyntaxReference?.GetSyntax().GetLocation();
            if (values[i].Value is not INamedTypeSymbol accepted)
            {
                continue;
            }

            if (accepted.TypeKind != TypeKind.Struct || !accepted.IsUnmanagedType)
            {
                diagnostics.Add(Diagnostic(DiagnosticIds.PayloadNotUnmanaged, at, accepted.ToDisplayString()));
            }
            else if (!covered.Contains(accepted))
            {
                string fate = other is null ? "nothing and be dropped (a call answered NoReply)" : $"the catch-all '{other.Name}'";
                diagnostics.Add(Diagnostic(DiagnosticIds.AcceptedTypeUnhandled, at, type.Name, accepted.Name, fate));
            }
        }
    }

    /// <summary>Two distinct types whose tags collide at compile time fall back to the runtime's tag (which refuses the pair).</summary>
    private static IEnumerable<HandlerModel> WithoutTagCollisions(IEnumerable<HandlerModel> handlers)
    {
        List<HandlerModel> list = handlers.ToList();
        var typeByTag = new Dictionary<uint, string>();
        var colliding = new HashSet<uint>();
        foreach (HandlerModel h in list)
        {
            if (h.TypeTag is { } tag && h.PayloadType is { } payload)
            {
                if (typeByTag.TryGetValue(tag, out string? seen) && seen != payload)
                {
                    colliding.Add(tag);
                }

                typeByTag[tag] = payload;
            }
        }

        foreach (HandlerModel h in list)
        {
            yield return h.TypeTag is { } tag && colliding.Contains(tag) ? h with { TypeTag = null } : h;
        }
    }

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration &&
                !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }

        return true;
    }

    private static ImmutableArray<StringValue> Declarations(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            chain.Insert(0, t);
        }

        return chain.Select(t =>
        {
            string keyword = (t.IsRecord, t.TypeKind) switch
            {
                (true, TypeKind.Struct) => "record struct",
                (true, _) => "record",
                (false, TypeKind.Struct) => "struct",
                (false, TypeKind.Interface) => "interface",
                _ => "class",
            };
            string parameters = t.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", t.TypeParameters.Select(p => Escape(p.Name))) + ">";
            return new StringValue($"partial {keyword} {Escape(t.Name)}{parameters}");
        }).ToImmutableArray();
    }

    private static string HintName(INamedTypeSymbol type)
    {
        var builder = new StringBuilder();
        foreach (char c in type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty))
        {
            builder.Append(char.IsLetterOrDigit(c) || c == '.' ? c : '_');
        }

        return builder.Append(".TinaHandlers.g.cs").ToString();
    }

    private static AttributeData? Find(ISymbol symbol, INamedTypeSymbol? attribute)
    {
        if (attribute is null)
        {
            return null;
        }

        foreach (AttributeData data in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
            {
                return data;
            }
        }

        return null;
    }

    private static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static DiagnosticInfo Diagnostic(string id, Location? location, params string[] arguments) =>
        new(id, LocationInfo.From(location), new EquatableArray<StringValue>(arguments.Select(a => new StringValue(a)).ToImmutableArray()));
}
