namespace Tina.Simulation.Workloads;

/// <summary>
/// What one http-server run's clients share with the workload: whether the fault phase is over (set by
/// <see cref="HttpFaultPhaseComponent"/>), the server's limits a client must hold responses to, and one tally per
/// client. Created per run by the workload and handed to the client isolates through their factory; touched only on
/// the simulator's one thread.
/// </summary>
internal sealed class HttpSimWorld
{
    public HttpSimWorld(int clients, int maxRequestsPerConnection, int keepAliveMilliseconds)
    {
        Tallies = new HttpClientTally[clients];
        for (int i = 0; i < clients; i++)
        {
            Tallies[i] = new HttpClientTally();
        }

        MaxRequestsPerConnection = maxRequestsPerConnection;
        KeepAliveMilliseconds = keepAliveMilliseconds;
    }

    /// <summary>True once the simulator stopped every fault (runtime and network): from then on nothing may go unanswered.</summary>
    public bool Calm { get; set; }

    /// <summary>The server's <c>MaxRequestsPerConnection</c>: that response must say <c>Connection: close</c>.</summary>
    public int MaxRequestsPerConnection { get; }

    /// <summary>The server's <c>KeepAliveTimeout</c> in milliseconds (an idle client waits past it for the close).</summary>
    public int KeepAliveMilliseconds { get; }

    /// <summary>[client index] what each client saw.</summary>
    public HttpClientTally[] Tallies { get; }
}
