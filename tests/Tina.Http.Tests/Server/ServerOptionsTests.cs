using System;
using NUnit.Framework;
using Tina.Http.Parsing;
using Tina.Http.Server;
using Tina.Io;

namespace Tina.Http.Tests.Server;

/// <summary>Boot validation names the bad option; the Date formatter writes RFC 9110's IMF-fixdate.</summary>
[TestFixture]
public sealed class ServerOptionsTests
{
    public static System.Collections.Generic.IEnumerable<TestCaseData> BadOptions()
    {
        yield return Bad("HttpServerOptions.HeaderTimeout", o => o.HeaderTimeout = TimeSpan.Zero);
        yield return Bad("HttpServerOptions.KeepAliveTimeout", o => o.KeepAliveTimeout = TimeSpan.FromDays(2));
        yield return Bad("HttpServerOptions.LingerTimeout", o => o.LingerTimeout = TimeSpan.FromSeconds(-1));
        yield return Bad("HttpServerOptions.LingerMaxBytes", o => o.LingerMaxBytes = -1);
        yield return Bad("HttpServerOptions.MinRequestBodyBytesPerSecond", o => o.MinRequestBodyBytesPerSecond = -1);
        yield return Bad("HttpServerOptions.MinRequestBodyRateGrace", o => o.MinRequestBodyRateGrace = TimeSpan.FromSeconds(-1));
        yield return Bad("HttpServerOptions.MaxRequestsPerConnection", o => o.MaxRequestsPerConnection = 0);
        yield return Bad("HttpServerOptions.MaxConnectionsPerShard", o => o.MaxConnectionsPerShard = 0);
        yield return Bad("HttpServerOptions.MaxConnectionsPerClient", o => o.MaxConnectionsPerClient = 0);
        yield return Bad("HttpServerOptions.HandlerTimeout", o => o.HandlerTimeout = TimeSpan.Zero);
        yield return Bad("HttpServerOptions.Port", o => o.Port = 70000);
        yield return Bad("HttpServerOptions.MaxHandlerRequestBytes", o => o.MaxHandlerRequestBytes = 10);
        yield return Bad("HttpServerOptions.Parser.MaxHeaderCount", o => o.Parser = new HttpParserOptions { MaxHeaderCount = 0 });
        yield return Bad("HttpServerOptions.Parser.MaxRequestLineBytes", o => o.Parser = new HttpParserOptions { MaxRequestLineBytes = 3 });
        yield return Bad("HttpServerOptions.Parser.MaxBodyBytes", o => o.Parser = new HttpParserOptions { MaxBodyBytes = -1 });
        yield return Bad("HttpServerOptions.MaxHandlerQueue", o => o.MaxHandlerQueue = 0);
        yield return Bad("HttpServerOptions.QueueDelayTarget", o => o.QueueDelayTarget = TimeSpan.FromMilliseconds(-1));
        yield return Bad("HttpServerOptions.QueueDelayInterval", o => o.QueueDelayInterval = TimeSpan.Zero);
        yield return Bad("HttpServerOptions.NormalPriorityShedPercent", o => o.NormalPriorityShedPercent = 101);
        yield return Bad("HttpServerOptions.LowPriorityShedPercent", o => o.LowPriorityShedPercent = 0);
        yield return Bad("HttpServerOptions.LowPriorityShedPercent", o => (o.LowPriorityShedPercent, o.NormalPriorityShedPercent) = (80, 60)).SetName("Configure rejects Low above Normal");
        yield return Bad("HttpServerOptions.ShedRetryAfterSeconds", o => o.ShedRetryAfterSeconds = -1);
        yield return Bad("HttpServerOptions.PriorityHeader", o => o.PriorityHeader = "X Priority");
    }

    [TestCaseSource(nameof(BadOptions))]
    public void Configure_ABadOption_ThrowsNamingIt(string field, Action<HttpServerOptions> spoil)
    {
        var options = new HttpServerOptions();
        spoil(options);
        using var server = new HttpServer(options);
        var spec = new TinaSpec { ShardCount = 1 };
        spec.UseIo(new IoOptions());
        TinaConfigurationException e = Assert.Throws<TinaConfigurationException>(() => server.Configure(spec))!;
        Assert.That(e.Field, Is.EqualTo(field));
    }

    [Test]
    public void Defaults_AreValid() => Assert.DoesNotThrow(() => new HttpServerOptions().Validate());

    [Test]
    public void HttpDate_Format_IsImfFixdate()
    {
        var destination = new byte[HttpDate.Length];
        HttpDate.Format(new DateTime(1994, 11, 6, 8, 49, 37, DateTimeKind.Utc), destination);
        Assert.That(System.Text.Encoding.ASCII.GetString(destination), Is.EqualTo("Sun, 06 Nov 1994 08:49:37 GMT"));
        HttpDate.Format(new DateTime(2026, 12, 31, 23, 59, 9, DateTimeKind.Utc), destination);
        Assert.That(System.Text.Encoding.ASCII.GetString(destination), Is.EqualTo("Thu, 31 Dec 2026 23:59:09 GMT"));
    }

    private static TestCaseData Bad(string field, Action<HttpServerOptions> spoil) => new TestCaseData(field, spoil).SetName("Configure rejects " + field);
}
