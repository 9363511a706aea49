using System;

namespace Tina;

/// <summary>A boot-spec field is invalid. Thrown before any shard thread starts; nothing is left running.</summary>
public sealed class TinaConfigurationException : Exception
{
    /// <summary>Creates the exception for one field.</summary>
    /// <param name="field">The field's path, for example <c>Isolates[1].MailboxCapacity</c>.</param>
    /// <param name="value">The rejected value, formatted.</param>
    /// <param name="allowed">What would be valid.</param>
    public TinaConfigurationException(string field, string value, string allowed)
        : base($"{field} = {value}: {allowed}")
    {
        Field = field;
        Value = value;
        Allowed = allowed;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public TinaConfigurationException()
        : this("(unknown)", "(unknown)", "invalid")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public TinaConfigurationException(string message)
        : base(message)
    {
        Field = "(unknown)";
        Value = "(unknown)";
        Allowed = message;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TinaConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "(unknown)";
        Value = "(unknown)";
        Allowed = message;
    }

    /// <summary>The invalid field's path.</summary>
    public string Field { get; }

    /// <summary>The rejected value.</summary>
    public string Value { get; }

    /// <summary>The allowed range or form.</summary>
    public string Allowed { get; }
}
