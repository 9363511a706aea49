namespace Tina.Simulation.Workloads;

/// <summary>Start of an http-server client: its tally index, the server's port, its seed, how many sessions to run.</summary>
internal readonly record struct HttpSimClientStart(int Index, int Port, ulong Seed, int Sessions);
