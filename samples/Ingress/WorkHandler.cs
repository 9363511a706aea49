using System.Diagnostics;
using System.Threading;
using Tina;
using Tina.Http.Server;

namespace Ingress;

/// <summary>
/// GET /work: a request that costs its handler a fixed amount of CPU (<see cref="IngressOptions.WorkMicroseconds"/>,
/// hashing a buffer until that much time has passed), so one shard's capacity is known (about 1 / cost) and far
/// below what one load-generator core can offer. The overload benchmark (bench/Http/overload.sh) drives it at ten
/// times that capacity to measure goodput and accepted latency while the rest is shed.
/// </summary>
public sealed class WorkHandler : IIsolate
{
    private static long s_costTicks = Stopwatch.Frequency / 10_000; // 100 µs
    private readonly byte[] _data = new byte[256];
    private uint _hash = 2166136261;

    /// <summary>The CPU time one request costs (set from the options before the runtime starts).</summary>
    public static void SetCost(int microseconds) => Interlocked.Exchange(ref s_costTicks, Stopwatch.Frequency * microseconds / 1_000_000);

    /// <inheritdoc/>
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest request))
        {
            return Effect.Receive;
        }

        // Real work the JIT cannot drop (the hash is kept), bounded by time so the cost is the same on any machine.
        long until = Stopwatch.GetTimestamp() + Interlocked.Read(ref s_costTicks);
        do
        {
            for (int i = 0; i < _data.Length; i++)
            {
                _hash = (_hash ^ _data[i]) * 16777619;
            }

            _data[_hash & 0xFF]++;
        }
        while (Stopwatch.GetTimestamp() < until);

        return HttpHandler.Respond(ref ctx, in request, 200, "text/plain"u8, "done"u8);
    }
}
