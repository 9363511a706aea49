namespace TaskDispatcher;

/// <summary>Start message of an agent: who hands out the jobs.</summary>
public readonly record struct AgentStart(ulong Dispatcher);

/// <summary>An agent asks the dispatcher for work (a call).</summary>
public readonly record struct JobRequest;

/// <summary>The dispatcher's reply: a job to run.</summary>
public readonly record struct JobGrant(int JobId, int Size);

/// <summary>The dispatcher's reply: all jobs are handed out.</summary>
public readonly record struct NoMoreJobs;

/// <summary>An agent asks its worker to run a job (a call).</summary>
public readonly record struct Job(int JobId, int Size);

/// <summary>The worker's reply.</summary>
public readonly record struct JobResult(int JobId, long Value);

/// <summary>An agent reports a finished job to the dispatcher (one-way).</summary>
public readonly record struct JobDone(int JobId, long Value, int Shard, int Retries);

/// <summary>Tells a worker to exit.</summary>
public readonly record struct Quit;
