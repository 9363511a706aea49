using System;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tina.Hosting;

/// <summary>
/// Owns what one registration of Tina builds, once, when the container first asks: the composed spec, the log
/// forwarder installed as its sink, the runtime, and its meter. Disposed by the container after the hosted service
/// has stopped the runtime.
/// </summary>
internal sealed class TinaRuntimeHolder : IDisposable
{
    // How long the forwarder's drain thread sleeps when no shard asked for it: the log latency of a quiet shard.
    private static readonly TimeSpan s_logPollInterval = TimeSpan.FromMilliseconds(20);

    public TinaRuntimeHolder(
        TinaSpecComposer composer,
        IServiceProvider services,
        IOptions<TinaOptions> options,
        Action<TinaRuntime>? boot,
        ILoggerFactory? loggers,
        IMeterFactory? meters)
    {
        composer.Services = services;
        TinaOptions values = options.Value;
        TinaSpec spec = composer.Compose(values);
        if (loggers is not null)
        {
            ILogger logger = loggers.CreateLogger("Tina");
            if (values.MinimumLogLevel is null)
            {
                // Filter before a record is written: a shard formats nothing the logger would discard.
                spec.MinimumLogLevel = LowestEnabled(logger);
            }

            Forwarder = new TinaLogForwarder(logger, Math.Max(1, spec.ShardCount), values.LogForwardCapacity, s_logPollInterval);
            spec.LogSink = Forwarder;
        }

        Spec = spec;
        Runtime = TinaRuntime.Create(spec);
        _boot = boot;
        Metrics = new TinaMetrics(Runtime, meters);
    }

    private Action<TinaRuntime>? _boot;

    public TinaSpec Spec { get; }

    public TinaRuntime Runtime { get; }

    public TinaLogForwarder? Forwarder { get; }

    public TinaMetrics Metrics { get; }

    /// <summary>
    /// Runs the application's boot callback, once, just before the shards start (from the hosted service, not from
    /// this constructor: an isolate built from services may need services that need the runtime, and resolving them
    /// while the container is still building this holder would recurse into it).
    /// </summary>
    public void Boot()
    {
        Action<TinaRuntime>? boot = _boot;
        _boot = null;
        boot?.Invoke(Runtime);
    }

    public void Dispose()
    {
        Metrics.Dispose();
        Runtime.Dispose();
        Forwarder?.Dispose();
    }

    private static TinaLogLevel LowestEnabled(ILogger logger)
    {
        for (int level = (int)LogLevel.Trace; level <= (int)LogLevel.Critical; level++)
        {
            if (logger.IsEnabled((LogLevel)level))
            {
                return (TinaLogLevel)level;
            }
        }

        return TinaLogLevel.None;
    }
}
