using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using NUnit.Framework;
using Tina.Analyzers.CodeFixes;

namespace Tina.Analyzers.Tests;

/// <summary>TINA005: an Effect computed as a statement and dropped; the returned twin and explicit discards are silent; the fix.</summary>
public sealed class DiscardedEffectTests
{
    private static string Handler(string body) => $$"""
        using System;
        using Tina;

        public readonly record struct Ask;
        public readonly record struct Answer(int Value);

        public sealed class Answerer : IIsolate
        {
            public Effect OnMessage(ref Context ctx, in Message message)
            {
        {{body}}
            }

            private static Effect Helper(ref Context ctx) => ctx.FailReply();
        }
        """;

    [Test]
    public Task DiscardedReply_IsReported() =>
        AnalyzerTest<DiscardedEffectAnalyzer>.Run(
            Handler("""
                        {|#0:ctx.Reply(new Answer(1))|};
                        return Effect.Receive;
                """),
            new DiagnosticResult(TinaDescriptors.DiscardedEffect).WithLocation(0).WithArguments("Reply"));

    [TestCase("        {|TINA005:ctx.Call(message.Source, new Ask(), TimeSpan.FromSeconds(1))|};\n        return Effect.Receive;")]
    [TestCase("        {|TINA005:Helper(ref ctx)|};\n        return Effect.Receive;")]
    [TestCase("        if (message.Is<Ask>()) {|TINA005:ctx.FailReply()|};\n        return Effect.Receive;")]
    public Task DiscardedEffect_IsReported(string body) =>
        AnalyzerTest<DiscardedEffectAnalyzer>.Run(Handler(body));

    [TestCase("        return ctx.Reply(new Answer(1));")]
    [TestCase("        _ = ctx.Reply(new Answer(1));\n        return Effect.Receive;")]
    [TestCase("        Effect next = Helper(ref ctx);\n        return next;")]
    [TestCase("        ctx.Send(message.Source, new Answer(2));\n        return Effect.Receive;")]
    public Task UsedEffect_IsSilent(string body) =>
        AnalyzerTest<DiscardedEffectAnalyzer>.Run(Handler(body));

    [Test]
    public Task Fix_MergesWithTheReturnThatFollows() =>
        CodeFixTest<DiscardedEffectAnalyzer, ReturnEffectCodeFix>.Run(
            Handler("""
                        {|TINA005:ctx.Reply(new Answer(1))|};
                        return Effect.Receive;
                """),
            Handler("""
                        return ctx.Reply(new Answer(1));
                """));

    [Test]
    public Task Fix_ReturnsTheLastStatementOfABranch() =>
        CodeFixTest<DiscardedEffectAnalyzer, ReturnEffectCodeFix>.Run(
            Handler("""
                        if (message.Is<Ask>())
                        {
                            ctx.Send(message.Source, new Answer(0));
                            {|TINA005:ctx.Reply(new Answer(1))|};
                        }

                        return Effect.Receive;
                """),
            Handler("""
                        if (message.Is<Ask>())
                        {
                            ctx.Send(message.Source, new Answer(0));
                            return ctx.Reply(new Answer(1));
                        }

                        return Effect.Receive;
                """));

    [Test]
    public Task Fix_ReturnsAnIfsSingleStatement() =>
        CodeFixTest<DiscardedEffectAnalyzer, ReturnEffectCodeFix>.Run(
            Handler("""
                        if (message.Is<Ask>()) {|TINA005:ctx.FailReply()|};
                        return Effect.Receive;
                """),
            Handler("""
                        if (message.Is<Ask>()) return ctx.FailReply();
                        return Effect.Receive;
                """));

    [Test]
    public Task Fix_IsNotOfferedWhenWorkFollows()
    {
        // A statement that does something follows: returning early would skip it, so the author decides.
        string source = Handler("""
                    {|TINA005:ctx.Reply(new Answer(1))|};
                    ctx.Send(message.Source, new Answer(2));
                    return Effect.Receive;
            """);
        return CodeFixTest<DiscardedEffectAnalyzer, ReturnEffectCodeFix>.Run(source, source);
    }
}
