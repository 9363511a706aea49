namespace Tina.Supervision;

/// <summary>What <see cref="ShutdownSequence"/> asks of its shard, and nothing more. Shard-thread only.</summary>
internal interface IShutdownHost
{
    /// <summary>Phase 1: every live isolate gets its Shutdown notice (supervised ones through their groups, deepest first).</summary>
    void NoticeAll(long budgetTicks);

    /// <summary>Phase 3: tears down every isolate still alive; returns how many.</summary>
    int TerminateRemaining();

    /// <summary>Live isolates on the shard now.</summary>
    int LiveIsolates();
}
