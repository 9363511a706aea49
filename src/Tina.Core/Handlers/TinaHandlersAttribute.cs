using System;

namespace Tina;

/// <summary>
/// Marks a <c>partial</c> isolate whose <see cref="IIsolate.OnMessage"/> Tina's source generator writes: one method per
/// message type (and, where it matters, per <see cref="MessageKind"/>), each marked <see cref="HandlesAttribute"/>,
/// and at most one <see cref="HandlesOtherAttribute"/> for the rest. The generated <c>OnMessage</c> switches on the
/// payload's type tag (and on the kind only when a handler names one) and reads the payload once.
/// </summary>
/// <remarks>
/// The type, and every type it is nested in, must be <c>partial</c> (TINA100), and must not write <c>OnMessage</c>
/// itself (TINA105). A message nothing handles is dropped (<see cref="Effect.Receive"/>), as a hand-written chain's last
/// line does; a call so dropped is answered <see cref="CallStatus.NoReply"/> by the runtime at once.
/// See design/analyzers.md, "Typed handlers (generator)".
/// </remarks>
/// <example>
/// <code>
/// [TinaHandlers]
/// [Accepts(typeof(Job), typeof(Quit))]
/// public partial struct Worker
/// {
///     [Handles(MessageKind.Call)]
///     private Effect OnJob(ref Context ctx, in Job job) => ctx.Reply(new JobResult(job.JobId));
///
///     [Handles]
///     private static Effect OnQuit(ref Context ctx, in Quit quit) => Effect.Done;
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class TinaHandlersAttribute : Attribute
{
}
