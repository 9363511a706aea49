using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using NUnit.Framework;

namespace Tina.Analyzers.Tests;

/// <summary>TINA006: a Message or IoCompletion stored beyond the invocation; keeping the payload or a kept handle is silent.</summary>
public sealed class InvocationDataEscapeTests
{
    private static string Handler(string body) => $$"""
        using System.Collections.Generic;
        using Tina;
        using Tina.Io;

        public readonly record struct Work(int Id);

        public sealed class Keeper : IIsolate
        {
            private Message _last;
            private IoCompletion _pending;
            private static Message s_shared;
            private readonly Message[] _ring = new Message[4];
            private readonly Queue<Message> _queue = new Queue<Message>();
            private Work _work;
            private KeptReceive _kept;
            private ReplyToken _token;
            private BufferRef _buffer;
            private Message Latest { get; set; }

            public Effect OnMessage(ref Context ctx, in Message message)
            {
                {{body}}
                return Effect.Receive;
            }
        }
        """;

    [Test]
    public Task MessageStoredInAField_IsReported() =>
        AnalyzerTest<HandlerAnalyzer>.Run(
            Handler("{|#0:_last = message|};"),
            new DiagnosticResult(TinaDescriptors.InvocationDataEscapes)
                .WithLocation(0)
                .WithArguments("Message", "_last", "keep the payload instead (message.Is(out T value)) and the header fields you need; to answer a call later, ctx.TryDeferReply gives a ReplyToken"));

    [TestCase("if (message.Is(out IoCompletion done)) {|TINA006:_pending = done|};")]
    [TestCase("{|TINA006:s_shared = message|};")]
    [TestCase("{|TINA006:_ring[0] = message|};")]
    [TestCase("{|TINA006:this.Latest = message|};")]
    [TestCase("{|TINA006:_queue.Enqueue(message)|};")]
    public Task InvocationDataStored_IsReported(string statement) =>
        AnalyzerTest<HandlerAnalyzer>.Run(Handler(statement));

    [TestCase("if (message.Is(out Work work)) _work = work;")]
    [TestCase("Message copy = message; _ = copy.Kind;")]
    [TestCase("if (message.Is(out IoCompletion done)) ctx.KeepReceived(in done, out _kept);")]
    [TestCase("ctx.TryDeferReply(out _token);")]
    [TestCase("ctx.TryRentBuffer(out _buffer);")]
    [TestCase("var local = new Holder(); local.Inner = message; _ = local.Inner.Kind;")]
    public Task PayloadOrKeptHandle_IsSilent(string statement) =>
        AnalyzerTest<HandlerAnalyzer>.Run(Handler(statement) + "\npublic struct Holder { public Message Inner; }\n");
}
