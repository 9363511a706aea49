namespace Tina.Peers;

internal static class Program
{
    private static int Main(string[] args) => Harness.Run(args);
}
