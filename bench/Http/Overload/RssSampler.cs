using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Overload;

/// <summary>The server process's resident set (VmRSS in /proc/PID/status), one sample a second.</summary>
internal sealed class RssSampler
{
    private readonly int _pid;

    public RssSampler(int pid) => _pid = pid;

    public List<long> KiB { get; } = new();

    public void Sample()
    {
        if (_pid <= 0)
        {
            return;
        }

        foreach (string line in File.ReadLines($"/proc/{_pid}/status"))
        {
            if (line.StartsWith("VmRSS:", System.StringComparison.Ordinal))
            {
                KiB.Add(long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
                return;
            }
        }
    }
}
