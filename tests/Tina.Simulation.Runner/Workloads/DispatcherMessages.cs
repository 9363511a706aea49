namespace Tina.Simulation.Workloads;

/// <summary>Start of the dispatcher: how many jobs, how many agents per shard, and the seed its agents derive theirs from.</summary>
internal readonly record struct DispatcherStart(int JobCount, int AgentsPerShard, ulong Seed);

/// <summary>Start of an agent: the dispatcher to ask, and the agent's own seed (backoff jitter).</summary>
internal readonly record struct AgentStart(ulong Dispatcher, ulong Seed);

/// <summary>An agent asks for a job (a call).</summary>
internal readonly record struct JobRequest(int Shard);

/// <summary>The dispatcher grants a job.</summary>
internal readonly record struct JobGrant(int JobId, int Size);

/// <summary>Every job is handed out but not all are done: ask again later.</summary>
internal readonly record struct RetryLater;

/// <summary>Every job is done.</summary>
internal readonly record struct NoMoreJobs;

/// <summary>An agent asks its worker to run a job (a call).</summary>
internal readonly record struct Job(int JobId, int Size);

/// <summary>The worker's answer.</summary>
internal readonly record struct JobResult(int JobId, long Value);

/// <summary>An agent reports a finished job (a call, so it knows to report again when the report is lost).</summary>
internal readonly record struct JobDone(int JobId, long Value);

/// <summary>The dispatcher acknowledges a report.</summary>
internal readonly record struct DoneAck(int JobId);

/// <summary>Tells a worker to exit.</summary>
internal readonly record struct Quit;
