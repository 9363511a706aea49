using System;
using NUnit.Framework;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Overload;

/// <summary>The backend each shard runs is known once the runtime has booted, not only after the test's first look.</summary>
[TestFixture(IoBackendKind.Epoll)]
[TestFixture(IoBackendKind.IoUring)]
[Platform("Linux")]
public sealed class BackendAfterBootTests
{
    private readonly IoBackendKind _backend;

    public BackendAfterBootTests(IoBackendKind backend) => _backend = backend;

    [Test]
    public void WaitForIoBackends_AfterStart_EveryShardNamesItsBackend()
    {
        BackendAvailability.Require(_backend);

        var spec = new TinaSpec { ShardCount = 2, PinThreads = false, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.Warning };
        spec.AddIsolate<IdleEcho>(slots: 1);
        spec.UseIo(new IoOptions { Backend = _backend });
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Assert.That(runtime.GetIoStats(0).Backend, Is.EqualTo("none"), "no reactor before the shard's first tick");
        Assert.That(runtime.WaitForIoBackends(TimeSpan.FromMilliseconds(20)), Is.False, "not started: nothing boots");

        runtime.Start();
        Assert.That(runtime.WaitForIoBackends(TimeSpan.FromSeconds(10)), Is.True);
        string name = _backend == IoBackendKind.IoUring ? "io_uring" : "epoll";
        Assert.That(runtime.GetIoStats(0).Backend, Is.EqualTo(name));
        Assert.That(runtime.GetIoStats(1).Backend, Is.EqualTo(name));
    }
}
