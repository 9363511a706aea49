using System;
using NUnit.Framework;

namespace Tina.Io.Tests.Contract;

/// <summary>The contract on Linux epoll (real loopback sockets).</summary>
[TestFixture]
[Platform("Linux")]
public sealed class EpollContractTests : IoContractTests
{
    protected override IoBackendKind Backend => IoBackendKind.Epoll;
}
