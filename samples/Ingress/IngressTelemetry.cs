using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tina;
using Tina.Hosting;
using Tina.Http.Server;

namespace Ingress;

/// <summary>
/// Every <see cref="IngressOptions.TelemetryInterval"/>, off the shards: runs the host's health checks (Tina.Hosting's
/// <c>AddTinaShards</c> among them) and publishes the answer for /healthz, and reads the <c>Tina</c> meter through a
/// <see cref="MeterListener"/> plus the HTTP server's counters into the text /metrics serves.
/// </summary>
public sealed class IngressTelemetry : BackgroundService
{
    // A handler response must fit the call slot (HttpServerOptions.MaxHandlerResponseBytes, 64 KiB by default).
    private const int MaxMetricsBytes = 60 * 1024;
    private readonly HealthCheckService _health;
    private readonly IngressServer _ingress;
    private readonly IngressState _state;
    private readonly TinaRuntime _runtime;
    private readonly TimeSpan _interval;
    private readonly MeterListener _listener = new();
    private readonly SortedDictionary<string, double> _values = new(StringComparer.Ordinal);

    /// <summary>Subscribes to the Tina meter's instruments.</summary>
    public IngressTelemetry(HealthCheckService health, IngressServer ingress, IngressState state, TinaRuntime runtime, IOptions<IngressOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _health = health;
        _ingress = ingress;
        _state = state;
        _runtime = runtime;
        _interval = options.Value.TelemetryInterval;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TinaMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Takes one health report and one metrics snapshot now (also what each interval does).</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        HealthReport report = await _health.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        string body = report.Status == HealthStatus.Healthy
            ? "healthy\n"
            : $"{report.Status.ToString().ToLowerInvariant()}: {Describe(report)}\n";
        _state.Health = new IngressState.Snapshot(report.Status == HealthStatus.Healthy ? 200 : 503, Encoding.UTF8.GetBytes(body));
        _state.Metrics = Snapshot();
    }

    /// <summary>Publishes once before the host reports started, so /healthz never answers "starting" after that.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await PublishAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _listener.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(_interval, stoppingToken).ConfigureAwait(false);
                await PublishAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: the last published state stays (and /healthz answers "draining" by then).
        }
    }

    private static string Describe(HealthReport report)
    {
        var parts = new List<string>();
        foreach (KeyValuePair<string, HealthReportEntry> entry in report.Entries)
        {
            if (entry.Value.Status != HealthStatus.Healthy)
            {
                parts.Add($"{entry.Key}: {entry.Value.Description}");
            }
        }

        return string.Join("; ", parts);
    }

    private byte[] Snapshot()
    {
        _values.Clear();
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (KeyValuePair<string, double> line in _values)
        {
            text.Append(line.Key).Append(' ').Append(line.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        for (int shard = 0; shard < _runtime.ShardCount; shard++)
        {
            for (var counter = (HttpServerCounter)0; counter < HttpServerCounter.Count; counter++)
            {
                text.Append(CultureInfo.InvariantCulture, $"http.server.{counter}{{tina.shard={shard}}} {_ingress.Server.Counter(shard, counter)}\n");
            }
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        return bytes.Length <= MaxMetricsBytes ? bytes : [.. bytes.AsSpan(0, MaxMetricsBytes), .. "# truncated\n"u8];
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = new StringBuilder(instrument.Name);
        if (!tags.IsEmpty)
        {
            key.Append('{');
            for (int i = 0; i < tags.Length; i++)
            {
                key.Append(i == 0 ? string.Empty : ",").Append(tags[i].Key).Append('=').Append(Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture));
            }

            key.Append('}');
        }

        string name = key.ToString();
        _values[name] = _values.TryGetValue(name, out double earlier) ? earlier + value : value;
    }
}
