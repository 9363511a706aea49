using System;
using NUnit.Framework;

namespace Tina.Io.Tests;

public sealed class IoResultTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(65536)]
    public void FromKernel_NonNegative_IsByteCount(int bytes)
    {
        IoResult result = IoResult.FromKernel(bytes);
        Assert.That(result.IsSuccess, Is.True);
        Assert.That(result.Bytes, Is.EqualTo(bytes));
        Assert.Throws<InvalidOperationException>(() => _ = result.OsError);
    }

    [TestCase(-104, 104)] // ECONNRESET
    [TestCase(-111, 111)] // ECONNREFUSED
    [TestCase(-1, 1)]
    public void FromKernel_Negative_IsOsErrorNeverBytes(int kernel, int errno)
    {
        IoResult result = IoResult.FromKernel(kernel);
        Assert.That(result.Kind, Is.EqualTo(IoErrorKind.Os));
        Assert.That(result.OsError, Is.EqualTo(errno));
        Assert.Throws<InvalidOperationException>(() => _ = result.Bytes);
    }

    [Test]
    public void FrameworkErrors_NeverEqualAnOsErrorWithTheSameNumber()
    {
        // A framework code of -1 (exhausted) would be indistinguishable from -EPERM.
        IoResult exhausted = IoResult.FromError(IoErrorKind.BuffersExhausted);
        Assert.That(exhausted, Is.Not.EqualTo(IoResult.FromOsError(1)));
        Assert.That(exhausted, Is.Not.EqualTo(IoResult.FromOsError((int)IoErrorKind.BuffersExhausted)));
        Assert.Throws<InvalidOperationException>(() => _ = exhausted.Bytes);
        Assert.Throws<InvalidOperationException>(() => _ = exhausted.OsError);
    }

    [Test]
    public void FromError_RejectsKindsThatNeedAValue()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IoResult.FromError(IoErrorKind.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => IoResult.FromError(IoErrorKind.Os));
    }
}
