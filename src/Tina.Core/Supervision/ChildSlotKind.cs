namespace Tina.Supervision;

/// <summary>What a supervisor's child slot holds.</summary>
internal enum ChildSlotKind : byte
{
    /// <summary>A free dynamic slot.</summary>
    Empty = 0,
    /// <summary>An isolate child.</summary>
    Isolate = 1,
    /// <summary>A nested supervisor group.</summary>
    Group = 2,
}
