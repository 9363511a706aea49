using System;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>IORING_FEAT_* bits the kernel reports in io_uring_params.features.</summary>
[Flags]
internal enum IoUringFeatures : uint
{
    None = 0,
    SingleMmap = 1u << 0,
    NoDrop = 1u << 1,
    SubmitStable = 1u << 2,
    RwCurPos = 1u << 3,
    CurPersonality = 1u << 4,
    FastPoll = 1u << 5,
    Poll32Bits = 1u << 6,
    SqPollNonFixed = 1u << 7,
    ExtArg = 1u << 8,
    NativeWorkers = 1u << 9,
    ResourceTags = 1u << 10,
    CqeSkip = 1u << 11,
    LinkedFile = 1u << 12,
    RegisterRegisteredRing = 1u << 13,
    RecvSendBundle = 1u << 14,
    MinTimeout = 1u << 15,
    RwAttr = 1u << 16,
    NoIowait = 1u << 17,
}
