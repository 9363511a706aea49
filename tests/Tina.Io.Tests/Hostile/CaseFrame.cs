using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using NUnit.Framework;

namespace Tina.Io.Tests.Hostile;

/// <summary>
/// What every hostile case checks before and after itself. <see cref="Begin"/> serves one well-behaved client (so
/// whatever the first use of a socket opens lazily is open already), records the descriptor count and resident
/// memory, then opens <see cref="IdleConnections"/> idle connections, more than the pool has buffers, that stay open
/// through the case. <see cref="End"/>, with those still idle: a fresh client is echoed, every pool and ring buffer
/// is back; then the idle ones close, the table holds the listener only, the descriptor count returns to the
/// recorded one and resident memory stays under the recorded value plus <see cref="ResidentBoundBytes"/>.
/// This carries the "many idle connections" case: idle connections hold no buffer during every other case.
/// </summary>
internal sealed class CaseFrame
{
    public const int IdleConnections = 2 * HostileServer.PoolBuffers;
    public const long ResidentBoundBytes = 64L << 20;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    private readonly HostileServer _server;
    private readonly List<Socket> _idle = new(IdleConnections);
    private int _descriptors;
    private long _resident;

    private CaseFrame(HostileServer server) => _server = server;

    public int DescriptorsAtStart => _descriptors;

    public long ResidentAtStart => _resident;

    public static CaseFrame Begin(HostileServer server)
    {
        var frame = new CaseFrame(server);
        AssertFreshClientServed(server, "before the case");
        Assert.That(ProcessResources.WaitUntil(() => server.Stats.LiveConnections == 1 && server.AllBuffersBack, Settle), Is.True,
            () => $"the warm-up client is gone: {server.Describe()}");
        frame._descriptors = ProcessResources.DescriptorCount();
        frame._resident = ProcessResources.ResidentBytes();

        int sessionsBefore = HostileProbe.Read(ref HostileProbe.Sessions);
        for (int i = 0; i < IdleConnections; i++)
        {
            frame._idle.Add(PeerClient.Connect(server.Endpoint));
        }

        Assert.That(ProcessResources.WaitUntil(() => HostileProbe.Read(ref HostileProbe.Sessions) - sessionsBefore == IdleConnections, Settle), Is.True,
            () => $"every idle connection has a session waiting in a receive: {server.Describe()}");
        return frame;
    }

    public void End()
    {
        try
        {
            AssertFreshClientServed(_server, "after the case");
            Assert.That(ProcessResources.WaitUntil(() => _server.AllBuffersBack && _server.Stats.LiveConnections == 1 + IdleConnections, Settle), Is.True,
                () => $"with {IdleConnections} connections idle (and open), every buffer is back: {_server.Describe()}");
        }
        finally
        {
            foreach (Socket idle in _idle)
            {
                idle.Dispose();
            }

            _idle.Clear();
        }

        Assert.That(ProcessResources.WaitUntil(() => _server.Stats.LiveConnections == 1, Settle), Is.True,
            () => $"the table holds the listener only: {_server.Describe()}");
        Assert.That(ProcessResources.WaitUntil(() => ProcessResources.DescriptorCount() == _descriptors, Settle), Is.True,
            () => $"descriptors back to {_descriptors}: {ProcessResources.DescriptorCount()} open: {ProcessResources.DescribeDescriptors()}");
        Assert.That(_server.AllBuffersBack, Is.True, () => _server.Describe());
        long resident = ProcessResources.ResidentBytes();
        Assert.That(resident, Is.LessThan(_resident + ResidentBoundBytes), () => $"resident memory {resident >> 20} MiB, {_resident >> 20} MiB at the start");
        TestContext.Out.WriteLine($"frame: descriptors {_descriptors} at start and end, resident {_resident >> 20} -> {resident >> 20} MiB; {_server.Describe()}");
    }

    /// <summary>A well-behaved client connects, is echoed a known message, and closes.</summary>
    public static void AssertFreshClientServed(HostileServer server, string when)
    {
        using Socket fresh = PeerClient.Connect(server.Endpoint);
        byte[] hello = Encoding.ASCII.GetBytes($"hello {when}, still serving?");
        PeerClient.AssertEcho(fresh, hello);
    }
}
