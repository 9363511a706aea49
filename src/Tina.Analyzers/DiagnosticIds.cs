namespace Tina.Analyzers;

/// <summary>
/// The stable diagnostic IDs. Other tools (the template test, users' .editorconfig and suppressions) name them, so an
/// ID is never reused or renumbered; a retired rule keeps its number.
/// </summary>
internal static class DiagnosticIds
{
    /// <summary>async, await or a Task-returning call in handler code.</summary>
    public const string AsyncInHandler = "TINA001";

    /// <summary>A blocking call or a lock in handler code.</summary>
    public const string BlockingInHandler = "TINA002";

    /// <summary>A message type larger than the 96-byte payload.</summary>
    public const string MessageTooLarge = "TINA003";

    /// <summary>A call (or connect) without a finite timeout.</summary>
    public const string CallWithoutTimeout = "TINA004";

    /// <summary>An Effect computed and thrown away.</summary>
    public const string DiscardedEffect = "TINA005";

    /// <summary>A Message or an IoCompletion stored beyond the invocation.</summary>
    public const string InvocationDataEscapes = "TINA006";

    /// <summary>Allocation-prone code in handler code.</summary>
    public const string AllocationInHandler = "TINA007";
}
