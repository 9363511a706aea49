namespace Tina.Tests;

/// <summary>
/// The test assembly's entry point (replacing the test SDK's empty generated one): the test runner never calls it;
/// <see cref="AllocationTests"/> runs this assembly as a child process to measure allocation where only the
/// runtime runs.
/// </summary>
internal static class Program
{
    public static int Main(string[] args) =>
        args.Length > 0 && args[0] == AllocationProbe.Command ? AllocationProbe.Run(args) : 0;
}
