namespace Tina.Simulation.Workloads;

/// <summary>The workloads by name, for the runner and the sweep.</summary>
internal static class WorkloadCatalog
{
    public static readonly string[] Names = ["dispatcher", "callmesh", "tcp-echo", "supervision", "lifecycle", "shutdown", "http-server"];

    public static ISimulationWorkload? Create(string name) => name switch
    {
        "dispatcher" => new DispatcherWorkload<JobDispatcher>(),
        "callmesh" => new CallMeshWorkload(),
        "tcp-echo" => new TcpEchoWorkload<EchoSession>(),
        "supervision" => new LifecycleWorkload(LifecycleMode.Supervision),
        "lifecycle" => new LifecycleWorkload(LifecycleMode.Cancellation),
        "shutdown" => new LifecycleWorkload(LifecycleMode.Shutdown),
        "http-server" => new HttpServerWorkload<SimEchoHandler>(),
        _ => null,
    };
}
