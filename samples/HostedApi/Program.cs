using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using HostedApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tina;
using Tina.Hosting;

// Tina beside Kestrel in one host: minimal-API routes call isolates through TinaClient.CallAsync.
//   POST /counters/{key}  -> the key's counter isolate answers the new count
//   GET  /limits/{key}    -> the key's rate limiter answers 200 (allowed) or 429 (5 per key per second)
//   GET  /healthz         -> Tina's shard health check
// A full runtime (too many outside calls in flight, a full inbox) answers 503 at once instead of queueing.
// `dotnet run --project samples/HostedApi -- --self-test` starts on a free port, calls every route and exits 0.
bool selfTest = args.Contains("--self-test");
WebApplicationBuilder builder = WebApplication.CreateBuilder(args.Where(a => a != "--self-test").ToArray());
if (selfTest)
{
    builder.WebHost.UseUrls("http://127.0.0.1:0");
}

var directory = new IsolateDirectory();
builder.Services.AddSingleton(directory);
builder.Services.AddTina(
    tina =>
    {
        tina.AddIsolate<Counter>(slots: IsolateDirectory.PerKind);
        tina.AddIsolate<RateLimiter>(slots: IsolateDirectory.PerKind);
    },
    directory.Boot);
builder.Services.AddHealthChecks().AddTinaShards();

WebApplication app = builder.Build();
TimeSpan callTimeout = TimeSpan.FromSeconds(1);

app.MapPost("/counters/{key}", async (string key, TinaClient tina, IsolateDirectory isolates, CancellationToken aborted) =>
{
    long hash = IsolateDirectory.KeyOf(key);
    CallAnswer answer = await tina.CallAsync(isolates.CounterFor(hash), new Increment(hash), callTimeout, aborted);
    return answer.TryGet(out Count count) ? Results.Ok(new { key, count = count.Value }) : Unavailable(answer.Status);
});

app.MapGet("/limits/{key}", async (string key, TinaClient tina, IsolateDirectory isolates, CancellationToken aborted) =>
{
    long hash = IsolateDirectory.KeyOf(key);
    CallAnswer answer = await tina.CallAsync(isolates.LimiterFor(hash), new Admit(hash), callTimeout, aborted);
    if (!answer.TryGet(out Verdict verdict))
    {
        return Unavailable(answer.Status);
    }

    return verdict.Allowed
        ? Results.Ok(new { key, remaining = verdict.Remaining })
        : Results.StatusCode(StatusCodes.Status429TooManyRequests);
});

app.MapHealthChecks("/healthz");

if (!selfTest)
{
    await app.RunAsync();
    return 0;
}

await app.StartAsync();
string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var http = new HttpClient { BaseAddress = new Uri(address) };
int failures = 0;
for (int i = 1; i <= 3; i++)
{
    string body = await (await http.PostAsync(new Uri("/counters/apples", UriKind.Relative), null)).Content.ReadAsStringAsync();
    failures += body.Contains($"\"count\":{i}", StringComparison.Ordinal) ? 0 : 1;
}

int allowed = 0;
int limited = 0;
for (int i = 0; i < RateLimiter.PerWindow + 2; i++)
{
    HttpResponseMessage response = await http.GetAsync(new Uri("/limits/alice", UriKind.Relative));
    allowed += response.IsSuccessStatusCode ? 1 : 0;
    limited += (int)response.StatusCode == StatusCodes.Status429TooManyRequests ? 1 : 0;
}

failures += allowed == RateLimiter.PerWindow && limited == 2 ? 0 : 1;
HttpResponseMessage health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
failures += health.IsSuccessStatusCode ? 0 : 1;
await app.StopAsync();
Console.WriteLine($"HostedApi self-test: counter ok, limiter {allowed} allowed / {limited} limited, health {(int)health.StatusCode}; failures {failures}");
return failures == 0 ? 0 : 1;

static IResult Unavailable(CallStatus status) =>
    Results.Problem($"Tina: {status}", statusCode: StatusCodes.Status503ServiceUnavailable);
