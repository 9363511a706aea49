namespace Tina.Packaging.Tests;

/// <summary>What a child process did: its command line, exit code and everything it wrote (stdout then stderr).</summary>
public sealed record ProcessResult(string CommandLine, string WorkingDirectory, int ExitCode, string Output, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>The whole story, for an assertion message: a failing test shows exactly what the child printed.</summary>
    public override string ToString() =>
        $"$ {CommandLine}\n  (in {WorkingDirectory}; exit {ExitCode}{(TimedOut ? ", timed out" : "")})\n{Output}";
}
