using System;

namespace Tina.Io;

/// <summary>
/// The outcome of one I/O operation: either a byte count, or a typed error (framework kind, plus the OS error
/// number when the kind is <see cref="IoErrorKind.Os"/>). A byte count and an error cannot be mistaken for each
/// other: the accessors refuse the wrong reading.
/// </summary>
public readonly struct IoResult : IEquatable<IoResult>
{
    private readonly int _value;   // bytes when Kind is None, the errno when Kind is Os, 0 otherwise

    private IoResult(IoErrorKind kind, int value)
    {
        Kind = kind;
        _value = value;
    }

    /// <summary>The error kind; <see cref="IoErrorKind.None"/> on success.</summary>
    public IoErrorKind Kind { get; }

    /// <summary>True when the operation succeeded.</summary>
    public bool IsSuccess => Kind == IoErrorKind.None;

    /// <summary>The bytes transferred; throws when the result is an error.</summary>
    public int Bytes => IsSuccess ? _value : throw new InvalidOperationException($"The I/O operation failed ({this}); it has no byte count.");

    /// <summary>The OS error number; throws unless <see cref="Kind"/> is <see cref="IoErrorKind.Os"/>.</summary>
    public int OsError => Kind == IoErrorKind.Os ? _value : throw new InvalidOperationException($"The result is {this}, not an OS error.");

    /// <summary>A success carrying a byte count (0 or more).</summary>
    public static IoResult FromBytes(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return new IoResult(IoErrorKind.None, bytes);
    }

    /// <summary>An OS failure with its positive error number.</summary>
    public static IoResult FromOsError(int errno)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(errno);
        return new IoResult(IoErrorKind.Os, errno);
    }

    /// <summary>A framework failure.</summary>
    public static IoResult FromError(IoErrorKind kind)
    {
        if (kind is IoErrorKind.None or IoErrorKind.Os)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Use FromBytes or FromOsError for these kinds.");
        }

        return new IoResult(kind, 0);
    }

    /// <summary>Converts a kernel-style result (bytes, or −errno) into a typed result.</summary>
    public static IoResult FromKernel(int result) => result >= 0 ? FromBytes(result) : FromOsError(-result);

    /// <inheritdoc />
    public bool Equals(IoResult other) => Kind == other.Kind && _value == other._value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IoResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, _value);

    /// <summary>Compares kind and value.</summary>
    public static bool operator ==(IoResult left, IoResult right) => left.Equals(right);

    /// <summary>Compares kind and value.</summary>
    public static bool operator !=(IoResult left, IoResult right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        IoErrorKind.None => $"{_value} bytes",
        IoErrorKind.Os => $"OS error {_value}",
        _ => Kind.ToString(),
    };
}
