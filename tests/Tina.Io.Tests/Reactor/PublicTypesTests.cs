using System;
using System.Net;
using NUnit.Framework;
using Tina.Io.Interop;

namespace Tina.Io.Tests.Reactor;

public sealed class PublicTypesTests
{
    [Test]
    public void SocketHandle_AtTheMaxima_RoundTrips()
    {
        SocketHandle handle = SocketHandle.Pack(Handle.ShardMax, SocketHandle.IndexMax, uint.MaxValue);
        Assert.That(handle.Shard, Is.EqualTo(Handle.ShardMax));
        Assert.That(handle.Index, Is.EqualTo(SocketHandle.IndexMax));
        Assert.That(handle.Generation, Is.EqualTo(uint.MaxValue));
        Assert.That(new SocketHandle(handle.Value), Is.EqualTo(handle));
        Assert.That(SocketHandle.None.IsNone, Is.True);
        Assert.That(SocketHandle.Pack(0, 0, 1).IsNone, Is.False, "a live handle is never zero");
    }

    [TestCase("127.0.0.1", false)]
    [TestCase("10.1.2.3", false)]
    [TestCase("::1", true)]
    [TestCase("2001:db8::42", true)]
    public void IoAddress_RoundTripsThroughIPAddress(string text, bool isIPv6)
    {
        IoAddress address = IoAddress.Parse(text);
        Assert.That(address.IsIPv6, Is.EqualTo(isIPv6));
        Assert.That(address.ToIPAddress(), Is.EqualTo(IPAddress.Parse(text)));
        Assert.That(IoAddress.FromIPAddress(IPAddress.Parse(text)), Is.EqualTo(address));
    }

    [Test]
    public void IoAddress_WellKnownValues()
    {
        Assert.That(IoAddress.Loopback.ToString(), Is.EqualTo("127.0.0.1"));
        Assert.That(IoAddress.Any.ToString(), Is.EqualTo("0.0.0.0"));
        Assert.That(IoAddress.IPv6Loopback.ToString(), Is.EqualTo("::1"));
        Assert.That(IoAddress.TryParse("not an address", out _), Is.False);
    }

    [TestCase("127.0.0.1", 80)]
    [TestCase("::1", 65535)]
    public unsafe void SockAddr_EncodeThenDecode_GivesTheSameEndpoint(string text, int port)
    {
        byte* buffer = stackalloc byte[32];
        IoAddress address = IoAddress.Parse(text);
        int length = SockAddr.Encode(address, port, buffer, 32, Libc.AF_INET, Libc.AF_INET6);
        Assert.That(length, Is.EqualTo(address.IsIPv6 ? 28 : 16));
        Assert.That(buffer[2], Is.EqualTo((byte)(port >> 8)), "port in network order");
        Assert.That(SockAddr.TryDecode(buffer, length, Libc.AF_INET, Libc.AF_INET6, out IoAddress decoded, out int decodedPort), Is.True);
        Assert.That(decoded, Is.EqualTo(address));
        Assert.That(decodedPort, Is.EqualTo(port));
    }

    [Test]
    public void IoCompletion_FitsAMessagePayload()
    {
        Assert.That(MessageType<IoCompletion>.Size, Is.LessThanOrEqualTo(Message.PayloadSizeMax));
        Assert.That(MessageType<DetachedSocket>.Size, Is.LessThanOrEqualTo(Message.PayloadSizeMax));
        Assert.That(default(DetachedSocket).IsValid, Is.False);
    }
}
