using System;
using Ingress;
using NUnit.Framework;

namespace Tina.Ingress.Tests;

public sealed class UrlsTests
{
    [TestCase("http://127.0.0.1:5090", "127.0.0.1", 5090)]
    [TestCase("http://*:80", "0.0.0.0", 80)]
    [TestCase("http://+:8081;http://127.0.0.1:9", "0.0.0.0", 8081)]
    [TestCase("http://localhost:7000", "127.0.0.1", 7000)]
    [TestCase("http://[::1]:7001", "::1", 7001)]
    public void Urls_SetAddressAndPort_FromTheFirstUrl(string urls, string address, int port)
    {
        var options = new IngressOptions();
        IngressHost.ApplyUrls(urls, options);
        Assert.That(options.Address, Is.EqualTo(address));
        Assert.That(options.Port, Is.EqualTo(port));
    }

    [Test]
    public void Https_IsRefused_NamingTheUrl()
    {
        var error = Assert.Throws<ArgumentException>(() => IngressHost.ApplyUrls("https://127.0.0.1:443", new IngressOptions()));
        Assert.That(error!.Message, Does.Contain("https://127.0.0.1:443"));
    }

    [Test]
    public void NoUrls_KeepsTheConfiguredAddressAndPort()
    {
        var options = new IngressOptions { Address = "10.0.0.1", Port = 1234 };
        IngressHost.ApplyUrls(null, options);
        Assert.That((options.Address, options.Port), Is.EqualTo(("10.0.0.1", 1234)));
    }
}
