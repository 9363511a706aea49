namespace Tina.Generators;

/// <summary>
/// The generator's stable diagnostic IDs, TINA100 and up (Tina.Analyzers has TINA001..). Never reused or renumbered;
/// a retired rule keeps its number.
/// </summary>
internal static class DiagnosticIds
{
    /// <summary>A [TinaHandlers] type, or a type it is nested in, is not partial.</summary>
    public const string NotPartial = "TINA100";

    /// <summary>A handler's signature or kind is not one the dispatch can call.</summary>
    public const string BadHandlerSignature = "TINA101";

    /// <summary>Two handlers for the same payload type and kind (or two catch-alls).</summary>
    public const string DuplicateHandler = "TINA102";

    /// <summary>A type in [Accepts] that no typed handler covers.</summary>
    public const string AcceptedTypeUnhandled = "TINA103";

    /// <summary>A handler's payload type, or a type in [Accepts], is not an unmanaged struct.</summary>
    public const string PayloadNotUnmanaged = "TINA104";

    /// <summary>OnMessage written by hand in a [TinaHandlers] type.</summary>
    public const string OnMessageWrittenByHand = "TINA105";

    /// <summary>A [Handles] or [HandlesOther] method in a type without [TinaHandlers]: nothing calls it.</summary>
    public const string HandlerNotDispatched = "TINA106";
}
