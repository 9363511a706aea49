using NUnit.Framework;

namespace Tina.Io.Tests.Contract;

/// <summary>
/// The contract on io_uring. Ignored until the io_uring backend is built in and the kernel allows it (UseIo refuses
/// an unavailable backend with a TinaConfigurationException, which this fixture turns into Ignore).
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
}
