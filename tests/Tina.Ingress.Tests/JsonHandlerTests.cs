using System;
using System.Text;
using Ingress;
using NUnit.Framework;

namespace Tina.Ingress.Tests;

public sealed class JsonHandlerTests
{
    [Test]
    public void Serialize_WritesTheMessage_AndAllocatesNothingPerRequest()
    {
        using var handler = new JsonHandler();
        Assert.That(Encoding.UTF8.GetString(handler.Serialize()), Is.EqualTo("{\"message\":\"Hello, World!\"}"));
        for (int i = 0; i < 100; i++)
        {
            handler.Serialize(); // warm up (tiering)
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 1_000; i++)
        {
            total += handler.Serialize().Length;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(total, Is.EqualTo(27_000));
        Assert.That(allocated, Is.Zero, "bytes allocated over 1,000 bodies");
    }
}
