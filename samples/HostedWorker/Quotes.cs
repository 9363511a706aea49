using System;
using System.Threading;
using System.Threading.Tasks;

namespace HostedWorker;

/// <summary>
/// Stands in for a Task-only client library (an HTTP client, a database driver): it awaits, so it must not run on a
/// shard. Shared by every poller: a singleton service.
/// </summary>
public sealed class Quotes
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public async Task<long> FetchAsync(int shard, int round, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _calls);
        return (shard * 1_000) + (round * 7);
    }
}
