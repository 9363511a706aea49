using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NUnit.Framework;

namespace Tina.Analyzers.Tests;

/// <summary>TINA002: blocking calls and locks in handler code are errors; the non-blocking twin is silent.</summary>
public sealed class BlockingInHandlerTests
{
    private static string Handler(string body) => $$"""
        using System;
        using System.IO;
        using System.Net.Sockets;
        using System.Threading;
        using System.Threading.Tasks;
        using Tina;

        public sealed class Blocker : IIsolate
        {
            private readonly object _gate = new object();
            private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);
            private readonly Mutex _mutex = new Mutex();
            private Task<int> _task = Task.FromResult(1);
            private Socket _socket = null!;
            private FileStream _file = null!;
            private readonly byte[] _bytes = new byte[1];

            public Effect OnMessage(ref Context ctx, in Message message)
            {
                {{body}}
                return Effect.Receive;
            }
        }
        """;

    [Test]
    public Task ThreadSleep_InOnMessage_IsAnError() =>
        AnalyzerTest<HandlerAnalyzer>.Run(
            Handler("{|#0:Thread.Sleep(10)|};"),
            new DiagnosticResult(TinaDescriptors.BlockingInHandler)
                .WithLocation(0)
                .WithSeverity(DiagnosticSeverity.Error)
                .WithArguments("Thread.Sleep", "a timer (ctx.RegisterTimer) and handle its Timer message"));

    [TestCase("{|TINA002:_semaphore.Wait()|};")]
    [TestCase("{|TINA002:_mutex.WaitOne()|};")]
    [TestCase("{|TINA002:Monitor.Enter(_gate)|};")]
    [TestCase("{|TINA002:lock|} (_gate) { }")]
    [TestCase("int v = {|TINA002:_task.Result|};")]
    [TestCase("int v = {|TINA002:_task.GetAwaiter().GetResult()|};")]
    [TestCase("{|TINA002:_task.Wait()|};")]
    [TestCase("string s = {|TINA002:File.ReadAllText(\"x\")|};")]
    [TestCase("int b = {|TINA002:_file.ReadByte()|};")]
    [TestCase("{|TINA002:_file.Write(_bytes, 0, 1)|};")]
    [TestCase("int n = {|TINA002:_socket.Receive(_bytes)|};")]
    [TestCase("{|TINA002:_socket.Connect(\"localhost\", 80)|};")]
    [TestCase("string? line = {|TINA002:Console.ReadLine()|};")]
    [TestCase("{|TINA002:Console.WriteLine(\"x\")|};")]
    [TestCase("{|TINA002:Console.Error|}.WriteLine(\"x\");")]
    public Task BlockingCall_InOnMessage_IsReported(string statement) =>
        AnalyzerTest<HandlerAnalyzer>.Run(Handler(statement));

    [TestCase("ctx.RegisterTimer(TimeSpan.FromMilliseconds(10), 1);")]
    [TestCase("ctx.Log(TinaLogLevel.Information, \"x\");")]
    [TestCase("bool done = _task.IsCompleted;")]
    [TestCase("long length = _file.Length;")]
    public Task NonBlockingTwin_IsSilent(string statement) =>
        AnalyzerTest<HandlerAnalyzer>.Run(Handler(statement));

    [Test]
    public Task Sleep_OutsideHandlerCode_IsSilent() =>
        AnalyzerTest<HandlerAnalyzer>.Run("""
            using System.Threading;

            public static class Boot
            {
                public static void Wait() => Thread.Sleep(10);
            }
            """);
}
