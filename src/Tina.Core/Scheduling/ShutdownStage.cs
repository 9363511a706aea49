namespace Tina.Scheduling;

/// <summary>Where a shard is in the three-phase shutdown.</summary>
internal enum ShutdownStage
{
    /// <summary>Not shutting down.</summary>
    None = 0,
    /// <summary>Phase 1 done (notices delivered, no new work admitted); phase 2, draining.</summary>
    Draining = 1,
    /// <summary>Phase 3 done: whatever remained was torn down.</summary>
    Done = 2,
}
