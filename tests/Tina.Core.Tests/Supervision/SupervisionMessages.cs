namespace Tina.Tests.Supervision;

/// <summary>Tells a <see cref="Child"/> how to end: 0 Done (Ok), 1 Crash (Error), 2 throw (Panicked).</summary>
public readonly record struct ExitWith(int How);

public readonly record struct Bump;

/// <summary>A supervised child that ends as told and otherwise just receives.</summary>
public sealed class Child : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out ExitWith exit))
        {
            return exit.How switch
            {
                0 => Effect.Done,
                1 => Effect.CrashWith(7),
                _ => throw new System.InvalidOperationException("child told to throw"),
            };
        }

        return Effect.Receive;
    }
}
