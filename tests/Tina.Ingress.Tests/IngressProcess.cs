using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using NUnit.Framework;

namespace Tina.Ingress.Tests;

/// <summary>The sample as a child process (Ingress.dll from the test's output directory), its output captured.</summary>
public sealed class IngressProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly ManualResetEventSlim _listening = new(false);

    public IngressProcess(int port, params string[] extra)
    {
        string dll = Path.Combine(TestContext.CurrentContext.TestDirectory, "Ingress.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestContext.CurrentContext.TestDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.ArgumentList.Add("--Tina:ShardCount=1");
        start.ArgumentList.Add("--Tina:PinThreads=false");
        foreach (string arg in extra)
        {
            start.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, line) => OnLine(line.Data);
        _process.ErrorDataReceived += (_, line) => OnLine(line.Data);
        Assert.That(_process.Start(), Is.True);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool WaitUntilListening(TimeSpan timeout) => _listening.Wait(timeout);

    /// <summary>Sends SIGTERM and waits (bounded) for the exit.</summary>
    public bool Terminate(TimeSpan timeout)
    {
        SignalTerm();
        return WaitForExit(timeout);
    }

    /// <summary>Sends SIGTERM without waiting for the exit.</summary>
    public void SignalTerm()
    {
        using Process kill = Process.Start("kill", $"-TERM {_process.Id}");
        kill.WaitForExit(10_000);
    }

    /// <summary>Waits (bounded) for the exit, then for the redirected output to be flushed.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        bool exited = _process.WaitForExit(timeout);
        if (exited)
        {
            _process.WaitForExit(); // flush the redirected output
        }

        return exited;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _listening.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Ingress listening on", StringComparison.Ordinal))
        {
            _listening.Set();
        }
    }
}
