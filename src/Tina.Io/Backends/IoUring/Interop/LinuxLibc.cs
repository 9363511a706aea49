using System;
using System.Runtime.InteropServices;
using Tina.Io.Interop;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>
/// The libc calls under the io_uring backend: the raw io_uring syscalls through <c>syscall</c> (no liburing), memory
/// mapping, and descriptors. Every wrapper returns a non-negative result or −errno, never throws, and allocates
/// nothing. A P/Invoke binds only when first called, so this compiles and loads on every platform. Calls the epoll
/// backend makes too (close, eventfd, read, write) are <see cref="Libc"/>'s, wrapped here.
/// </summary>
internal static unsafe partial class LinuxLibc
{
    private const string Library = "libc";

    // Syscall numbers of the io_uring calls: one generic table for x86-64, arm64 and riscv64 since Linux 5.1.
    private const nint SysIoUringSetup = 425;
    private const nint SysIoUringEnter = 426;
    private const nint SysIoUringRegister = 427;

    public const int ProtRead = 0x1;
    public const int ProtWrite = 0x2;
    public const int MapShared = 0x01;
    public const int MapPrivate = 0x02;
    public const int MapAnonymous = 0x20;
    public const int MapPopulate = 0x8000;

    /// <summary>The ring mmap offsets (IORING_OFF_*).</summary>
    public const long OffsetSqRing = 0;
    public const long OffsetCqRing = 0x8000000;
    public const long OffsetSqes = 0x10000000;

    /// <summary>True where the io_uring syscall numbers above hold (64-bit, generic syscall table).</summary>
    public static bool SyscallNumbersKnown =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64 or Architecture.RiscV64;

    // `syscall` is variadic in C; glibc's is an assembly stub that only moves registers, so a fixed seven-argument
    // signature is safe on the 64-bit ABIs above (the kernel ignores registers past a call's own arity).
    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    private static partial nint Syscall(nint number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);

    /// <summary>io_uring_setup(entries, params): the ring descriptor, or −errno.</summary>
    public static int IoUringSetup(uint entries, ref IoUringParams parameters)
    {
        fixed (IoUringParams* p = &parameters)
        {
            return (int)Check(Syscall(SysIoUringSetup, (nint)entries, (nint)p, 0, 0, 0, 0));
        }
    }

    /// <summary>
    /// io_uring_enter(fd, toSubmit, minComplete, flags, arg, argSize): SQEs consumed, or −errno. With
    /// <see cref="IoUringEnterFlags.ExtArg"/> the argument is built here, on the stack, which stays put for the call:
    /// <paramref name="timeoutNanoseconds"/> &lt; 0 waits without a timeout.
    /// </summary>
    public static int IoUringEnter(int ringFd, uint toSubmit, uint minComplete, IoUringEnterFlags flags, long timeoutNanoseconds)
    {
        if ((flags & IoUringEnterFlags.ExtArg) == 0)
        {
            return (int)Check(Syscall(SysIoUringEnter, ringFd, (nint)toSubmit, (nint)minComplete, (nint)(uint)flags, 0, 0));
        }

        KernelTimespec timespec;
        timespec.Seconds = timeoutNanoseconds / 1_000_000_000;
        timespec.Nanoseconds = timeoutNanoseconds % 1_000_000_000;
        IoUringGetEventsArg arg = default;
        arg.Timespec = timeoutNanoseconds < 0 ? 0 : (ulong)&timespec;
        return (int)Check(Syscall(SysIoUringEnter, ringFd, (nint)toSubmit, (nint)minComplete, (nint)(uint)flags,
            (nint)(&arg), sizeof(IoUringGetEventsArg)));
    }

    /// <summary>io_uring_register(fd, opcode, arg, count): a non-negative result, or −errno.</summary>
    public static int IoUringRegister(int ringFd, IoUringRegisterOpcode opcode, void* arg, uint count) =>
        (int)Check(Syscall(SysIoUringRegister, ringFd, (nint)(uint)opcode, (nint)arg, (nint)count, 0, 0));

    /// <summary>mmap: the address, or 0 with <paramref name="errno"/> set.</summary>
    public static nint Map(nuint length, int protection, int flags, int fd, long offset, out int errno)
    {
        nint address = Mmap(0, length, protection, flags, fd, offset);
        if (address == -1)
        {
            errno = Marshal.GetLastPInvokeError();
            return 0;
        }

        errno = 0;
        return address;
    }

    /// <summary>munmap; 0 or −errno.</summary>
    public static int Unmap(nint address, nuint length) => (int)Check(Munmap(address, length));

    /// <summary>eventfd(0, EFD_CLOEXEC): blocking, so an io_uring READ on it waits rather than failing with EAGAIN.</summary>
    public static int EventFd() => (int)Check(Libc.EventFd(0, Libc.EFD_CLOEXEC));

    /// <summary>close; 0 or −errno.</summary>
    public static int Close(int fd) => (int)Check(Libc.Close(fd));

    /// <summary>Adds 1 to an eventfd counter; 8 or −errno.</summary>
    public static int EventFdSignal(int fd)
    {
        ulong one = 1;
        return (int)Check(Libc.Write(fd, &one, sizeof(ulong)));
    }

    /// <summary>write; bytes or −errno.</summary>
    public static int Write(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            return (int)Check(Libc.Write(fd, p, (nuint)data.Length));
        }
    }

    /// <summary>read; bytes or −errno.</summary>
    public static int Read(int fd, Span<byte> data)
    {
        fixed (byte* p = data)
        {
            return (int)Check(Libc.Read(fd, p, (nuint)data.Length));
        }
    }

    private static nint Check(nint result) => result < 0 ? -Marshal.GetLastPInvokeError() : result;
}
