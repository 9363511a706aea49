using System;
using Tina.Isolates;

namespace Tina;

/// <summary>Capacities of one isolate type, per shard. Create through <see cref="TinaSpec.AddIsolate{T}(int, int, int)"/>.</summary>
public sealed class IsolateTypeSpec
{
    /// <summary>Largest <see cref="Slots"/>.</summary>
    public const int SlotsMax = Handle.SlotMax + 1;
    /// <summary>Largest <see cref="MailboxCapacity"/>.</summary>
    public const int MailboxCapacityMax = 65536;
    /// <summary>Largest <see cref="BudgetWeight"/>.</summary>
    public const int BudgetWeightMax = 255;
    /// <summary>Largest <see cref="MaxOwedReplies"/>.</summary>
    public const int MaxOwedRepliesMax = 1024;

    private readonly Func<int, IsolateTypeSpec, IsolateTable> _tableFactory;

    internal IsolateTypeSpec(Type isolateType, Func<int, IsolateTypeSpec, IsolateTable> tableFactory)
    {
        IsolateType = isolateType;
        _tableFactory = tableFactory;
    }

    /// <summary>The isolate's CLR type.</summary>
    public Type IsolateType { get; }

    /// <summary>Isolates of this type each shard can hold at once (1..1,048,576). Default 64.</summary>
    public int Slots { get; set; } = 64;

    /// <summary>User messages one isolate can have queued (1..65,536). Default 64.</summary>
    public int MailboxCapacity { get; set; } = 64;

    /// <summary>
    /// Share of each tick's dispatch budget: the type gets <c>BudgetWeight × TinaSpec.DispatchQuantum</c> handler
    /// invocations per tick (1..255). Default 1.
    /// </summary>
    public int BudgetWeight { get; set; } = 1;

    /// <summary>Deferred replies one isolate may owe at once (0..1,024). Default 8.</summary>
    public int MaxOwedReplies { get; set; } = 8;

    internal IsolateTable CreateTable(int typeIndex) => _tableFactory(typeIndex, this);
}
