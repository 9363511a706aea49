using Microsoft.CodeAnalysis;

namespace Tina.Analyzers;

/// <summary>The rules' descriptors: ID, title, message, category, severity, help link (design/analyzers.md).</summary>
internal static class TinaDescriptors
{
    private const string HelpBase = "https://github.com/tina-dotnet/tina/blob/main/design/analyzers.md#";

    private const string Blocking = "Tina.Blocking";
    private const string Usage = "Tina.Usage";
    private const string Performance = "Tina.Performance";

    public static readonly DiagnosticDescriptor AsyncInHandler = Create(
        DiagnosticIds.AsyncInHandler,
        "Handler code must not use async, await or Task-returning calls",
        "{0} in handler code: a shard runs many isolates on one thread and never awaits; return an effect (Call, a timer, I/O) and handle the reply as a message",
        Blocking,
        DiagnosticSeverity.Error,
        "An isolate's handler (OnMessage, any method taking a Context, and the methods of its type they call) runs on its shard's thread between other isolates' handlers. An awaited task continues on the thread pool, outside the shard, racing the isolate's next message; a task that is not awaited is work the shard does not own.");

    public static readonly DiagnosticDescriptor BlockingInHandler = Create(
        DiagnosticIds.BlockingInHandler,
        "Handler code must not block",
        "'{0}' blocks the shard thread, and every isolate on the shard waits with it; use {1}",
        Blocking,
        DiagnosticSeverity.Error,
        "Handlers run one after another on their shard's thread. A sleep, a wait on a task or a handle, a lock, synchronous file, socket or console I/O stops that thread and every isolate it runs.");

    public static readonly DiagnosticDescriptor MessageTooLarge = Create(
        DiagnosticIds.MessageTooLarge,
        "Message type is larger than the 96-byte payload",
        "'{0}' is {1} bytes, and a message payload holds at most 96 (Message.PayloadSizeMax): the first use throws; keep the bulk in a shard buffer and send its BufferRef",
        Usage,
        DiagnosticSeverity.Error,
        "A message is copied inline into a 128-byte envelope (a 32-byte header and a 96-byte payload). MessageType<T> refuses a larger type when it is first used, at run time; this rule finds it at compile time.");

    public static readonly DiagnosticDescriptor CallWithoutTimeout = Create(
        DiagnosticIds.CallWithoutTimeout,
        "Call without a finite timeout",
        "{0} has no finite timeout ({1}): {2}",
        Usage,
        DiagnosticSeverity.Warning,
        "Every call ends, at the latest by its timeout. Context.Call and the outside CallAsync refuse a timeout that is zero, negative, Timeout.InfiniteTimeSpan or longer than a day (ArgumentOutOfRangeException at run time); a Connect without a timeout waits as long as the kernel keeps trying.");

    public static readonly DiagnosticDescriptor DiscardedEffect = Create(
        DiagnosticIds.DiscardedEffect,
        "Effect is computed and discarded",
        "The Effect of '{0}' is discarded: an effect only acts when the handler returns it",
        Usage,
        DiagnosticSeverity.Warning,
        "Context methods that return an Effect (Call, Reply, FailReply, the I/O operations) stage something the scheduler carries out only when the handler returns that effect; returning another one loses the call or operation, or answers it twice.");

    public static readonly DiagnosticDescriptor InvocationDataEscapes = Create(
        DiagnosticIds.InvocationDataEscapes,
        "Invocation-scoped data is stored beyond the invocation",
        "A {0} is stored in '{1}', but it is valid only during this invocation: {2}",
        Usage,
        DiagnosticSeverity.Warning,
        "A handler sees its message by reference, valid for one invocation. A received buffer goes back to the pool when the handler returns, so an IoCompletion (or a Message carrying one) kept for later names a buffer that is someone else's by then; a call kept as a Message cannot be answered later (TryDeferReply gives a ReplyToken for that).");

    public static readonly DiagnosticDescriptor AllocationInHandler = Create(
        DiagnosticIds.AllocationInHandler,
        "Allocation-prone code in handler code",
        "{0} allocates on the message path",
        Performance,
        DiagnosticSeverity.Info,
        "Nothing on Tina's message path allocates; handler code that allocates per message brings the garbage collector back, and with it pauses for every isolate on the shard.");

    private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity, string description) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpBase + "tina" + id.Substring(4));
}
