using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using NUnit.Framework;

namespace Tina.Analyzers.Tests;

/// <summary>TINA003: a message type over the 96-byte payload, wherever it is used as a message; 96 bytes is silent.</summary>
public sealed class MessageSizeTests
{
    private const string Types = """
        using System;
        using System.Runtime.InteropServices;
        using Tina;

        public struct Fits { public long A, B, C, D, E, F, G, H, I, J, K, L; }            // 96
        public struct TooBig { public long A, B, C, D, E, F, G, H, I, J, K, L; public byte M; } // 97 -> 104
        public readonly record struct Positional(Handle Who, long A, long B, long C, long D, long E, long F, long G, long H, long I, long J, long K); // 96
        public readonly record struct PositionalTooBig(Handle Who, Guid Id, long A, long B, long C, long D, long E, long F, long G, long H, long I, long J); // 8 + 16 + 80 = 104
        public unsafe struct Buffered { public fixed byte Bytes[90]; public int Length; }     // 96 (90 + pad 2 + 4)
        public unsafe struct BufferedTooBig { public fixed byte Bytes[93]; public int Length; } // 100
        public enum Wide : long { A }
        public struct Enums { public Wide A, B, C, D, E, F, G, H, I, J, K, L, M; }            // 104
        public struct Inner { public long A, B, C, D, E, F; }                                  // 48
        public struct Outer { public Inner Left, Right; public bool Flag; }                    // 104
        [StructLayout(LayoutKind.Sequential, Pack = 1)]
        public struct Packed { public Inner Left; public long A, B, C, D, E; public byte X, Y, Z, W, V, U, T, S; } // 96
        [StructLayout(LayoutKind.Sequential, Size = 128)]
        public struct Declared { public int A; }                                               // 128
        [StructLayout(LayoutKind.Explicit)]
        public struct Overlaid { [FieldOffset(0)] public Inner A; [FieldOffset(0)] public Inner B; } // 48
        public struct Handles12 { public Handle A, B, C, D, E, F, G, H, I, J, K, L; }        // 96: Handle is 8 bytes, read from Tina.Core's metadata
        public struct Handles13 { public Handle A, B, C, D, E, F, G, H, I, J, K, L, M; }     // 104
        public struct Generic<T> where T : unmanaged { public T A, B; }
        """;

    [Test]
    public Task TooBigSend_IsReportedAtTheInferredName() =>
        AnalyzerTest<MessageSizeAnalyzer>.Run(Types + """

            public sealed class Sender : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message)
                {
                    ctx.{|#0:Send|}(message.Source, new TooBig());
                    return Effect.Receive;
                }
            }
            """,
            new DiagnosticResult(TinaDescriptors.MessageTooLarge).WithLocation(0).WithArguments("TooBig", "104"));

    [TestCase("PositionalTooBig", "104")]
    [TestCase("Handles13", "104")]
    [TestCase("BufferedTooBig", "100")]
    [TestCase("Enums", "104")]
    [TestCase("Outer", "104")]
    [TestCase("Declared", "128")]
    [TestCase("Generic<Outer>", "208")]
    public Task TooBigType_InIs_IsReportedAtTheTypeArgument(string type, string bytes) =>
        AnalyzerTest<MessageSizeAnalyzer>.Run(Types + $$"""

            public sealed class Reader : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message) => message.Is<{|#0:{{type}}|}>() ? Effect.Done : Effect.Receive;
            }
            """,
            new DiagnosticResult(TinaDescriptors.MessageTooLarge).WithLocation(0).WithArguments(type, bytes));

    [TestCase("Fits")]
    [TestCase("Positional")]
    [TestCase("Buffered")]
    [TestCase("Packed")]
    [TestCase("Handles12")]
    [TestCase("Overlaid")]
    [TestCase("Generic<Inner>")]
    public Task TypeOfAtMost96Bytes_IsSilent(string type) =>
        AnalyzerTest<MessageSizeAnalyzer>.Run(Types + $$"""

            public sealed class Reader : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message)
                {
                    ctx.Send(message.Source, new {{type}}());
                    return message.Is<{{type}}>() ? ctx.Reply(new {{type}}()) : Effect.Receive;
                }
            }
            """);

    [Test]
    public Task MessageTypeOfTooBig_IsReported_AndAsAndReplyAndCall() =>
        AnalyzerTest<MessageSizeAnalyzer>.Run(Types + """

            public sealed class Many : IIsolate
            {
                public Effect OnMessage(ref Context ctx, in Message message)
                {
                    uint id = MessageType<{|TINA003:TooBig|}>.Id;
                    TooBig big = message.As<{|TINA003:TooBig|}>();
                    if (id == 0) return ctx.{|TINA003:Reply|}(big);
                    return ctx.{|TINA003:Call|}(message.Source, big, TimeSpan.FromSeconds(1));
                }
            }
            """);

    [Test]
    public Task TooBigType_NotUsedAsAMessage_IsSilent() =>
        AnalyzerTest<MessageSizeAnalyzer>.Run(Types + """

            public static class Local
            {
                public static long Sum(TooBig big) => big.A + big.L;
            }
            """);
}
