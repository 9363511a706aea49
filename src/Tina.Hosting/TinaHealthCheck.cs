using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tina.Hosting;

/// <summary>
/// Reports every shard: all healthy is Healthy; any stalled shard (its heartbeat stopped while it was not parked: a
/// handler is stuck) is Degraded; any quarantined or stopped shard is Unhealthy. The data holds each shard's state as
/// <c>shard.N</c>, and the description names the shards that are not healthy.
/// </summary>
public sealed class TinaHealthCheck : IHealthCheck
{
    private readonly TinaRuntime _runtime;

    /// <summary>Creates the check over <paramref name="runtime"/>.</summary>
    public TinaHealthCheck(TinaRuntime runtime) => _runtime = runtime;

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(_runtime.ShardCount);
        var notHealthy = new List<string>();
        HealthStatus status = HealthStatus.Healthy;
        for (int shard = 0; shard < _runtime.ShardCount; shard++)
        {
            ShardHealth health = _runtime.GetHealth(shard);
            data[string.Create(CultureInfo.InvariantCulture, $"shard.{shard}")] = health.ToString();
            switch (health)
            {
                case ShardHealth.Healthy:
                    continue;
                case ShardHealth.Stalled:
                    if (status == HealthStatus.Healthy)
                    {
                        status = HealthStatus.Degraded;
                    }

                    notHealthy.Add(string.Create(CultureInfo.InvariantCulture, $"shard {shard} stalled (a handler is stuck; {_runtime.StallCount(shard)} stalls since start)"));
                    break;
                default:
                    status = HealthStatus.Unhealthy;
                    notHealthy.Add(string.Create(CultureInfo.InvariantCulture, $"shard {shard} {health.ToString().ToLowerInvariant()}"));
                    break;
            }
        }

        string description = notHealthy.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{_runtime.ShardCount} shards healthy")
            : string.Join("; ", notHealthy);
        return Task.FromResult(new HealthCheckResult(status, description, null, data));
    }
}
