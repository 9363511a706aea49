using System;

namespace Tina.Scheduling;

/// <summary>The exception a simulated handler fault throws; never thrown outside simulation.</summary>
internal sealed class InjectedFaultException : Exception
{
    public InjectedFaultException()
        : base("fault injected by the simulator")
    {
    }

    public InjectedFaultException(string message)
        : base(message)
    {
    }

    public InjectedFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
