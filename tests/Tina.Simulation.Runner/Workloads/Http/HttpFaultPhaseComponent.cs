namespace Tina.Simulation.Workloads;

/// <summary>
/// Tells the http-server clients when the fault phase ends (<see cref="HttpSimWorld.Calm"/>), so a session begun
/// after it is held to the strict rule: every request answered, no connection closed under it. No events, no draws.
/// </summary>
internal sealed class HttpFaultPhaseComponent : ISimulationComponent
{
    private readonly HttpSimWorld _world;

    public HttpFaultPhaseComponent(HttpSimWorld world) => _world = world;

    public string Name => "http-fault-phase";

    public void Attach(TinaRuntime runtime, TraceRecorder trace)
    {
    }

    public void OnRound(long round, long nowNanoseconds, ref Xoshiro256StarStar random)
    {
    }

    public bool HasPendingWork(long nowNanoseconds) => false;

    public long NextEventNanoseconds(long nowNanoseconds) => long.MaxValue;

    public void OnFaultsOff() => _world.Calm = true;

    public bool Check(bool final, out string? violation)
    {
        violation = null;
        return true;
    }
}
