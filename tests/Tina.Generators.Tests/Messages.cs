namespace Tina.Generators.Tests;

/// <summary>A request: one-way or as a call (answered with <see cref="Pong"/>).</summary>
public readonly record struct Ping(int Value);

/// <summary>The answer to a <see cref="Ping"/> call.</summary>
public readonly record struct Pong(int Value);

/// <summary>A one-way note; its handler also reads the header.</summary>
public readonly record struct Note(int Value);

/// <summary>Registers a timer with this tag.</summary>
public readonly record struct Arm(long Tag);

/// <summary>Spawns an <see cref="Echo"/>, watches it and tells it to quit: a Down follows.</summary>
public readonly record struct WatchChild;

/// <summary>Spawns an <see cref="Echo"/> and calls it: with a Ping (a Pong reply) or, when Unknown, a Note (a failed reply).</summary>
public readonly record struct AskEcho(bool Unknown);

/// <summary>Ends the isolate.</summary>
public readonly record struct Quit;

/// <summary>No typed handler takes it: the catch-all does.</summary>
public readonly record struct Stray(int Value);
