using System.Threading;

namespace Ingress;

/// <summary>
/// What the handler isolates answer /healthz and /metrics from. Tina.Http creates handler isolates with <c>new()</c>,
/// so they find this through <see cref="Current"/> (one ingress host per process; a test runs its hosts one at a time).
/// </summary>
/// <remarks>
/// Writers: <see cref="IngressTelemetry"/>'s thread publishes <see cref="Health"/> and <see cref="Metrics"/> (whole
/// immutable objects, by volatile write); <see cref="IngressDrain"/> sets <see cref="Draining"/> once, on stop. Readers:
/// the handler isolates on the shards, by volatile read. Nothing is written in place, so a reader sees a whole snapshot.
/// </remarks>
public sealed class IngressState
{
    private static IngressState? s_current;
    private Snapshot _health = new(503, "starting\n"u8.ToArray());
    private byte[] _metrics = [];
    private volatile bool _draining;

    /// <summary>The state of the running ingress host, or null before one is built.</summary>
    public static IngressState? Current
    {
        get => Volatile.Read(ref s_current);
        set => Volatile.Write(ref s_current, value);
    }

    /// <summary>The last health report: status code and body.</summary>
    public Snapshot Health
    {
        get => Volatile.Read(ref _health);
        set => Volatile.Write(ref _health, value);
    }

    /// <summary>The last metrics snapshot, UTF-8 text.</summary>
    public byte[] Metrics
    {
        get => Volatile.Read(ref _metrics);
        set => Volatile.Write(ref _metrics, value);
    }

    /// <summary>True from the moment the host starts stopping.</summary>
    public bool Draining
    {
        get => _draining;
        set => _draining = value;
    }

    /// <summary>A health answer, preencoded.</summary>
    public sealed record Snapshot(int Status, byte[] Body);
}
