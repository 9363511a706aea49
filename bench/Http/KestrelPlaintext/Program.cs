using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Kestrel with its defaults, as `dotnet new web` writes it. The one change from an empty template is the log filter
// the template ships in appsettings.json (Microsoft.AspNetCore at Warning), set in code so the app runs from any
// directory: without it the host logs every request at Information and the console becomes the benchmark.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
WebApplication app = builder.Build();
app.MapGet("/plaintext", () => "Hello, World!");
app.Run();
