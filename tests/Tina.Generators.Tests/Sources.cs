namespace Tina.Generators.Tests;

/// <summary>Test-source scaffolding: the usings and message types every case shares.</summary>
internal static class Sources
{
    public const string Prelude = """
        using System;
        using Tina;

        namespace App;

        public readonly record struct Job(int Id);
        public readonly record struct Quit;
        public readonly record struct Pong(int Value);
        public readonly record struct Holder(string Text);

        """;

    /// <summary>A [TinaHandlers] struct around <paramref name="members"/>, with optional extra attributes.</summary>
    public static string Isolate(string members, string attributes = "") => Prelude + $$"""
        [TinaHandlers]
        {{attributes}}
        public partial struct Worker
        {
        {{members}}
        }
        """;
}
