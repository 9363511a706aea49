using NUnit.Framework;
using Tina.Memory;

namespace Tina.Tests;

public sealed class MessagePoolTests
{
    [TestCase(64, 1)]
    [TestCase(128, 1)]
    [TestCase(256, 2)]
    [TestCase(4096, 40)]
    [TestCase(1 << 24, 167772)]
    public void ComputeReserve_IsOnePercentAtLeastOne(int capacity, int reserve)
    {
        Assert.That(MessagePool.ComputeReserve(capacity), Is.EqualTo(reserve));
    }

    [Test]
    public void TryRentUser_StopsAtReserve_TryRentSystemTakesTheReserve()
    {
        var pool = new MessagePool(256);
        var rented = new System.Collections.Generic.HashSet<int>();
        for (int i = 0; i < 254; i++)
        {
            int index = pool.TryRentUser();
            Assert.That(index, Is.InRange(0, 255));
            Assert.That(rented.Add(index), Is.True, "each slot is handed out once");
        }

        Assert.Multiple(() =>
        {
            Assert.That(pool.TryRentUser(), Is.EqualTo(-1));
            Assert.That(pool.FreeCount, Is.EqualTo(2));
        });

        Assert.That(rented.Add(pool.TryRentSystem()), Is.True);
        Assert.That(rented.Add(pool.TryRentSystem()), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(pool.TryRentSystem(), Is.EqualTo(-1));
            Assert.That(pool.FreeCount, Is.Zero);
        });

        foreach (int index in rented)
        {
            pool.Return(index);
        }

        Assert.That(pool.FreeCount, Is.EqualTo(256));
    }

    [Test]
    public void Return_ThenRent_IsLifo()
    {
        var pool = new MessagePool(64);
        int a = pool.TryRentUser();
        int b = pool.TryRentUser();
        pool.Return(a);
        pool.Return(b);

        Assert.That(pool.TryRentUser(), Is.EqualTo(b));
    }
}
