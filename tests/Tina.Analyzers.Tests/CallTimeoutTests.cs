using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using NUnit.Framework;
using Tina.Analyzers.CodeFixes;

namespace Tina.Analyzers.Tests;

/// <summary>TINA004: a call or connect with no finite timeout; a finite or unknown timeout is silent; the fix.</summary>
public sealed class CallTimeoutTests
{
    private static string CallWith(string timeout) => $$"""
        using System;
        using System.Threading;
        using Tina;

        public readonly record struct Ask;

        public sealed class Caller : IIsolate
        {
            private TimeSpan _configured = TimeSpan.FromSeconds(2);

            public Effect OnMessage(ref Context ctx, in Message message) => ctx.Call(message.Source, new Ask(), {{timeout}});
        }
        """;

    private static string ConnectWith(string arguments) => $$"""
        using System;
        using System.Threading;
        using Tina;
        using Tina.Io;

        public sealed class Dialer : IIsolate
        {
            public Effect OnMessage(ref Context ctx, in Message message) => ctx.{{arguments}};
        }
        """;

    [Test]
    public Task InfiniteCallTimeout_IsReportedOnTheArgument() =>
        AnalyzerTest<CallTimeoutAnalyzer>.Run(
            CallWith("{|#0:Timeout.InfiniteTimeSpan|}"),
            new DiagnosticResult(TinaDescriptors.CallWithoutTimeout)
                .WithLocation(0)
                .WithArguments("Context.Call", "Timeout.InfiniteTimeSpan", "a call refuses it with ArgumentOutOfRangeException; give it a timeout of more than zero and at most a day"));

    [TestCase("TimeSpan.Zero")]
    [TestCase("default")]
    [TestCase("new TimeSpan()")]
    [TestCase("TimeSpan.MaxValue")]
    [TestCase("TimeSpan.FromSeconds(0)")]
    [TestCase("TimeSpan.FromMilliseconds(-1)")]
    [TestCase("TimeSpan.FromDays(2)")]
    [TestCase("TimeSpan.FromHours(25)")]
    [TestCase("new TimeSpan(0, 0, 0)")]
    [TestCase("new TimeSpan(2, 0, 0, 0)")]
    public Task NonFiniteCallTimeout_IsReported(string timeout) =>
        AnalyzerTest<CallTimeoutAnalyzer>.Run(CallWith("{|TINA004:" + timeout + "|}"));

    [TestCase("TimeSpan.FromMilliseconds(50)")]
    [TestCase("TimeSpan.FromDays(1)")]
    [TestCase("new TimeSpan(0, 0, 5)")]
    [TestCase("TimeSpan.FromTicks(1)")]
    [TestCase("_configured")]
    public Task FiniteOrUnknownCallTimeout_IsSilent(string timeout) =>
        AnalyzerTest<CallTimeoutAnalyzer>.Run(CallWith(timeout));

    [TestCase("{|TINA004:Connect|}(IoAddress.Loopback, 80)")]
    [TestCase("Connect(IoAddress.Loopback, 80, {|TINA004:Timeout.InfiniteTimeSpan|})")]
    [TestCase("Connect(IoAddress.Loopback, 80, {|TINA004:TimeSpan.Zero|})")]
    public Task ConnectWithoutDeadline_IsReported(string call) =>
        AnalyzerTest<CallTimeoutAnalyzer>.Run(ConnectWith(call));

    [TestCase("Connect(IoAddress.Loopback, 80, TimeSpan.FromSeconds(3))")]
    [TestCase("Receive(default, 100)")]
    [TestCase("Receive(default, 100, Timeout.InfiniteTimeSpan)")]
    public Task ConnectWithDeadline_AndOtherIo_IsSilent(string call) =>
        AnalyzerTest<CallTimeoutAnalyzer>.Run(ConnectWith(call));

    [Test]
    public Task Fix_ReplacesTheInfiniteTimeout() =>
        CodeFixTest<CallTimeoutAnalyzer, FiniteTimeoutCodeFix>.Run(
            CallWith("{|TINA004:Timeout.InfiniteTimeSpan|}"),
            CallWith("TimeSpan.FromSeconds(5)"));

    [Test]
    public Task Fix_AddsATimeoutToAConnect() =>
        CodeFixTest<CallTimeoutAnalyzer, FiniteTimeoutCodeFix>.Run(
            ConnectWith("{|TINA004:Connect|}(IoAddress.Loopback, 80)"),
            ConnectWith("Connect(IoAddress.Loopback, 80, timeout: TimeSpan.FromSeconds(5))"));

    [Test]
    public Task Fix_WithoutUsingSystem_QualifiesTimeSpan() =>
        CodeFixTest<CallTimeoutAnalyzer, FiniteTimeoutCodeFix>.Run(
            """
            using Tina;

            public readonly record struct Ask;

            public sealed class Caller : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message) => ctx.Call(message.Source, new Ask(), {|TINA004:System.TimeSpan.Zero|});
            }
            """,
            """
            using Tina;

            public readonly record struct Ask;

            public sealed class Caller : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message) => ctx.Call(message.Source, new Ask(), System.TimeSpan.FromSeconds(5));
            }
            """);
}
