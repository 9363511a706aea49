using System;
using NUnit.Framework;
using Tina.Http.Server;
using Tina.Io;

namespace Tina.Http.Tests.Server;

/// <summary>
/// A threaded one-shard runtime on a real backend with an <see cref="HttpServer"/> on a loopback port: GET / and
/// GET /health answered inline, POST /static inline, GET and POST /echo by <see cref="EchoHandler"/>, GET /stall by <see cref="StallHandler"/>, GET /flaky by <see cref="FlakyHandler"/>, and what <c>map</c> adds.
/// </summary>
internal sealed class TestServer : IDisposable
{
    public TestServer(IoBackendKind backend = IoBackendKind.Epoll, Action<HttpServerOptions>? configure = null, Action<HttpServer>? map = null)
    {
        var options = new HttpServerOptions { Address = IoAddress.Loopback, Port = 0 };
        configure?.Invoke(options);
        Server = new HttpServer(options)
            .MapStatic("GET", "/", 200, "text/plain", "hello"u8)
            .MapStatic("GET", "/health", 200, "text/plain", "ok"u8)
            .MapStatic("POST", "/static", 200, "text/plain", "accepted"u8)
            .MapHandler<EchoHandler>("GET", "/echo")
            .MapHandler<EchoHandler>("POST", "/echo")
            .MapHandler<StallHandler>("GET", "/stall")
            .MapHandler<FlakyHandler>("GET", "/flaky")
            .MapHandler<InspectHandler>("POST", "/inspect");
        map?.Invoke(Server);
        var spec = new TinaSpec { ShardCount = 1, PinThreads = false, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.Warning };
        try
        {
            spec.UseIo(new IoOptions { Backend = backend, ConnectionCapacity = 1024, BufferCount = 256 });
        }
        catch (TinaConfigurationException e) when (backend == IoBackendKind.IoUring)
        {
            Server.Dispose();
            Assert.Ignore("io_uring is not available here: " + e.Message);
        }

        Server.Configure(spec);
        Runtime = TinaRuntime.Create(spec);
        Server.Start(Runtime);
        Runtime.Start();
        Assert.That(Server.WaitUntilListening(1, TimeSpan.FromSeconds(10)), Is.True, "the server listens");
        Port = Server.ListeningPort(0);
        Assert.That(Runtime.WaitForIoBackends(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(Runtime.GetIoStats(0).Backend, Is.EqualTo(backend == IoBackendKind.IoUring ? "io_uring" : "epoll"), "the backend asked for really runs");
    }

    public HttpServer Server { get; }

    public TinaRuntime Runtime { get; }

    public int Port { get; }

    public long this[HttpServerCounter counter] => Server.Counter(0, counter);

    public RawClient Connect() => new(Port);

    public void Dispose()
    {
        Runtime.Dispose();
        Server.Dispose();
    }
}
