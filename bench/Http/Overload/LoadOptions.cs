using System;
using System.Globalization;

namespace Overload;

/// <summary>Command-line settings: <c>--port P --path /work --rate R --seconds S --warmup W --connections C --in-flight N --pid PID</c>.</summary>
internal sealed class LoadOptions
{
    public string Host { get; private set; } = "127.0.0.1";
    public int Port { get; private set; } = 5090;
    public string Path { get; private set; } = "/work";
    public double Rate { get; private set; } = 1000;
    public double Seconds { get; private set; } = 10;
    public double Warmup { get; private set; } = 2;
    public int Connections { get; private set; } = 16;
    public int InFlight { get; private set; } = 256;
    public int ServerPid { get; private set; }
    public string Label { get; private set; } = "run";

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string v = args[i + 1];
            switch (args[i])
            {
                case "--host": o.Host = v; break;
                case "--port": o.Port = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--path": o.Path = v; break;
                case "--rate": o.Rate = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--seconds": o.Seconds = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--warmup": o.Warmup = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--connections": o.Connections = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--in-flight": o.InFlight = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--pid": o.ServerPid = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--label": o.Label = v; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }

        if (o.Rate <= 0 || o.Seconds <= 0 || o.Connections < 1 || o.InFlight < 1 || (o.InFlight & (o.InFlight - 1)) != 0)
        {
            throw new ArgumentException("--rate, --seconds and --connections must be positive; --in-flight a power of two");
        }

        return o;
    }
}
