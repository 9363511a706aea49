using Tina.Simulation.Workloads;

namespace Tina.Tests.Simulation;

/// <summary>
/// Planted bug 3 (network application): an echo session that, for about one session in eight (by its seed), leaves
/// out the first byte of the first chunk it echoes. The network carries exactly what it is given, so only the
/// tcp-echo clients' byte-for-byte verification (the workload's application checker) can catch it.
/// </summary>
internal sealed class DroppingEchoSession : EchoSession
{
    protected override int Skip(int chunk, int length) => chunk == 0 && length >= 2 && (Seed >> 17) % 8 == 0 ? 1 : 0;
}
