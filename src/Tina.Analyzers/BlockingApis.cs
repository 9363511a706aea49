using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Tina.Analyzers;

/// <summary>
/// The members that block the calling thread (TINA002), by declaring type and member name (every overload), each
/// with what a handler does instead. A member is matched on the type that declares it, so <c>Mutex.WaitOne</c> is
/// <c>WaitHandle.WaitOne</c> and <c>FileStream.Read</c> is matched only when the receiver's static type is a
/// FileStream (a plain <c>Stream</c> may be a memory stream: not reported).
/// </summary>
internal sealed class BlockingApis
{
    private const string AllMembers = "*";

    private const string Timer = "a timer (ctx.RegisterTimer) and handle its Timer message";
    private const string NoLock = "nothing: an isolate's state belongs to its shard alone, so it needs no lock; share through messages";
    private const string TaskResult = "ctx.Call and its Reply message, or keep task-based work outside the shard (TinaClient, Tina.Hosting)";
    private const string FileIo = "a file worker outside the shard (a hosted service reached by message), never the shard thread";
    private const string SocketIo = "Tina.Io's effects (ctx.Connect, ctx.Send, ctx.Receive, ctx.Accept)";
    private const string ConsoleIo = "ctx.Log (drained to the log sink off the hot path)";

    private static readonly (string Type, string[] Members, string Instead)[] Table =
    {
        ("System.Threading.Thread", new[] { "Sleep", "Join", "SpinWait" }, Timer),
        ("System.Threading.Tasks.Task", new[] { "Wait", "WaitAll", "WaitAny", "RunSynchronously" }, TaskResult),
        ("System.Threading.Tasks.Task`1", new[] { "Result" }, TaskResult),
        ("System.Threading.Tasks.ValueTask`1", new[] { "Result" }, TaskResult),
        ("System.Runtime.CompilerServices.TaskAwaiter", new[] { "GetResult" }, TaskResult),
        ("System.Runtime.CompilerServices.TaskAwaiter`1", new[] { "GetResult" }, TaskResult),
        ("System.Runtime.CompilerServices.ValueTaskAwaiter", new[] { "GetResult" }, TaskResult),
        ("System.Runtime.CompilerServices.ValueTaskAwaiter`1", new[] { "GetResult" }, TaskResult),
        ("System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter", new[] { "GetResult" }, TaskResult),
        ("System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter", new[] { "GetResult" }, TaskResult),
        ("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable+ConfiguredValueTaskAwaiter", new[] { "GetResult" }, TaskResult),
        ("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1+ConfiguredValueTaskAwaiter", new[] { "GetResult" }, TaskResult),
        ("System.Threading.Monitor", new[] { AllMembers }, NoLock),
        ("System.Threading.Lock", new[] { "Enter", "TryEnter", "EnterScope" }, NoLock),
        ("System.Threading.SpinLock", new[] { "Enter", "TryEnter" }, NoLock),
        ("System.Threading.ReaderWriterLockSlim", new[] { "EnterReadLock", "EnterWriteLock", "EnterUpgradeableReadLock", "TryEnterReadLock", "TryEnterWriteLock", "TryEnterUpgradeableReadLock" }, NoLock),
        ("System.Threading.SemaphoreSlim", new[] { "Wait" }, NoLock),
        ("System.Threading.WaitHandle", new[] { "WaitOne", "WaitAll", "WaitAny", "SignalAndWait" }, NoLock),
        ("System.Threading.ManualResetEventSlim", new[] { "Wait" }, NoLock),
        ("System.Threading.CountdownEvent", new[] { "Wait" }, NoLock),
        ("System.Threading.Barrier", new[] { "SignalAndWait" }, NoLock),
        ("System.Threading.SpinWait", new[] { "SpinUntil" }, Timer),
        ("System.IO.File", new[] { AllMembers }, FileIo),
        ("System.IO.FileStream", new[] { ".ctor", "Read", "ReadByte", "Write", "WriteByte", "Flush", "CopyTo", "SetLength", "Lock", "Unlock" }, FileIo),
        ("System.IO.RandomAccess", new[] { "Read", "Write", "FlushToDisk" }, FileIo),
        ("System.Net.Sockets.Socket", new[] { "Send", "SendTo", "SendFile", "SendPackets", "Receive", "ReceiveFrom", "ReceiveMessageFrom", "Connect", "Accept", "Disconnect", "Poll", "Select" }, SocketIo),
        ("System.Net.Sockets.TcpClient", new[] { "Connect" }, SocketIo),
        ("System.Net.Sockets.TcpListener", new[] { "AcceptSocket", "AcceptTcpClient" }, SocketIo),
        ("System.Net.Sockets.UdpClient", new[] { "Send", "Receive" }, SocketIo),
        ("System.Net.Sockets.NetworkStream", new[] { "Read", "ReadByte", "Write", "WriteByte" }, SocketIo),
        ("System.Net.Http.HttpClient", new[] { "Send" }, SocketIo),
        ("System.Console", new[] { "ReadLine", "Read", "ReadKey", "Write", "WriteLine", "Out", "Error", "In" }, ConsoleIo),
        ("System.Diagnostics.Process", new[] { "WaitForExit", "WaitForInputIdle" }, Timer),
    };

    private readonly Dictionary<INamedTypeSymbol, (HashSet<string> Members, string Instead)> _byType = new(SymbolEqualityComparer.Default);

    public BlockingApis(Compilation compilation)
    {
        foreach ((string typeName, string[] members, string instead) in Table)
        {
            INamedTypeSymbol? type = compilation.GetTypeByMetadataName(typeName);
            if (type is not null)
            {
                _byType[type] = (new HashSet<string>(members, System.StringComparer.Ordinal), instead);
            }
        }
    }

    /// <summary>True when <paramref name="member"/> blocks; <paramref name="instead"/> says what a handler does instead.</summary>
    public bool IsBlocking(ISymbol member, out string instead)
    {
        instead = string.Empty;
        INamedTypeSymbol? type = member.ContainingType?.OriginalDefinition;
        if (type is null || !_byType.TryGetValue(type, out (HashSet<string> Members, string Instead) entry))
        {
            return false;
        }

        if (!entry.Members.Contains(AllMembers) && !entry.Members.Contains(member.Name))
        {
            return false;
        }

        instead = entry.Instead;
        return true;
    }

    /// <summary>What to do instead of a <c>lock</c> statement.</summary>
    public static string InsteadOfLock => NoLock;
}
