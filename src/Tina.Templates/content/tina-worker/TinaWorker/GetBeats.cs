namespace TinaWorker;

/// <summary>Asks a <see cref="Heartbeat"/> how many beats it has made; the reply is <see cref="Beats"/>.</summary>
public readonly record struct GetBeats;

/// <summary>The reply to <see cref="GetBeats"/>.</summary>
/// <param name="Count">Beats since the isolate started.</param>
public readonly record struct Beats(long Count);
