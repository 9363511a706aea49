using NUnit.Framework;

namespace Tina.Io.Tests.Support;

/// <summary>Skips a fixture whose backend this machine cannot run (io_uring refused by the kernel or a seccomp policy).</summary>
internal static class BackendAvailability
{
    /// <summary>Ignores the calling fixture unless <paramref name="backend"/> passes boot validation here.</summary>
    public static void Require(IoBackendKind backend)
    {
        try
        {
            new TinaSpec().UseIo(new IoOptions { Backend = backend });
        }
        catch (TinaConfigurationException unavailable)
        {
            Assert.Ignore($"{backend} is not available: {unavailable.Allowed}");
        }
    }
}
