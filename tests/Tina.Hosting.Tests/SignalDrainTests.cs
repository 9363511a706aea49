using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using NUnit.Framework;

namespace Tina.Hosting.Tests;

/// <summary>
/// SIGTERM to a hosted Tina process (the HostedWorker sample, run as a child) drains the shards and exits 0, with
/// work in flight: the pollers are mid-way through many rounds of bridged fetches when the signal arrives.
/// </summary>
[Platform("Linux")]
public sealed class SignalDrainTests
{
    [Test]
    public void Sigterm_DrainsTheShards_AndTheProcessExitsZero()
    {
        string worker = Path.Combine(TestContext.CurrentContext.TestDirectory, "HostedWorker.dll");
        Assert.That(File.Exists(worker), Is.True, worker);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestContext.CurrentContext.TestDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(worker);
        start.ArgumentList.Add("--Tina:ShardCount=2");
        start.ArgumentList.Add("--Tina:PinThreads=false");
        start.ArgumentList.Add("--Poller:Rounds=1000000");
        start.ArgumentList.Add("--Poller:Interval=00:00:00.005");
        var output = new StringBuilder();
        var started = new ManualResetEventSlim(false);
        var fetching = new ManualResetEventSlim(false);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line.Data);
            }

            if (line.Data.Contains("Tina started", StringComparison.Ordinal))
            {
                started.Set();
            }

            if (line.Data.Contains("fetched (round, sum)", StringComparison.Ordinal))
            {
                fetching.Set();
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (output)
            {
                output.AppendLine(line.Data);
            }
        };
        Assert.That(process.Start(), Is.True);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Assert.That(started.Wait(TimeSpan.FromSeconds(60)), Is.True, "the host started");
            Assert.That(fetching.Wait(TimeSpan.FromSeconds(60)), Is.True, "work is in flight");
            using (Process kill = Process.Start("kill", $"-TERM {process.Id}"))
            {
                kill.WaitForExit(10_000);
            }

            Assert.That(process.WaitForExit(60_000), Is.True, "the process exited after SIGTERM");
            process.WaitForExit(); // flush the redirected output
            string log;
            lock (output)
            {
                log = output.ToString();
            }

            Assert.That(process.ExitCode, Is.Zero, log);
            Assert.That(log, Does.Contain("Tina stopped: 2 isolates drained, 0 forced"), log);
            Assert.That(log, Does.Contain("threads joined: True"), log);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
