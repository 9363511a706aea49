using System;
using NUnit.Framework;

namespace Tina.Io.Tests.Reactor;

public sealed class IoOptionsTests
{
    [TestCase(nameof(IoOptions.ConnectionCapacity), 0)]
    [TestCase(nameof(IoOptions.ConnectionCapacity), (1 << 20) + 1)]
    [TestCase(nameof(IoOptions.BufferCount), 0)]
    [TestCase(nameof(IoOptions.BufferSize), 1000)]
    [TestCase(nameof(IoOptions.BufferSize), 256)]
    [TestCase(nameof(IoOptions.SubmissionBatchSize), 0)]
    [TestCase(nameof(IoOptions.SocketSendBufferBytes), 10)]
    [TestCase(nameof(IoOptions.SocketReceiveBufferBytes), -1)]
    [TestCase(nameof(IoOptions.ReceiveBufferCount), 3)]
    [TestCase(nameof(IoOptions.ReceiveBufferCount), -1)]
    [TestCase(nameof(IoOptions.ReceiveBufferCount), 65536)]
    [TestCase(nameof(IoOptions.ReceiveBuffersPerConnection), -1)]
    [TestCase(nameof(IoOptions.ReceiveBuffersPerConnection), 257)]
    [TestCase(nameof(IoOptions.SendBuffersPerConnection), -1)]
    [TestCase(nameof(IoOptions.SendReserve), -1)]
    [TestCase(nameof(IoOptions.SendReserve), 256)]
    [TestCase(nameof(IoOptions.SendBuffersPerConnection), 257)]
    public void Validate_BadField_NamesIt(string field, int value)
    {
        var options = new IoOptions();
        typeof(IoOptions).GetProperty(field)!.SetValue(options, value);
        TinaConfigurationException error = Assert.Throws<TinaConfigurationException>(options.Validate)!;
        Assert.That(error.Field, Is.EqualTo(field));
    }

    [Test]
    public void Validate_TooMuchBufferMemory_NamesBufferCount()
    {
        var options = new IoOptions { BufferCount = 1 << 20, BufferSize = 1 << 13 };
        Assert.That(Assert.Throws<TinaConfigurationException>(options.Validate)!.Field, Is.EqualTo(nameof(IoOptions.BufferCount)));
    }

    [Test]
    public void Validate_AcceptBackoffOutOfRange_NamesIt()
    {
        var options = new IoOptions { AcceptBackoff = TimeSpan.Zero };
        Assert.That(Assert.Throws<TinaConfigurationException>(options.Validate)!.Field, Is.EqualTo(nameof(IoOptions.AcceptBackoff)));
    }

    [TestCase(nameof(IoOptions.IdleTimeout), -1)]
    [TestCase(nameof(IoOptions.ReceiveTimeout), -1)]
    [TestCase(nameof(IoOptions.SendTimeout), -1)]
    [TestCase(nameof(IoOptions.SendTimeout), 2 * 24 * 3600)]
    public void Validate_LifecycleLimitOutOfRange_NamesIt(string field, int seconds)
    {
        var options = new IoOptions();
        typeof(IoOptions).GetProperty(field)!.SetValue(options, TimeSpan.FromSeconds(seconds));
        Assert.That(Assert.Throws<TinaConfigurationException>(options.Validate)!.Field, Is.EqualTo(field));
    }

    [Test]
    public void Defaults_ASendTimesOutIdleAndReceiveDoNot()
    {
        var options = new IoOptions();
        Assert.That(options.SendTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(options.ReceiveTimeout, Is.EqualTo(TimeSpan.Zero));
        Assert.That(options.IdleTimeout, Is.EqualTo(TimeSpan.Zero));
        Assert.DoesNotThrow(options.Validate);
    }

    [Test]
    public void UseIo_CopiesTheOptions_AndSetsTheReactorFactory()
    {
        var spec = new TinaSpec();
        var options = new IoOptions { Backend = IoBackendKind.Simulated };
        spec.UseIo(options);
        options.ConnectionCapacity = -5; // too late to matter
        Assert.That(spec.ReactorFactory, Is.Not.Null);
        Assert.That(spec.ReactorDescription, Does.Contain("Simulated"));
    }

    [Test]
    [Platform("Linux")]
    public void UseIo_IocpOnLinux_FailsTheBoot()
    {
        var spec = new TinaSpec();
        TinaConfigurationException error = Assert.Throws<TinaConfigurationException>(() => spec.UseIo(new IoOptions { Backend = IoBackendKind.Iocp }))!;
        Assert.That(error.Field, Is.EqualTo("IoOptions.Backend"));
    }
}
