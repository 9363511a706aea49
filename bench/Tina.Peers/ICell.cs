namespace Tina.Peers;

/// <summary>One configuration of one scenario on one system, run in its own process.</summary>
internal interface ICell
{
    /// <summary>Messages per unit of <see cref="Work"/> (1 one-way, 2 for a round trip), for bytes per message.</summary>
    int MessagesPerUnit { get; }

    /// <summary>Starts the system and its load; returns once work is flowing.</summary>
    void Start();

    /// <summary>Cumulative work done (messages received or round trips), readable from any thread.</summary>
    long Work();

    /// <summary>Stops the load and the system.</summary>
    void Stop();
}
