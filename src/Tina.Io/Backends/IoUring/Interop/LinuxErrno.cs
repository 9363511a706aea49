namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>Linux errno values (asm-generic; the same on x86-64 and arm64) and their names for logs.</summary>
internal static class LinuxErrno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EINVAL = 22;
    public const int EMFILE = 24;
    public const int ENOSYS = 38;
    public const int ETIME = 62;
    public const int EOPNOTSUPP = 95;
    public const int ENOBUFS = 105;
    public const int ECONNREFUSED = 111;
    public const int ECANCELED = 125;

    /// <summary>The symbolic name of <paramref name="errno"/> (positive), or its number.</summary>
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
        EOPNOTSUPP => "EOPNOTSUPP",
        ENOBUFS => "ENOBUFS",
        ECONNREFUSED => "ECONNREFUSED",
        ECANCELED => "ECANCELED",
        _ => "errno " + errno.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
