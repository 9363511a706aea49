using System;
using Microsoft.CodeAnalysis;

namespace Tina.Generators;

/// <summary>The generator's descriptors: ID, title, message, category, severity, help link (design/analyzers.md).</summary>
internal static class HandlerDescriptors
{
    private const string HelpBase = "https://github.com/tina-dotnet/tina/blob/main/design/analyzers.md#";
    private const string Category = "Tina.Handlers";

    public static readonly DiagnosticDescriptor NotPartial = Create(
        DiagnosticIds.NotPartial,
        "A [TinaHandlers] type must be partial",
        "'{0}' must be partial for Tina to generate its OnMessage",
        DiagnosticSeverity.Error,
        "The generator writes OnMessage in another part of the type, so the type and every type it is nested in must be declared partial.");

    public static readonly DiagnosticDescriptor BadHandlerSignature = Create(
        DiagnosticIds.BadHandlerSignature,
        "Handler signature is not one the generated dispatch can call",
        "Handler '{0}' {1}; a handler is 'Effect {0}(ref Context ctx, in T payload)', optionally with 'in Message message' third, or, with a kind, 'Effect {0}(ref Context ctx, in Message message)'",
        DiagnosticSeverity.Error,
        "The generated OnMessage calls each handler with the shard's context and the payload it read (and the message, when asked for). A handler returns the Effect OnMessage returns.");

    public static readonly DiagnosticDescriptor DuplicateHandler = Create(
        DiagnosticIds.DuplicateHandler,
        "Two handlers for the same message",
        "'{0}' and '{1}' both handle {2}: the dispatch can call only one",
        DiagnosticSeverity.Error,
        "Each payload type has at most one handler per kind (and one for every kind), and an isolate at most one [HandlesOther] and one kind-only handler per kind.");

    public static readonly DiagnosticDescriptor AcceptedTypeUnhandled = Create(
        DiagnosticIds.AcceptedTypeUnhandled,
        "An accepted message type has no handler",
        "'{0}' accepts '{1}', but no [Handles] method takes it: it would go to {2}",
        DiagnosticSeverity.Warning,
        "[Accepts] lists every payload type the isolate is sent. A listed type without a typed handler is a message the isolate silently drops (or hands to its catch-all): write its handler, or take it off the list.");

    public static readonly DiagnosticDescriptor PayloadNotUnmanaged = Create(
        DiagnosticIds.PayloadNotUnmanaged,
        "Message type is not an unmanaged struct",
        "'{0}' is not an unmanaged struct, so it can never be a message payload",
        DiagnosticSeverity.Error,
        "A payload is copied inline into the message envelope: it is an unmanaged struct (no references) of at most 96 bytes.");

    public static readonly DiagnosticDescriptor OnMessageWrittenByHand = Create(
        DiagnosticIds.OnMessageWrittenByHand,
        "OnMessage is written by hand in a [TinaHandlers] type",
        "'{0}' writes OnMessage and is [TinaHandlers], whose OnMessage is generated: remove one",
        DiagnosticSeverity.Error,
        "A [TinaHandlers] type's OnMessage is the generated dispatch. Either keep the hand-written OnMessage and remove [TinaHandlers], or move its branches into [Handles] methods.");

    public static readonly DiagnosticDescriptor HandlerNotDispatched = Create(
        DiagnosticIds.HandlerNotDispatched,
        "Handler in a type without [TinaHandlers]",
        "'{0}' is marked as a handler, but '{1}' is not [TinaHandlers]: nothing dispatches to it",
        DiagnosticSeverity.Warning,
        "[Handles] and [HandlesOther] methods are called by the OnMessage Tina generates for a [TinaHandlers] type; elsewhere the attribute does nothing.");

    public static DiagnosticDescriptor ById(string id) => id switch
    {
        DiagnosticIds.NotPartial => NotPartial,
        DiagnosticIds.BadHandlerSignature => BadHandlerSignature,
        DiagnosticIds.DuplicateHandler => DuplicateHandler,
        DiagnosticIds.AcceptedTypeUnhandled => AcceptedTypeUnhandled,
        DiagnosticIds.PayloadNotUnmanaged => PayloadNotUnmanaged,
        DiagnosticIds.OnMessageWrittenByHand => OnMessageWrittenByHand,
        DiagnosticIds.HandlerNotDispatched => HandlerNotDispatched,
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "unknown diagnostic"),
    };

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity, string description) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpBase + "tina" + id.Substring(4));
}
