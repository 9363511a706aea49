using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace Tina.Ingress.Tests;

/// <summary>Two ingress processes on one port (SO_REUSEPORT): the kernel spreads fresh connections over both.</summary>
public sealed class ScaleOutTests
{
    // Each fresh connection lands on one of the two listeners by the kernel's hash of its 4-tuple (source port
    // differs each time): the chance that 200 all land on one process is 2^-199.
    private const int MaxAttempts = 200;

    [Test]
    public void TwoProcessesOnOnePort_BothServe_AndBothDrainOnSigterm()
    {
        int port = FreePort();
        using var first = new IngressProcess(port);
        using var second = new IngressProcess(port);
        Assert.That(first.WaitUntilListening(TimeSpan.FromSeconds(60)), Is.True, first.Output);
        Assert.That(second.WaitUntilListening(TimeSpan.FromSeconds(60)), Is.True, second.Output);

        var seen = new HashSet<int>();
        int attempts = 0;
        while (seen.Count < 2 && attempts < MaxAttempts)
        {
            attempts++;
            HttpAnswer answer = HttpProbe.Get(port, "/whoami");
            Assert.That(answer.Status, Is.EqualTo(200));
            seen.Add(int.Parse(answer.Body.Trim(), CultureInfo.InvariantCulture));
        }

        Assert.That(seen, Is.EquivalentTo(new[] { first.Id, second.Id }), $"after {attempts} connections");

        // Stop one: the other goes on serving the port alone.
        Assert.That(first.Terminate(TimeSpan.FromSeconds(60)), Is.True, "the first process exited after SIGTERM");
        Assert.That(first.ExitCode, Is.Zero, first.Output);
        Assert.That(first.Output, Does.Contain("Ingress drained: 0 connections still open"), first.Output);
        Assert.That(first.Output, Does.Contain("0 forced"), first.Output);
        for (int i = 0; i < 20; i++)
        {
            HttpAnswer answer = HttpProbe.Get(port, "/whoami");
            Assert.That(answer.Body.Trim(), Is.EqualTo(second.Id.ToString(CultureInfo.InvariantCulture)));
        }

        Assert.That(second.Terminate(TimeSpan.FromSeconds(60)), Is.True, "the second process exited after SIGTERM");
        Assert.That(second.ExitCode, Is.Zero, second.Output);
    }

    [Test]
    public void OnSigterm_TheProcessAnswersItsRequestInFlight_RefusesNewConnections_ThenExitsZero()
    {
        int port = FreePort();
        using var process = new IngressProcess(port);
        Assert.That(process.WaitUntilListening(TimeSpan.FromSeconds(60)), Is.True, process.Output);
        Assert.That(HttpProbe.Get(port, "/plaintext").Status, Is.EqualTo(200));
        using var inFlight = new HttpProbe(port);
        inFlight.Write("GET /plaintext HTTP/1.1\r\nHost: test\r\n"); // head not finished: the request is in flight

        process.SignalTerm();
        bool refused = false;
        for (int i = 0; i < 3_000 && !refused; i++) // bounded: 30 s
        {
            refused = HttpProbe.ConnectIsRefused(port);
            if (!refused)
            {
                System.Threading.Thread.Sleep(10);
            }
        }

        Assert.That(refused, Is.True, "the draining process refuses new connections: " + process.Output);
        inFlight.Write("\r\n");
        HttpAnswer answer = inFlight.Read();
        Assert.That(answer.Status, Is.EqualTo(200));
        Assert.That(answer.Body, Is.EqualTo("Hello, World!"));
        Assert.That(answer.Headers["Connection"], Is.EqualTo("close"));
        Assert.That(inFlight.SeesEndOfStream(), Is.True);
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "the process exited after the drain");
        Assert.That(process.ExitCode, Is.Zero, process.Output);
        Assert.That(process.Output, Does.Contain("Ingress drained: 0 connections still open"), process.Output);
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
