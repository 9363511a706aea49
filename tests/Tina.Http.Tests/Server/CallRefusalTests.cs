using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;
using Tina.Advanced;
using Tina.Http.Server;
using Tina.Io;

namespace Tina.Http.Tests.Server;

/// <summary>
/// The runtime's own refusal of a handler Call (the handler's mailbox full) is the last shedding signal: the request
/// gets 503 with Retry-After, counted <see cref="HttpServerCounter.ShedMailboxFull"/>, and never reaches the handler.
/// Driven round by round (<see cref="DeterministicRuntime"/>, real epoll sockets) so that four requests are parsed in
/// one round, before the handler (mailbox capacity 1) runs.
/// </summary>
[TestFixture]
[Platform("Linux")]
[NonParallelizable]
public sealed class CallRefusalTests
{
    [Test]
    public void AFullHandlerMailbox_Sheds503WithRetryAfter_AndEveryClientGetsOneAnswer()
    {
        var options = new HttpServerOptions { Address = IoAddress.Loopback, Port = 0, HandlerMailboxCapacity = 1 };
        using var server = new HttpServer(options).MapHandler<EchoHandler>("GET", "/echo");
        var spec = new TinaSpec { ShardCount = 1, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.Warning };
        spec.UseIo(new IoOptions { Backend = IoBackendKind.Epoll });
        server.Configure(spec);
        using var driven = new DeterministicRuntime(spec, TimeProvider.System);
        server.Start(driven.Runtime);
        RunUntil(driven, () => server.ListeningPort(0) > 0);
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10_000 };
                socket.Connect(new IPEndPoint(IPAddress.Loopback, server.ListeningPort(0)));
                clients.Add(socket);
            }

            RunUntil(driven, () => server.Counter(0, HttpServerCounter.ConnectionsAccepted) == 4);
            for (int i = 0; i < 100; i++)
            {
                driven.RunRound(); // every connection starts and posts its first Receive
            }

            foreach (Socket socket in clients)
            {
                socket.Send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n"u8);
            }

            RunUntil(driven, () => server.Counter(0, HttpServerCounter.Requests) == 4 && server.Counter(0, HttpServerCounter.HandlerCalls) == 4);
            for (int i = 0; i < 100; i++)
            {
                driven.RunRound(); // replies and refusals arrive, responses are sent
            }

            int ok = 0, shed = 0;
            foreach (Socket socket in clients)
            {
                string response = ReadResponse(socket);
                if (response.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal))
                {
                    ok++;
                }
                else
                {
                    Assert.That(response, Does.StartWith("HTTP/1.1 503 "));
                    Assert.That(response, Does.Contain("\r\nRetry-After: 1\r\n"));
                    Assert.That(response, Does.Not.Contain("Connection: close"), "the body was read: the connection stays");
                    shed++;
                }
            }

            Assert.That(ok, Is.GreaterThanOrEqualTo(1), "the call that found room is served");
            Assert.That(shed, Is.GreaterThanOrEqualTo(1), "four calls in one round into a mailbox of one");
            Assert.That(server.Counter(0, HttpServerCounter.ShedMailboxFull), Is.EqualTo(shed));
            Assert.That(server.Counter(0, HttpServerCounter.ShedNormal), Is.EqualTo(shed));
            Assert.That(server.Counter(0, HttpServerCounter.HandlerFailures), Is.Zero, "a shed is not a handler failure");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static void RunUntil(DeterministicRuntime driven, Func<bool> done)
    {
        for (int i = 0; i < 100_000 && !done(); i++)
        {
            driven.RunRound();
        }

        Assert.That(done(), Is.True, "bounded: the condition was reached");
    }

    /// <summary>One whole response head (these have no body: Content-Length 0 or the echoed target).</summary>
    private static string ReadResponse(Socket socket)
    {
        var buffer = new byte[4096];
        int length = 0;
        while (true)
        {
            int n = socket.Receive(buffer, length, buffer.Length - length, SocketFlags.None);
            Assert.That(n, Is.GreaterThan(0), "a response before the stream ends");
            length += n;
            string text = System.Text.Encoding.ASCII.GetString(buffer, 0, length);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                return text;
            }
        }
    }
}
