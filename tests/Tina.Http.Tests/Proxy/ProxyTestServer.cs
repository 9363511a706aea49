using System;
using NUnit.Framework;
using Tina.Http.Server;
using Tina.Http.Server.Proxy;
using Tina.Io;

namespace Tina.Http.Tests.Proxy;

/// <summary>A threaded one-shard runtime (epoll) with an <see cref="HttpServer"/> on loopback: GET /health inline, /api/ proxied to the given upstream ports.</summary>
internal sealed class ProxyTestServer : IDisposable
{
    public ProxyTestServer(int[] upstreamPorts, Action<HttpProxyOptions>? configure = null, Action<HttpServerOptions>? server = null)
    {
        var options = new HttpServerOptions { Address = IoAddress.Loopback, Port = 0 };
        server?.Invoke(options);
        var proxy = new HttpProxyOptions();
        configure?.Invoke(proxy);
        var upstreams = new HttpUpstream[upstreamPorts.Length];
        for (int i = 0; i < upstreams.Length; i++)
        {
            upstreams[i] = new HttpUpstream(IoAddress.Loopback, upstreamPorts[i]);
        }

        Server = new HttpServer(options)
            .MapStatic("GET", "/health", 200, "text/plain", "ok"u8)
            .MapProxy("/api/", upstreams, proxy);
        var spec = new TinaSpec { ShardCount = 1, PinThreads = false, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.Warning };
        spec.UseIo(new IoOptions { Backend = IoBackendKind.Epoll, ConnectionCapacity = 1024, BufferCount = 256 });
        Server.Configure(spec);
        Runtime = TinaRuntime.Create(spec);
        Server.Start(Runtime);
        Runtime.Start();
        Assert.That(Server.WaitUntilListening(1, TimeSpan.FromSeconds(10)), Is.True, "the server listens");
        Port = Server.ListeningPort(0);
        Assert.That(Runtime.WaitForIoBackends(TimeSpan.FromSeconds(10)), Is.True);
    }

    public HttpServer Server { get; }

    public TinaRuntime Runtime { get; }

    public int Port { get; }

    /// <summary>Upstream connects the proxy made (route 0, shard 0).</summary>
    public long Connects => Server.ProxyCounter(0, 0, 0);

    public ProxyClient Connect() => new(Port);

    public void Dispose()
    {
        Runtime.Dispose();
        Server.Dispose();
    }
}
