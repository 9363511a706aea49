using System.Linq;
using NUnit.Framework;

namespace Tina.Generators.Tests;

/// <summary>Each TINA1xx fires on its bad case and stays silent on the good twin, which compiles with no warning.</summary>
public sealed class DiagnosticTests
{
    private const string JobHandler = "[Handles] private Effect OnJob(ref Context ctx, in Job job) => Effect.Receive;";

    [Test]
    public void GoodIsolateHasNoDiagnosticsAndCompilesClean()
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Isolate(
            JobHandler + "\n[Handles] private static Effect OnQuit(ref Context ctx, in Quit quit) => Effect.Done;",
            "[Accepts(typeof(Job), typeof(Quit))]"));
        Assert.That(run.Ids, Is.Empty);
        Assert.That(run.Generated, Has.Length.EqualTo(1));
        Assert.That(run.CompilerProblems, Is.Empty);
    }

    [Test]
    public void NotPartialIsTina100()
    {
        string source = Sources.Isolate(JobHandler).Replace("public partial struct Worker", "public struct Worker");
        GeneratorRun run = GeneratorRun.Of(source);
        Assert.That(run.Ids, Is.EqualTo(new[] { "TINA100" }));
        Assert.That(run.Generated, Is.Empty);
        Assert.That(run.GeneratorDiagnostics[0].GetMessage(), Does.Contain("'Worker' must be partial"));
    }

    [Test]
    public void ContainingTypeNotPartialIsTina100()
    {
        string bad = Sources.Prelude + "public static class Outer { [TinaHandlers] public partial struct Inner { " + JobHandler + " } }";
        GeneratorRun run = GeneratorRun.Of(bad);
        Assert.That(run.Ids, Is.EqualTo(new[] { "TINA100" }));
        Assert.That(run.GeneratorDiagnostics[0].GetMessage(), Does.Contain("'Outer'"));

        GeneratorRun good = GeneratorRun.Of(bad.Replace("public static class Outer", "public static partial class Outer"));
        Assert.That(good.Ids, Is.Empty);
        Assert.That(good.CompilerProblems, Is.Empty);
    }

    [TestCase("[Handles] private void OnJob(ref Context ctx, in Job job) { }", "returns 'void'")]
    [TestCase("[Handles] private Effect OnJob(Context ctx, in Job job) => Effect.Receive;", "'ref Context ctx' first")]
    [TestCase("[Handles] private Effect OnJob(ref Context ctx) => Effect.Receive;", "has 1 parameters")]
    [TestCase("[Handles] private Effect OnJob(ref Context ctx, out Job job) { job = default; return Effect.Receive; }", "by out")]
    [TestCase("[Handles] private Effect OnJob(ref Context ctx, in Job job, int extra) => Effect.Receive;", "third parameter")]
    [TestCase("[Handles] private Effect OnAny(ref Context ctx, in Message message) => Effect.Receive;", "[HandlesOther]")]
    [TestCase("[Handles(MessageKind.Timer)] private Effect OnTick(ref Context ctx, in Job job) => Effect.Receive;", "carries no typed payload")]
    [TestCase("[Handles(MessageKind.Timer)] private Effect OnTick(ref Context ctx, in Message m, in Message n) => Effect.Receive;", "second and last")]
    [TestCase("[Handles(MessageKind.SpawnRequest)] private Effect OnSpawn(ref Context ctx, in Job job) => Effect.Receive;", "never delivers")]
    [TestCase("[HandlesOther] private Effect Rest(ref Context ctx, in Job job) => Effect.Receive;", "catch-all")]
    [TestCase("[Handles, HandlesOther] private Effect Both(ref Context ctx, in Message m) => Effect.Receive;", "both")]
    [TestCase("[Handles] private Effect OnT<T>(ref Context ctx, in Job job) => Effect.Receive;", "is generic")]
    public void BadSignatureIsTina101(string handler, string says)
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Isolate(handler));
        Assert.That(run.Ids, Is.EqualTo(new[] { "TINA101" }));
        Assert.That(run.GeneratorDiagnostics[0].GetMessage(), Does.Contain(says));

        // The bad handler is left out; the rest still generates an OnMessage that compiles (the type is an IIsolate).
        Assert.That(run.Generated, Has.Length.EqualTo(1));
        Assert.That(run.CompilerProblems.Where(d => d.Id.StartsWith("CS", System.StringComparison.Ordinal) && d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error), Is.Empty);
    }

    [TestCase("[Handles(MessageKind.Timer)] private Effect OnTick(ref Context ctx, in Message message) => Effect.Receive;")]
    [TestCase("[Handles(MessageKind.Reply)] private Effect OnPong(ref Context ctx, Pong pong, in Message message) => Effect.Receive;")]
    [TestCase("[HandlesOther] private Effect Rest(ref Context ctx, in Message message) => Effect.Receive;")]
    [TestCase("[Handles(MessageKind.Down)] private static Effect OnDown(ref Context ctx, in Down down) => Effect.Receive;")]
    public void GoodSignatureIsSilent(string handler)
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Isolate(handler));
        Assert.That(run.Ids, Is.Empty);
        Assert.That(run.CompilerProblems, Is.Empty);
    }

    [TestCase(
        "[Handles] private Effect A(ref Context ctx, in Job job) => Effect.Receive;",
        "[Handles] private Effect B(ref Context ctx, Job job) => Effect.Receive;",
        "'Job' in every kind")]
    [TestCase(
        "[Handles(MessageKind.Call)] private Effect A(ref Context ctx, in Job job) => Effect.Receive;",
        "[Handles(MessageKind.Call)] private Effect B(ref Context ctx, in Job job, in Message m) => Effect.Receive;",
        "'Job' as Call")]
    [TestCase(
        "[Handles(MessageKind.Timer)] private Effect A(ref Context ctx, in Message m) => Effect.Receive;",
        "[Handles(MessageKind.Timer)] private Effect B(ref Context ctx, in Message m) => Effect.Receive;",
        "as Timer")]
    [TestCase(
        "[HandlesOther] private Effect A(ref Context ctx, in Message m) => Effect.Receive;",
        "[HandlesOther] private Effect B(ref Context ctx, in Message m) => Effect.Receive;",
        "[HandlesOther]")]
    public void DuplicateIsTina102(string first, string second, string says)
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Isolate(first + "\n" + second));
        Assert.That(run.Ids, Is.EqualTo(new[] { "TINA102" }));
        Assert.That(run.GeneratorDiagnostics[0].GetMessage(), Does.Contain("'A' and 'B'").And.Contain(says));
        Assert.That(run.CompilerProblems, Is.Empty);
    }

    [Test]
    public void SameTypeInTwoKindsIsNotADuplicate()
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Isolate(
            JobHandler + "\n[Handles(MessageKind.Call)] private Effect OnJobCall(ref Context ctx, in Job job) => ctx.Reply(job);"));
        Assert.That(run.Ids, Is.Empty);
        Assert.That(run.CompilerProblems, Is.Empty);
    }

    [Test]
    public void AcceptedTypeWithoutHandlerIsTina103()
    {
        string source = Sources.Isolate(JobHandler, "[Accepts(typeof(Job), typeof(Quit))]");
        GeneratorRun run = GeneratorRun.Of(source);
        Assert.That(run.Ids, Is.EqualTo(new[] { "TINA103" }));
        Assert.That(run.GeneratorDiagnostics[0].GetMessage(), Is.EqualTo(
            "'Worker' accepts 'Quit', but no [Handles] method takes it: it would go to nothing and be dropped (a call answered NoReply)"));
        Assert.That(source.Substring(run.GeneratorDiagnostics[0].Location.SourceSpan.Start, run.GeneratorDiagnostics[0].Location.SourceSpan.Length), Is.EqualTo("typeof(Quit)"));
        Assert.That(run.GeneratorDiagnostics[0].Severity, Is.EqualTo(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
    }

    [Test]
    public void CatchAllDoesNotCoverAnAcceptedType()
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Isolate(
            JobHandler + "\n[HandlesOther] private Effect Rest(ref Context ctx, in Message message) => Effect.Receive;",
            "[Accepts(typeof(Job), typeof(Quit))]"));
        Assert.That(run.Ids, Is.EqualTo(new[] { "TINA103" }));
        Assert.That(run.GeneratorDiagnostics[0].GetMessage(), Does.Contain("the catch-all 'Rest'"));
    }

    [Test]
    public void KindSpecificHandlerCoversAnAcceptedType()
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Isolate(
            "[Handles(MessageKind.Call)] private Effect OnJob(ref Context ctx, in Job job) => ctx.Reply(job);",
            "[Accepts(typeof(Job))]"));
        Assert.That(run.Ids, Is.Empty);
    }

    [TestCase("[Handles] private Effect OnText(ref Context ctx, in string text) => Effect.Receive;", "", "'string'")]
    [TestCase("[Handles] private Effect OnHolder(ref Context ctx, in Holder holder) => Effect.Receive;", "", "'App.Holder'")]
    [TestCase(JobHandler, "[Accepts(typeof(Job), typeof(Holder))]", "'App.Holder'")]
    public void PayloadNotUnmanagedIsTina104(string handler, string attributes, string says)
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Isolate(handler, attributes));
        Assert.That(run.Ids, Is.EqualTo(new[] { "TINA104" }));
        Assert.That(run.GeneratorDiagnostics[0].GetMessage(), Does.Contain(says + " is not an unmanaged struct"));
    }

    [Test]
    public void HandWrittenOnMessageWithTinaHandlersIsTina105()
    {
        const string HandWritten = "public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;";
        GeneratorRun run = GeneratorRun.Of(Sources.Isolate(JobHandler + "\n" + HandWritten));
        Assert.That(run.Ids, Is.EqualTo(new[] { "TINA105" }));
        Assert.That(run.Generated, Is.Empty);

        // The good twin: the hand-written form without [TinaHandlers] keeps working, untouched.
        GeneratorRun hand = GeneratorRun.Of(Sources.Prelude + """
            public struct Worker : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message) =>
                    message.Is(out Job job) ? ctx.Reply(job) : Effect.Receive;
            }
            """);
        Assert.That(hand.Ids, Is.Empty);
        Assert.That(hand.Generated, Is.Empty);
        Assert.That(hand.CompilerProblems, Is.Empty);
    }

    [Test]
    public void UnrelatedOnMessageOverloadIsNotTina105()
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Isolate(JobHandler + "\npublic static int OnMessage(int x) => x;"));
        Assert.That(run.Ids, Is.Empty);
        Assert.That(run.CompilerProblems, Is.Empty);
    }

    [Test]
    public void ReadonlyStructIsolateCompiles()
    {
        string source = Sources.Isolate("[Handles] private static Effect OnJob(ref Context ctx, in Job job) => Effect.Receive;")
            .Replace("public partial struct Worker", "public readonly partial struct Worker");
        GeneratorRun run = GeneratorRun.Of(source);
        Assert.That(run.Ids, Is.Empty);
        Assert.That(run.CompilerProblems, Is.Empty);
    }

    [Test]
    public void ExplicitOnMessageWithTinaHandlersIsTina105()
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Isolate(
            JobHandler + "\nEffect IIsolate.OnMessage(ref Context ctx, in Message message) => Effect.Receive;"));
        Assert.That(run.Ids, Is.EqualTo(new[] { "TINA105" }));
    }

    [Test]
    public void HandlerWithoutTinaHandlersIsTina106()
    {
        string source = Sources.Prelude + """
            public struct Worker : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;

                [Handles] private Effect OnJob(ref Context ctx, in Job job) => Effect.Receive;

                [HandlesOther] private Effect Rest(ref Context ctx, in Message message) => Effect.Receive;
            }
            """;
        GeneratorRun run = GeneratorRun.Of(source);
        Assert.That(run.Ids, Is.EqualTo(new[] { "TINA106", "TINA106" }));
        Assert.That(run.GeneratorDiagnostics.Select(d => d.GetMessage()), Has.Some.Contains("'OnJob' is marked as a handler, but 'Worker' is not [TinaHandlers]"));
    }
}
