using System;
using System.Runtime.InteropServices;
using Tina.Io;
using Tina.Simulation;
using Tina.Simulation.Workloads;

namespace Tina.Tests.Simulation;

/// <summary>
/// Planted bug 4 (transport level): a network that now and then (every 97th receive) flips one bit of the bytes a
/// receive hands to its reader, silently (the count is right, no error). The network component's byte ledger must
/// catch it (checker <c>Component:network</c>), before any application check runs.
/// </summary>
internal sealed class CorruptingNetworkComponent : SimulatedNetworkComponent
{
    private int _reads;

    public CorruptingNetworkComponent()
        : base((IoAddress.Loopback, TcpEchoWorkload<EchoSession>.Port))
    {
    }

    protected override void OnReadCore(uint receiver, long position, ReadOnlySpan<byte> data)
    {
        // Every 97th read, from the reader's buffer itself: what the client sees is corrupted too.
        if (++_reads % 97 == 0 && data.Length > 0)
        {
            MemoryMarshal.GetReference(data) ^= 0x10;
        }

        base.OnReadCore(receiver, position, data);
    }
}

/// <summary>tcp-echo over the <see cref="CorruptingNetworkComponent"/>.</summary>
internal sealed class CorruptingTcpEchoWorkload : TcpEchoWorkload<EchoSession>
{
    public CorruptingTcpEchoWorkload()
        : base("tcp-echo-corrupting-network", new CorruptingNetworkComponent())
    {
    }
}
