namespace Tina.Io.Interop;

/// <summary>
/// The error numbers the reactor acts on, with Linux values. They are Tina's error numbering on every platform: the
/// IOCP backend translates Windows codes into them, and the simulator produces them, so
/// <see cref="IoResult.OsError"/> means the same everywhere.
/// </summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EINVAL = 22;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int EPIPE = 32;
    public const int ENOSYS = 38;
    public const int ETIME = 62;
    public const int EBADR = 53;
    public const int EPROTO = 71;
    public const int ENOTSOCK = 88;
    public const int EOPNOTSUPP = 95;
    public const int EAFNOSUPPORT = 97;
    public const int EADDRINUSE = 98;
    public const int EADDRNOTAVAIL = 99;
    public const int ENETDOWN = 100;
    public const int ENETUNREACH = 101;
    public const int ECONNABORTED = 103;
    public const int ECONNRESET = 104;
    public const int ENOBUFS = 105;
    public const int EISCONN = 106;
    public const int ENOTCONN = 107;
    public const int ETIMEDOUT = 110;
    public const int ECONNREFUSED = 111;
    public const int EHOSTUNREACH = 113;
    public const int EALREADY = 114;
    public const int EINPROGRESS = 115;
    public const int ECANCELED = 125;

    /// <summary>The symbolic name of <paramref name="errno"/> (positive) for the boot log's reasons, or its number.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        EINTR => "EINTR",
        EBADF => "EBADF",
        EAGAIN => "EAGAIN",
        ENOMEM => "ENOMEM",
        EBUSY => "EBUSY",
        EEXIST => "EEXIST",
        EINVAL => "EINVAL",
        EMFILE => "EMFILE",
        ENOSYS => "ENOSYS",
        ETIME => "ETIME",
        EBADR => "EBADR",
        EOPNOTSUPP => "EOPNOTSUPP",
        ENOBUFS => "ENOBUFS",
        ECONNREFUSED => "ECONNREFUSED",
        ECANCELED => "ECANCELED",
        _ => "errno " + errno.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Out of descriptors or kernel memory: an accept should pause, not retry at once.</summary>
    public static bool IsResourceExhaustion(int errno) => errno is EMFILE or ENFILE or ENOBUFS or ENOMEM;

    /// <summary>The pending connection went away before it was accepted: accept the next one.</summary>
    public static bool IsTransientAccept(int errno) => errno is ECONNABORTED or EINTR or EAGAIN or EPROTO or EPERM;
}
