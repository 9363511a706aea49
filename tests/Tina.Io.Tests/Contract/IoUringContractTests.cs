using NUnit.Framework;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Contract;

/// <summary>
/// The contract on io_uring. Ignored where the kernel or a sandbox forbids io_uring (UseIo refuses an unavailable
/// backend with a TinaConfigurationException, which this fixture turns into Ignore).
/// </summary>
[TestFixture]
[Platform("Linux")]
public sealed class IoUringContractTests : IoContractTests
{
    protected override IoBackendKind Backend => IoBackendKind.IoUring;

    [SetUp]
    public void RequireIoUring()
    {
        try
        {
            new TinaSpec().UseIo(new IoOptions { Backend = IoBackendKind.IoUring });
        }
        catch (TinaConfigurationException unavailable)
        {
            Assert.Ignore($"io_uring is not available: {unavailable.Allowed}");
        }
    }

    [Test]
    public void Boot_TheShardRunsOnIoUringNotAFallback()
    {
        using IoHarness harness = Create(spec => spec.AddIsolate<EchoServer>(slots: 1));
        harness.Run(1);
        Assert.That(harness.Reactor().BackendName, Is.EqualTo("io_uring"));
    }
}
