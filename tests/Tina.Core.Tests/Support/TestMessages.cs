namespace Tina.Tests.Support;

public readonly record struct Add(int Amount);

public readonly record struct Get;

public readonly record struct Total(long Value);

public readonly record struct Ping(long Sequence);

public readonly record struct Pong(long Sequence);
