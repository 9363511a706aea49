using System;
using Tina.Simulation.Workloads;

namespace Tina.Tests.Simulation;

/// <summary>
/// Planted bug 5 (HTTP application): an echo handler that answers every 7th request with the body of the request
/// before it, as a server that mixed up its responses would. The bytes are well-formed HTTP and the network carries
/// exactly what it is given, so only the http-server clients' per-request check (the workload's application checker)
/// can catch it.
/// </summary>
internal sealed class StaleEchoHandler : SimEchoHandler
{
    private readonly byte[] _previous = new byte[8 * 1024];
    private readonly byte[] _answer = new byte[8 * 1024];
    private int _previousLength;
    private int _calls;

    protected override ReadOnlySpan<byte> BodyFor(ReadOnlySpan<byte> requestBody)
    {
        bool stale = ++_calls % 7 == 0 && _previousLength > 0;
        int length = stale ? _previousLength : requestBody.Length;
        if (stale)
        {
            _previous.AsSpan(0, length).CopyTo(_answer);
        }
        else
        {
            requestBody.CopyTo(_answer);
        }

        requestBody.CopyTo(_previous);
        _previousLength = requestBody.Length;
        return _answer.AsSpan(0, length);
    }
}
