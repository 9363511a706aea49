using System.Threading.Tasks;
using NUnit.Framework;

namespace Tina.Analyzers.Tests;

/// <summary>
/// Which code is handler code: OnMessage, any method or lambda taking a Context, and the same type's methods,
/// properties and constructors they reach by direct calls; nothing else.
/// </summary>
public sealed class HandlerReachabilityTests
{
    [Test]
    public Task HelperCalledTwoLevelsDown_IsHandlerCode() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System.Threading;
            using Tina;

            public sealed class Deep : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message)
                {
                    First();
                    return Effect.Receive;
                }

                private void First() => Second();

                private static void Second() => {|TINA002:Thread.Sleep(1)|};
            }
            """);

    [Test]
    public Task PropertyReadByTheHandler_IsHandlerCode() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System.Threading;
            using Tina;

            public struct Slow : IIsolate
            {
                private int Value { get { {|TINA002:Thread.Sleep(1)|}; return 1; } }

                public Effect OnMessage(ref Context ctx, in Message message) => Value > 0 ? Effect.Receive : Effect.Done;
            }
            """);

    [Test]
    public Task MethodNotCalledFromTheHandler_IsNotHandlerCode() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System.Threading;
            using Tina;

            public sealed class Setup : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;

                public static void WarmUp() => Thread.Sleep(1);
            }
            """);

    [Test]
    public Task StaticHelperTakingAContext_IsHandlerCode() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System.Threading;
            using Tina;

            public static class Replies
            {
                public static Effect Answer(ref Context ctx)
                {
                    {|TINA002:Thread.Sleep(1)|};
                    return Effect.Receive;
                }

                public static void Elsewhere() => Thread.Sleep(1);
            }
            """);

    [Test]
    public Task LambdaTakingAContext_IsHandlerCode_ItsEnclosingMethodIsNot() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System.Threading;
            using Tina;

            public delegate Effect Route(ref Context ctx);

            public static class Routes
            {
                public static Route Build()
                {
                    Thread.Sleep(1);
                    return (ref Context ctx) =>
                    {
                        {|TINA002:Thread.Sleep(1)|};
                        return Effect.Receive;
                    };
                }
            }
            """);

    [Test]
    public Task OtherTypesCalledFromTheHandler_AreNotFollowed() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System.Threading;
            using Tina;

            public static class Library
            {
                public static void Pause() => Thread.Sleep(1);
            }

            public sealed class Caller : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message)
                {
                    Library.Pause();
                    return Effect.Receive;
                }
            }
            """);
}
