using NUnit.Framework;

namespace Tina.Io.Tests.Contract;

/// <summary>
/// The contract on Windows IOCP. Runs only on Windows (the Windows CI job runs this same test project); on Linux the
/// IOCP core is covered by <see cref="Backends.IocpCoreTests"/> with fabricated packets.
/// </summary>
[TestFixture]
[Platform("Win")]
public sealed class IocpContractTests : IoContractTests
{
    protected override IoBackendKind Backend => IoBackendKind.Iocp;

    [SetUp]
    public void SkipWhatIocpCannotDo()
    {
        if (TestContext.CurrentContext.Test.Name.StartsWith("Handoff", System.StringComparison.Ordinal))
        {
            Assert.Ignore("a socket cannot leave its completion port: hand-off is not supported on IOCP");
        }
    }
}
