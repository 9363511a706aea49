using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;

namespace Tina.Packaging.Tests;

/// <summary>
/// Runs the `dotnet` CLI as a child process with a clean environment: the variables the test host inherits from its
/// own `dotnet test` (MSBuild's paths, the test platform's) are removed so the child resolves the SDK as a user's
/// shell would, and the first-run banners are off. Every run is bounded by a timeout and its output kept.
/// </summary>
public static class Dotnet
{
    private static readonly string[] s_inheritedPrefixes = ["MSBUILD", "_MSBUILD", "VSTEST", "TESTINGPLATFORM", "DOTNET_HOST_PATH"];

    public static ProcessResult Run(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            string name = (string)variable.Key;
            foreach (string prefix in s_inheritedPrefixes)
            {
                if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    start.Environment.Remove(name);
                }
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        if (environment is not null)
        {
            foreach (KeyValuePair<string, string> pair in environment)
            {
                start.Environment[pair.Key] = pair.Value;
            }
        }

        var output = new StringBuilder();
        var errors = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(errors, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit(timeout);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        else
        {
            process.WaitForExit(); // drains the asynchronous readers
        }

        string commandLine = "dotnet " + string.Join(' ', arguments);
        string all;
        lock (output)
        {
            lock (errors)
            {
                all = output.ToString() + (errors.Length > 0 ? "--- stderr ---\n" + errors : "");
            }
        }

        return new ProcessResult(commandLine, workingDirectory, exited ? process.ExitCode : -1, all, !exited);
    }

    private static void Append(StringBuilder sink, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (sink)
        {
            sink.AppendLine(line);
        }
    }
}
