using Tina;

namespace TaskDispatcher;

/// <summary>
/// Hands out <see cref="TotalJobs"/> jobs to agents that ask for them (call/reply) and collects their results.
/// Spawns <see cref="AgentsPerShard"/> agents on every shard when it starts.
/// </summary>
public sealed class Dispatcher : IIsolate
{
    public const int TotalJobs = 20_000;
    public const int AgentsPerShard = 4;

    private int _nextJob;
    private int _completed;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        switch (message.Kind)
        {
            case MessageKind.Start:
                for (int shard = 0; shard < ctx.ShardCount; shard++)
                {
                    for (int i = 0; i < AgentsPerShard; i++)
                    {
                        // Remote spawns travel to that shard's spawner; a refusal here would be a sizing bug.
                        SendResult sent = ctx.SpawnOn<Agent, AgentStart>(shard, new AgentStart(ctx.Self.Value));
                        if (sent != SendResult.Ok)
                        {
                            ctx.Log(TinaLogLevel.Error, "could not spawn an agent", shard, (long)sent);
                        }
                    }
                }

                return Effect.Receive;

            case MessageKind.Call when message.Is<JobRequest>():
                if (_nextJob < TotalJobs)
                {
                    int id = _nextJob++;
                    return ctx.Reply(new JobGrant(id, 200 + (id % 300)));
                }

                return ctx.Reply(new NoMoreJobs());

            default:
                if (message.Is(out JobDone done))
                {
                    _completed++;
                    Summary.JobsCompleted = _completed;
                    Summary.ResultChecksum += done.Value;
                    if (_completed == TotalJobs)
                    {
                        ctx.RequestStop();
                    }
                }

                return Effect.Receive;
        }
    }
}
