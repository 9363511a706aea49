using System.Runtime.InteropServices;

namespace Tina.Interop;

/// <summary>kernel32 affinity calls (Windows only; bound on first call).</summary>
internal static partial class WindowsAffinity
{
    [LibraryImport("kernel32", SetLastError = true)]
    public static partial nint GetCurrentThread();

    [LibraryImport("kernel32", SetLastError = true)]
    public static partial nuint SetThreadAffinityMask(nint thread, nuint mask);
}
