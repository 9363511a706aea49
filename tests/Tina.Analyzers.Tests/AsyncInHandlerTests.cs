using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using NUnit.Framework;

namespace Tina.Analyzers.Tests;

/// <summary>TINA001: async, await and Task-returning calls in handler code; the effect-based twin is silent.</summary>
public sealed class AsyncInHandlerTests
{
    [Test]
    public Task TaskReturningCall_InOnMessage_IsReported() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System;
            using System.Threading.Tasks;
            using Tina;

            public sealed class Waiter : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message)
                {
                    {|#0:Task.Delay(10)|};
                    return Effect.Receive;
                }
            }
            """,
            new DiagnosticResult(TinaDescriptors.AsyncInHandler).WithLocation(0).WithArguments("'Task.Delay' (returns Task)"));

    [Test]
    public Task AsyncHelper_ReachableFromOnMessage_IsReportedAtItsModifierAndAwait() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System.Threading.Tasks;
            using Tina;

            public sealed class Fetcher : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message)
                {
                    _ = {|TINA001:Load()|};
                    return Effect.Receive;
                }

                private {|TINA001:async|} Task<int> Load()
                {
                    {|TINA001:await Task.Yield()|};
                    return 1;
                }
            }
            """);

    [Test]
    public Task AsyncVoidLambda_InHandler_IsReported() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System;
            using System.Threading.Tasks;
            using Tina;

            public sealed class Spinner : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message)
                {
                    Action later = static {|TINA001:async|} () => {|TINA001:await {|TINA001:Task.Delay(1)|}|};
                    return Effect.Receive;
                }
            }
            """);

    [Test]
    public Task TaskReturningLambda_HandedOff_IsNotHandlerCode_ButInvokingOneIs() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Tina;

            public static class Bridge
            {
                public static void Start(Func<CancellationToken, Task<int>> work) { }
            }

            public sealed class Poller : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message)
                {
                    // Work for the thread pool: its body runs there, so it may wait and await.
                    Bridge.Start(static async ct =>
                    {
                        Thread.Sleep(1);
                        await Task.Delay(1, ct);
                        return 1;
                    });
                    Func<Task> run = static () => Task.CompletedTask;
                    {|TINA001:run()|};
                    return Effect.Receive;
                }
            }
            """);

    [Test]
    public Task EffectTwin_IsSilent() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System;
            using Tina;

            public readonly record struct Tick;

            public sealed class Waiter : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message)
                {
                    if (message.Kind == MessageKind.Timer) return Effect.Done;
                    ctx.RegisterTimer(TimeSpan.FromMilliseconds(10), 1);
                    return Effect.Receive;
                }
            }
            """);

    [Test]
    public Task AsyncCode_OutsideHandlers_IsSilent() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System.Threading.Tasks;
            using Tina;

            public sealed class Quiet : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;

                // Not reachable from OnMessage: boot code may await.
                public static async Task Boot() => await Task.Yield();
            }
            """);
}
