using System.Threading;

namespace TaskDispatcher;

/// <summary>
/// What the isolates report for the final printout. Each array element is written by one shard only; the main
/// thread reads them after the runtime has stopped and joined its threads (Join orders the reads after the writes).
/// </summary>
internal static class Summary
{
    public const int MaxShards = 256;

    /// <summary>Jobs finished by agents on each shard (written by that shard's agents).</summary>
    public static readonly long[] JobsByShard = new long[MaxShards];

    /// <summary>Worker crashes each shard's agents observed (NoReply outcomes), then retried.</summary>
    public static readonly long[] CrashesByShard = new long[MaxShards];

    /// <summary>Jobs the dispatcher saw completed, and the sum of their results (written by the dispatcher only).</summary>
    public static long JobsCompleted;
    public static long ResultChecksum;

    public static void AddJob(int shard) => Interlocked.Increment(ref JobsByShard[shard]);

    public static void AddCrash(int shard) => Interlocked.Increment(ref CrashesByShard[shard]);
}
